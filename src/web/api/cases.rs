//! `/api/v1/referrals` and `/api/v1/assessments` (probation).

use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, get, post, put, routes};
use serde::Deserialize;
use serde_json::{Value, json};

use super::list_body;
use crate::auth::guards::{Can, cap};
use crate::db::referrals_repo::QueueFilter;
use crate::domain::assessment::AssessmentInput;
use crate::domain::pagination::PageRequest;
use crate::error::AppResult;
use crate::services::assessments::{self, AssessmentView};
use crate::services::referrals;
use crate::state::AppState;
use crate::web::present;

type Probation = Can<cap::ManageCases>;

#[get("/referrals?<status>&<mine>&<page>&<per_page>")]
async fn list_referrals(
    app: &State<AppState>,
    user: Probation,
    status: Option<String>,
    mine: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
) -> AppResult<Json<Value>> {
    let filter = QueueFilter {
        statuses: status
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        assigned_to: if mine == Some(true) {
            user.actor().user_id()
        } else {
            None
        },
    };
    let (rows, info) =
        referrals::queue(app, user.actor(), &filter, PageRequest::new(page, per_page)).await?;
    let items = rows
        .iter()
        .map(|r| {
            let mut v = json!(present::referral(&r.referral));
            v["days_left"] = json!(r.days_left);
            v["person"] = json!(r.person.as_ref().map(present::person));
            v["arrest"] = json!(r.arrest.as_ref().map(present::arrest));
            v["assigned_name"] = json!(r.assigned_name);
            v
        })
        .collect();
    Ok(Json(list_body(items, &info)))
}

#[derive(Deserialize)]
struct AssessmentBody {
    person_id: Option<i32>,
    referral_id: Option<i32>,
    /// On PUT: the `lock_version` the client read. When given, a save from an
    /// out-of-date copy answers 409 instead of overwriting a newer change.
    lock_version: Option<i32>,
    #[serde(flatten)]
    input: AssessmentInput,
}

/// The full assessment, for probation only.
pub fn assessment_json(v: &AssessmentView) -> Value {
    let a = &v.assessment;
    json!({
        "id": a.id, "person_id": a.person_id, "referral_id": a.referral_id, "version": a.version_number,
        "supersedes_id": a.supersedes_id, "status": a.status, "author": v.author_name, "lock_version": a.lock_version,
        "created_at": a.created_at, "updated_at": a.updated_at, "completed_at": a.completed_at,
        "suitability": v.input.suitability, "rationale": v.input.rationale, "recommended_intervention": v.input.recommended_intervention,
        "rosh": v.input.rosh, "rosh_overall": v.results.rosh.as_ref().map(|r| r.overall()),
        "ogrs3": v.input.ogrs3, "ogrs3_result": v.results.ogrs3, "follow_up_basis": v.input.follow_up_basis,
        "domestic_abuse": v.input.domestic_abuse, "dash": v.input.dash, "dash_result": v.results.dash,
        "needs": v.input.needs,
    })
}

#[post("/assessments", format = "json", data = "<body>")]
async fn create_assessment(
    app: &State<AppState>,
    user: Probation,
    body: ApiJson<AssessmentBody>,
) -> AppResult<(Status, Json<Value>)> {
    let b = body.into_inner();
    let Some(person_id) = b.person_id else {
        return Err(crate::error::AppError::invalid(
            "person_id",
            "Give the id of the man assessed",
        ));
    };
    let a = assessments::create(app, user.actor(), person_id, b.referral_id, &b.input).await?;
    let v = assessments::view(app, user.actor(), a.id).await?;
    Ok((Status::Created, Json(assessment_json(&v))))
}

#[put("/assessments/<id>", format = "json", data = "<body>")]
async fn replace_assessment(
    app: &State<AppState>,
    user: Probation,
    id: i32,
    body: ApiJson<AssessmentBody>,
) -> AppResult<Json<Value>> {
    let body = body.into_inner();
    assessments::require_api_fields(&body.input)?;
    assessments::save(app, user.actor(), id, body.lock_version, &body.input).await?;
    Ok(Json(assessment_json(
        &assessments::view(app, user.actor(), id).await?,
    )))
}

#[post("/assessments/<id>/complete")]
async fn complete_assessment(
    app: &State<AppState>,
    user: Probation,
    id: i32,
) -> AppResult<Json<Value>> {
    assessments::complete(app, user.actor(), id).await?;
    Ok(Json(assessment_json(
        &assessments::view(app, user.actor(), id).await?,
    )))
}

#[get("/assessments/<id>")]
async fn show_assessment(
    app: &State<AppState>,
    user: Probation,
    id: i32,
) -> AppResult<Json<Value>> {
    Ok(Json(assessment_json(
        &assessments::view(app, user.actor(), id).await?,
    )))
}

pub fn routes() -> Vec<Route> {
    routes![
        list_referrals,
        create_assessment,
        replace_assessment,
        complete_assessment,
        show_assessment
    ]
}
