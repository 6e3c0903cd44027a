//! The task-list sections of an assessment: each a form that saves the
//! draft when what was typed is valid, or shows it again with the errors.

use chrono::NaiveDate;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::{Value, json};

use super::FormOutcome;
use super::assessments::{Probation, page_data};
use crate::domain::assessment::{
    AssessmentInput, DomesticAbuseInput, NeedArea, NeedInput, Severity, Suitability,
};
use crate::domain::dash::{Answer, DashInput, TOPICS};
use crate::domain::dates::parse_date_parts;
use crate::domain::ogrs3::{OffenceCategory, Ogrs3Input};
use crate::domain::rosh::{RoshGroup, RoshLevel, RoshRatingsInput};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::assessments;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

fn date_parts(d: Option<NaiveDate>) -> Value {
    match d {
        Some(d) => {
            json!({"day": d.format("%-d").to_string(), "month": d.format("%-m").to_string(), "year": d.format("%Y").to_string()})
        }
        None => json!({"day": "", "month": "", "year": ""}),
    }
}

fn optional_date(
    d: &str,
    m: &str,
    y: &str,
    field: &str,
    what: &str,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    if d.trim().is_empty() && m.trim().is_empty() && y.trim().is_empty() {
        return None;
    }
    errors.check(field, parse_date_parts(d, m, y, what))
}

fn options() -> Value {
    json!({
        "basis_options": crate::web::present::choices::<crate::domain::assessment::FollowUpBasis>(),
        "sex_options": [{"value": "male", "label": "Male"}, {"value": "female", "label": "Female"}],
        "sanction_options": [{"value": "conviction", "label": "Conviction", "hint": ""}, {"value": "caution", "label": "Caution", "hint": "OGRS3 scores convictions: the result will be marked indicative"}],
        "category_options": OffenceCategory::ALL.iter().map(|c| json!({"value": c.as_str(), "label": c.label()})).collect::<Vec<_>>(),
        "rosh_options": RoshLevel::ALL.iter().map(|l| json!({"value": l.as_str(), "label": l.label(), "hint": l.definition()})).collect::<Vec<_>>(),
        "rosh_groups": RoshGroup::ALL.iter().map(|g| json!({"key": g.as_str(), "label": g.label(), "legend": format!("Risk to {}", g.label().to_lowercase())})).collect::<Vec<_>>(),
        "answer_options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}, {"value": "dont_know", "label": "Don't know"}],
        "yes_no": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        "severity_options": Severity::ALL.iter().map(|s| json!({"value": s.as_str(), "label": s.label()})).collect::<Vec<_>>(),
        "suitability_options": Suitability::ALL.iter().map(|s| json!({"value": s.as_str(), "label": s.label()})).collect::<Vec<_>>(),
        "needs_areas": NeedArea::ALL.iter().map(|a| json!({"key": a.as_str(), "label": a.label(), "note_label": format!("Note on {} (optional)", a.label().to_lowercase())})).collect::<Vec<_>>(),
        "topics": TOPICS.iter().enumerate().map(|(i, t)| json!({"number": i + 1, "key": (i + 1).to_string(), "topic": t})).collect::<Vec<_>>(),
    })
}

/// One section's page: which assessment, which template, who is asking.
struct Section<'a> {
    app: &'a AppState,
    user: &'a Probation,
    shell: &'a Shell,
    id: i32,
    template: &'static str,
}

impl Section<'_> {
    async fn page(
        &self,
        values: Option<Value>,
        errors: Option<&FieldErrors>,
    ) -> AppResult<Template> {
        let v = assessments::view(self.app, self.user.actor(), self.id).await?;
        let mut data = page_data(self.app, &v).await?;
        if !v.is_author || v.assessment.status != crate::domain::assessment::AssessmentStatus::Draft
        {
            return Err(AppError::conflict(
                "Only the author can change a draft assessment; a completed one is locked.",
            ));
        }
        if let (Some(o), Value::Object(extra)) = (data.as_object_mut(), options()) {
            o.extend(extra);
        }
        data["escalation_months"] = json!(self.app.settings.dash_escalation_months);
        data["escalation_incidents"] = json!(self.app.settings.dash_escalation_incidents);
        data["values"] = values.unwrap_or_else(|| current_values(&v.input));
        data["errors"] = errors.map(super::errors_json).unwrap_or(Value::Null);
        Ok(render(self.template, self.shell, data))
    }

    async fn save_or_again(
        &self,
        lock_version: i32,
        values: Value,
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

fn current_values(i: &AssessmentInput) -> Value {
    let o = i.ogrs3.clone().unwrap_or_default();
    let da = i.domestic_abuse.clone().unwrap_or_default();
    let d = i.dash.clone();
    json!({
        "follow_up_basis": i.follow_up_basis, "sex": o.sex, "date_of_birth": date_parts(o.date_of_birth), "conviction_date": date_parts(o.conviction_date),
        "follow_up_start_date": date_parts(o.follow_up_start_date), "first_sanction_date": date_parts(o.first_sanction_date),
        "age_at_first_sanction": o.age_at_first_sanction.map(|a| a.to_string()).unwrap_or_default(),
        "total_sanctions": o.total_sanctions.map(|a| a.to_string()).unwrap_or_default(),
        "offence_category": o.offence_category, "current_sanction": o.current_sanction,
        "rosh": i.rosh.clone().unwrap_or_default(),
        "known_to_marac": da.known_to_marac.map(|b| if b { "yes" } else { "no" }), "marac_date": date_parts(da.marac_date),
        "police_callouts": da.police_callouts.map(|c| c.to_string()).unwrap_or_default(), "concerns": da.concerns,
        "dash_taken": if d.is_some() { "yes" } else { "no" },
        "answers": d.as_ref().map(|d| d.answers.iter().enumerate().map(|(i, a)| ((i + 1).to_string(), a.as_str())).collect::<std::collections::BTreeMap<_, _>>()).unwrap_or_default(),
        "professional_judgement": d.as_ref().map(|d| d.professional_judgement).unwrap_or(false),
        "dash_rationale": d.as_ref().and_then(|d| d.rationale.clone()),
        "incidents_in_window": d.as_ref().map(|d| d.incidents_in_window.to_string()).unwrap_or_default(),
        "previous_marac_referral_date": date_parts(d.as_ref().and_then(|d| d.previous_marac_referral_date)),
        "latest_incident_date": date_parts(d.as_ref().and_then(|d| d.latest_incident_date)),
        "needs": i.needs, "suitability": i.suitability, "rationale": i.rationale, "recommended_intervention": i.recommended_intervention,
    })
}

/// Every section's form, by the path segment the task list links to.
#[get("/assessments/<id>/<section>", rank = 2)]
async fn edit_section(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    section: &str,
) -> AppResult<Template> {
    let template = match section {
        "ogrs3" => "assessment_ogrs3",
        "rosh" => "assessment_rosh",
        "domestic-abuse" => "assessment_domestic_abuse",
        "needs" => "assessment_needs",
        "suitability" => "assessment_suitability",
        _ => return Err(AppError::NotFound),
    };
    Section {
        app,
        user: &user,
        shell: &shell,
        id,
        template,
    }
    .page(None, None)
    .await
}

#[derive(FromForm, serde::Serialize, Default)]
struct DateBoxes {
    #[field(default = String::new())]
    day: String,
    #[field(default = String::new())]
    month: String,
    #[field(default = String::new())]
    year: String,
}

#[derive(FromForm, serde::Serialize)]
struct Ogrs3Form {
    lock_version: i32,
    #[field(default = String::new())]
    sex: String,
    date_of_birth: DateBoxes,
    conviction_date: DateBoxes,
    follow_up_start_date: DateBoxes,
    first_sanction_date: DateBoxes,
    #[field(default = String::new())]
    age_at_first_sanction: String,
    #[field(default = String::new())]
    total_sanctions: String,
    #[field(default = String::new())]
    offence_category: String,
    #[field(default = String::new())]
    current_sanction: String,
    #[field(default = String::new())]
    follow_up_basis: String,
}

fn whole(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    errors.check(
        field,
        t.parse::<i64>()
            .map_err(|_| "Enter a whole number, like 3".to_string()),
    )
}

#[post("/assessments/<id>/ogrs3", data = "<form>")]
async fn update_ogrs3(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    form: Form<Ogrs3Form>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut e = FieldErrors::new();
    let dob = optional_date(
        &f.date_of_birth.day,
        &f.date_of_birth.month,
        &f.date_of_birth.year,
        "date_of_birth",
        "the date of birth",
        &mut e,
    );
    let conv = optional_date(
        &f.conviction_date.day,
        &f.conviction_date.month,
        &f.conviction_date.year,
        "conviction_date",
        "the conviction date",
        &mut e,
    );
    let fu = optional_date(
        &f.follow_up_start_date.day,
        &f.follow_up_start_date.month,
        &f.follow_up_start_date.year,
        "follow_up_start_date",
        "the follow-up start date",
        &mut e,
    );
    let first = optional_date(
        &f.first_sanction_date.day,
        &f.first_sanction_date.month,
        &f.first_sanction_date.year,
        "first_sanction_date",
        "the first sanction date",
        &mut e,
    );
    let age = whole(&f.age_at_first_sanction, "age_at_first_sanction", &mut e);
    let total = whole(&f.total_sanctions, "total_sanctions", &mut e);
    let input = Ogrs3Input {
        sex: Some(f.sex.clone()).filter(|s| !s.is_empty()),
        date_of_birth: dob,
        conviction_date: conv,
        follow_up_start_date: fu,
        age_at_first_sanction: age,
        first_sanction_date: first,
        total_sanctions: total,
        offence_category: Some(f.offence_category.clone()).filter(|s| !s.is_empty()),
        current_sanction: Some(f.current_sanction.clone()).filter(|s| !s.is_empty()),
    };
    let basis = f.follow_up_basis.clone();
    let mut values = serde_json::to_value(&f).unwrap_or_default();
    values["date_of_birth"] = json!(f.date_of_birth);
    Section {
        app,
        user: &user,
        shell: &shell,
        id,
        template: "assessment_ogrs3",
    }
    .save_or_again(f.lock_version, values, e, move |i| {
        i.ogrs3 = Some(input);
        i.follow_up_basis = Some(basis).filter(|b| !b.is_empty());
    })
    .await
}

#[derive(FromForm, serde::Serialize)]
struct RoshForm {
    lock_version: i32,
    #[field(default = String::new())]
    public: String,
    #[field(default = String::new())]
    known_adult: String,
    #[field(default = String::new())]
    children: String,
    #[field(default = String::new())]
    staff: String,
}

#[post("/assessments/<id>/rosh", data = "<form>")]
async fn update_rosh(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    form: Form<RoshForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let input = RoshRatingsInput {
        public: some(&f.public),
        known_adult: some(&f.known_adult),
        children: some(&f.children),
        staff: some(&f.staff),
    };
    let values = json!({ "rosh": f });
    Section {
        app,
        user: &user,
        shell: &shell,
        id,
        template: "assessment_rosh",
    }
    .save_or_again(f.lock_version, values, FieldErrors::new(), move |i| {
        i.rosh = Some(input)
    })
    .await
}

#[derive(FromForm, serde::Serialize)]
struct DomesticAbuseForm {
    lock_version: i32,
    #[field(default = String::new())]
    known_to_marac: String,
    marac_date: DateBoxes,
    #[field(default = String::new())]
    police_callouts: String,
    #[field(default = String::new())]
    concerns: String,
    #[field(default = String::new())]
    dash_taken: String,
    answers: std::collections::BTreeMap<usize, String>,
    #[field(default = false)]
    professional_judgement: bool,
    #[field(default = String::new())]
    dash_rationale: String,
    #[field(default = String::new())]
    incidents_in_window: String,
    previous_marac_referral_date: DateBoxes,
    latest_incident_date: DateBoxes,
}

#[post("/assessments/<id>/domestic-abuse", data = "<form>")]
async fn update_domestic_abuse(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    form: Form<DomesticAbuseForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut e = FieldErrors::new();
    let known = match f.known_to_marac.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            e.add("known_to_marac", "Say whether he is known to MARAC");
            None
        }
    };
    let marac_date = optional_date(
        &f.marac_date.day,
        &f.marac_date.month,
        &f.marac_date.year,
        "marac_date",
        "the MARAC date",
        &mut e,
    );
    let callouts =
        whole(&f.police_callouts, "police_callouts", &mut e).map(|n| n.clamp(0, 10_000) as u32);
    let da = DomesticAbuseInput {
        known_to_marac: known,
        marac_date,
        police_callouts: callouts,
        concerns: Some(f.concerns.trim().to_string()).filter(|c| !c.is_empty()),
    };
    let dash = if f.dash_taken == "yes" {
        // answers arrive numbered ("answers[7]=yes") so that an unanswered question is visible
        let mut answers: Vec<Option<Answer>> = vec![None; TOPICS.len()];
        for (n, v) in &f.answers {
            if let Some(v) = Answer::parse(v)
                && (1..=TOPICS.len()).contains(n)
            {
                answers[n - 1] = Some(v);
            }
        }
        let missing: Vec<String> = answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_none())
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            e.add(
                "answers",
                format!(
                    "Answer every question (all 24 must be asked): question {} not answered",
                    missing.join(", ")
                ),
            );
        }
        let first = optional_date(
            &f.previous_marac_referral_date.day,
            &f.previous_marac_referral_date.month,
            &f.previous_marac_referral_date.year,
            "previous_marac_referral_date",
            "the previous MARAC referral date",
            &mut e,
        );
        let latest = optional_date(
            &f.latest_incident_date.day,
            &f.latest_incident_date.month,
            &f.latest_incident_date.year,
            "latest_incident_date",
            "the latest incident date",
            &mut e,
        );
        Some(DashInput {
            answers: answers.into_iter().flatten().collect(),
            professional_judgement: f.professional_judgement,
            rationale: Some(f.dash_rationale.trim().to_string()).filter(|r| !r.is_empty()),
            incidents_in_window: whole(&f.incidents_in_window, "incidents_in_window", &mut e)
                .map(|n| n.clamp(0, 10_000) as u32)
                .unwrap_or(0),
            previous_marac_referral_date: first,
            latest_incident_date: latest,
        })
    } else {
        None
    };
    let mut values = serde_json::to_value(&f).unwrap_or_default();
    values["answers"] = json!(
        f.answers
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    );
    values["rosh"] = json!({});
    Section {
        app,
        user: &user,
        shell: &shell,
        id,
        template: "assessment_domestic_abuse",
    }
    .save_or_again(f.lock_version, values, e, move |i| {
        i.domestic_abuse = Some(da);
        i.dash = dash;
    })
    .await
}

#[derive(FromForm, serde::Serialize)]
struct NeedsForm {
    lock_version: i32,
    needs: std::collections::BTreeMap<String, NeedFields>,
}

#[derive(FromForm, serde::Serialize, Default)]
struct NeedFields {
    #[field(default = String::new())]
    severity: String,
    #[field(default = String::new())]
    note: String,
}

#[post("/assessments/<id>/needs", data = "<form>")]
async fn update_needs(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    form: Form<NeedsForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let needs: std::collections::BTreeMap<String, NeedInput> = f
        .needs
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                NeedInput {
                    severity: Some(v.severity.clone()).filter(|s| !s.is_empty()),
                    note: Some(v.note.trim().to_string()).filter(|n| !n.is_empty()),
                },
            )
        })
        .collect();
    let values = json!({ "needs": f.needs, "rosh": {} });
    Section {
        app,
        user: &user,
        shell: &shell,
        id,
        template: "assessment_needs",
    }
    .save_or_again(f.lock_version, values, FieldErrors::new(), move |i| {
        i.needs = needs
    })
    .await
}

#[derive(FromForm, serde::Serialize)]
struct SuitabilityForm {
    lock_version: i32,
    #[field(default = String::new())]
    suitability: String,
    #[field(default = String::new())]
    rationale: String,
    #[field(default = String::new())]
    recommended_intervention: String,
}

#[post("/assessments/<id>/suitability", data = "<form>")]
async fn update_suitability(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    form: Form<SuitabilityForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut e = FieldErrors::new();
    if Suitability::parse(&f.suitability).is_none() {
        e.add("suitability", "Choose the suitability decision");
    }
    if f.rationale.trim().is_empty() {
        e.add("rationale", "Give the rationale for the decision");
    }
    let (s, r, ri) = (
        f.suitability.clone(),
        f.rationale.trim().to_string(),
        f.recommended_intervention.trim().to_string(),
    );
    let values = serde_json::to_value(&f).unwrap_or_default();
    Section {
        app,
        user: &user,
        shell: &shell,
        id,
        template: "assessment_suitability",
    }
    .save_or_again(f.lock_version, values, e, move |i| {
        i.suitability = Some(s);
        i.rationale = Some(r);
        i.recommended_intervention = Some(ri).filter(|x| !x.is_empty());
    })
    .await
}

pub fn routes() -> Vec<Route> {
    routes![
        edit_section,
        update_ogrs3,
        update_rosh,
        update_domestic_abuse,
        update_needs,
        update_suitability
    ]
}
