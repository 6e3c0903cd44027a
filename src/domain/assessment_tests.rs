//! Tests for the assessment rules in `assessment.rs`.
use super::*;

fn complete_input() -> AssessmentInput {
    AssessmentInput {
        ogrs3: Some(Ogrs3Input {
            sex: Some("male".into()),
            date_of_birth: NaiveDate::from_ymd_opt(1965, 12, 7),
            conviction_date: NaiveDate::from_ymd_opt(2025, 5, 13),
            follow_up_start_date: NaiveDate::from_ymd_opt(2026, 12, 6),
            age_at_first_sanction: Some(47),
            first_sanction_date: None,
            total_sanctions: Some(2),
            offence_category: Some("soliciting_or_prostitution".into()),
            current_sanction: Some("conviction".into()),
        }),
        rosh: Some(RoshRatingsInput {
            public: Some("low".into()),
            known_adult: Some("medium".into()),
            children: Some("low".into()),
            staff: Some("low".into()),
        }),
        domestic_abuse: Some(DomesticAbuseInput {
            known_to_marac: Some(false),
            ..Default::default()
        }),
        suitability: Some("suitable".into()),
        rationale: Some("Accepts responsibility; first arrest.".into()),
        ..Default::default()
    }
}

#[test]
fn a_draft_may_be_partial_but_what_is_there_must_be_valid() {
    let empty = AssessmentInput::default();
    assert!(check_draft(&empty, &DashSettings::default()).is_ok());
    let bad = AssessmentInput {
        suitability: Some("maybe".into()),
        ..Default::default()
    };
    assert!(
        check_draft(&bad, &DashSettings::default())
            .unwrap_err()
            .get("suitability")
            .is_some()
    );
}

#[test]
fn completion_needs_rosh_suitability_rationale_and_the_screen() {
    let e = check_complete(&AssessmentInput::default(), &DashSettings::default()).unwrap_err();
    for f in ["rosh", "suitability", "rationale", "domestic_abuse"] {
        assert!(e.get(f).is_some(), "{f}");
    }
    let done = check_complete(&complete_input(), &DashSettings::default()).unwrap();
    assert_eq!(done.ogrs3.map(|o| o.two_year_percent), Some(16));
    assert_eq!(done.rosh.map(|r| r.overall().as_str()), Some("medium"));
}

#[test]
fn soliciting_offences_default_to_the_soliciting_category() {
    assert_eq!(
        offence_category_for(Offence::SolicitingS51a),
        "soliciting_or_prostitution"
    );
    assert_eq!(
        offence_category_for(Offence::KerbCrawlingS1),
        "soliciting_or_prostitution"
    );
    assert_eq!(offence_category_for(Offence::Other), "other_offence");
    assert_eq!(
        current_sanction_for(Disposal::ConditionalCaution),
        "caution"
    );
    assert_eq!(current_sanction_for(Disposal::Charged), "conviction");
}

#[test]
fn the_prefill_counts_sanctions_recorded_here_and_codes_the_offence() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let past = [
        PastArrest {
            offence: Offence::SolicitingS51a,
            disposal: Disposal::NoFurtherAction,
            date: d(2020, 1, 1),
        },
        PastArrest {
            offence: Offence::SolicitingS51a,
            disposal: Disposal::SimpleCaution,
            date: d(2022, 5, 5),
        },
        PastArrest {
            offence: Offence::SolicitingS51a,
            disposal: Disposal::Charged,
            date: d(2026, 11, 1),
        },
    ];
    let p = ogrs3_prefill(
        crate::domain::person::Sex::Male,
        d(1970, 1, 1),
        &past,
        Some(past[2]),
    );
    assert_eq!(p.total_sanctions, Some(2));
    assert_eq!(p.first_sanction_date, Some(d(2022, 5, 5)));
    assert_eq!(
        p.offence_category.as_deref(),
        Some("soliciting_or_prostitution")
    );
    assert_eq!(p.current_sanction.as_deref(), Some("conviction"));
    assert_eq!(
        ogrs3_prefill(crate::domain::person::Sex::Other, d(1970, 1, 1), &[], None).sex,
        None
    );
}

#[test]
fn the_facilitator_summary_says_no_more_than_needed() {
    assert_eq!(
        facilitator_summary(Some(Suitability::Suitable), false, false),
        "suitable, no contact issues"
    );
    assert!(
        facilitator_summary(Some(Suitability::Suitable), false, true).contains("contact issues:")
    );
}
