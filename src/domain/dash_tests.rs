//! Unit tests of `domain::dash` (kept apart so the rules read on their own).
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn answers(yes: usize, dont_know: usize) -> Vec<Answer> {
    let mut v = vec![Answer::Yes; yes];
    v.extend(vec![Answer::DontKnow; dont_know]);
    v.resize(QUESTION_COUNT, Answer::No);
    v
}

fn input(yes: usize) -> DashInput {
    DashInput {
        answers: answers(yes, 0),
        ..DashInput::default()
    }
}

fn run(input: &DashInput) -> DashResult {
    assess(input, &DashSettings::default()).unwrap()
}

#[test]
fn thirteen_yes_is_not_visible_high_risk() {
    let r = run(&input(13));
    assert_eq!(r.score, 13);
    assert!(!r.visible_high_risk);
    assert_eq!(r.local_band, LocalBand::Medium);
    assert!(r.criteria_met.is_empty());
    assert!(!r.refer_to_marac);
}

#[test]
fn fourteen_yes_is_visible_high_risk_and_refers() {
    let r = run(&input(14));
    assert_eq!(r.score, 14);
    assert!(r.visible_high_risk);
    assert_eq!(r.local_band, LocalBand::High);
    assert_eq!(r.criteria_met, vec![MaracCriterion::VisibleHighRisk]);
    assert!(r.refer_to_marac);
}

#[test]
fn dont_know_and_no_add_nothing() {
    let r = run(&DashInput {
        answers: answers(9, 15),
        ..DashInput::default()
    });
    assert_eq!(r.score, 9);
    assert_eq!(r.local_band, LocalBand::Standard);
    assert_eq!(run(&input(0)).score, 0);
    assert_eq!(run(&input(24)).score, 24);
}

#[test]
fn local_band_boundaries() {
    assert_eq!(LocalBand::from_score(0), LocalBand::Standard);
    assert_eq!(LocalBand::from_score(9), LocalBand::Standard);
    assert_eq!(LocalBand::from_score(10), LocalBand::Medium);
    assert_eq!(LocalBand::from_score(13), LocalBand::Medium);
    assert_eq!(LocalBand::from_score(14), LocalBand::High);
    assert!(LOCAL_BAND_LABEL.to_lowercase().contains("local"));
}

#[test]
fn wrong_number_of_answers_is_refused() {
    for n in [0, 23, 25] {
        let mut i = input(0);
        i.answers = vec![Answer::No; n];
        let errors = assess(&i, &DashSettings::default()).unwrap_err();
        let message = errors.get("answers").unwrap();
        assert!(message.starts_with("Answers"), "{message}");
        assert!(message.contains(&n.to_string()), "{message}");
    }
    let missing: DashInput = serde_json::from_str("{}").unwrap();
    let errors = assess(&missing, &DashSettings::default()).unwrap_err();
    assert!(errors.get("answers").is_some());
}

#[test]
fn professional_judgement_needs_a_rationale() {
    for rationale in [None, Some(String::new()), Some("  \n ".to_string())] {
        let i = DashInput {
            professional_judgement: true,
            rationale,
            ..input(5)
        };
        let errors = assess(&i, &DashSettings::default()).unwrap_err();
        assert!(errors.get("rationale").unwrap().starts_with("Rationale"));
    }
}

#[test]
fn professional_judgement_with_rationale_refers_below_14() {
    let r = run(&DashInput {
        professional_judgement: true,
        rationale: Some("Recent threats with a knife reported by the neighbour".into()),
        ..input(6)
    });
    assert_eq!(r.criteria_met, vec![MaracCriterion::ProfessionalJudgement]);
    assert!(r.refer_to_marac);
    // A rationale without professional judgement is not a criterion.
    let r = run(&DashInput {
        rationale: Some("notes".into()),
        ..input(6)
    });
    assert!(!r.refer_to_marac);
}

#[test]
fn escalation_at_threshold_and_one_below() {
    let at = run(&DashInput {
        incidents_in_window: 3,
        ..input(2)
    });
    assert_eq!(at.criteria_met, vec![MaracCriterion::PotentialEscalation]);
    let below = run(&DashInput {
        incidents_in_window: 2,
        ..input(2)
    });
    assert!(below.criteria_met.is_empty());
    // A stricter local threshold.
    let settings = DashSettings::new(2, 12).unwrap();
    let r = assess(
        &DashInput {
            incidents_in_window: 2,
            ..input(2)
        },
        &settings,
    )
    .unwrap();
    assert!(r.refer_to_marac);
}

#[test]
fn escalation_window_under_12_and_6_month_settings() {
    let today = d("2025-06-15");
    // Three incidents: 10 months, 4 months and 1 week ago.
    let dates = [d("2024-08-15"), d("2025-02-15"), d("2025-06-08")];
    let twelve = DashSettings::default();
    let six = DashSettings::new(3, 6).unwrap();
    let count12 = incidents_within(&dates, today, twelve.escalation_months);
    let count6 = incidents_within(&dates, today, six.escalation_months);
    assert_eq!((count12, count6), (3, 2));
    let with = |count: u32, settings: &DashSettings| {
        assess(
            &DashInput {
                incidents_in_window: count,
                ..input(0)
            },
            settings,
        )
        .unwrap()
        .criteria_met
    };
    assert_eq!(
        with(count12, &twelve),
        vec![MaracCriterion::PotentialEscalation]
    );
    assert!(with(count6, &six).is_empty());
    // One more recent incident brings the 6-month count to the threshold.
    let more = [dates[0], dates[1], dates[2], d("2025-06-14")];
    let count6 = incidents_within(&more, today, 6);
    assert_eq!(count6, 3);
    assert_eq!(
        with(count6, &six),
        vec![MaracCriterion::PotentialEscalation]
    );
}

#[test]
fn incidents_within_includes_both_window_ends() {
    let today = d("2025-06-15");
    let dates = [
        d("2024-06-14"), // a day too old
        d("2024-06-15"), // first day of the 12-month window
        d("2025-06-15"), // today
        d("2025-06-16"), // after today: ignored
    ];
    assert_eq!(incidents_within(&dates, today, 12), 2);
    assert_eq!(window_start(today, 6), Some(d("2024-12-15")));
    assert_eq!(window_start(d("2025-08-31"), 6), Some(d("2025-02-28")));
}

#[test]
fn repeat_inside_twelve_months() {
    let r = run(&DashInput {
        previous_marac_referral_date: Some(d("2024-03-10")),
        latest_incident_date: Some(d("2025-03-09")),
        ..input(3)
    });
    assert_eq!(r.criteria_met, vec![MaracCriterion::Repeat]);
    assert!(r.refer_to_marac);
    assert!(is_repeat(d("2024-03-10"), d("2024-03-11")));
}

#[test]
fn repeat_not_on_the_anniversary_day() {
    let r = run(&DashInput {
        previous_marac_referral_date: Some(d("2024-03-10")),
        latest_incident_date: Some(d("2025-03-10")),
        ..input(3)
    });
    assert!(r.criteria_met.is_empty());
    assert!(!is_repeat(d("2024-03-10"), d("2025-03-11")));
    // 29 February referral: the anniversary in a common year is 28 February.
    assert!(is_repeat(d("2024-02-29"), d("2025-02-27")));
    assert!(!is_repeat(d("2024-02-29"), d("2025-02-28")));
}

#[test]
fn repeat_not_on_the_referral_day_or_before() {
    let same_day = run(&DashInput {
        previous_marac_referral_date: Some(d("2024-03-10")),
        latest_incident_date: Some(d("2024-03-10")),
        ..input(3)
    });
    assert!(same_day.criteria_met.is_empty());
    assert!(!is_repeat(d("2024-03-10"), d("2024-03-09")));
    let no_referral = run(&DashInput {
        latest_incident_date: Some(d("2024-03-10")),
        ..input(3)
    });
    assert!(!no_referral.refer_to_marac);
}

#[test]
fn all_criteria_listed_in_contract_order() {
    let r = run(&DashInput {
        answers: answers(20, 0),
        professional_judgement: true,
        rationale: Some("serious concern".into()),
        incidents_in_window: 5,
        previous_marac_referral_date: Some(d("2025-01-01")),
        latest_incident_date: Some(d("2025-05-01")),
    });
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "score": 20,
            "visible_high_risk": true,
            "local_band": "high",
            "criteria_met": ["professional_judgement", "potential_escalation", "repeat",
                             "visible_high_risk"],
            "refer_to_marac": true
        })
    );
}

#[test]
fn api_example_input_deserialises() {
    let mut list = vec!["\"yes\""; 13];
    list.extend(vec!["\"dont_know\""; 2]);
    list.extend(vec!["\"no\""; 9]);
    let json = format!(
        r#"{{"answers": [{}], "professional_judgement": false, "rationale": null,
            "incidents_in_window": 0, "previous_marac_referral_date": null,
            "latest_incident_date": null}}"#,
        list.join(",")
    );
    let i: DashInput = serde_json::from_str(&json).unwrap();
    let r = run(&i);
    assert_eq!((r.score, r.local_band.as_str()), (13, "medium"));
    assert_eq!(serde_json::to_value(Answer::DontKnow).unwrap(), "dont_know");
    assert_eq!(Answer::parse(" Dont_Know"), Some(Answer::DontKnow));
}

#[test]
fn topics_and_settings() {
    assert_eq!(TOPICS.len(), 24);
    assert_eq!(TOPICS[13], "Threats to kill believed");
    assert!(TOPICS.iter().all(|t| !t.is_empty()));
    assert_eq!(
        DashSettings::default(),
        DashSettings {
            escalation_incidents: 3,
            escalation_months: 12
        }
    );
    assert!(DashSettings::new(0, 12).is_err());
    assert!(DashSettings::new(3, 0).is_err());
}
