//! DASH risk identification checklist (SafeLives, 2009) scoring and the MARAC
//! referral criteria.
//!
//! The 24 questions are asked of the victim (the person at risk). Their wording is
//! SafeLives' copyright: answers are stored by question number with our own short
//! topic labels ([`TOPICS`]); link to the official form rather than reproducing it.
//! DASH answers are victim-sourced, highly sensitive data: who may see them is
//! decided (and every view logged) outside this module.
//!
//! Pure rules: every date, including "today", is an argument.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::validation::FieldErrors;

/// Number of DASH questions; every one must be answered.
pub const QUESTION_COUNT: usize = 24;

/// Score at and above which the risk is "visible high risk" (nothing downgrades it).
pub const VISIBLE_HIGH_RISK_SCORE: u32 = 14;

/// Length, in calendar months, of the repeat-referral period after a MARAC referral.
pub const REPEAT_MONTHS: u32 = 12;

/// Our own short topic label for each question, in question order (1-24).
pub const TOPICS: [&str; QUESTION_COUNT] = [
    "Injury in current incident",
    "Very frightened",
    "What they are afraid of",
    "Isolated from family or friends",
    "Depressed or suicidal",
    "Separation in past year",
    "Conflict over child contact",
    "Constant contact, stalking or harassment",
    "Pregnant or baby under 18 months",
    "Abuse more frequent",
    "Abuse getting worse",
    "Controlling or jealous",
    "Weapons or objects used",
    "Threats to kill believed",
    "Strangling, choking, suffocating or drowning",
    "Harmful sexual behaviour",
    "Threatened by someone else",
    "Has hurt others",
    "Mistreated an animal",
    "Financial issues",
    "Drugs, alcohol or mental health problems",
    "Threatened or attempted suicide",
    "Breached bail, an injunction or an agreement",
    "Trouble with police or criminal history",
];

/// How the local band must be labelled wherever it is shown.
pub const LOCAL_BAND_LABEL: &str = concat!(
    "Local band (a common local banding, not a national rule): ",
    "0-9 standard, 10-13 medium, 14+ high"
);

/// One answer to a DASH question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Yes: adds one to the score.
    Yes,
    /// No: adds nothing.
    No,
    /// Don't know: adds nothing.
    DontKnow,
}

impl Answer {
    /// All answers, in form order.
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::DontKnow];

    /// The API value (`yes`, `no`, `dont_know`).
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::DontKnow => "dont_know",
        }
    }

    /// Text for people.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::DontKnow => "Don't know",
        }
    }

    /// Read an API value (surrounding spaces and letter case ignored).
    pub fn parse(value: &str) -> Option<Answer> {
        let value = value.trim().to_ascii_lowercase();
        Answer::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// Local settings for the "potential escalation" criterion: at least
/// `escalation_incidents` incidents in the last `escalation_months` calendar months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashSettings {
    /// Threshold `K` (default 3). A value of 0 is treated as 1.
    pub escalation_incidents: u32,
    /// Window `N` in calendar months (default 12; some areas use 6).
    pub escalation_months: u32,
}

impl Default for DashSettings {
    fn default() -> DashSettings {
        DashSettings {
            escalation_incidents: 3,
            escalation_months: 12,
        }
    }
}

impl DashSettings {
    /// Settings from configuration; both numbers must be at least 1.
    pub fn new(escalation_incidents: u32, escalation_months: u32) -> Result<DashSettings, String> {
        if escalation_incidents == 0 {
            return Err("DASH escalation threshold must be at least 1 incident".to_string());
        }
        if escalation_months == 0 {
            return Err("DASH escalation window must be at least 1 month".to_string());
        }
        Ok(DashSettings {
            escalation_incidents,
            escalation_months,
        })
    }
}

/// The checklist and MARAC facts, exactly as `POST /api/v1/calculators/dash` takes
/// them. Missing JSON fields take their defaults (no answers, `false`, 0, null) so
/// that [`assess`] refuses them by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashInput {
    /// The 24 answers, in question order.
    pub answers: Vec<Answer>,
    /// The practitioner refers because of serious concern, whatever the score.
    pub professional_judgement: bool,
    /// Written rationale; required (non-blank) with professional judgement.
    pub rationale: Option<String>,
    /// Incidents in the escalation window ([`DashSettings::escalation_months`] calendar
    /// months up to today), counted by the caller (see [`incidents_within`]).
    pub incidents_in_window: u32,
    /// Date of the previous MARAC referral, if any.
    pub previous_marac_referral_date: Option<NaiveDate>,
    /// Date of the latest qualifying incident, if any.
    pub latest_incident_date: Option<NaiveDate>,
}

/// The local band of a score (see [`LOCAL_BAND_LABEL`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalBand {
    /// 0-9.
    Standard,
    /// 10-13.
    Medium,
    /// 14 and over.
    High,
}

impl LocalBand {
    /// The local band of a score.
    pub fn from_score(score: u32) -> LocalBand {
        match score {
            0..=9 => LocalBand::Standard,
            10..=13 => LocalBand::Medium,
            _ => LocalBand::High,
        }
    }

    /// The API value (`standard`, `medium`, `high`).
    pub fn as_str(self) -> &'static str {
        match self {
            LocalBand::Standard => "standard",
            LocalBand::Medium => "medium",
            LocalBand::High => "high",
        }
    }

    /// Text for people (show it with [`LOCAL_BAND_LABEL`]).
    pub fn label(self) -> &'static str {
        match self {
            LocalBand::Standard => "Standard",
            LocalBand::Medium => "Medium",
            LocalBand::High => "High",
        }
    }
}

/// A MARAC referral criterion; any one is enough to refer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaracCriterion {
    /// The practitioner refers because of serious concern, with a written rationale.
    ProfessionalJudgement,
    /// At least K incidents in the last N months.
    PotentialEscalation,
    /// A further incident within 12 months after a previous MARAC referral.
    Repeat,
    /// A DASH score of 14 or more.
    VisibleHighRisk,
}

impl MaracCriterion {
    /// The API value, e.g. `potential_escalation`.
    pub fn as_str(self) -> &'static str {
        match self {
            MaracCriterion::ProfessionalJudgement => "professional_judgement",
            MaracCriterion::PotentialEscalation => "potential_escalation",
            MaracCriterion::Repeat => "repeat",
            MaracCriterion::VisibleHighRisk => "visible_high_risk",
        }
    }

    /// Text for people.
    pub fn label(self) -> &'static str {
        match self {
            MaracCriterion::ProfessionalJudgement => "Professional judgement",
            MaracCriterion::PotentialEscalation => "Potential escalation",
            MaracCriterion::Repeat => "Repeat referral",
            MaracCriterion::VisibleHighRisk => "Visible high risk",
        }
    }
}

/// The assessment, with the field names of the API answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashResult {
    /// Number of "yes" answers (0-24).
    pub score: u32,
    /// Score of 14 or more.
    pub visible_high_risk: bool,
    /// Local band of the score (label it as local: [`LOCAL_BAND_LABEL`]).
    pub local_band: LocalBand,
    /// The criteria met, in the order professional judgement, potential escalation,
    /// repeat, visible high risk.
    pub criteria_met: Vec<MaracCriterion>,
    /// True when any criterion is met.
    pub refer_to_marac: bool,
}

/// Number of "yes" answers.
pub fn score(answers: &[Answer]) -> u32 {
    let yes = answers.iter().filter(|a| **a == Answer::Yes).count();
    u32::try_from(yes).unwrap_or(u32::MAX)
}

/// First day of the window of `months` calendar months ending `today`, or `None`
/// when it would fall before the earliest representable date.
pub fn window_start(today: NaiveDate, months: u32) -> Option<NaiveDate> {
    today.checked_sub_months(Months::new(months))
}

/// Count the incidents dated on or after `today` minus `months` calendar months and
/// on or before `today` (both ends included; later dates are ignored). Month
/// arithmetic is chrono's: 31 August minus 6 months is 28 or 29 February.
pub fn incidents_within(dates: &[NaiveDate], today: NaiveDate, months: u32) -> u32 {
    let start = window_start(today, months);
    let count = dates
        .iter()
        .filter(|d| **d <= today && start.is_none_or(|s| **d >= s))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The repeat rule: an incident strictly after a previous MARAC referral and strictly
/// before the same date 12 calendar months later (the anniversary day does not count;
/// for a referral on 29 February the anniversary in a common year is 28 February).
pub fn is_repeat(previous_referral: NaiveDate, incident: NaiveDate) -> bool {
    let end = previous_referral.checked_add_months(Months::new(REPEAT_MONTHS));
    previous_referral < incident && end.is_none_or(|end| incident < end)
}

/// Check the input, score the checklist and apply the MARAC criteria.
///
/// Refusals (keyed by API field): `answers` unless exactly 24 are given;
/// `rationale` when professional judgement is claimed without a non-blank rationale.
pub fn assess(input: &DashInput, settings: &DashSettings) -> Result<DashResult, FieldErrors> {
    let mut errors = FieldErrors::new();
    if input.answers.len() != QUESTION_COUNT {
        errors.add(
            "answers",
            format!(
                "Answers: all {QUESTION_COUNT} questions must be answered (yes, no or don't \
                 know); {} given",
                input.answers.len()
            ),
        );
    }
    let has_rationale = input
        .rationale
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    if input.professional_judgement && !has_rationale {
        errors.add(
            "rationale",
            "Rationale: a written rationale is required for a referral on professional judgement",
        );
    }
    errors.into_result()?;

    let score = score(&input.answers);
    let visible_high_risk = score >= VISIBLE_HIGH_RISK_SCORE;
    let escalation = input.incidents_in_window >= settings.escalation_incidents.max(1);
    let repeat = match (
        input.previous_marac_referral_date,
        input.latest_incident_date,
    ) {
        (Some(referral), Some(incident)) => is_repeat(referral, incident),
        _ => false,
    };

    let criteria_met: Vec<MaracCriterion> = [
        (
            MaracCriterion::ProfessionalJudgement,
            input.professional_judgement,
        ),
        (MaracCriterion::PotentialEscalation, escalation),
        (MaracCriterion::Repeat, repeat),
        (MaracCriterion::VisibleHighRisk, visible_high_risk),
    ]
    .into_iter()
    .filter_map(|(criterion, met)| met.then_some(criterion))
    .collect();

    Ok(DashResult {
        score,
        visible_high_risk,
        local_band: LocalBand::from_score(score),
        refer_to_marac: !criteria_met.is_empty(),
        criteria_met,
    })
}

#[cfg(test)]
mod tests {
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
}
