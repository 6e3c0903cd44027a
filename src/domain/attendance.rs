//! Attendance: the six outcomes a facilitator records for a man at a
//! session, and the figures derived from them for one enrolment.
//!
//! Source: `shared/domain/programme-and-attendance.md` ("Attendance
//! outcomes"). Each outcome carries two flags, *attended* and *complied*;
//! everything else (counts, rate, completion) is computed from those flags,
//! never from outcome names.
//!
//! Flow: the register saves one [`MarkInput`] per man, checked by
//! [`check_mark`]; [`figures`] reads the current mark of each session that
//! still counts (not cancelled, not superseded) and the programme's
//! [`CompletionRule`].
//!
//! Definitions used in the figures (the specification leaves them open):
//! - *held*: sessions of his cohort that have taken place and still count
//!   (a catch-up only when he was marked at it);
//! - *attended*: outcomes with the attended flag;
//! - *expected*: marked outcomes except `sent_home_service_issue` (the
//!   service's failure, not his);
//! - *attendance rate*: attended / expected;
//! - a session counts towards completion when he attended **and** complied;
//!   a catch-up for session number N counts for N, each number once.

use chrono::NaiveDate;
use serde::Serialize;

use super::code::coded_enum;
use super::programme::CompletionRule;

coded_enum!(
    /// What happened to one man at one session.
    Outcome {
        /// Came and took part.
        AttendedComplied => "attended_complied", "Attended and complied";
        /// Came but was disruptive or did not take part.
        AttendedFailedToComply => "attended_failed_to_comply", "Attended, failed to comply";
        /// Came and was sent home for his behaviour.
        SentHomeBehaviour => "sent_home_behaviour", "Sent home: behaviour";
        /// Came and was sent home because the session could not run.
        SentHomeServiceIssue => "sent_home_service_issue", "Sent home: service issue";
        /// Absent with a reason accepted (the reason is required).
        AcceptableAbsence => "acceptable_absence", "Acceptable absence";
        /// Absent without a reason accepted.
        UnacceptableAbsence => "unacceptable_absence", "Unacceptable absence";
    }
);

impl Outcome {
    /// Was he there (for the counts)?
    pub fn attended(self) -> bool {
        matches!(
            self,
            Outcome::AttendedComplied
                | Outcome::AttendedFailedToComply
                | Outcome::SentHomeBehaviour
        )
    }

    /// Did he do what was required of him?
    pub fn complied(self) -> bool {
        matches!(
            self,
            Outcome::AttendedComplied | Outcome::SentHomeServiceIssue | Outcome::AcceptableAbsence
        )
    }

    /// Was attendance expected of him (everything but the service's own failure)?
    pub fn expected(self) -> bool {
        !matches!(self, Outcome::SentHomeServiceIssue)
    }

    /// A failure without reasonable excuse: what enforcement acts on.
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::UnacceptableAbsence)
    }
}

coded_enum!(
    /// Why an absence was accepted.
    AbsenceReason {
        Medical => "medical", "Medical";
        Employment => "employment", "Employment";
        FamilyOrChildcare => "family_or_childcare", "Family or childcare";
        CourtOrLegal => "court_or_legal", "Court or legal";
        Religious => "religious", "Religious";
        AgreedHoliday => "agreed_holiday", "Agreed holiday";
        RemandedInCustody => "remanded_in_custody", "Remanded in custody";
        ProfessionalJudgement => "professional_judgement", "Professional judgement";
        /// Requires a note saying what.
        Other => "other", "Other (say what in the note)";
    }
);

/// The most minutes late a mark can record (a session's length at most).
pub const MAX_MINUTES_LATE: i32 = 480;

/// The longest note on a mark.
pub const MAX_NOTE_CHARS: usize = 2000;

/// One man's mark as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkInput {
    pub outcome: Outcome,
    pub minutes_late: Option<i32>,
    pub absence_reason: Option<AbsenceReason>,
    pub note: Option<String>,
    pub notify_probation: bool,
}

/// Check one mark; the error is the field at fault and what to do.
pub fn check_mark(m: &MarkInput) -> Result<(), (&'static str, String)> {
    if let Some(late) = m.minutes_late {
        if !m.outcome.attended() {
            return Err((
                "minutes_late",
                "Minutes late only apply when he attended".into(),
            ));
        }
        if !(0..=MAX_MINUTES_LATE).contains(&late) {
            return Err((
                "minutes_late",
                format!("Minutes late must be between 0 and {MAX_MINUTES_LATE}"),
            ));
        }
    }
    match (m.outcome, m.absence_reason) {
        (Outcome::AcceptableAbsence, None) => {
            return Err((
                "absence_reason",
                "Choose the reason the absence was accepted".into(),
            ));
        }
        (Outcome::AcceptableAbsence, Some(_)) => {}
        (_, Some(_)) => {
            return Err((
                "absence_reason",
                "A reason only applies to an acceptable absence".into(),
            ));
        }
        (_, None) => {}
    }
    let note = m.note.as_deref().map(str::trim).unwrap_or_default();
    if m.absence_reason == Some(AbsenceReason::Other) && note.is_empty() {
        return Err(("note", "Say in the note what the other reason was".into()));
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err((
            "note",
            format!("Keep the note under {MAX_NOTE_CHARS} characters"),
        ));
    }
    if m.notify_probation && note.is_empty() {
        return Err((
            "note",
            "Write the note probation should read when you ask to notify them".into(),
        ));
    }
    Ok(())
}

/// Does a new mark differ from the saved one (so a correction reason is needed)?
pub fn differs(saved: &MarkInput, new: &MarkInput) -> bool {
    saved.outcome != new.outcome
        || saved.minutes_late != new.minutes_late
        || saved.absence_reason != new.absence_reason
}

/// One session of his cohort as the figures see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// The programme session number it delivers (a catch-up repeats one).
    pub number: i32,
    /// Is it a core session of the programme?
    pub core: bool,
    /// The London date it was (or is) held.
    pub date: NaiveDate,
    /// Cancelled or superseded sessions do not count.
    pub counts: bool,
    /// A catch-up counts for him only if he was marked at it (it is for the
    /// men who missed that session number).
    pub catch_up: bool,
    /// His current mark, if any.
    pub outcome: Option<Outcome>,
}

/// The derived figures for one enrolment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub held: u32,
    pub attended: u32,
    pub acceptable_absences: u32,
    pub unacceptable_absences: u32,
    /// Held sessions with no mark yet.
    pub unmarked: u32,
    /// Attended / expected, when anything was expected.
    pub attendance_rate: Option<f64>,
    /// Programme session numbers still to complete.
    pub sessions_remaining: u32,
    /// The date the completion rule was met, if it was.
    pub completed_on: Option<NaiveDate>,
}

/// The figures for one enrolment on `today`. `programme` lists each session
/// number of the programme with whether it is core.
pub fn figures(
    sessions: &[SessionRecord],
    programme: &[(i32, bool)],
    rule: CompletionRule,
    today: NaiveDate,
) -> Figures {
    let mut counting: Vec<&SessionRecord> = sessions
        .iter()
        .filter(|s| s.counts && (!s.catch_up || s.outcome.is_some()))
        .collect();
    counting.sort_by_key(|s| s.date);
    let held: Vec<&&SessionRecord> = counting.iter().filter(|s| s.date <= today).collect();
    let outcomes: Vec<Outcome> = counting.iter().filter_map(|s| s.outcome).collect();
    let count = |f: fn(Outcome) -> bool| outcomes.iter().filter(|o| f(**o)).count() as u32;
    let attended = count(Outcome::attended);
    let expected = count(Outcome::expected);
    let mut done: Vec<i32> = Vec::new();
    let mut completed_on = None;
    for s in &counting {
        let Some(o) = s.outcome else { continue };
        if o.attended() && o.complied() && !done.contains(&s.number) {
            done.push(s.number);
            if completed_on.is_none() && rule.is_met(&done, programme) {
                completed_on = Some(s.date);
            }
        }
    }
    Figures {
        held: held.len() as u32,
        attended,
        acceptable_absences: count(|o| o == Outcome::AcceptableAbsence),
        unacceptable_absences: count(Outcome::is_failure),
        unmarked: held.iter().filter(|s| s.outcome.is_none()).count() as u32,
        attendance_rate: (expected > 0).then(|| f64::from(attended) / f64::from(expected)),
        sessions_remaining: rule.remaining(&done, programme),
        completed_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, d).expect("date")
    }

    fn session(number: i32, d: u32, counts: bool, outcome: Option<Outcome>) -> SessionRecord {
        SessionRecord {
            number,
            core: true,
            date: day(d),
            counts,
            catch_up: false,
            outcome,
        }
    }

    const PROGRAMME: &[(i32, bool)] = &[(1, true), (2, true), (3, true)];

    #[test]
    fn the_flags_follow_the_specification_table() {
        use Outcome::*;
        let table = [
            (AttendedComplied, true, true),
            (AttendedFailedToComply, true, false),
            (SentHomeBehaviour, true, false),
            (SentHomeServiceIssue, false, true),
            (AcceptableAbsence, false, true),
            (UnacceptableAbsence, false, false),
        ];
        assert_eq!(table.len(), Outcome::ALL.len());
        for (o, attended, complied) in table {
            assert_eq!((o.attended(), o.complied()), (attended, complied), "{o}");
        }
    }

    #[test]
    fn a_mark_is_checked_field_by_field() {
        let ok = MarkInput {
            outcome: Outcome::AttendedComplied,
            minutes_late: Some(10),
            absence_reason: None,
            note: None,
            notify_probation: false,
        };
        assert_eq!(check_mark(&ok), Ok(()));
        let late_but_absent = MarkInput {
            outcome: Outcome::UnacceptableAbsence,
            ..ok.clone()
        };
        assert_eq!(
            check_mark(&late_but_absent).map_err(|e| e.0),
            Err("minutes_late")
        );
        let no_reason = MarkInput {
            outcome: Outcome::AcceptableAbsence,
            minutes_late: None,
            ..ok.clone()
        };
        assert_eq!(
            check_mark(&no_reason).map_err(|e| e.0),
            Err("absence_reason")
        );
        let other_without_note = MarkInput {
            absence_reason: Some(AbsenceReason::Other),
            ..no_reason.clone()
        };
        assert_eq!(
            check_mark(&other_without_note).map_err(|e| e.0),
            Err("note")
        );
        let notify_without_note = MarkInput {
            notify_probation: true,
            ..ok
        };
        assert_eq!(
            check_mark(&notify_without_note).map_err(|e| e.0),
            Err("note")
        );
    }

    #[test]
    fn a_superseded_session_keeps_its_mark_out_of_the_counts() {
        let sessions = [
            session(1, 4, true, Some(Outcome::AttendedComplied)),
            session(2, 11, false, Some(Outcome::UnacceptableAbsence)),
            session(2, 13, true, Some(Outcome::AttendedComplied)),
            session(3, 18, true, None),
        ];
        let f = figures(&sessions, PROGRAMME, CompletionRule::AllCore, day(20));
        assert_eq!(f.held, 3);
        assert_eq!(f.attended, 2);
        assert_eq!(f.unacceptable_absences, 0);
        assert_eq!(f.unmarked, 1);
        assert_eq!(f.sessions_remaining, 1);
        assert_eq!(f.completed_on, None);
        assert_eq!(f.attendance_rate, Some(1.0));
    }

    #[test]
    fn completion_is_dated_by_the_session_that_met_the_rule() {
        let sessions = [
            session(1, 4, true, Some(Outcome::AttendedComplied)),
            session(2, 11, true, Some(Outcome::AcceptableAbsence)),
            session(3, 18, true, Some(Outcome::AttendedComplied)),
            session(2, 20, true, Some(Outcome::AttendedComplied)),
        ];
        let all = figures(&sessions, PROGRAMME, CompletionRule::AllCore, day(25));
        assert_eq!(
            all.completed_on,
            Some(day(20)),
            "the catch-up completed session 2"
        );
        let two = figures(
            &sessions,
            PROGRAMME,
            CompletionRule::MinAttended(2),
            day(25),
        );
        assert_eq!(two.completed_on, Some(day(18)));
        assert_eq!(two.sessions_remaining, 0);
        assert_eq!(all.acceptable_absences, 1);
        assert_eq!(all.attendance_rate, Some(0.75));
    }

    #[test]
    fn a_catch_up_he_was_not_at_is_not_held_for_him() {
        let mut catch_up = session(2, 13, true, None);
        catch_up.catch_up = true;
        let sessions = [
            session(1, 4, true, Some(Outcome::AttendedComplied)),
            catch_up,
        ];
        let f = figures(&sessions, PROGRAMME, CompletionRule::AllCore, day(20));
        assert_eq!((f.held, f.unmarked), (1, 0));
    }

    #[test]
    fn attending_without_complying_does_not_count_towards_completion() {
        let sessions = [
            session(1, 4, true, Some(Outcome::AttendedFailedToComply)),
            session(2, 11, true, Some(Outcome::SentHomeServiceIssue)),
        ];
        let f = figures(
            &sessions,
            PROGRAMME,
            CompletionRule::MinAttended(1),
            day(25),
        );
        assert_eq!(f.completed_on, None);
        assert_eq!(f.attended, 1);
        assert_eq!(
            f.attendance_rate,
            Some(1.0),
            "the service's failure is not expected of him"
        );
    }
}
