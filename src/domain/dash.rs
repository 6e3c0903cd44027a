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

use super::code::coded_enum;
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

coded_enum!(
    /// One answer to a DASH question.
    Answer {
        /// Yes: adds one to the score.
        Yes => "yes", "Yes";
        /// No: adds nothing.
        No => "no", "No";
        /// Don't know: adds nothing.
        DontKnow => "dont_know", "Don't know";
    }
);

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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DashInput {
    /// The 24 answers, in question order (exactly 24 are needed; the
    /// document cannot say so because a missing list reads as empty).
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

coded_enum!(
    /// The local band of a score (see [`LOCAL_BAND_LABEL`]).
    LocalBand {
        /// 0-9.
        Standard => "standard", "Standard";
        /// 10-13.
        Medium => "medium", "Medium";
        /// 14 and over.
        High => "high", "High";
    }
);

impl LocalBand {
    /// The local band of a score.
    pub fn from_score(score: u32) -> LocalBand {
        match score {
            0..=9 => LocalBand::Standard,
            10..=13 => LocalBand::Medium,
            _ => LocalBand::High,
        }
    }
}

coded_enum!(
    /// A MARAC referral criterion; any one is enough to refer.
    MaracCriterion {
        /// The practitioner refers because of serious concern, with a written rationale.
        ProfessionalJudgement => "professional_judgement", "Professional judgement";
        /// At least K incidents in the last N months.
        PotentialEscalation => "potential_escalation", "Potential escalation";
        /// A further incident within 12 months after a previous MARAC referral.
        Repeat => "repeat", "Repeat referral";
        /// A DASH score of 14 or more.
        VisibleHighRisk => "visible_high_risk", "Visible high risk";
    }
);

/// The assessment, with the field names of the API answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

/// Read the checklist as a form sends it, numbered 1 to 24 so that an
/// unanswered question is visible: every question answered, or an error
/// naming those that are not.
pub fn answers_from_numbered(
    numbered: &std::collections::BTreeMap<usize, String>,
) -> Result<Vec<Answer>, String> {
    let answers: Vec<Option<Answer>> = (1..=QUESTION_COUNT)
        .map(|n| numbered.get(&n).and_then(|v| Answer::parse(v)))
        .collect();
    let missing: Vec<String> = answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_none())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if missing.is_empty() {
        Ok(answers.into_iter().flatten().collect())
    } else {
        Err(format!(
            "Answer every question (all {QUESTION_COUNT} must be asked): question {} not answered",
            missing.join(", ")
        ))
    }
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
    for (field, date) in [
        (
            "previous_marac_referral_date",
            input.previous_marac_referral_date,
        ),
        ("latest_incident_date", input.latest_incident_date),
    ] {
        if let Some(d) = date {
            errors.check(field, super::dates::in_supported_range(d, field));
        }
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
#[path = "dash_tests.rs"]
mod tests;
