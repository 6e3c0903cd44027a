//! `/api/v1/enrolments`: enrol a man on a cohort, read his standing
//! (figures and the enforcement prompt), record enforcement decisions.

use chrono::NaiveDate;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, routes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::ApiJson;
use super::problem::Problem;
use super::schema;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_iso_date;
use crate::domain::enforcement::{EnforcementAction, PromptKind};
use crate::domain::enrolment::{EnrolmentStatus, LegalBasis};
use crate::error::{AppError, AppResult};
use crate::services::enrolments::{self, EnforcementInput, EnrolmentInput};
use crate::services::reports;
use crate::state::AppState;

/// An enrolment as the API takes it.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "person_id": 12, "cohort_id": 3, "referral_id": 7, "legal_basis": "conditional_caution", "deadline": "2027-03-31"
}))]
pub(super) struct EnrolmentBody {
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    person_id: Option<i32>,
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    cohort_id: Option<i32>,
    /// The referral he comes from, if any (it is closed as enrolled).
    #[schema(value_type = Option<i32>, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    referral_id: Option<i32>,
    legal_basis: LegalBasis,
    /// Conditional caution only: the course deadline (when absent, the one
    /// the police recorded on the referral's arrest).
    #[schema(schema_with = schema::optional_date)]
    deadline: Option<String>,
    /// Required when he has no completed assessment finding him suitable.
    #[schema(schema_with = schema::notes)]
    override_reason: Option<String>,
    /// true: if the cohort is full, put him on its waiting list (201, status
    /// `waiting_list`) instead of refusing with 409.
    #[serde(default)]
    waiting_list: bool,
}

/// An enrolment as created.
#[derive(Serialize, ToSchema)]
pub struct EnrolmentCreated {
    pub id: i32,
    pub status: EnrolmentStatus,
    /// Men on the cohort he was arrested together with: they should not share a group.
    pub warnings: Vec<String>,
}

fn missing(field: &str, what: &str) -> AppError {
    AppError::invalid(field, format!("Give {what}"))
}

/// Enrol a man on a cohort (probation).
#[utoipa::path(
    tag = "enrolments",
    request_body = EnrolmentBody,
    responses(
        (status = 201, description = "Enrolled, awaiting start (or on the waiting list when asked for and the cohort is full)", body = EnrolmentCreated),
        (status = 409, description = "The cohort is full (the message names cohorts with places and offers the waiting list), or he is already on it", body = Problem),
        (status = 422, description = "A field is wrong, or he has no completed suitable assessment and no `override_reason`", body = Problem),
    ),
)]
#[post("/enrolments", data = "<body>")]
pub(super) async fn create_enrolment(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    body: ApiJson<EnrolmentBody>,
) -> AppResult<(Status, Json<EnrolmentCreated>)> {
    let b = body.into_inner();
    let deadline = b
        .deadline
        .as_deref()
        .map(|d| parse_iso_date(d, "the deadline"))
        .transpose()
        .map_err(|m| AppError::invalid("deadline", m))?;
    let e = enrolments::enrol(
        app,
        user.actor(),
        &EnrolmentInput {
            person_id: b
                .person_id
                .ok_or_else(|| missing("person_id", "the man's id"))?,
            cohort_id: b
                .cohort_id
                .ok_or_else(|| missing("cohort_id", "the cohort's id"))?,
            referral_id: b.referral_id,
            legal_basis: b.legal_basis,
            deadline,
            override_reason: b.override_reason,
            waiting_list: b.waiting_list,
        },
    )
    .await?;
    Ok((
        Status::Created,
        Json(EnrolmentCreated {
            id: e.enrolment.id,
            status: e.enrolment.status,
            warnings: e.warnings,
        }),
    ))
}

/// The enforcement prompt.
#[derive(Serialize, ToSchema)]
pub struct EnforcementPrompt {
    pub prompt: PromptKind,
    /// The date of the failure the prompt is about.
    pub since: Option<NaiveDate>,
    pub days_since: Option<i64>,
}

/// A recorded enforcement decision.
#[derive(Serialize, ToSchema)]
pub struct EnforcementRecord {
    pub id: i32,
    pub action: EnforcementAction,
    pub date: NaiveDate,
    pub note: String,
}

/// An enrolment's standing.
#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    pub id: i32,
    pub person_id: i32,
    pub cohort_id: i32,
    pub cohort_code: String,
    pub legal_basis: LegalBasis,
    pub deadline: Option<NaiveDate>,
    pub status: EnrolmentStatus,
    pub completed_on: Option<NaiveDate>,
    /// Sessions of his cohort held so far (cancelled and superseded ones do not count).
    pub held: u32,
    pub attended: u32,
    pub acceptable_absences: u32,
    pub unacceptable_absences: u32,
    /// Attended / sessions at which attendance was expected of him.
    pub attendance_rate: Option<f64>,
    pub sessions_remaining: u32,
    pub enforcement: EnforcementPrompt,
    pub enforcement_actions: Vec<EnforcementRecord>,
}

async fn standing(app: &AppState, user: &crate::auth::Actor, id: i32) -> AppResult<EnrolmentOut> {
    let d = enrolments::standing_of(app, user, id).await?;
    let f = &d.standing.figures;
    let p = &d.standing.prompt;
    Ok(EnrolmentOut {
        id: d.enrolment.id,
        person_id: d.enrolment.person_id,
        cohort_id: d.cohort.id,
        cohort_code: d.cohort.code.clone(),
        legal_basis: d.enrolment.legal_basis,
        deadline: d.enrolment.deadline,
        status: d.enrolment.status,
        completed_on: d.enrolment.completed_on,
        held: f.held,
        attended: f.attended,
        acceptable_absences: f.acceptable_absences,
        unacceptable_absences: f.unacceptable_absences,
        attendance_rate: f.attendance_rate,
        sessions_remaining: f.sessions_remaining,
        enforcement: EnforcementPrompt {
            prompt: p.kind,
            since: p.since,
            days_since: p.days_since(d.today),
        },
        enforcement_actions: d
            .actions
            .iter()
            .map(|a| EnforcementRecord {
                id: a.id,
                action: a.action,
                date: a.action_date,
                note: a.note.clone(),
            })
            .collect(),
    })
}

/// An enrolment's figures and enforcement prompt (probation; the cohort's facilitators).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 200, description = "The enrolment", body = EnrolmentOut),
        (status = 404, description = "No such enrolment, or not one the caller may see", body = Problem),
    ),
)]
#[get("/enrolments/<id>")]
pub(super) async fn show_enrolment(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    id: i32,
) -> AppResult<Json<EnrolmentOut>> {
    Ok(Json(standing(app, user.actor(), id).await?))
}

/// An enforcement decision.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"action": "warning", "date": "2027-02-03", "note": "Warned in writing; a further breach within 12 months goes to court."}))]
pub(super) struct EnforcementBody {
    /// `warning` is for orders only; `prosecution_referral` for a conditional caution.
    action: EnforcementAction,
    #[schema(schema_with = schema::date)]
    date: String,
    #[schema(schema_with = schema::required_note)]
    note: String,
}

/// Record an enforcement decision (probation).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = i32, Path, minimum = 1)),
    request_body = EnforcementBody,
    responses(
        (status = 201, description = "Recorded; the enrolment as it now stands", body = EnrolmentOut),
        (status = 404, description = "No such enrolment", body = Problem),
        (status = 409, description = "Already referred", body = Problem),
        (status = 422, description = "An action the legal basis does not allow, a future date, or no note", body = Problem),
    ),
)]
#[post("/enrolments/<id>/enforcement", data = "<body>")]
pub(super) async fn record_enforcement(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    id: i32,
    body: ApiJson<EnforcementBody>,
) -> AppResult<(Status, Json<EnrolmentOut>)> {
    let b = body.into_inner();
    let date = parse_iso_date(&b.date, "the date").map_err(|m| AppError::invalid("date", m))?;
    enrolments::record_enforcement(
        app,
        user.actor(),
        id,
        &EnforcementInput {
            action: b.action,
            date,
            note: b.note,
        },
    )
    .await?;
    Ok((
        Status::Created,
        Json(standing(app, user.actor(), id).await?),
    ))
}

/// The enrolment's progress report as a PDF (probation; the cohort's
/// facilitators). Every download is audited as a disclosure, to the
/// recipient when one is named.
#[utoipa::path(
    tag = "enrolments",
    params(
        ("id" = i32, Path, minimum = 1),
        ("recipient" = Option<String>, Query, max_length = 200, description = "Who it is for, e.g. Ipswich Magistrates' Court (recorded in the audit log)"),
    ),
    responses(
        (status = 200, description = "The PDF, named by the report's reference", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such enrolment, or not one the caller may see", body = Problem),
    ),
)]
#[get("/enrolments/<id>/progress-report.pdf?<recipient>")]
pub(super) async fn progress_report(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    _once: super::query::EachOnce,
    id: i32,
    recipient: Option<String>,
) -> AppResult<crate::web::pdf::PdfDownload> {
    let file = reports::progress_report(app, user.actor(), id, recipient.as_deref()).await?;
    Ok(crate::web::pdf::PdfDownload::new(file))
}

pub fn routes() -> Vec<Route> {
    routes![
        create_enrolment,
        show_enrolment,
        record_enforcement,
        progress_report
    ]
}
