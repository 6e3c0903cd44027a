//! The court report (pre-sentence style): what the probation officer
//! writes, what a draft may hold, what submitting needs, its states and its
//! reference.
//!
//! Source: ../shared/domain/reports.md, "Court report". Flow:
//!
//! 1. A probation officer starts a draft for a man's charge (an arrest whose
//!    disposal sends him to court), naming the court and the hearing date.
//! 2. Kerbside fills in what it holds (his details, the arrest and earlier
//!    ones, the latest completed assessment, attendance if enrolled); the
//!    officer writes the four [`Sections`], saving as often as needed. A
//!    draft prints stamped DRAFT.
//! 3. Submitting locks it: the facts are frozen as they stood at that
//!    moment, and the report never changes again.
//! 4. A correction is a new version (a draft) naming the one it replaces;
//!    when the correction is submitted, the old version is superseded.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::code::coded_enum;
use super::validation::FieldErrors;

/// The longest section the officer may write (about eight pages of text).
pub const MAX_SECTION_CHARS: usize = 20_000;
/// The longest court name.
pub const MAX_COURT_CHARS: usize = 200;
/// The longest note of other sources of information.
pub const MAX_OTHER_SOURCES_CHARS: usize = 2_000;

coded_enum!(
    /// Where a court report stands.
    CourtReportStatus {
        /// Being written; only its author changes it.
        Draft => "draft", "Draft";
        /// Sent: locked, and what it says is frozen.
        Submitted => "submitted", "Submitted";
        /// Replaced by a submitted correction.
        Superseded => "superseded", "Superseded";
    }
);

/// Every allowed move, as data.
pub const TRANSITIONS: &[(CourtReportStatus, CourtReportStatus)] = &[
    (CourtReportStatus::Draft, CourtReportStatus::Submitted),
    (CourtReportStatus::Submitted, CourtReportStatus::Superseded),
];

/// May a report move from `from` to `to`?
pub fn can_move(from: CourtReportStatus, to: CourtReportStatus) -> bool {
    TRANSITIONS.contains(&(from, to))
}

/// The four parts the officer writes (the rest is filled in from the data).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sections {
    /// Section 3: the officer's analysis of the offence and its pattern.
    pub offence_analysis: String,
    /// Section 4: relationships, accommodation, employment, substance
    /// misuse, attitudes, motivation to change.
    pub defendant_assessment: String,
    /// Section 5: the officer's commentary on the risks, including
    /// domestic-abuse concerns put in a form fit for court.
    pub risk_commentary: String,
    /// Section 7: the proposal, its rationale and the alternatives.
    pub proposal: String,
}

impl Sections {
    /// Each section's field name and what it is called, in report order.
    pub const FIELDS: [(&'static str, &'static str); 4] = [
        ("offence_analysis", "offence analysis"),
        ("defendant_assessment", "assessment of the defendant"),
        ("risk_commentary", "risk commentary"),
        ("proposal", "sentencing proposal"),
    ];

    /// A section's text by its field name.
    pub fn get(&self, field: &str) -> &str {
        match field {
            "offence_analysis" => &self.offence_analysis,
            "defendant_assessment" => &self.defendant_assessment,
            "risk_commentary" => &self.risk_commentary,
            "proposal" => &self.proposal,
            _ => "",
        }
    }

    /// The fields whose text differs from `other`'s.
    pub fn changed_from(&self, other: &Sections) -> Vec<&'static str> {
        Self::FIELDS
            .iter()
            .filter(|(f, _)| self.get(f) != other.get(f))
            .map(|(f, _)| *f)
            .collect()
    }
}

/// What the officer gives: where and when it will be heard, the written
/// sections and the sources Kerbside cannot know of.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WrittenPart {
    pub sections: Sections,
    /// When he was interviewed for the report, if he was.
    pub interview_date: Option<NaiveDate>,
    /// Other sources used, with their dates (e.g. "GP letter, 2 March").
    pub other_sources: String,
}

/// A report as the officer sets it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourtReportInput {
    pub court: String,
    pub hearing_date: Option<NaiveDate>,
    pub written: WrittenPart,
}

/// Check a draft: what is there must be sound; sections may still be empty.
/// `arrest_date` bounds the hearing and interview dates from below, `today`
/// bounds the interview date from above.
pub fn check_draft(
    input: &CourtReportInput,
    arrest_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let court = input.court.trim();
    if court.is_empty() {
        e.add("court", "Enter the court");
    } else if court.chars().count() > MAX_COURT_CHARS {
        e.add(
            "court",
            format!("Keep the court under {MAX_COURT_CHARS} characters"),
        );
    }
    match input.hearing_date {
        None => e.add("hearing_date", "Enter the date of the hearing"),
        Some(d) if d < arrest_date => {
            e.add("hearing_date", "The hearing cannot be before the arrest")
        }
        Some(d) => {
            e.check(
                "hearing_date",
                super::dates::in_supported_range(d, "The hearing date"),
            );
        }
    }
    match input.written.interview_date {
        Some(d) if d > today => e.add(
            "interview_date",
            "The interview date cannot be in the future",
        ),
        Some(d) if d < arrest_date => e.add(
            "interview_date",
            "The interview cannot be before the arrest",
        ),
        _ => {}
    }
    for (field, what) in Sections::FIELDS {
        if input.written.sections.get(field).chars().count() > MAX_SECTION_CHARS {
            e.add(
                &format!("sections.{field}"),
                format!("Keep the {what} under {MAX_SECTION_CHARS} characters"),
            );
        }
    }
    if input.written.other_sources.chars().count() > MAX_OTHER_SOURCES_CHARS {
        e.add(
            "other_sources",
            format!("Keep the other sources under {MAX_OTHER_SOURCES_CHARS} characters"),
        );
    }
    e.into_result()
}

/// Check a report for submitting: a sound draft with every section written.
pub fn check_submit(
    input: &CourtReportInput,
    arrest_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldErrors> {
    let mut e = check_draft(input, arrest_date, today)
        .err()
        .unwrap_or_default();
    for (field, what) in Sections::FIELDS {
        let key = format!("sections.{field}");
        if input.written.sections.get(field).trim().is_empty() && e.get(&key).is_none() {
            e.add(&key, format!("Write the {what} before submitting"));
        }
    }
    e.into_result()
}

/// A report's reference: its series (the first version's id) and version,
/// e.g. `CR-00042-v2`. It names no one.
pub fn reference(series_id: i32, version: i32) -> String {
    format!("CR-{series_id:05}-v{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn input() -> CourtReportInput {
        CourtReportInput {
            court: "Ipswich Magistrates' Court".into(),
            hearing_date: Some(day(2027, 1, 20)),
            written: WrittenPart::default(),
        }
    }

    fn written() -> Sections {
        Sections {
            offence_analysis: "a".into(),
            defendant_assessment: "b".into(),
            risk_commentary: "c".into(),
            proposal: "d".into(),
        }
    }

    const ARREST: (i32, u32, u32) = (2026, 11, 2);
    const TODAY: (i32, u32, u32) = (2026, 12, 5);

    fn draft(i: &CourtReportInput) -> Result<(), FieldErrors> {
        check_draft(
            i,
            day(ARREST.0, ARREST.1, ARREST.2),
            day(TODAY.0, TODAY.1, TODAY.2),
        )
    }

    fn submit(i: &CourtReportInput) -> Result<(), FieldErrors> {
        check_submit(
            i,
            day(ARREST.0, ARREST.1, ARREST.2),
            day(TODAY.0, TODAY.1, TODAY.2),
        )
    }

    #[test]
    fn a_draft_may_leave_every_section_empty_but_not_the_court_or_hearing() {
        assert!(draft(&input()).is_ok());
        let mut i = input();
        i.court = "  ".into();
        i.hearing_date = None;
        let e = draft(&i).err().unwrap_or_default();
        assert_eq!(e.get("court"), Some("Enter the court"));
        assert_eq!(e.get("hearing_date"), Some("Enter the date of the hearing"));
    }

    #[test]
    fn dates_before_the_arrest_or_an_interview_in_the_future_are_refused() {
        let mut i = input();
        i.hearing_date = Some(day(2026, 11, 1));
        i.written.interview_date = Some(day(2026, 12, 6));
        let e = draft(&i).err().unwrap_or_default();
        assert!(e.get("hearing_date").is_some());
        assert_eq!(
            e.get("interview_date"),
            Some("The interview date cannot be in the future")
        );
        i.hearing_date = Some(day(2026, 11, 2));
        i.written.interview_date = Some(day(2026, 12, 5));
        assert!(draft(&i).is_ok(), "the arrest day and today are allowed");
    }

    #[test]
    fn submitting_needs_every_section_written_and_names_each_missing_one() {
        let mut i = input();
        i.written.sections = written();
        assert!(submit(&i).is_ok());
        i.written.sections.risk_commentary = " \n ".into();
        i.written.sections.proposal = String::new();
        let e = submit(&i).err().unwrap_or_default();
        assert_eq!(e.len(), 2);
        assert_eq!(
            e.get("sections.proposal"),
            Some("Write the sentencing proposal before submitting")
        );
        assert!(e.get("sections.risk_commentary").is_some());
    }

    #[test]
    fn an_overlong_section_is_named_once_by_its_field() {
        let mut i = input();
        i.written.sections = written();
        i.written.sections.offence_analysis = "x".repeat(MAX_SECTION_CHARS + 1);
        let e = submit(&i).err().unwrap_or_default();
        assert_eq!(e.len(), 1);
        assert!(
            e.get("sections.offence_analysis")
                .is_some_and(|m| m.contains("under 20000"))
        );
        i.written.sections.offence_analysis = "ł".repeat(MAX_SECTION_CHARS);
        assert!(submit(&i).is_ok(), "the limit counts characters, not bytes");
    }

    #[test]
    fn a_report_moves_only_forward_and_never_back_to_draft() {
        use CourtReportStatus::*;
        assert!(can_move(Draft, Submitted));
        assert!(can_move(Submitted, Superseded));
        for (from, to) in [
            (Submitted, Draft),
            (Superseded, Submitted),
            (Draft, Superseded),
            (Superseded, Draft),
        ] {
            assert!(!can_move(from, to), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn the_reference_names_the_series_and_version_and_no_one() {
        assert_eq!(reference(42, 2), "CR-00042-v2");
        assert_eq!(reference(123_456, 1), "CR-123456-v1");
    }

    #[test]
    fn changed_sections_are_listed_in_report_order() {
        let a = written();
        let mut b = written();
        b.proposal = "other".into();
        b.offence_analysis = "other".into();
        assert_eq!(b.changed_from(&a), vec!["offence_analysis", "proposal"]);
    }
}
