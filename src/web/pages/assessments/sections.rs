//! The task-list sections of an assessment: each a form that saves the
//! draft when what was typed is valid, or shows it again with the errors.
//! Only the author changes a draft (`assessments::editable`).

use std::collections::BTreeMap;

use crate::web::shell::HtmlPage;
use chrono::NaiveDate;
use rocket::{FromForm, Route, State, get, routes};
use serde::Serialize;

use super::{AssessmentPage, ManageCases};
use crate::domain::assessment::{
    AssessmentInput, FollowUpBasis, NeedArea, NeedInput, Severity, Suitability,
};
use crate::domain::dash::{Answer, TOPICS};
use crate::domain::dates::parse_optional_date_parts;
use crate::domain::ogrs3::{CurrentSanction, OffenceCategory, Sex};
use crate::domain::rosh::{RoshGroup, RoshLevel, RoshRatingsInput};
use crate::domain::validation::{FieldErrors, YesNo};
use crate::error::{AppError, AppResult};
use crate::services::assessments;
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::present::{Choice, choices};
use crate::web::shell::{Shell, render};

/// A date as its three boxes show it.
#[derive(FromForm, Serialize, Default, Clone)]
pub(super) struct DateBoxes {
    #[field(default = String::new())]
    day: String,
    #[field(default = String::new())]
    month: String,
    #[field(default = String::new())]
    year: String,
}

impl DateBoxes {
    fn of(d: Option<NaiveDate>) -> DateBoxes {
        match d {
            Some(d) => DateBoxes {
                day: d.format("%-d").to_string(),
                month: d.format("%-m").to_string(),
                year: d.format("%Y").to_string(),
            },
            None => DateBoxes::default(),
        }
    }

    /// The date typed, if any; a wrong one is an error on `field`.
    pub(super) fn read(
        &self,
        field: &str,
        what: &str,
        errors: &mut FieldErrors,
    ) -> Option<NaiveDate> {
        errors
            .check(
                field,
                parse_optional_date_parts(&self.day, &self.month, &self.year, what),
            )
            .flatten()
    }
}

/// A choice with a hint under it.
#[derive(Serialize)]
struct HintedChoice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
}

/// A RoSH group's radio set.
#[derive(Serialize)]
struct RoshGroupChoice {
    key: &'static str,
    label: &'static str,
    legend: String,
}

/// A need area's fields.
#[derive(Serialize)]
struct NeedAreaChoice {
    key: &'static str,
    label: &'static str,
    note_label: String,
}

/// A DASH question.
#[derive(Serialize)]
struct Topic {
    number: usize,
    key: String,
    topic: &'static str,
}

/// The choices every section form offers.
#[derive(Serialize)]
struct SectionChoices {
    basis_options: Vec<Choice>,
    sex_options: Vec<Choice>,
    sanction_options: Vec<HintedChoice>,
    category_options: Vec<Choice>,
    rosh_options: Vec<HintedChoice>,
    rosh_groups: Vec<RoshGroupChoice>,
    answer_options: Vec<Choice>,
    yes_no: Vec<Choice>,
    severity_options: Vec<Choice>,
    suitability_options: Vec<Choice>,
    needs_areas: Vec<NeedAreaChoice>,
    topics: Vec<Topic>,
}

impl SectionChoices {
    fn new() -> SectionChoices {
        SectionChoices {
            basis_options: choices::<FollowUpBasis>(),
            // OGRS3 scores men and women only
            sex_options: [Sex::Male, Sex::Female]
                .iter()
                .map(|s| Choice {
                    value: s.as_str(),
                    label: s.label(),
                })
                .collect(),
            sanction_options: CurrentSanction::ALL
                .iter()
                .map(|c| HintedChoice {
                    value: c.as_str(),
                    label: c.label(),
                    hint: match c {
                        CurrentSanction::Caution => {
                            "OGRS3 scores convictions: the result will be marked indicative"
                        }
                        CurrentSanction::Conviction => "",
                    },
                })
                .collect(),
            category_options: choices::<OffenceCategory>(),
            rosh_options: RoshLevel::ALL
                .iter()
                .map(|l| HintedChoice {
                    value: l.as_str(),
                    label: l.label(),
                    hint: l.definition(),
                })
                .collect(),
            rosh_groups: RoshGroup::ALL
                .iter()
                .map(|g| RoshGroupChoice {
                    key: g.as_str(),
                    label: g.label(),
                    legend: format!("Risk to {}", g.label().to_lowercase()),
                })
                .collect(),
            answer_options: choices::<Answer>(),
            yes_no: choices::<YesNo>(),
            severity_options: choices::<Severity>(),
            suitability_options: choices::<Suitability>(),
            needs_areas: NeedArea::ALL
                .iter()
                .map(|a| NeedAreaChoice {
                    key: a.as_str(),
                    label: a.label(),
                    note_label: format!("Note on {} (optional)", a.label().to_lowercase()),
                })
                .collect(),
            topics: TOPICS
                .iter()
                .enumerate()
                .map(|(i, topic)| Topic {
                    number: i + 1,
                    key: (i + 1).to_string(),
                    topic,
                })
                .collect(),
        }
    }
}

/// A section's page: the assessment, the choices, and the values in the fields.
#[derive(Serialize)]
struct SectionPage<V: Serialize> {
    #[serde(flatten)]
    assessment: AssessmentPage,
    #[serde(flatten)]
    choices: SectionChoices,
    escalation_months: u32,
    escalation_incidents: u32,
    values: V,
}

/// One section's page: which assessment, which template, who is asking.
pub(super) struct Section<'a> {
    pub(super) app: &'a AppState,
    pub(super) user: &'a ManageCases,
    pub(super) shell: &'a Shell,
    pub(super) id: i32,
    pub(super) template: &'static str,
}

impl Section<'_> {
    /// The form: with what is saved (`values` of `None`) or what was typed.
    async fn page<V: Serialize>(
        &self,
        values: Option<V>,
        errors: Option<&FieldErrors>,
    ) -> AppResult<HtmlPage> {
        let v = assessments::editable(self.app, self.user.actor(), self.id).await?;
        let mut assessment = AssessmentPage::of(&v);
        assessment.errors = errors.map(errors_json);
        let dash = self.app.dash();
        let choices = SectionChoices::new();
        let template = self.template;
        Ok(match values {
            Some(values) => render(
                template,
                self.shell,
                SectionPage {
                    assessment,
                    choices,
                    escalation_months: dash.escalation_months,
                    escalation_incidents: dash.escalation_incidents,
                    values,
                },
            ),
            None => render(
                template,
                self.shell,
                SectionPage {
                    assessment,
                    choices,
                    escalation_months: dash.escalation_months,
                    escalation_incidents: dash.escalation_incidents,
                    values: SavedValues::of(&v.input),
                },
            ),
        })
    }

    pub(super) async fn save_or_again<V: Serialize>(
        &self,
        lock_version: i32,
        values: V,
        mut errors: FieldErrors,
        change: impl FnOnce(&mut AssessmentInput),
    ) -> AppResult<FormOutcome> {
        if errors.is_empty() {
            match assessments::save_section(
                self.app,
                self.user.actor(),
                self.id,
                lock_version,
                change,
            )
            .await
            {
                Ok(_) => {
                    return Ok(FormOutcome::done(
                        format!("/assessments/{}", self.id),
                        "Section saved",
                    ));
                }
                Err(AppError::Invalid(e)) => errors = e,
                Err(e) => return Err(e),
            }
        }
        // section errors come back prefixed ("ogrs3.total_sanctions"): show them on the field
        let mut shown = FieldErrors::new();
        for (f, m) in errors.iter() {
            shown.add(f.rsplit('.').next().unwrap_or(f), m);
        }
        Ok(FormOutcome::again(
            self.page(Some(values), Some(&shown)).await?,
        ))
    }
}

/// A need as the form shows it.
#[derive(Serialize, FromForm, Default, Clone)]
pub(super) struct NeedFields {
    #[field(default = String::new())]
    pub(super) severity: String,
    #[field(default = String::new())]
    pub(super) note: String,
}

/// What is saved, as every section's fields show it.
#[derive(Serialize)]
struct SavedValues {
    follow_up_basis: Option<String>,
    sex: Option<String>,
    date_of_birth: DateBoxes,
    conviction_date: DateBoxes,
    follow_up_start_date: DateBoxes,
    first_sanction_date: DateBoxes,
    age_at_first_sanction: String,
    total_sanctions: String,
    offence_category: Option<String>,
    current_sanction: Option<String>,
    rosh: RoshRatingsInput,
    known_to_marac: Option<&'static str>,
    marac_date: DateBoxes,
    police_callouts: String,
    concerns: Option<String>,
    dash_taken: &'static str,
    answers: BTreeMap<String, &'static str>,
    professional_judgement: bool,
    dash_rationale: Option<String>,
    incidents_in_window: String,
    previous_marac_referral_date: DateBoxes,
    latest_incident_date: DateBoxes,
    needs: BTreeMap<String, NeedInput>,
    suitability: Option<String>,
    rationale: Option<String>,
    recommended_intervention: Option<String>,
}

impl SavedValues {
    fn of(i: &AssessmentInput) -> SavedValues {
        let o = i.ogrs3.clone().unwrap_or_default();
        let da = i.domestic_abuse.clone().unwrap_or_default();
        let d = i.dash.as_ref();
        let number = |n: Option<i64>| n.map(|a| a.to_string()).unwrap_or_default();
        SavedValues {
            follow_up_basis: i.follow_up_basis.clone(),
            sex: o.sex,
            date_of_birth: DateBoxes::of(o.date_of_birth),
            conviction_date: DateBoxes::of(o.conviction_date),
            follow_up_start_date: DateBoxes::of(o.follow_up_start_date),
            first_sanction_date: DateBoxes::of(o.first_sanction_date),
            age_at_first_sanction: number(o.age_at_first_sanction),
            total_sanctions: number(o.total_sanctions),
            offence_category: o.offence_category,
            current_sanction: o.current_sanction,
            rosh: i.rosh.clone().unwrap_or_default(),
            known_to_marac: da.known_to_marac.map(|b| if b { "yes" } else { "no" }),
            marac_date: DateBoxes::of(da.marac_date),
            police_callouts: da
                .police_callouts
                .map(|c| c.to_string())
                .unwrap_or_default(),
            concerns: da.concerns,
            dash_taken: if d.is_some() { "yes" } else { "no" },
            answers: d
                .map(|d| {
                    d.answers
                        .iter()
                        .enumerate()
                        .map(|(i, a)| ((i + 1).to_string(), a.as_str()))
                        .collect()
                })
                .unwrap_or_default(),
            professional_judgement: d.is_some_and(|d| d.professional_judgement),
            dash_rationale: d.and_then(|d| d.rationale.clone()),
            incidents_in_window: d
                .map(|d| d.incidents_in_window.to_string())
                .unwrap_or_default(),
            previous_marac_referral_date: DateBoxes::of(
                d.and_then(|d| d.previous_marac_referral_date),
            ),
            latest_incident_date: DateBoxes::of(d.and_then(|d| d.latest_incident_date)),
            needs: i.needs.clone(),
            suitability: i.suitability.clone(),
            rationale: i.rationale.clone(),
            recommended_intervention: i.recommended_intervention.clone(),
        }
    }
}

/// Every section's form, by the path segment the task list links to.
#[get("/assessments/<id>/<section>", rank = 2)]
async fn edit_section(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    section: &str,
) -> AppResult<HtmlPage> {
    let template = match section {
        "ogrs3" => "assessment_ogrs3",
        "rosh" => "assessment_rosh",
        "domestic-abuse" => "assessment_domestic_abuse",
        "needs" => "assessment_needs",
        "suitability" => "assessment_suitability",
        _ => return Err(AppError::NotFound),
    };
    Section::<'_> {
        app,
        user: &user,
        shell: &shell,
        id,
        template,
    }
    .page::<SavedValues>(None, None)
    .await
}

pub fn routes() -> Vec<Route> {
    let mut r = routes![edit_section];
    r.extend(super::section_forms::routes());
    r
}
