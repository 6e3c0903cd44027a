//! A probation risk assessment: its sections, what a draft may hold, what
//! completion requires, and the need-to-know views of it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::arrest::{Disposal, Offence};
use super::code::coded_enum;
use super::dash::{self, DashInput, DashResult, DashSettings};
use super::ogrs3::{self, Ogrs3Input, Ogrs3Result};
use super::rosh::{RoshRatings, RoshRatingsInput};
use super::validation::FieldErrors;

coded_enum!(
    /// The suitability decision.
    Suitability {
        Suitable => "suitable", "Suitable for the programme";
        SuitableNotReady => "suitable_not_ready", "Suitable but not ready";
        NotSuitable => "not_suitable", "Not suitable";
    }
);

coded_enum!(
    /// How pressing a need is.
    Severity {
        NoNeed => "no_need", "No need";
        Standard => "standard", "Some need";
        Severe => "severe", "Severe need";
    }
);

coded_enum!(
    /// An assessment's state. Completed assessments are read-only; a new
    /// version supersedes the old one when it is completed.
    AssessmentStatus {
        Draft => "draft", "Draft";
        Completed => "completed", "Completed";
        Superseded => "superseded", "Superseded";
    }
);

coded_enum!(
    /// Which date an OGRS3 follow-up period starts from.
    FollowUpBasis {
        SentenceDate => "sentence_date", "The sentence date (community sentence)";
        ReleaseDate => "release_date", "The release date (after custody)";
        Other => "other", "Another date (say why in the rationale)";
    }
);

coded_enum!(
    /// The need areas, in form order.
    NeedArea {
        Accommodation => "accommodation", "Accommodation";
        Employment => "employment", "Education, training and employment";
        Relationships => "relationships", "Relationships";
        SubstanceMisuse => "substance_misuse", "Drug and alcohol misuse";
        AttitudesToWomen => "attitudes_to_women", "Attitudes to women";
        AttitudesToPayingForSex => "attitudes_to_paying_for_sex", "Attitudes to paying for sex";
        Motivation => "motivation", "Motivation to change";
    }
);

/// One need as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NeedInput {
    #[schema(value_type = Option<Severity>)]
    pub severity: Option<String>,
    pub note: Option<String>,
}

/// The domestic-abuse screen: known to MARAC, police call-outs, and an
/// optional DASH checklist taken from the person at risk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DomesticAbuseInput {
    pub known_to_marac: Option<bool>,
    pub marac_date: Option<NaiveDate>,
    pub police_callouts: Option<u32>,
    pub concerns: Option<String>,
}

/// Everything an assessment holds, as entered. Every part is optional in a
/// draft; [`check_complete`] says what completion still needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AssessmentInput {
    pub ogrs3: Option<Ogrs3Input>,
    /// Which date the OGRS3 follow-up starts from: `sentence_date`,
    /// `release_date` or `other` (ogrs3.md asks for it to be stored).
    #[schema(value_type = Option<FollowUpBasis>)]
    pub follow_up_basis: Option<String>,
    pub rosh: Option<RoshRatingsInput>,
    pub domestic_abuse: Option<DomesticAbuseInput>,
    pub dash: Option<DashInput>,
    /// Keyed by need area code (see `NeedArea`).
    pub needs: BTreeMap<String, NeedInput>,
    #[schema(value_type = Option<Suitability>)]
    pub suitability: Option<String>,
    pub rationale: Option<String>,
    pub recommended_intervention: Option<String>,
}

/// The results worked out from an input.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AssessmentResults {
    pub ogrs3: Option<Ogrs3Result>,
    pub rosh: Option<RoshRatings>,
    pub dash: Option<DashResult>,
}

fn prefix(errors: FieldErrors, section: &str, into: &mut FieldErrors) {
    for (f, m) in errors.iter() {
        into.add(&format!("{section}.{f}"), m);
    }
}

/// The results of whatever parts are complete enough to work out, ignoring
/// the rest (a draft prefilled by Kerbside is not yet scorable).
pub fn partial_results(input: &AssessmentInput, dash_settings: &DashSettings) -> AssessmentResults {
    AssessmentResults {
        ogrs3: input.ogrs3.as_ref().and_then(|o| ogrs3::calculate(o).ok()),
        rosh: input.rosh.as_ref().and_then(|r| r.validate("rosh.").ok()),
        dash: input
            .dash
            .as_ref()
            .and_then(|d| dash::assess(d, dash_settings).ok()),
    }
}

/// Check what has been entered so far (a draft): each part that is present
/// must be valid; absent parts are fine. Returns the results worked out.
pub fn check_draft(
    input: &AssessmentInput,
    dash_settings: &DashSettings,
) -> Result<AssessmentResults, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut results = AssessmentResults::default();
    if let Some(o) = &input.ogrs3 {
        match ogrs3::calculate(o) {
            Ok(r) => results.ogrs3 = Some(r),
            Err(errs) => prefix(errs, "ogrs3", &mut e),
        }
    }
    if let Some(r) = &input.rosh {
        match r.validate("rosh.") {
            Ok(v) => results.rosh = Some(v),
            Err(errs) => {
                for (f, m) in errs.iter() {
                    e.add(f, m);
                }
            }
        }
    }
    if let Some(d) = &input.dash {
        match dash::assess(d, dash_settings) {
            Ok(r) => results.dash = Some(r),
            Err(errs) => prefix(errs, "dash", &mut e),
        }
    }
    if let Some(da) = &input.domestic_abuse {
        if let Some(d) = da.marac_date {
            e.check(
                "domestic_abuse.marac_date",
                super::dates::in_supported_range(d, "MARAC date"),
            );
        }
        if da.known_to_marac == Some(true) && da.marac_date.is_none() {
            e.add(
                "domestic_abuse.marac_date",
                "Enter the date of the MARAC referral or discussion",
            );
        }
        if da
            .concerns
            .as_deref()
            .is_some_and(|c| c.chars().count() > 4000)
        {
            e.add(
                "domestic_abuse.concerns",
                "Concerns must be 4,000 characters or fewer",
            );
        }
    }
    for (key, need) in &input.needs {
        if NeedArea::parse(key).is_none() {
            e.add(
                &format!("needs.{key}"),
                format!("'{key}' is not a need area"),
            );
            continue;
        }
        if let Some(s) = need.severity.as_deref().filter(|s| !s.is_empty())
            && Severity::parse(s).is_none()
        {
            e.add(
                &format!("needs.{key}"),
                "Choose no need, some need or severe need",
            );
        }
        if need
            .note
            .as_deref()
            .is_some_and(|n| n.chars().count() > 2000)
        {
            e.add(
                &format!("needs.{key}"),
                "The note must be 2,000 characters or fewer",
            );
        }
    }
    if let Some(b) = input.follow_up_basis.as_deref().filter(|b| !b.is_empty())
        && FollowUpBasis::parse(b).is_none()
    {
        e.add(
            "follow_up_basis",
            "Say which date the follow-up starts from: sentence_date, release_date or other",
        );
    }
    if let Some(s) = input.suitability.as_deref().filter(|s| !s.is_empty())
        && Suitability::parse(s).is_none()
    {
        e.add(
            "suitability",
            "Suitability must be suitable, suitable_not_ready or not_suitable",
        );
    }
    if input
        .rationale
        .as_deref()
        .is_some_and(|r| r.chars().count() > 8000)
    {
        e.add(
            "rationale",
            "The rationale must be 8,000 characters or fewer",
        );
    }
    e.into_result().map(|()| results)
}

/// The suitability section's rule: a decision from the list and a written
/// rationale (checked when the section is saved and again at completion).
pub fn suitability_errors(input: &AssessmentInput) -> FieldErrors {
    let mut e = FieldErrors::new();
    if input
        .suitability
        .as_deref()
        .and_then(Suitability::parse)
        .is_none()
    {
        e.add("suitability", "Record the suitability decision");
    }
    if input
        .rationale
        .as_deref()
        .is_none_or(|r| r.trim().is_empty())
    {
        e.add(
            "rationale",
            "Give the rationale for the suitability decision",
        );
    }
    e
}

/// What completion needs on top of a valid draft: RoSH for every group, a
/// suitability decision with a rationale, and (unless not suitable) the
/// OGRS3 score; the domestic-abuse screen answered.
pub fn check_complete(
    input: &AssessmentInput,
    dash_settings: &DashSettings,
) -> Result<AssessmentResults, FieldErrors> {
    let results = check_draft(input, dash_settings)?;
    let mut e = FieldErrors::new();
    if results.rosh.is_none() {
        e.add("rosh", "Rate the risk of serious harm for each group");
    }
    if let Some(s) = input.suitability.as_deref().and_then(Suitability::parse)
        && s != Suitability::NotSuitable
        && results.ogrs3.is_none()
    {
        e.add("ogrs3", "Complete the OGRS3 section");
    }
    for (field, message) in suitability_errors(input).iter() {
        e.add(field, message);
    }
    if input
        .domestic_abuse
        .as_ref()
        .and_then(|d| d.known_to_marac)
        .is_none()
    {
        e.add(
            "domestic_abuse",
            "Complete the domestic-abuse screen (at least whether he is known to MARAC)",
        );
    }
    e.into_result().map(|()| results)
}

/// The OGRS3 offence category for an arrest's offence: kerb crawling and
/// soliciting belong to `soliciting_or_prostitution`.
pub fn offence_category_for(offence: Offence) -> &'static str {
    if offence.is_soliciting() {
        "soliciting_or_prostitution"
    } else {
        "other_offence"
    }
}

/// Whether a disposal is scored as a conviction or a caution by OGRS3.
pub fn current_sanction_for(disposal: Disposal) -> &'static str {
    match disposal {
        Disposal::SimpleCaution | Disposal::ConditionalCaution | Disposal::CommunityResolution => {
            "caution"
        }
        _ => "conviction",
    }
}

/// A recorded arrest, as the OGRS3 prefill needs it.
#[derive(Clone, Copy, Debug)]
pub struct PastArrest {
    pub offence: Offence,
    pub disposal: Disposal,
    pub date: NaiveDate,
}

/// OGRS3 inputs prefilled from what Kerbside knows: sex and date of birth,
/// the offence category and sanction of the arrest being assessed, and the
/// sanctions recorded here (the officer completes them from the PNC check).
pub fn ogrs3_prefill(
    sex: super::person::Sex,
    date_of_birth: NaiveDate,
    arrests: &[PastArrest],
    current: Option<PastArrest>,
) -> Ogrs3Input {
    // only what had happened by the arrest being assessed
    let cutoff = current.map(|c| c.date);
    let sanctions: Vec<&PastArrest> = arrests
        .iter()
        .filter(|a| a.disposal.is_sanction() && cutoff.is_none_or(|d| a.date <= d))
        .collect();
    Ogrs3Input {
        sex: crate::domain::ogrs3::age_sex_coefficient(sex, crate::domain::ogrs3::MIN_AGE)
            .map(|_| sex.as_str().to_string()),
        date_of_birth: Some(date_of_birth),
        conviction_date: current.map(|c| c.date),
        follow_up_start_date: None,
        age_at_first_sanction: None,
        first_sanction_date: sanctions.iter().map(|a| a.date).min(),
        total_sanctions: Some(sanctions.len().max(1) as i64),
        offence_category: current.map(|c| offence_category_for(c.offence).to_string()),
        current_sanction: current.map(|c| current_sanction_for(c.disposal).to_string()),
    }
}

/// What a section of the task list looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionState {
    NotStarted,
    InProgress,
    Completed,
}

/// The state of each task-list section: (key, title, state).
pub fn section_states(
    input: &AssessmentInput,
    results: &AssessmentResults,
) -> Vec<(&'static str, &'static str, SectionState)> {
    let st = |started: bool, done: bool| match (started, done) {
        (_, true) => SectionState::Completed,
        (true, false) => SectionState::InProgress,
        _ => SectionState::NotStarted,
    };
    let needs_done = NeedArea::ALL.iter().all(|area| {
        input
            .needs
            .get(area.as_str())
            .and_then(|n| n.severity.as_deref())
            .is_some_and(|s| Severity::parse(s).is_some())
    });
    vec![
        (
            "ogrs3",
            "Likelihood of reoffending (OGRS3)",
            st(input.ogrs3.is_some(), results.ogrs3.is_some()),
        ),
        (
            "rosh",
            "Risk of serious harm",
            st(input.rosh.is_some(), results.rosh.is_some()),
        ),
        (
            "domestic-abuse",
            "Domestic-abuse screen",
            st(
                input.domestic_abuse.is_some() || input.dash.is_some(),
                input
                    .domestic_abuse
                    .as_ref()
                    .and_then(|d| d.known_to_marac)
                    .is_some(),
            ),
        ),
        ("needs", "Needs", st(!input.needs.is_empty(), needs_done)),
        (
            "suitability",
            "Suitability",
            st(
                input.suitability.is_some() || input.rationale.is_some(),
                input
                    .suitability
                    .as_deref()
                    .and_then(Suitability::parse)
                    .is_some()
                    && input
                        .rationale
                        .as_deref()
                        .is_some_and(|r| !r.trim().is_empty()),
            ),
        ),
    ]
}

/// The only thing a facilitator is told: the decision and whether there are
/// contact issues, never the answers or the narrative.
pub fn facilitator_summary(
    suitability: Option<Suitability>,
    rosh_overall_high: bool,
    known_to_marac: bool,
) -> String {
    let decision = match suitability {
        Some(Suitability::Suitable) => "suitable",
        Some(Suitability::SuitableNotReady) => "suitable but not ready",
        Some(Suitability::NotSuitable) => "not suitable",
        None => "not yet assessed",
    };
    let contact = if rosh_overall_high || known_to_marac {
        "contact issues: speak to his probation officer before any contact outside sessions"
    } else {
        "no contact issues"
    };
    format!("{decision}, {contact}")
}

#[cfg(test)]
#[path = "assessment_tests.rs"]
mod tests;
