use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::court_report::{Sections, WrittenPart};
use crate::domain::ogrs3::{Ogrs3Input, calculate};
use crate::domain::rosh::{RoshLevel, RoshRatings};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn ogrs3(current_sanction: &str) -> Option<Ogrs3Result> {
    calculate(&Ogrs3Input {
        sex: Some("male".into()),
        date_of_birth: Some(day("1980-03-14")),
        conviction_date: Some(day("2026-11-02")),
        follow_up_start_date: Some(day("2026-11-02")),
        age_at_first_sanction: Some(44),
        first_sanction_date: None,
        total_sanctions: Some(2),
        offence_category: Some("soliciting_or_prostitution".into()),
        current_sanction: Some(current_sanction.into()),
    })
    .ok()
}

fn arrest(date: &str, disposal: &str) -> ArrestFacts {
    ArrestFacts {
        date: day(date),
        time: "22:40".into(),
        location: "Portman Road".into(),
        offence: "Soliciting".into(),
        disposal: disposal.into(),
        vehicle: Some("AB12 CDE".into()),
    }
}

fn facts() -> CourtFacts {
    CourtFacts {
        reference: "CR-00007-v1".into(),
        defendant: Defendant {
            name: "WIŚNIEWSKI, Łukasz".into(),
            date_of_birth: day("1980-03-14"),
            address: "1 Norwich Road, IP1 2AB".into(),
            reference: "KS-000123".into(),
            pnc_id: None,
        },
        court: "Ipswich Magistrates' Court".into(),
        hearing_date: day("2027-01-20"),
        arrest: arrest("2026-11-02", "Charged"),
        previous_arrests: vec![arrest("2026-03-01", "Simple caution")],
        later_arrests: vec![],
        risk: Some(RiskFacts {
            completed_on: day("2026-11-20"),
            ogrs3: ogrs3("conviction"),
            sanctions: Some(2),
            rosh: Some(RoshRatings {
                public: RoshLevel::Low,
                known_adult: RoshLevel::High,
                children: RoshLevel::Medium,
                staff: RoshLevel::Low,
            }),
            known_to_marac: Some(true),
            marac_date: Some(day("2026-06-11")),
            police_callouts: Some(3),
            concerns: Some("One call-out to the family home last year.".into()),
            suitability: Some("Suitable for the programme".into()),
        }),
        attendance: None,
        written: WrittenPart {
            sections: Sections {
                offence_analysis: "He accepts the offence.\n\nHe minimised it at first.".into(),
                defendant_assessment: String::new(),
                risk_commentary: "Concerns about his partner's safety.".into(),
                proposal: "A community order with a rehabilitation activity requirement.".into(),
            },
            interview_date: Some(day("2026-11-25")),
            other_sources: String::new(),
        },
        author: "Priya Marsh".into(),
        submitted_on: None,
        replaces: None,
        generated_at: DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default(),
    }
}

fn headings(r: &Report) -> Vec<String> {
    r.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h.clone()),
            _ => None,
        })
        .collect()
}

/// Everything the report prints, as one string.
fn text(r: &Report) -> String {
    r.blocks
        .iter()
        .map(|b| match b {
            Block::Heading(s) | Block::Paragraph(s) => s.clone(),
            Block::Table(t) => [t.header.clone(), t.rows.concat()].concat().join(" | "),
            Block::Bars(b) => b.title.clone(),
            Block::Curves(c) => c.title.clone(),
            Block::PageBreak => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_eight_sections_come_in_the_order_the_court_expects() {
    assert_eq!(
        headings(&content(&facts())),
        [
            "1. Defendant details",
            "2. Sources of information",
            "3. Offence analysis",
            "4. Assessment of the defendant",
            "5. Risk analysis",
            "6. Programme suitability and attendance so far",
            "7. Sentencing proposal",
            "8. Completion details",
        ]
    );
}

#[test]
fn a_draft_is_stamped_and_shows_what_is_still_to_write() {
    let r = content(&facts());
    assert_eq!(r.stamp, Some(Stamp::Draft));
    let t = text(&r);
    assert!(
        t.contains(NOT_WRITTEN),
        "the empty assessment section says so"
    );
    assert!(t.contains("Not submitted: this is a draft"));
    let mut f = facts();
    f.submitted_on = Some(day("2026-12-05"));
    let r = content(&f);
    assert_eq!(r.stamp, None);
    assert!(text(&r).contains("5 December 2026"));
}

#[test]
fn the_officers_paragraphs_stay_paragraphs() {
    let r = content(&facts());
    for p in ["He accepts the offence.", "He minimised it at first."] {
        assert!(
            r.blocks.contains(&Block::Paragraph(p.into())),
            "{p} is a paragraph of its own"
        );
    }
}

#[test]
fn risk_shows_ogrs3_with_its_calibration_and_rosh_for_every_group() {
    let t = text(&content(&facts()));
    assert!(t.contains("OGRS3 (2009 calibration)"), "{t}");
    assert!(t.contains("within one year") && t.contains("within two years"));
    for group in [
        "Public | Low",
        "Known adult | High",
        "Children | Medium",
        "Staff | Low",
        "Overall | High",
    ] {
        assert!(t.contains(group), "{group} missing from {t}");
    }
    assert!(t.contains("He is known to MARAC (discussed 11 June 2026)"));
    assert!(t.contains("3 police call-outs"));
    assert!(t.contains("Concerns recorded in the assessment: One call-out to the family home"));
    assert!(!t.contains("indicative"));
}

#[test]
fn a_score_for_a_caution_is_labelled_indicative() {
    let mut f = facts();
    if let Some(r) = f.risk.as_mut() {
        r.ogrs3 = ogrs3("caution");
    }
    assert!(text(&content(&f)).contains("indicative: the current sanction is a caution"));
}

#[test]
fn without_an_assessment_the_report_says_risk_was_not_assessed() {
    let mut f = facts();
    f.risk = None;
    let t = text(&content(&f));
    assert!(t.contains("No completed risk assessment is recorded"));
    assert!(!t.contains("OGRS3"));
}

#[test]
fn the_pattern_of_offending_lists_earlier_arrests_with_their_disposals() {
    let t = text(&content(&facts()));
    assert!(t.contains("1 earlier arrest recorded"));
    assert!(t.contains("1 March 2026 | Soliciting | Portman Road | Simple caution"));
    assert!(!t.contains("Arrested again"));
    let mut f = facts();
    f.previous_arrests.clear();
    f.later_arrests = vec![arrest("2026-11-28", "Simple caution")];
    let t = text(&content(&f));
    assert!(t.contains("no earlier arrest is recorded"));
    assert!(t.contains("Arrested again since this offence: 1 time:"));
    assert!(t.contains("28 November 2026 | Soliciting"));
}

#[test]
fn sources_name_the_interview_and_the_checks_with_their_dates() {
    let t = text(&content(&facts()));
    for s in [
        "Police arrest record | Arrest of 2 November 2026",
        "Risk assessment | Completed 20 November 2026",
        "Interview | Interviewed on 25 November 2026",
        "MARAC | Discussed at MARAC on 11 June 2026",
        "Previous convictions | 2 sanctions counted for OGRS3",
    ] {
        assert!(t.contains(s), "{s} missing from {t}");
    }
}

#[test]
fn attendance_so_far_appears_only_when_he_is_enrolled() {
    assert!(text(&content(&facts())).contains("He is not enrolled on a programme."));
    let mut f = facts();
    f.attendance = Some(AttendanceFacts {
        programme: "Kerb awareness".into(),
        cohort: "KA-01, St Clement's hall".into(),
        status: "On the programme".into(),
        held: 4,
        attended: 3,
        acceptable_absences: 0,
        unacceptable_absences: 1,
        sessions_remaining: 3,
        enforcement: vec![(
            day("2026-12-01"),
            "Warning".into(),
            "Warned in writing".into(),
        )],
    });
    let t = text(&content(&f));
    assert!(t.contains("Sessions held | 4 | Attended | 3"));
    assert!(t.contains("1 December 2026 | Warning | Warned in writing"));
}

#[test]
fn a_correction_names_the_version_it_replaces_and_a_replaced_one_says_so() {
    let mut f = facts();
    f.reference = "CR-00007-v2".into();
    f.replaces = Some(Replaced {
        reference: "CR-00007-v1".into(),
        submitted_on: Some(day("2026-12-01")),
    });
    let r = content(&f);
    assert!(
        text(&r).starts_with(
            "This version corrects and replaces CR-00007-v1, submitted 1 December 2026."
        )
    );
    let old = superseded(content(&facts()), "CR-00007-v2");
    assert_eq!(old.stamp, Some(Stamp::Superseded));
    assert!(text(&old).starts_with("This version has been replaced by CR-00007-v2"));
}

#[test]
fn the_title_names_him_but_the_reference_does_not() {
    let r = content(&facts());
    assert!(r.title.contains("Łukasz"));
    assert!(!r.reference.contains("WI"));
}
