//! Known reoffending recorded in Kerbside, and the one-year figures a board
//! and an evaluator read.
//!
//! Source: ../shared/domain/reoffending-statistics.md. Kerbside does not
//! see the Police National Computer, so nothing here is "proven
//! reoffending": it is [`LABEL`], re-arrests recorded here and cautions or
//! convictions entered from checks.
//!
//! Flow, for the men of one group (completed / enrolled but not completed /
//! assessed but never enrolled) whose index date falls in the period:
//!
//! 1. A man is **eligible** for the one-year rate once the follow-up window
//!    and the waiting period have both passed since his index date, at the
//!    "as of" date; the others are counted as excluded, not yet eligible.
//! 2. A reoffence counts when its offence date falls after the index date
//!    and within the window, and its outcome was known within the window
//!    plus the waiting period.
//! 3. The rate (with its Wilson interval) is eligible men with a counted
//!    reoffence over eligible men; the frequency is counted reoffences per
//!    reoffender.
//! 4. Time to first known reoffence is a Kaplan-Meier estimate over every
//!    man of the group, each followed to the end of the window or the data
//!    cut-off (the "as of" date less the waiting period), whichever is
//!    sooner.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::code::coded_enum;
use super::statistics::{
    Difference, FollowUp, Proportion, Step, kaplan_meier, median_days, newcombe, wilson,
};
use super::validation::FieldErrors;

/// What every figure here is called, and never anything else.
pub const LABEL: &str = "known reoffending recorded in this system";
/// What every comparison here is, said next to it.
pub const UNMATCHED_NOTE: &str = "The groups are not matched: comparisons between them are descriptive and do not show that the programme caused any difference.";
/// The default follow-up window.
pub const DEFAULT_WINDOW_DAYS: i64 = 365;
/// The default waiting period for outcomes to be known (six months).
pub const DEFAULT_WAITING_DAYS: i64 = 183;
/// The longest window and waiting period accepted.
pub const MAX_WINDOW_DAYS: i64 = 3_650;
pub const MAX_WAITING_DAYS: i64 = 730;
/// A group smaller than this is flagged: its rate is shown only with its interval.
pub const SMALL_GROUP: u64 = 10;
/// The longest note of where a reoffence was found.
pub const MAX_SOURCE_CHARS: usize = 200;

coded_enum!(
    /// How a reoffence became known.
    ReoffenceOutcome {
        /// Arrested again (a police event; recorded by itself on a re-arrest).
        Arrest => "arrest", "Re-arrest";
        /// A caution, found by a check.
        Caution => "caution", "Caution";
        /// A conviction, found by a check.
        Conviction => "conviction", "Conviction";
    }
);

coded_enum!(
    /// Where follow-up starts.
    IndexKind {
        /// The date of the first programme session he attended.
        ProgrammeStart => "programme_start", "Programme start (the first session he attended)";
        /// The date of the arrest that led to his referral (the caution or charge).
        Arrest => "arrest", "The arrest that led to his referral";
    }
);

coded_enum!(
    /// The groups compared.
    Group {
        Completed => "completed", "Completed the programme";
        NotCompleted => "not_completed", "Enrolled but did not complete";
        NotEnrolled => "not_enrolled", "Assessed but never enrolled";
    }
);

/// A reoffence entered from a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReoffenceInput {
    pub offence_date: Option<NaiveDate>,
    pub outcome: Option<ReoffenceOutcome>,
    pub outcome_date: Option<NaiveDate>,
    pub source: String,
}

/// Check a reoffence entered by hand: dates not in the future, the outcome
/// not before the offence, and where it was found.
pub fn check_reoffence(r: &ReoffenceInput, today: NaiveDate) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    match r.offence_date {
        None => e.add("offence_date", "Enter the date of the offence"),
        Some(d) if d > today => e.add("offence_date", "The offence date cannot be in the future"),
        Some(_) => {}
    }
    if r.outcome.is_none() {
        e.add(
            "outcome",
            "Choose the outcome: arrest, caution or conviction",
        );
    }
    match (r.outcome_date, r.offence_date) {
        (None, _) => e.add("outcome_date", "Enter the date of the outcome"),
        (Some(d), _) if d > today => {
            e.add("outcome_date", "The outcome date cannot be in the future")
        }
        (Some(d), Some(o)) if d < o => {
            e.add("outcome_date", "The outcome cannot come before the offence")
        }
        _ => {}
    }
    let source = r.source.trim();
    if source.is_empty() {
        e.add("source", "Say where it was found, for example a PNC check");
    } else if source.chars().count() > MAX_SOURCE_CHARS {
        e.add(
            "source",
            format!("Keep the source under {MAX_SOURCE_CHARS} characters"),
        );
    }
    e.into_result()
}

/// What the figures are asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    pub index: IndexKind,
    /// Index dates from `from` to `to`, both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub window_days: i64,
    pub waiting_days: i64,
    pub as_of: NaiveDate,
}

/// How many years of index dates a question covers when no start is given.
pub const DEFAULT_PERIOD_YEARS: u32 = 3;

impl Question {
    /// A question from what was given, the rest by default: index at the
    /// programme start, as of `today`, index dates from
    /// [`DEFAULT_PERIOD_YEARS`] years before the as-of date up to it, the
    /// default window and waiting period. The one home of these defaults
    /// for the page and the API.
    #[allow(clippy::too_many_arguments)]
    pub fn with_defaults(
        index: Option<IndexKind>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        window_days: Option<i64>,
        waiting_days: Option<i64>,
        as_of: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Question {
        let as_of = as_of.unwrap_or(today);
        Question {
            index: index.unwrap_or(IndexKind::ProgrammeStart),
            from: from.unwrap_or_else(|| {
                as_of
                    .checked_sub_months(chrono::Months::new(12 * DEFAULT_PERIOD_YEARS))
                    .unwrap_or(as_of)
            }),
            to: to.unwrap_or(as_of),
            window_days: window_days.unwrap_or(DEFAULT_WINDOW_DAYS),
            waiting_days: waiting_days.unwrap_or(DEFAULT_WAITING_DAYS),
            as_of,
        }
    }
}

/// Check a question; every problem named by its parameter.
pub fn check_question(q: &Question) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if q.from > q.to {
        e.add("to", "The end of the period cannot be before its start");
    }
    if !(1..=MAX_WINDOW_DAYS).contains(&q.window_days) {
        e.add(
            "window_days",
            format!("The follow-up window is 1 to {MAX_WINDOW_DAYS} days"),
        );
    }
    if !(0..=MAX_WAITING_DAYS).contains(&q.waiting_days) {
        e.add(
            "waiting_days",
            format!("The waiting period is 0 to {MAX_WAITING_DAYS} days"),
        );
    }
    e.into_result()
}

/// A known reoffence of a man: when it was committed and when its outcome
/// was known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    pub offence_date: NaiveDate,
    pub outcome_date: NaiveDate,
}

/// One man as the figures see him.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Man {
    /// Who he is (used only to list a cohort for the Justice Data Lab).
    pub person_id: i32,
    pub group: Group,
    /// `None` when he has no index date of the chosen kind (never attended
    /// a session, say).
    pub index_date: Option<NaiveDate>,
    pub reoffences: Vec<Known>,
}

/// One group's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupFigures {
    pub group: Group,
    /// Men of the group whose index date is in the period.
    pub cohort_size: u64,
    pub eligible: u64,
    pub excluded_not_yet_eligible: u64,
    /// Men of the group with no index date of the chosen kind (not in the cohort).
    pub without_index_date: u64,
    pub reoffenders: u64,
    pub reoffences: u64,
    /// Reoffenders of eligible men, with its Wilson 95 % interval; `None` with no one eligible.
    pub rate: Option<Proportion>,
    /// Counted reoffences per reoffender (denominator: reoffenders).
    pub reoffences_per_reoffender: Option<f64>,
    /// Kaplan-Meier median days to first known reoffence; `None`: not reached.
    pub median_days: Option<i64>,
    pub kaplan_meier: Vec<Step>,
    /// Fewer than [`SMALL_GROUP`] eligible: read the rate with its interval.
    pub small: bool,
}

/// The answer: each group, and completed minus not completed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub question: Question,
    pub groups: Vec<GroupFigures>,
    pub difference_completed_minus_not_completed: Option<Difference>,
    pub label: &'static str,
    pub note: &'static str,
}

/// Is this man in the cohort the question asks about (his group's men with
/// an index date in the period)?
pub fn in_cohort(man: &Man, q: &Question) -> bool {
    man.index_date.is_some_and(|d| q.from <= d && d <= q.to)
}

/// Work out the figures in one pass over the men.
pub fn figures(men: &[Man], q: &Question) -> Figures {
    let window = Duration::days(q.window_days);
    let waiting = Duration::days(q.waiting_days);
    let cut_off = q.as_of - waiting;
    let groups: Vec<GroupFigures> = Group::ALL
        .iter()
        .map(|&group| {
            let mut g = GroupFigures {
                group,
                cohort_size: 0,
                eligible: 0,
                excluded_not_yet_eligible: 0,
                without_index_date: 0,
                reoffenders: 0,
                reoffences: 0,
                rate: None,
                reoffences_per_reoffender: None,
                median_days: None,
                kaplan_meier: Vec::new(),
                small: true,
            };
            let mut follow_ups = Vec::new();
            for man in men.iter().filter(|m| m.group == group) {
                let Some(index) = man.index_date else {
                    g.without_index_date += 1;
                    continue;
                };
                if index < q.from || index > q.to {
                    continue;
                }
                g.cohort_size += 1;
                let window_end = index + window;
                // the one-year rate: only men whose window and waiting period have passed
                if window_end + waiting <= q.as_of {
                    g.eligible += 1;
                    let counted = man
                        .reoffences
                        .iter()
                        .filter(|r| {
                            r.offence_date > index
                                && r.offence_date <= window_end
                                && r.outcome_date <= window_end + waiting
                        })
                        .count() as u64;
                    if counted > 0 {
                        g.reoffenders += 1;
                        g.reoffences += counted;
                    }
                } else {
                    g.excluded_not_yet_eligible += 1;
                }
                // time to first known reoffence, followed as far as can be seen
                let end = window_end.min(cut_off);
                if end < index {
                    continue;
                }
                let first = man
                    .reoffences
                    .iter()
                    .filter(|r| {
                        r.offence_date > index && r.offence_date <= end && r.outcome_date <= q.as_of
                    })
                    .map(|r| r.offence_date)
                    .min();
                follow_ups.push(match first {
                    Some(d) => FollowUp {
                        days: (d - index).num_days(),
                        event: true,
                    },
                    None => FollowUp {
                        days: (end - index).num_days(),
                        event: false,
                    },
                });
            }
            g.rate = wilson(g.reoffenders, g.eligible);
            g.reoffences_per_reoffender =
                (g.reoffenders > 0).then(|| g.reoffences as f64 / g.reoffenders as f64);
            g.kaplan_meier = kaplan_meier(&follow_ups);
            g.median_days = median_days(&g.kaplan_meier);
            g.small = g.eligible < SMALL_GROUP;
            g
        })
        .collect();
    let rate_of = |group: Group| {
        groups
            .iter()
            .find(|g| g.group == group)
            .and_then(|g| g.rate)
    };
    let difference = match (rate_of(Group::Completed), rate_of(Group::NotCompleted)) {
        (Some(a), Some(b)) => Some(newcombe(&a, &b)),
        _ => None,
    };
    Figures {
        question: *q,
        groups,
        difference_completed_minus_not_completed: difference,
        label: LABEL,
        note: UNMATCHED_NOTE,
    }
}

#[cfg(test)]
#[path = "reoffending_tests.rs"]
mod tests;
