//! `/api/v1/assessments`: create, replace, complete and read risk
//! assessments (probation; the author changes a draft).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};

use super::json_body::ApiJson;
use crate::auth::guards::{Can, cap};
use crate::domain::assessment::{AssessmentInput, AssessmentStatus, DomesticAbuseInput, NeedInput};
use crate::domain::dash::{DashInput, DashResult};
use crate::domain::ogrs3::{Ogrs3Input, Ogrs3Result};
use crate::domain::rosh::RoshLevel;
use crate::domain::rosh::RoshRatingsInput;
use crate::error::{AppError, AppResult};
use crate::services::assessments::{self, AssessmentView};
use crate::state::AppState;

type ManageCases = Can<cap::ManageCases>;

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
#[derive(Serialize)]
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

#[post("/assessments", format = "json", data = "<body>")]
async fn create_assessment(
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

#[put("/assessments/<id>", format = "json", data = "<body>")]
async fn replace_assessment(
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

#[post("/assessments/<id>/complete")]
async fn complete_assessment(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<Json<AssessmentBodyOut>> {
    assessments::complete(app, user.actor(), id).await?;
    current(app, &user, id).await
}

#[get("/assessments/<id>")]
async fn show_assessment(
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
