//! Programmes (templates of numbered sessions with a completion rule) and
//! the schedule of a cohort that runs one.
//!
//! Source: `shared/domain/programme-and-attendance.md` ("Programmes,
//! cohorts, sessions"). A programme's sessions are numbered 1..=n without
//! gaps; a cohort gets one session per number, the first at a chosen London
//! time and the rest every `interval_days` at the same London wall-clock
//! time (so a clock change does not move a 7 pm session to 6 pm).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::code::coded_enum;
use super::london_time::{from_london, to_london};
use super::validation::FieldErrors;

coded_enum!(
    /// Whether a cohort's session still counts.
    SessionState {
        /// Will run, or ran.
        Scheduled => "scheduled", "Scheduled";
        /// Will not run (a reason is kept).
        Cancelled => "cancelled", "Cancelled";
        /// Replaced by a rescheduled session; kept, with any marks, out of the counts.
        Superseded => "superseded", "Superseded";
    }
);

coded_enum!(
    /// How far a man has come towards one of the programme's aims.
    AimRating {
        Achieved => "achieved", "Achieved";
        PartiallyAchieved => "partially_achieved", "Partially achieved";
        NotAchieved => "not_achieved", "Not achieved";
    }
);

impl SessionState {
    /// Does a session in this state count in attendance figures?
    pub fn counts(self) -> bool {
        matches!(self, SessionState::Scheduled)
    }
}

/// Most sessions a programme can have.
pub const MAX_SESSIONS: usize = 52;
/// Shortest and longest session, in minutes.
pub const SESSION_MINUTES: std::ops::RangeInclusive<i32> = 15..=480;
/// Largest group any programme allows.
pub const MAX_GROUP_SIZE: i32 = 30;
/// Longest gap between generated sessions, in days.
pub const MAX_INTERVAL_DAYS: i32 = 28;
/// Longest name, title, code or venue.
pub const MAX_TEXT_CHARS: usize = 200;

/// When a man has completed the programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionRule {
    /// At least this many different sessions attended and complied with.
    MinAttended(i32),
    /// Every session marked core attended and complied with.
    AllCore,
}

impl CompletionRule {
    /// Is the rule met by these completed session numbers?
    pub fn is_met(self, done: &[i32], programme: &[(i32, bool)]) -> bool {
        self.remaining(done, programme) == 0
    }

    /// How many more session numbers he must complete.
    pub fn remaining(self, done: &[i32], programme: &[(i32, bool)]) -> u32 {
        match self {
            CompletionRule::MinAttended(n) => (n - done.len() as i32).max(0) as u32,
            CompletionRule::AllCore => programme
                .iter()
                .filter(|(number, core)| *core && !done.contains(number))
                .count() as u32,
        }
    }

    /// The rule in words.
    pub fn describe(self) -> String {
        match self {
            CompletionRule::MinAttended(n) => format!("attend at least {n} sessions"),
            CompletionRule::AllCore => "attend every core session".to_string(),
        }
    }
}

/// One session of a programme as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSpec {
    pub number: i32,
    pub title: String,
    pub minutes: i32,
    pub core: bool,
}

/// A programme as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgrammeSpec {
    pub name: String,
    pub sessions: Vec<SessionSpec>,
    pub aims: Vec<String>,
    pub rule: CompletionRule,
    pub max_group_size: i32,
}

/// A required short text (name, title, code, venue): not blank, at most
/// [`MAX_TEXT_CHARS`]; a problem is added under `field`.
pub fn check_text(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        errors.add(field, format!("Enter the {what}"));
    } else if value.chars().count() > MAX_TEXT_CHARS {
        errors.add(
            field,
            format!("Keep the {what} under {MAX_TEXT_CHARS} characters"),
        );
    }
}

/// Check a programme; every problem is named by its field.
pub fn check_programme(p: &ProgrammeSpec) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    check_text(&mut errors, "name", &p.name, "programme name");
    if p.sessions.is_empty() || p.sessions.len() > MAX_SESSIONS {
        errors.add(
            "sessions",
            format!("List between 1 and {MAX_SESSIONS} sessions"),
        );
    }
    for (i, s) in p.sessions.iter().enumerate() {
        if s.number != i as i32 + 1 {
            errors.add(
                &format!("sessions[{i}].number"),
                format!(
                    "Number the sessions 1, 2, 3... in order (expected {})",
                    i + 1
                ),
            );
        }
        check_text(
            &mut errors,
            &format!("sessions[{i}].title"),
            &s.title,
            "session title",
        );
        if !SESSION_MINUTES.contains(&s.minutes) {
            errors.add(
                &format!("sessions[{i}].minutes"),
                format!(
                    "A session lasts between {} and {} minutes",
                    SESSION_MINUTES.start(),
                    SESSION_MINUTES.end()
                ),
            );
        }
    }
    for (i, aim) in p.aims.iter().enumerate() {
        check_text(&mut errors, &format!("aims[{i}]"), aim, "aim");
    }
    match p.rule {
        CompletionRule::MinAttended(n) if n < 1 || n as usize > p.sessions.len().max(1) => {
            errors.add(
                "completion_rule.min_attended",
                "The number to attend must be between 1 and the number of sessions",
            );
        }
        CompletionRule::AllCore if !p.sessions.iter().any(|s| s.core) => errors.add(
            "completion_rule.all_core",
            "Mark at least one session as core, or give a number to attend",
        ),
        _ => {}
    }
    if !(1..=MAX_GROUP_SIZE).contains(&p.max_group_size) {
        errors.add(
            "max_group_size",
            format!("The group size must be between 1 and {MAX_GROUP_SIZE}"),
        );
    }
    errors.into_result()
}

/// Check a cohort's capacity against its programme's limit.
pub fn check_capacity(capacity: i32, max_group_size: i32) -> Result<(), String> {
    if capacity < 1 {
        Err("The capacity must be at least 1".into())
    } else if capacity > max_group_size {
        Err(format!(
            "This programme allows groups of at most {max_group_size}"
        ))
    } else {
        Ok(())
    }
}

/// Check the gap between generated sessions.
pub fn check_interval(days: i32) -> Result<(), String> {
    if (1..=MAX_INTERVAL_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(format!(
            "Sessions are between 1 and {MAX_INTERVAL_DAYS} days apart"
        ))
    }
}

/// The start of each of `count` sessions: the first at `first`, then every
/// `interval_days` at the same London wall-clock time.
pub fn schedule(first: DateTime<Utc>, interval_days: i32, count: usize) -> Vec<DateTime<Utc>> {
    let local = to_london(first);
    (0..count)
        .map(|i| from_london(local + Duration::days(i as i64 * i64::from(interval_days))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::london_time::to_london;

    fn spec() -> ProgrammeSpec {
        ProgrammeSpec {
            name: "Awareness".into(),
            sessions: (1..=4)
                .map(|n| SessionSpec {
                    number: n,
                    title: format!("Session {n}"),
                    minutes: 120,
                    core: n != 4,
                })
                .collect(),
            aims: vec!["Understand the harm to women".into()],
            rule: CompletionRule::MinAttended(3),
            max_group_size: 12,
        }
    }

    #[test]
    fn a_programme_is_checked_field_by_field() {
        assert_eq!(check_programme(&spec()), Ok(()));
        let mut gap = spec();
        gap.sessions[2].number = 5;
        gap.rule = CompletionRule::MinAttended(9);
        gap.max_group_size = 0;
        let errors = check_programme(&gap).expect_err("refused");
        assert!(errors.get("sessions[2].number").is_some());
        assert!(errors.get("completion_rule.min_attended").is_some());
        assert!(errors.get("max_group_size").is_some());
    }

    #[test]
    fn all_core_counts_only_core_sessions() {
        let programme = [(1, true), (2, true), (3, false)];
        assert_eq!(CompletionRule::AllCore.remaining(&[1], &programme), 1);
        assert!(CompletionRule::AllCore.is_met(&[1, 2], &programme));
        assert!(!CompletionRule::MinAttended(3).is_met(&[1, 2], &programme));
    }

    #[test]
    fn a_weekly_schedule_keeps_the_london_time_across_the_clock_change() {
        // 7 pm in London on Tuesday 23 March 2027 (GMT); the clocks go forward on 28 March
        let first = DateTime::parse_from_rfc3339("2027-03-23T19:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let s = schedule(first, 7, 3);
        assert_eq!(s.len(), 3);
        for at in &s {
            assert_eq!(to_london(*at).format("%H:%M").to_string(), "19:00");
        }
        assert_eq!(s[1].to_rfc3339(), "2027-03-30T18:00:00+00:00");
    }
}
