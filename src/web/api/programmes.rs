//! `/api/v1/programmes` and `/api/v1/cohorts`: programme templates and the
//! cohorts that run them (probation, facilitators).

use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, post, routes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::ApiJson;
use super::problem::Problem;
use super::schema;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_rfc3339;
use crate::domain::programme::{CompletionRule, ProgrammeSpec, SessionSpec};
use crate::error::{AppError, AppResult};
use crate::services::programmes::{self, CohortInput};
use crate::state::AppState;

/// One session of a programme.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct ProgrammeSessionBody {
    /// 1, 2, 3... in order.
    #[schema(minimum = 1, maximum = 52)]
    #[serde(deserialize_with = "super::json_body::whole_required")]
    pub number: i32,
    #[schema(schema_with = schema::title)]
    pub title: String,
    #[schema(minimum = 15, maximum = 480)]
    #[serde(deserialize_with = "super::json_body::whole_required")]
    pub minutes: i32,
    /// Counts for the `all_core` completion rule (default true).
    #[serde(default = "yes")]
    pub core: bool,
}

fn yes() -> bool {
    true
}

/// When a man has completed: give exactly one of the two.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct CompletionRuleBody {
    /// At least this many different sessions attended and complied with.
    #[schema(minimum = 1, maximum = 52)]
    #[serde(default, deserialize_with = "super::json_body::whole")]
    pub min_attended: Option<i32>,
    /// true: every core session attended and complied with.
    pub all_core: Option<bool>,
}

/// A programme template.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "name": "Kerb-crawler awareness", "max_group_size": 12,
    "sessions": [{"number": 1, "title": "Consequences", "minutes": 120}, {"number": 2, "title": "Exploitation", "minutes": 120}],
    "aims": ["Understand the harm done to women in street sex work"],
    "completion_rule": {"min_attended": 2}
}))]
pub(super) struct ProgrammeBody {
    #[schema(schema_with = schema::title)]
    name: String,
    #[schema(min_items = 1, max_items = 52)]
    sessions: Vec<ProgrammeSessionBody>,
    /// What the programme sets out to achieve (rated in progress reports).
    #[serde(default)]
    #[schema(max_items = 20)]
    aims: Vec<String>,
    completion_rule: CompletionRuleBody,
    #[schema(minimum = 1, maximum = 30)]
    #[serde(deserialize_with = "super::json_body::whole_required")]
    max_group_size: i32,
}

/// A programme as stored.
#[derive(Serialize, ToSchema)]
pub struct ProgrammeOut {
    pub id: i32,
    pub name: String,
    pub sessions: Vec<ProgrammeSessionBody>,
    pub aims: Vec<String>,
    pub completion_rule: CompletionRuleBody,
    pub max_group_size: i32,
}

/// Create a programme template.
#[utoipa::path(
    tag = "programmes",
    request_body = ProgrammeBody,
    responses(
        (status = 201, description = "Created", body = ProgrammeOut),
        (status = 422, description = "A field is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/programmes", data = "<body>")]
pub(super) async fn create_programme(
    app: &State<AppState>,
    user: Can<cap::ManagePrograms>,
    body: ApiJson<ProgrammeBody>,
) -> AppResult<(Status, Json<ProgrammeOut>)> {
    let b = body.into_inner();
    let rule = match (b.completion_rule.min_attended, b.completion_rule.all_core) {
        (Some(n), None | Some(false)) => CompletionRule::MinAttended(n),
        (None, Some(true)) => CompletionRule::AllCore,
        _ => {
            return Err(AppError::invalid(
                "completion_rule",
                "Give either min_attended or all_core: true",
            ));
        }
    };
    let spec = ProgrammeSpec {
        name: b.name,
        sessions: b
            .sessions
            .into_iter()
            .map(|s| SessionSpec {
                number: s.number,
                title: s.title,
                minutes: s.minutes,
                core: s.core,
            })
            .collect(),
        aims: b.aims,
        rule,
        max_group_size: b.max_group_size,
    };
    let (p, sessions) = programmes::create_programme(app, user.actor(), &spec).await?;
    let rule = p.rule();
    Ok((
        Status::Created,
        Json(ProgrammeOut {
            id: p.id,
            aims: p.aim_list(),
            name: p.name,
            sessions: sessions
                .into_iter()
                .map(|s| ProgrammeSessionBody {
                    number: s.number,
                    title: s.title,
                    minutes: s.minutes,
                    core: s.core,
                })
                .collect(),
            completion_rule: match rule {
                CompletionRule::MinAttended(n) => CompletionRuleBody {
                    min_attended: Some(n),
                    all_core: None,
                },
                CompletionRule::AllCore => CompletionRuleBody {
                    min_attended: None,
                    all_core: Some(true),
                },
            },
            max_group_size: p.max_group_size,
        }),
    ))
}

/// A cohort: one session is scheduled per programme session, the first at
/// `first_session_at`, then every `interval_days` at the same London time.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "programme_id": 1, "code": "IPS-2027-01", "venue": "St Mary's church hall", "capacity": 12,
    "facilitator_usernames": ["j.fletcher"], "first_session_at": "2027-01-12T19:00:00Z", "interval_days": 7
}))]
pub(super) struct CohortBody {
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    programme_id: Option<i32>,
    #[schema(schema_with = schema::title)]
    code: String,
    #[schema(schema_with = schema::title)]
    venue: String,
    /// At most the programme's group size.
    #[schema(minimum = 1, maximum = 30)]
    #[serde(deserialize_with = "super::json_body::whole_required")]
    capacity: i32,
    /// Users holding the facilitator role.
    #[schema(min_items = 1, max_items = 10)]
    facilitator_usernames: Vec<String>,
    #[schema(schema_with = schema::date_time)]
    first_session_at: String,
    #[schema(minimum = 1, maximum = 28)]
    #[serde(deserialize_with = "super::json_body::whole_required")]
    interval_days: i32,
}

/// A scheduled session.
#[derive(Serialize, ToSchema)]
pub struct ScheduledSession {
    pub id: i32,
    pub number: i32,
    pub title: String,
    pub starts_at: DateTime<Utc>,
}

/// A cohort as created.
#[derive(Serialize, ToSchema)]
pub struct CohortOut {
    pub id: i32,
    pub code: String,
    pub venue: String,
    pub capacity: i32,
    pub sessions: Vec<ScheduledSession>,
}

/// Create a cohort with its schedule.
#[utoipa::path(
    tag = "programmes",
    request_body = CohortBody,
    responses(
        (status = 201, description = "Created, with one session per programme session", body = CohortOut),
        (status = 422, description = "A field is missing or wrong (an unknown programme or facilitator, a code in use, capacity over the programme's limit): `fields` names each", body = Problem),
    ),
)]
#[post("/cohorts", data = "<body>")]
pub(super) async fn create_cohort(
    app: &State<AppState>,
    user: Can<cap::ManagePrograms>,
    body: ApiJson<CohortBody>,
) -> AppResult<(Status, Json<CohortOut>)> {
    let b = body.into_inner();
    let first = parse_rfc3339(&b.first_session_at, "the first session's start")
        .map_err(|m| AppError::invalid("first_session_at", m))?;
    let Some(programme_id) = b.programme_id else {
        return Err(AppError::invalid("programme_id", "Give the programme's id"));
    };
    let (c, sessions) = programmes::create_cohort(
        app,
        user.actor(),
        &CohortInput {
            programme_id,
            code: b.code,
            venue: b.venue,
            capacity: b.capacity,
            facilitator_usernames: b.facilitator_usernames,
            first_session_at: first,
            interval_days: b.interval_days,
        },
    )
    .await?;
    Ok((
        Status::Created,
        Json(CohortOut {
            id: c.id,
            code: c.code,
            venue: c.venue,
            capacity: c.capacity,
            sessions: sessions
                .into_iter()
                .map(|s| ScheduledSession {
                    id: s.id,
                    number: s.number,
                    title: s.title,
                    starts_at: s.starts_at,
                })
                .collect(),
        }),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![create_programme, create_cohort]
}
