//! Enforcement: what the software prompts after a failure to attend, by the
//! legal basis of attendance. The software prompts; a person decides and the
//! decision is recorded.
//!
//! Source: `shared/domain/programme-and-attendance.md` ("Enforcement"):
//! - community order / suspended sentence order (Sentencing Act 2020 Sch 10
//!   para 6, Sch 16): an unacceptable absence prompts a **warning or breach
//!   referral**; if a warning was recorded in the [`WARNING_MONTHS`] before
//!   the absence, a **breach referral is required**;
//! - conditional caution (Criminal Justice Act 2003 s.24): no warning step;
//!   an unacceptable absence, or a deadline that passes without completion,
//!   prompts a **prosecution referral**;
//! - voluntary: nothing.
//!
//! Flow: a failure is *open* until an action is recorded on or after its
//! date (any action closes every failure up to that date). The prompt names
//! the earliest open failure, and the page shows the days since it.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::code::coded_enum;
use super::enrolment::LegalBasis;

/// How far back a recorded warning makes a further breach a required referral.
pub const WARNING_MONTHS: u32 = 12;

/// A historic national standard for acting on a failure (a local target, not law).
pub const TARGET_WORKING_DAYS: i64 = 10;

coded_enum!(
    /// What the officer decided.
    EnforcementAction {
        /// A warning (orders only).
        Warning => "warning", "Warning";
        /// Referred to court for breach of the order.
        BreachReferral => "breach_referral", "Breach referral";
        /// Referred to the police / prosecutor (conditional caution).
        ProsecutionReferral => "prosecution_referral", "Prosecution referral";
        /// Considered; no action (reasonable excuse found later, for instance).
        NoFurtherAction => "no_further_action", "No further action";
    }
);

coded_enum!(
    /// What the software asks the officer to decide.
    PromptKind {
        Nothing => "none", "Nothing to decide";
        WarningOrBreach => "warning_or_breach", "Give a warning or refer for breach";
        BreachReferralRequired => "breach_referral_required", "Breach referral required";
        ProsecutionReferralRequired => "prosecution_referral_required", "Prosecution referral required";
    }
);

/// The open prompt, if any, and the failure it is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Prompt {
    pub kind: PromptKind,
    /// The date of the failure (absence or passed deadline).
    pub since: Option<NaiveDate>,
}

impl Prompt {
    const NONE: Prompt = Prompt {
        kind: PromptKind::Nothing,
        since: None,
    };

    /// Days from the failure to `today`.
    pub fn days_since(&self, today: NaiveDate) -> Option<i64> {
        self.since.map(|d| (today - d).num_days())
    }

    /// Is there something to decide?
    pub fn is_open(&self) -> bool {
        self.kind != PromptKind::Nothing
    }
}

/// What the rules read for one enrolment.
#[derive(Clone, Debug)]
pub struct EnforcementFacts<'a> {
    pub basis: LegalBasis,
    /// Dates of his unacceptable absences (sessions that still count).
    pub failures: &'a [NaiveDate],
    /// Recorded decisions, with their dates.
    pub actions: &'a [(EnforcementAction, NaiveDate)],
    /// A caution's deadline.
    pub deadline: Option<NaiveDate>,
    /// The date he completed, if he did.
    pub completed_on: Option<NaiveDate>,
    /// Has he already been referred (breach or prosecution)?
    pub referred: bool,
}

/// The prompt for one enrolment on `today`.
pub fn prompt(f: &EnforcementFacts<'_>, today: NaiveDate) -> Prompt {
    if f.referred || f.basis == LegalBasis::Voluntary {
        return Prompt::NONE;
    }
    // A caution's condition is to complete the course by its deadline: once
    // he has, an absence on the way is no longer a failure to act on (and
    // a completed enrolment cannot be referred for prosecution).
    if !f.basis.is_order()
        && let Some(done) = f.completed_on
        && f.deadline.is_none_or(|deadline| done <= deadline)
    {
        return Prompt::NONE;
    }
    let acted_until = f.actions.iter().map(|(_, d)| *d).max();
    let is_open = |d: &NaiveDate| acted_until.is_none_or(|a| *d > a);
    let mut failures: Vec<NaiveDate> = f.failures.iter().copied().filter(is_open).collect();
    if f.basis.needs_deadline()
        && let Some(deadline) = f.deadline
        && deadline < today
        && f.completed_on.is_none_or(|c| c > deadline)
    {
        let passed = deadline + chrono::Duration::days(1);
        if is_open(&passed) {
            failures.push(passed);
        }
    }
    let Some(first) = failures.into_iter().min() else {
        return Prompt::NONE;
    };
    let kind = if f.basis.is_order() {
        let warned_recently = f.actions.iter().any(|(a, d)| {
            *a == EnforcementAction::Warning
                && *d <= first
                && d.checked_add_months(Months::new(WARNING_MONTHS))
                    .is_some_and(|until| first <= until)
        });
        if warned_recently {
            PromptKind::BreachReferralRequired
        } else {
            PromptKind::WarningOrBreach
        }
    } else {
        PromptKind::ProsecutionReferralRequired
    };
    Prompt {
        kind,
        since: Some(first),
    }
}

/// Which decisions make sense for a legal basis (a warning is for orders only).
pub fn allowed_actions(basis: LegalBasis) -> &'static [EnforcementAction] {
    use EnforcementAction::*;
    match basis {
        LegalBasis::CommunityOrder | LegalBasis::SuspendedSentenceOrder => {
            &[Warning, BreachReferral, NoFurtherAction]
        }
        LegalBasis::ConditionalCaution => &[ProsecutionReferral, NoFurtherAction],
        LegalBasis::Voluntary => &[NoFurtherAction],
    }
}

/// Is a caution's deadline within `days` of `today` and not yet met?
pub fn deadline_at_risk(
    deadline: Option<NaiveDate>,
    completed: bool,
    today: NaiveDate,
    days: i64,
) -> bool {
    deadline.is_some_and(|d| !completed && (d - today).num_days() <= days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnforcementAction::*;
    use LegalBasis::*;
    use PromptKind as P;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    struct Case {
        name: &'static str,
        basis: LegalBasis,
        failures: &'static [&'static str],
        actions: &'static [(EnforcementAction, &'static str)],
        deadline: Option<&'static str>,
        today: &'static str,
        expect: PromptKind,
        since: Option<&'static str>,
    }

    const CASES: &[Case] = &[
        Case {
            name: "first unacceptable absence under a community order",
            basis: CommunityOrder,
            failures: &["2027-02-01"],
            actions: &[],
            deadline: None,
            today: "2027-02-03",
            expect: P::WarningOrBreach,
            since: Some("2027-02-01"),
        },
        Case {
            name: "a second absence within 12 months of a warning",
            basis: SuspendedSentenceOrder,
            failures: &["2027-02-01", "2027-06-01"],
            actions: &[(Warning, "2027-02-02")],
            deadline: None,
            today: "2027-06-02",
            expect: P::BreachReferralRequired,
            since: Some("2027-06-01"),
        },
        Case {
            name: "a second absence more than 12 months after the warning",
            basis: CommunityOrder,
            failures: &["2027-02-01", "2028-03-01"],
            actions: &[(Warning, "2027-02-02")],
            deadline: None,
            today: "2028-03-02",
            expect: P::WarningOrBreach,
            since: Some("2028-03-01"),
        },
        Case {
            name: "a warned absence with nothing since",
            basis: CommunityOrder,
            failures: &["2027-02-01"],
            actions: &[(Warning, "2027-02-02")],
            deadline: None,
            today: "2027-03-01",
            expect: P::Nothing,
            since: None,
        },
        Case {
            name: "an absence under a conditional caution",
            basis: ConditionalCaution,
            failures: &["2027-02-01"],
            actions: &[],
            deadline: Some("2027-04-01"),
            today: "2027-02-01",
            expect: P::ProsecutionReferralRequired,
            since: Some("2027-02-01"),
        },
        Case {
            name: "a caution's deadline passed without completion",
            basis: ConditionalCaution,
            failures: &[],
            actions: &[],
            deadline: Some("2027-04-01"),
            today: "2027-04-05",
            expect: P::ProsecutionReferralRequired,
            since: Some("2027-04-02"),
        },
        Case {
            name: "a caution's deadline not yet passed",
            basis: ConditionalCaution,
            failures: &[],
            actions: &[],
            deadline: Some("2027-04-01"),
            today: "2027-04-01",
            expect: P::Nothing,
            since: None,
        },
        Case {
            name: "voluntary attendance",
            basis: Voluntary,
            failures: &["2027-02-01", "2027-02-08"],
            actions: &[],
            deadline: None,
            today: "2027-02-09",
            expect: P::Nothing,
            since: None,
        },
    ];

    #[test]
    fn the_enforcement_table() {
        for c in CASES {
            let failures: Vec<NaiveDate> = c.failures.iter().map(|s| d(s)).collect();
            let actions: Vec<(EnforcementAction, NaiveDate)> =
                c.actions.iter().map(|(a, s)| (*a, d(s))).collect();
            let p = prompt(
                &EnforcementFacts {
                    basis: c.basis,
                    failures: &failures,
                    actions: &actions,
                    deadline: c.deadline.map(d),
                    completed_on: None,
                    referred: false,
                },
                d(c.today),
            );
            assert_eq!(p.kind, c.expect, "{}", c.name);
            assert_eq!(p.since, c.since.map(d), "{}", c.name);
        }
    }

    #[test]
    fn completion_before_the_deadline_or_a_referral_closes_the_prompt() {
        let facts = EnforcementFacts {
            basis: ConditionalCaution,
            failures: &[],
            actions: &[],
            deadline: Some(d("2027-04-01")),
            completed_on: Some(d("2027-03-25")),
            referred: false,
        };
        assert_eq!(prompt(&facts, d("2027-05-01")).kind, P::Nothing);
        let absent_on_the_way = [d("2027-03-04")];
        let completed_after_an_absence = EnforcementFacts {
            failures: &absent_on_the_way,
            ..facts.clone()
        };
        assert_eq!(
            prompt(&completed_after_an_absence, d("2027-03-26")).kind,
            P::Nothing,
            "the condition was met"
        );
        let not_yet_completed = EnforcementFacts {
            completed_on: None,
            ..completed_after_an_absence.clone()
        };
        assert_eq!(
            prompt(&not_yet_completed, d("2027-03-26")).kind,
            P::ProsecutionReferralRequired
        );
        let referred = EnforcementFacts {
            referred: true,
            completed_on: None,
            ..facts
        };
        assert_eq!(prompt(&referred, d("2027-05-01")).kind, P::Nothing);
    }

    #[test]
    fn the_prompt_counts_days_since_the_failure() {
        let p = Prompt {
            kind: P::WarningOrBreach,
            since: Some(d("2027-02-01")),
        };
        assert_eq!(p.days_since(d("2027-02-11")), Some(10));
    }
}
