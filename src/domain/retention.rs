//! Retention review and disposal of a man's record.
//!
//! Source: DPA 2018 Part 3 s.39 (personal data kept no longer than needed
//! for the law-enforcement purpose, with periodic review) and the
//! partnership's retention schedule; security.md, "Data protection".
//!
//! Flow: each man's record has a **review date**: [`DEFAULT_RETENTION_YEARS`]
//! (a setting) after his **last activity** (his latest arrest, programme
//! activity or court report, else when he was recorded), or the next review
//! date set by the last decision to retain him, whichever is later. Records
//! whose review date has come are listed for review. A reviewer either
//! **retains** the record (a rationale and the next review date, at most
//! [`MAX_RETAIN_YEARS`] ahead) or **disposes** of it. Disposal is refused
//! while anything about him is still in progress ([`Blocker`]).

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::code::coded_enum;
use super::enrolment::{EnrolmentStatus, TRANSITIONS};
use super::hearing::HearingOutcome;
use super::referral::ReferralStatus;
use super::validation::FieldErrors;

/// Years a record is kept after his last activity before it is reviewed,
/// unless the setting says otherwise.
pub const DEFAULT_RETENTION_YEARS: u32 = 6;
/// The setting's bounds.
pub const MIN_RETENTION_YEARS: u32 = 1;
pub const MAX_RETENTION_YEARS: u32 = 20;
/// A decision to retain sets the next review at most this far ahead.
pub const MAX_RETAIN_YEARS: u32 = 6;
/// Longest rationale kept.
pub const MAX_RATIONALE: usize = 2000;

coded_enum!(
    /// What a reviewer decided.
    RetentionDecision {
        /// Keep the record until the next review date.
        Retain => "retain", "Retain";
        /// Erase his personal data; keep de-identified rows for the figures.
        Dispose => "dispose", "Dispose";
    }
);

/// The rule: how many years after the last activity a record is reviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RetentionRule {
    pub years: u32,
}

impl Default for RetentionRule {
    fn default() -> Self {
        RetentionRule {
            years: DEFAULT_RETENTION_YEARS,
        }
    }
}

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(years * 12))
        .unwrap_or(NaiveDate::MAX)
}

fn sub_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(years * 12))
        .unwrap_or(NaiveDate::MIN)
}

impl RetentionRule {
    /// A rule from the setting's value, refused outside its bounds.
    pub fn new(years: u32) -> Result<RetentionRule, String> {
        if (MIN_RETENTION_YEARS..=MAX_RETENTION_YEARS).contains(&years) {
            Ok(RetentionRule { years })
        } else {
            Err(format!(
                "Enter a whole number of years from {MIN_RETENTION_YEARS} to {MAX_RETENTION_YEARS}"
            ))
        }
    }

    /// The review date of a record last active on `last_activity`, perhaps
    /// retained by a decision until `retained_until`.
    pub fn review_date(
        self,
        last_activity: NaiveDate,
        retained_until: Option<NaiveDate>,
    ) -> NaiveDate {
        let by_rule = add_years(last_activity, self.years);
        retained_until.map_or(by_rule, |r| r.max(by_rule))
    }

    /// Records last active before this date are due by the rule on `today`.
    pub fn last_activity_cutoff(self, today: NaiveDate) -> NaiveDate {
        sub_years(today, self.years)
    }
}

/// Something still in progress that stops a disposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Blocker {
    OpenReferral,
    OpenEnrolment,
    UndecidedHearing,
}

impl Blocker {
    /// What the reviewer is told.
    pub fn message(self) -> &'static str {
        match self {
            Blocker::OpenReferral => "He has a referral still open: close it first",
            Blocker::OpenEnrolment => {
                "He has a programme place or enforcement still in progress: end it first"
            }
            Blocker::UndecidedHearing => {
                "His latest court hearing has no decision yet (adjourned or a report requested)"
            }
        }
    }
}

/// Is an enrolment in this status still going on (any move left from it)?
pub fn enrolment_in_progress(status: EnrolmentStatus) -> bool {
    TRANSITIONS.iter().any(|t| t.from == status)
}

/// Does a hearing with this outcome leave the case undecided?
pub fn hearing_undecided(outcome: HearingOutcome) -> bool {
    matches!(
        outcome,
        HearingOutcome::Adjourned | HearingOutcome::ReportRequested
    )
}

/// What stops disposing of a man with these referrals, enrolments and
/// latest hearing outcome (empty: he may be disposed of).
pub fn blockers(
    referrals: &[ReferralStatus],
    enrolments: &[EnrolmentStatus],
    latest_hearing: Option<HearingOutcome>,
) -> Vec<Blocker> {
    let mut found = Vec::new();
    if referrals.iter().any(|s| s.is_open()) {
        found.push(Blocker::OpenReferral);
    }
    if enrolments.iter().any(|s| enrolment_in_progress(*s)) {
        found.push(Blocker::OpenEnrolment);
    }
    if latest_hearing.is_some_and(hearing_undecided) {
        found.push(Blocker::UndecidedHearing);
    }
    found
}

/// A checked decision to retain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retain {
    pub rationale: String,
    pub next_review: NaiveDate,
}

/// Check a decision to retain made on `today`: a rationale, and a next review
/// after today and no more than [`MAX_RETAIN_YEARS`] ahead (`Err` holds why
/// the date typed could not be read).
pub fn check_retain(
    rationale: &str,
    next_review: Result<NaiveDate, String>,
    today: NaiveDate,
) -> Result<Retain, FieldErrors> {
    let mut errors = FieldErrors::new();
    let rationale = rationale.trim();
    if rationale.is_empty() {
        errors.add("rationale", "Say why the record is still needed");
    } else if rationale.chars().count() > MAX_RATIONALE {
        errors.add(
            "rationale",
            format!("Keep the rationale to {MAX_RATIONALE} characters or fewer"),
        );
    }
    let latest = add_years(today, MAX_RETAIN_YEARS);
    match &next_review {
        Err(unreadable) => errors.add("next_review_date", unreadable.clone()),
        Ok(d) if *d <= today => {
            errors.add("next_review_date", "The next review must be after today")
        }
        Ok(d) if *d > latest => errors.add(
            "next_review_date",
            format!("The next review must be within {MAX_RETAIN_YEARS} years"),
        ),
        Ok(_) => {}
    }
    match (errors.is_empty(), next_review) {
        (true, Ok(next_review)) => Ok(Retain {
            rationale: rationale.to_string(),
            next_review,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a test date")
    }

    #[test]
    fn a_record_is_reviewed_six_years_after_his_last_activity_by_default() {
        let rule = RetentionRule::default();
        assert_eq!(rule.review_date(d("2020-03-14"), None), d("2026-03-14"));
        assert_eq!(rule.last_activity_cutoff(d("2026-12-05")), d("2020-12-05"));
    }

    #[test]
    fn a_decision_to_retain_can_only_push_the_review_later() {
        let rule = RetentionRule::new(3).expect("3 years is allowed");
        assert_eq!(
            rule.review_date(d("2020-01-31"), Some(d("2027-06-01"))),
            d("2027-06-01")
        );
        assert_eq!(
            rule.review_date(d("2026-01-31"), Some(d("2027-06-01"))),
            d("2029-01-31"),
            "new activity after the decision moves the review on"
        );
    }

    #[test]
    fn the_rule_is_bounded() {
        assert!(RetentionRule::new(0).is_err());
        assert!(RetentionRule::new(21).is_err());
        assert!(RetentionRule::new(20).is_ok());
    }

    #[test]
    fn anything_in_progress_stops_a_disposal() {
        use EnrolmentStatus as E;
        assert!(blockers(&[ReferralStatus::Closed], &[E::Completed], None).is_empty());
        assert_eq!(
            blockers(&[ReferralStatus::Assessed], &[], None),
            vec![Blocker::OpenReferral]
        );
        for open in [E::WaitingList, E::AwaitingStart, E::OnProgramme] {
            assert_eq!(blockers(&[], &[open], None), vec![Blocker::OpenEnrolment]);
        }
        for ended in [E::Withdrawn, E::Deselected] {
            assert!(blockers(&[], &[ended], None).is_empty(), "{ended:?}");
        }
        assert_eq!(
            blockers(&[], &[], Some(HearingOutcome::Adjourned)),
            vec![Blocker::UndecidedHearing]
        );
        assert!(blockers(&[], &[], Some(HearingOutcome::Fine)).is_empty());
    }

    #[test]
    fn retaining_needs_a_reason_and_a_next_review_within_six_years() {
        let today = d("2026-12-05");
        assert!(check_retain("Live MARAC case", Ok(d("2027-12-05")), today).is_ok());
        let e = check_retain("  ", Ok(today), today).expect_err("two mistakes");
        assert!(e.get("rationale").is_some());
        assert!(e.get("next_review_date").is_some());
        assert!(check_retain("x", Ok(d("2033-12-06")), today).is_err());
        let e = check_retain("", Err("Enter the day".into()), today).expect_err("unreadable");
        assert_eq!(e.get("next_review_date"), Some("Enter the day"));
        assert!(e.get("rationale").is_some(), "both mistakes at once");
    }
}
