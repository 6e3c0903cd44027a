//! `/api/v1/assessments`: create, replace, complete and read risk
//! assessments (probation; the author changes a draft).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};

use super::json_body::ApiJson;
use super::problem::Problem;
use crate::auth::guards::{Can, cap};
use crate::domain::assessment::{AssessmentInput, AssessmentStatus, DomesticAbuseInput, NeedInput};
use crate::domain::dash::{DashInput, DashResult};
use crate::domain::ogrs3::{Ogrs3Input, Ogrs3Result};
use crate::domain::rosh::RoshLevel;
use crate::domain::rosh::RoshRatingsInput;
use crate::error::{AppError, AppResult};
use crate::services::assessments::{self, AssessmentView};
use crate::state::AppState;
use utoipa::ToSchema;

type ManageCases = Can<cap::ManageCases>;

/// An assessment as the API takes it: every part optional in a draft;
/// completing it needs what `POST /assessments/{id}/complete` names.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "person_id": 12, "suitability": "suitable", "rationale": "Accepts responsibility; no DA concerns.",
    "rosh": {"public": "low", "known_adult": "low", "children": "low", "staff": "low"}
}))]
pub(super) struct AssessmentBody {
    /// The man assessed (required when creating).
    #[schema(value_type = Option<i32>, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    person_id: Option<i32>,
    /// The referral this assessment answers, if any.
    #[schema(value_type = Option<i32>, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    referral_id: Option<i32>,
    /// On PUT: the `lock_version` the client read. When given, a save from an
    /// out-of-date copy answers 409 instead of overwriting a newer change.
    lock_version: Option<i32>,
    #[serde(flatten)]
    input: AssessmentInput,
}

/// The full assessment, for probation only.
#[derive(Serialize, ToSchema)]
pub struct AssessmentBodyOut {
    pub id: i32,
    pub person_id: i32,
    pub referral_id: Option<i32>,
    pub version: i32,
    pub supersedes_id: Option<i32>,
    pub status: AssessmentStatus,
    pub author: Option<String>,
    pub lock_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub suitability: Option<String>,
    pub rationale: Option<String>,
    pub recommended_intervention: Option<String>,
    pub rosh: Option<RoshRatingsInput>,
    pub rosh_overall: Option<RoshLevel>,
    pub ogrs3: Option<Ogrs3Input>,
    pub ogrs3_result: Option<Ogrs3Result>,
    pub follow_up_basis: Option<String>,
    pub domestic_abuse: Option<DomesticAbuseInput>,
    pub dash: Option<DashInput>,
    pub dash_result: Option<DashResult>,
    pub needs: BTreeMap<String, NeedInput>,
}

impl From<AssessmentView> for AssessmentBodyOut {
    fn from(v: AssessmentView) -> AssessmentBodyOut {
        let a = v.assessment;
        AssessmentBodyOut {
            id: a.id,
            person_id: a.person_id,
            referral_id: a.referral_id,
            version: a.version_number,
            supersedes_id: a.supersedes_id,
            status: a.status,
            author: v.author_name,
            lock_version: a.lock_version,
            created_at: a.created_at,
            updated_at: a.updated_at,
            completed_at: a.completed_at,
            suitability: v.input.suitability,
            rationale: v.input.rationale,
            recommended_intervention: v.input.recommended_intervention,
            rosh: v.input.rosh,
            rosh_overall: v.results.rosh.as_ref().map(|r| r.overall()),
            ogrs3: v.input.ogrs3,
            ogrs3_result: v.results.ogrs3,
            follow_up_basis: v.input.follow_up_basis,
            domestic_abuse: v.input.domestic_abuse,
            dash: v.input.dash,
            dash_result: v.results.dash,
            needs: v.input.needs,
        }
    }
}

async fn current(
    app: &AppState,
    user: &ManageCases,
    id: i32,
) -> AppResult<Json<AssessmentBodyOut>> {
    Ok(Json(assessments::view(app, user.actor(), id).await?.into()))
}

/// Create a draft assessment of a man (probation).
#[utoipa::path(
    tag = "assessments",
    request_body = AssessmentBody,
    responses(
        (status = 201, description = "The draft", body = AssessmentBodyOut),
        (status = 404, description = "No such man or referral, or not one the caller may see", body = Problem),
        (status = 409, description = "He already has a draft assessment", body = Problem),
        (status = 422, description = "A field is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/assessments", data = "<body>")]
pub(super) async fn create_assessment(
    app: &State<AppState>,
    user: ManageCases,
    body: ApiJson<AssessmentBody>,
) -> AppResult<(Status, Json<AssessmentBodyOut>)> {
    let b = body.into_inner();
    let Some(person_id) = b.person_id else {
        return Err(AppError::invalid(
            "person_id",
            "Give the id of the man assessed",
        ));
    };
    let a = assessments::create(app, user.actor(), person_id, b.referral_id, &b.input).await?;
    Ok((Status::Created, current(app, &user, a.id).await?))
}

/// Replace a draft (its author). With `lock_version`, a save from an
/// out-of-date copy answers 409 instead of overwriting a newer change.
#[utoipa::path(
    tag = "assessments",
    params(("id" = i32, Path, minimum = 1)),
    request_body = AssessmentBody,
    responses(
        (status = 200, description = "The draft as saved", body = AssessmentBodyOut),
        (status = 404, description = "No such assessment, or not one the caller may see", body = Problem),
        (status = 409, description = "Completed (locked), written by someone else, or changed since it was read", body = Problem),
        (status = 422, description = "A field is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[put("/assessments/<id>", data = "<body>")]
pub(super) async fn replace_assessment(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
    body: ApiJson<AssessmentBody>,
) -> AppResult<Json<AssessmentBodyOut>> {
    let body = body.into_inner();
    assessments::require_api_fields(&body.input)?;
    assessments::save(app, user.actor(), id, body.lock_version, &body.input).await?;
    current(app, &user, id).await
}

/// Complete and lock an assessment (its author).
#[utoipa::path(
    tag = "assessments",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 200, description = "Completed", body = AssessmentBodyOut),
        (status = 404, description = "No such assessment, or not one the caller may see", body = Problem),
        (status = 409, description = "Already completed, or written by someone else", body = Problem),
        (status = 422, description = "Not yet complete: `fields` names what is missing", body = Problem),
    ),
)]
#[post("/assessments/<id>/complete")]
pub(super) async fn complete_assessment(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<Json<AssessmentBodyOut>> {
    assessments::complete(app, user.actor(), id).await?;
    current(app, &user, id).await
}

/// An assessment (probation only).
#[utoipa::path(
    tag = "assessments",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 200, description = "The assessment", body = AssessmentBodyOut),
        (status = 404, description = "No such assessment, or not one the caller may see", body = Problem),
    ),
)]
#[get("/assessments/<id>")]
pub(super) async fn show_assessment(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<Json<AssessmentBodyOut>> {
    current(app, &user, id).await
}

pub fn routes() -> Vec<Route> {
    routes![
        create_assessment,
        replace_assessment,
        complete_assessment,
        show_assessment
    ]
}
