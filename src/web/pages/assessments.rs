//! An assessment as a task list: overview, completing and locking it, and
//! starting a new version.

use rocket::{Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::{Value, json};

use super::FormOutcome;
use crate::auth::guards::{Can, cap};
use crate::db::people_repo;
use crate::domain::assessment::{
    AssessmentStatus, NeedArea, Severity, Suitability, section_states,
};
use crate::domain::dash::TOPICS;
use crate::domain::london_time::format_datetime;
use crate::domain::rosh::RoshGroup;
use crate::error::{AppError, AppResult};
use crate::services::assessments::{self, AssessmentView};
use crate::state::AppState;
use crate::web::present;
use crate::web::shell::{Shell, render};

pub(super) type Probation = Can<cap::ManageCases>;

/// What every assessment page shows: the man, the assessment, its results.
pub(super) async fn page_data(app: &AppState, v: &AssessmentView) -> AppResult<Value> {
    let person = people_repo::find(&app.db, v.assessment.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sections: Vec<Value> = section_states(&v.input, &v.results)
        .iter()
        .map(|(k, t, s)| json!({"key": k, "title": t, "state": s}))
        .collect();
    let rosh: Vec<Value> = match &v.results.rosh {
        Some(r) => RoshGroup::ALL
            .iter()
            .map(|g| json!({"group": g.label(), "level": r.get(*g).label()}))
            .collect(),
        None => Vec::new(),
    };
    let needs: Vec<Value> = NeedArea::ALL
        .iter()
        .map(|area| {
            let n = v.input.needs.get(area.as_str());
            json!({"key": area.as_str(), "label": area.label(), "severity": n.and_then(|n| n.severity.as_deref()).and_then(Severity::parse).map(|s| s.label()), "note": n.and_then(|n| n.note.clone())})
        })
        .collect();
    let dash_answers: Vec<Value> = v.input.dash.as_ref().map(|d| d.answers.iter().enumerate().map(|(i, a)| json!({"number": i + 1, "topic": TOPICS.get(i).copied().unwrap_or(""), "answer": a.label()})).collect()).unwrap_or_default();
    Ok(json!({
        "person": present::person(&person),
        "assessment": {
            "id": v.assessment.id, "version": v.assessment.version_number, "status": v.assessment.status,
            "status_text": v.assessment.status.label(),
            "is_draft": v.assessment.status == AssessmentStatus::Draft,
            "lock_version": v.assessment.lock_version, "author": v.author_name, "is_author": v.is_author,
            "created_at": format_datetime(v.assessment.created_at), "completed_at": v.assessment.completed_at.map(format_datetime),
            "supersedes_id": v.assessment.supersedes_id,
        },
        "sections": sections,
        "ogrs3": v.results.ogrs3,
        "rosh": rosh,
        "rosh_overall": v.results.rosh.as_ref().map(|r| r.overall().label()),
        "dash": v.results.dash,
        "dash_answers": dash_answers,
        "domestic_abuse": v.input.domestic_abuse,
        "needs": needs,
        "suitability": v.input.suitability.as_deref().and_then(Suitability::parse).map(|s| s.label()),
        "rationale": v.input.rationale,
        "recommended_intervention": v.input.recommended_intervention,
    }))
}

#[get("/assessments/<id>")]
async fn show_assessment(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let v = assessments::view(app, user.actor(), id).await?;
    Ok(render("assessment", &shell, page_data(app, &v).await?))
}

#[get("/assessments/<id>/complete")]
async fn confirm_complete(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let v = assessments::view(app, user.actor(), id).await?;
    let data = page_data(app, &v).await?;
    Ok(render("assessment_complete", &shell, data))
}

#[post("/assessments/<id>/complete")]
async fn complete_assessment(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
) -> AppResult<FormOutcome> {
    match assessments::complete(app, user.actor(), id).await {
        Ok(_) => Ok(FormOutcome::done(
            format!("/assessments/{id}"),
            "Assessment completed and locked",
        )),
        Err(AppError::Invalid(e)) => {
            let v = assessments::view(app, user.actor(), id).await?;
            let mut data = page_data(app, &v).await?;
            data["errors"] = super::errors_json(&e);
            Ok(FormOutcome::again(render(
                "assessment_complete",
                &shell,
                data,
            )))
        }
        Err(e) => Err(e),
    }
}

#[post("/assessments/<id>/new-version")]
async fn new_version(app: &State<AppState>, user: Probation, id: i32) -> AppResult<FormOutcome> {
    let a = assessments::new_version(app, user.actor(), id).await?;
    Ok(FormOutcome::done(
        format!("/assessments/{}", a.id),
        "New version started from the completed assessment. The completed one stays in force until this one is completed.",
    ))
}

#[post("/people/<id>/assessments")]
async fn start_for_person(
    app: &State<AppState>,
    user: Probation,
    id: i32,
) -> AppResult<FormOutcome> {
    let a = assessments::start(app, user.actor(), id, None).await?;
    Ok(FormOutcome::done(
        format!("/assessments/{}", a.id),
        "Assessment started",
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        show_assessment,
        confirm_complete,
        complete_assessment,
        new_version,
        start_for_person
    ]
}
