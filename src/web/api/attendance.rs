//! `/api/v1/sessions/{id}/attendance`: a session's register, read and saved
//! whole (the cohort's facilitators, probation).

use chrono::{DateTime, Utc};
use rocket::serde::json::Json;
use rocket::{Route, State, get, put, routes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::ApiJson;
use super::problem::Problem;
use super::schema;
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::domain::attendance::{AbsenceReason, MarkInput, Outcome};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::programme::SessionState;
use crate::error::{AppError, AppResult};
use crate::services::register::{self, MarkEntry, Register};
use crate::state::AppState;

/// One man's mark as sent.
#[derive(Deserialize, ToSchema)]
pub(super) struct MarkBody {
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    enrolment_id: Option<i32>,
    outcome: Outcome,
    /// Attended outcomes only.
    #[schema(minimum = 0, maximum = 480)]
    #[serde(default, deserialize_with = "super::json_body::whole")]
    minutes_late: Option<i32>,
    /// Required for `acceptable_absence`, and only then.
    absence_reason: Option<AbsenceReason>,
    /// Append-only: a new note is kept beside the earlier ones.
    #[schema(schema_with = schema::notes)]
    note: Option<String>,
    /// Raise the note with his probation officer (needs a note).
    #[serde(default)]
    notify_probation: bool,
    /// Required when this changes a saved mark; the old mark is kept.
    #[schema(schema_with = schema::notes)]
    correction_reason: Option<String>,
}

/// The whole register.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "register_version": 0,
    "marks": [
        {"enrolment_id": 4, "outcome": "attended_complied", "minutes_late": 10},
        {"enrolment_id": 5, "outcome": "acceptable_absence", "absence_reason": "medical", "note": "GP letter seen"}
    ]
}))]
pub(super) struct RegisterBody {
    /// The `register_version` read with the register. When given, a save
    /// after someone else's answers 409 and writes nothing.
    #[schema(minimum = 0)]
    #[serde(default, deserialize_with = "super::json_body::whole")]
    register_version: Option<i32>,
    #[schema(max_items = 40)]
    marks: Vec<MarkBody>,
}

/// A man on the register and his current mark.
#[derive(Serialize, ToSchema)]
pub struct RegisterLineOut {
    pub enrolment_id: i32,
    pub name: String,
    pub reference: String,
    /// The assessment's decision and whether there are contact issues; nothing more.
    pub summary: String,
    pub status: EnrolmentStatus,
    pub outcome: Option<Outcome>,
    pub minutes_late: Option<i32>,
    pub absence_reason: Option<AbsenceReason>,
    pub note: Option<String>,
    pub notify_probation: bool,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A session's register.
#[derive(Serialize, ToSchema)]
pub struct RegisterOut {
    pub session_id: i32,
    pub cohort_code: String,
    pub number: i32,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub state: SessionState,
    /// Send it back with a save.
    pub register_version: i32,
    pub lines: Vec<RegisterLineOut>,
}

fn out(r: Register) -> RegisterOut {
    RegisterOut {
        session_id: r.session.id,
        cohort_code: r.cohort.code,
        number: r.session.number,
        title: r.session.title,
        starts_at: r.session.starts_at,
        state: r.session.state,
        register_version: r.session.register_version,
        lines: r
            .lines
            .into_iter()
            .map(|l| RegisterLineOut {
                enrolment_id: l.enrolment.id,
                name: l.name,
                reference: l.reference,
                summary: l.summary,
                status: l.enrolment.status,
                outcome: l.mark.as_ref().map(|m| m.outcome),
                minutes_late: l.mark.as_ref().and_then(|m| m.minutes_late),
                absence_reason: l.mark.as_ref().and_then(|m| m.absence_reason),
                note: l.mark.as_ref().and_then(|m| m.note.clone()),
                notify_probation: l.mark.as_ref().is_some_and(|m| m.notify_probation),
                recorded_at: l.mark.as_ref().map(|m| m.recorded_at),
            })
            .collect(),
    }
}

async fn current(app: &AppState, actor: &Actor, id: i32) -> AppResult<Json<RegisterOut>> {
    Ok(Json(out(register::register(app, actor, id).await?)))
}

/// A session's register with the current marks.
#[utoipa::path(
    tag = "attendance",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 200, description = "The register", body = RegisterOut),
        (status = 404, description = "No such session, or not one of the caller's cohorts", body = Problem),
    ),
)]
#[get("/sessions/<id>/attendance")]
pub(super) async fn show_register(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    id: i32,
) -> AppResult<Json<RegisterOut>> {
    current(app, user.actor(), id).await
}

/// Save the whole register in one transaction.
#[utoipa::path(
    tag = "attendance",
    params(("id" = i32, Path, minimum = 1)),
    request_body = RegisterBody,
    responses(
        (status = 200, description = "Saved; the register as it now stands", body = RegisterOut),
        (status = 404, description = "No such session, or not one of the caller's cohorts", body = Problem),
        (status = 409, description = "Someone saved the register since `register_version` (nothing was written), or the session is cancelled, superseded or still to come", body = Problem),
        (status = 422, description = "A mark is wrong: `fields` names it as marks[i].field", body = Problem),
    ),
)]
#[put("/sessions/<id>/attendance", data = "<body>")]
pub(super) async fn save_register(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    id: i32,
    body: ApiJson<RegisterBody>,
) -> AppResult<Json<RegisterOut>> {
    let b = body.into_inner();
    let mut entries = Vec::with_capacity(b.marks.len());
    for (i, m) in b.marks.into_iter().enumerate() {
        let Some(enrolment_id) = m.enrolment_id else {
            return Err(AppError::invalid(
                &format!("marks[{i}].enrolment_id"),
                "Give the enrolment's id",
            ));
        };
        entries.push(MarkEntry {
            enrolment_id,
            mark: MarkInput {
                outcome: m.outcome,
                minutes_late: m.minutes_late,
                absence_reason: m.absence_reason,
                note: m.note,
                notify_probation: m.notify_probation,
            },
            correction_reason: m.correction_reason,
        });
    }
    match register::save_and_show(app, user.actor(), id, b.register_version, &entries).await? {
        Ok(shown) => Ok(Json(out(shown))),
        Err(conflict) => Err(AppError::conflict(conflict.message)),
    }
}

pub fn routes() -> Vec<Route> {
    routes![show_register, save_register]
}
