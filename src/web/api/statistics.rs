//! `/api/v1/statistics`: known reoffending by group (managers, probation),
//! and `/api/v1/reoffences`: a reoffence found by a check (police, probation).

use chrono::NaiveDate;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, routes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::ApiJson;
use super::problem::Problem;
use super::{query, schema};
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_iso_date;
use crate::domain::london_time::london_date;
use crate::domain::reoffending::{
    Figures, GroupFigures, IndexKind, MAX_WAITING_DAYS, MAX_WINDOW_DAYS, Question, ReoffenceInput,
    ReoffenceOutcome,
};
use crate::domain::statistics::Step;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::{reoffences, statistics};
use crate::state::AppState;

/// One step of a Kaplan-Meier curve.
#[derive(Serialize, ToSchema)]
pub struct StepOut {
    pub day: i64,
    pub at_risk: u64,
    pub events: u64,
    /// The share still without a known reoffence.
    pub survival: f64,
    /// Log-log 95 % interval; null where S is 0 or 1.
    pub ci95: Option<[f64; 2]>,
}

/// One group's figures.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    /// Men of the group whose index date is in the period.
    pub cohort_size: u64,
    /// Of those, men whose window and waiting period have passed.
    pub eligible: u64,
    pub excluded_not_yet_eligible: u64,
    /// Men of the group with no index date of this kind (not in the cohort).
    pub without_index_date: u64,
    pub reoffenders: u64,
    /// Reoffenders / eligible; null when no one is eligible.
    pub rate: Option<f64>,
    /// Wilson 95 % interval of the rate.
    pub ci95: Option<[f64; 2]>,
    /// Counted reoffences / reoffenders.
    pub reoffences_per_reoffender: Option<f64>,
    /// Kaplan-Meier median days to first known reoffence; null: not reached.
    pub median_days: Option<i64>,
    /// Fewer than 10 eligible: read the rate with its interval.
    pub small_group: bool,
    pub kaplan_meier: Vec<StepOut>,
}

/// The three groups.
#[derive(Serialize, ToSchema)]
pub struct GroupsOut {
    pub completed: GroupOut,
    pub not_completed: GroupOut,
    pub not_enrolled: GroupOut,
}

/// Completed minus not completed.
#[derive(Serialize, ToSchema)]
pub struct DifferenceOut {
    pub estimate: f64,
    /// Newcombe's hybrid score 95 % interval.
    pub ci95: [f64; 2],
}

/// Known reoffending by group.
#[derive(Serialize, ToSchema)]
pub struct ReoffendingOut {
    /// Always "known reoffending recorded in this system": never proven reoffending.
    pub label: String,
    /// Comparisons are unmatched and descriptive.
    pub note: String,
    pub index: IndexKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub window_days: i64,
    pub waiting_days: i64,
    pub as_of: NaiveDate,
    pub groups: GroupsOut,
    pub difference_completed_minus_not_completed: Option<DifferenceOut>,
}

fn step(s: &Step) -> StepOut {
    StepOut {
        day: s.day,
        at_risk: s.at_risk,
        events: s.events,
        survival: s.survival,
        ci95: s.ci95,
    }
}

fn group(g: &GroupFigures) -> GroupOut {
    GroupOut {
        cohort_size: g.cohort_size,
        eligible: g.eligible,
        excluded_not_yet_eligible: g.excluded_not_yet_eligible,
        without_index_date: g.without_index_date,
        reoffenders: g.reoffenders,
        rate: g.rate.map(|r| r.rate),
        ci95: g.rate.map(|r| [r.low, r.high]),
        reoffences_per_reoffender: g.reoffences_per_reoffender,
        median_days: g.median_days,
        small_group: g.small,
        kaplan_meier: g.kaplan_meier.iter().map(step).collect(),
    }
}

impl From<Figures> for ReoffendingOut {
    fn from(f: Figures) -> ReoffendingOut {
        let q = f.question;
        let [completed, not_completed, not_enrolled] =
            [0, 1, 2].map(|i| f.groups.get(i).map(group));
        let empty = || GroupOut {
            cohort_size: 0,
            eligible: 0,
            excluded_not_yet_eligible: 0,
            without_index_date: 0,
            reoffenders: 0,
            rate: None,
            ci95: None,
            reoffences_per_reoffender: None,
            median_days: None,
            small_group: true,
            kaplan_meier: Vec::new(),
        };
        ReoffendingOut {
            label: f.label.to_string(),
            note: f.note.to_string(),
            index: q.index,
            from: q.from,
            to: q.to,
            window_days: q.window_days,
            waiting_days: q.waiting_days,
            as_of: q.as_of,
            groups: GroupsOut {
                completed: completed.unwrap_or_else(empty),
                not_completed: not_completed.unwrap_or_else(empty),
                not_enrolled: not_enrolled.unwrap_or_else(empty),
            },
            difference_completed_minus_not_completed: f
                .difference_completed_minus_not_completed
                .map(|d| DifferenceOut {
                    estimate: d.estimate,
                    ci95: [d.low, d.high],
                }),
        }
    }
}

/// The question, from query text: every problem named by its parameter.
pub(crate) fn question(
    today: NaiveDate,
    index: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    window_days: Option<&str>,
    waiting_days: Option<&str>,
    as_of: Option<&str>,
) -> AppResult<Question> {
    let mut e = FieldErrors::new();
    let index = match index.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => e.check(
            "index",
            raw.parse::<IndexKind>()
                .map_err(|_| "index must be programme_start or arrest".to_string()),
        ),
    };
    let mut day = |name: &str, raw: Option<&str>| match raw.map(str::trim).filter(|s| !s.is_empty())
    {
        None => None,
        Some(d) => e.check(name, parse_iso_date(d, name)),
    };
    let as_of = day("as_of", as_of);
    let from = day("from", from);
    let to = day("to", to);
    let mut number = |name: &str, raw: Option<&str>, (min, max): (i64, i64)| match query::number(
        name,
        raw.filter(|s| !s.trim().is_empty()),
        min,
        max,
    ) {
        Ok(n) => n,
        Err(AppError::Invalid(f)) => {
            for (k, m) in f.iter() {
                e.add(k, m);
            }
            None
        }
        Err(_) => None,
    };
    let window_days = number("window_days", window_days, (1, MAX_WINDOW_DAYS));
    let waiting_days = number("waiting_days", waiting_days, (0, MAX_WAITING_DAYS));
    e.into_result().map_err(AppError::Invalid)?;
    Ok(Question::with_defaults(
        index,
        from,
        to,
        window_days,
        waiting_days,
        as_of,
        today,
    ))
}

/// Known reoffending by group: completed the programme, enrolled but did
/// not complete, assessed but never enrolled (managers, probation). No
/// personal data: counts, rates with Wilson intervals, Kaplan-Meier curves.
#[utoipa::path(
    tag = "statistics",
    params(
        ("index" = Option<IndexKind>, Query, description = "Where follow-up starts: `programme_start` (the first session he attended; the default) or `arrest` (the arrest that led to his referral)"),
        ("from" = Option<String>, Query, description = "First index date, YYYY-MM-DD (default: three years before `as_of`)", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        ("to" = Option<String>, Query, description = "Last index date, YYYY-MM-DD (default: `as_of`); not before `from`", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        ("window_days" = Option<i64>, Query, minimum = 1, maximum = 3650, description = "Follow-up window (default 365)"),
        ("waiting_days" = Option<i64>, Query, minimum = 0, maximum = 730, description = "Waiting period for outcomes to be known (default 183)"),
        ("as_of" = Option<String>, Query, description = "The date the figures are worked out at (default today)", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
    ),
    responses(
        (status = 200, description = "The figures, labelled known reoffending recorded in this system", body = ReoffendingOut),
        (status = 422, description = "A parameter is wrong: `fields` names it", body = Problem),
    ),
)]
#[allow(clippy::too_many_arguments)]
#[get("/statistics/reoffending?<index>&<from>&<to>&<window_days>&<waiting_days>&<as_of>")]
pub(super) async fn reoffending(
    app: &State<AppState>,
    user: Can<cap::ViewStatistics>,
    _once: query::EachOnce,
    index: Option<String>,
    from: Option<String>,
    to: Option<String>,
    window_days: Option<String>,
    waiting_days: Option<String>,
    as_of: Option<String>,
) -> AppResult<Json<ReoffendingOut>> {
    // a parameter sent empty is an error here, as everywhere in the API
    let q = question(
        london_date(app.now()),
        query::not_empty("index", index.as_deref())?,
        query::not_empty("from", from.as_deref())?,
        query::not_empty("to", to.as_deref())?,
        query::not_empty("window_days", window_days.as_deref())?,
        query::not_empty("waiting_days", waiting_days.as_deref())?,
        query::not_empty("as_of", as_of.as_deref())?,
    )?;
    Ok(Json(
        statistics::reoffending(app, user.actor(), &q).await?.into(),
    ))
}

/// A reoffence found by a check.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"person_id": 12, "offence_date": "2027-02-03", "outcome": "conviction", "outcome_date": "2027-04-10", "source": "PNC check"}))]
pub(super) struct ReoffenceBody {
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    person_id: Option<i32>,
    #[schema(schema_with = schema::date)]
    offence_date: String,
    outcome: ReoffenceOutcome,
    #[schema(schema_with = schema::date)]
    outcome_date: String,
    /// Where it was found, e.g. "PNC check".
    #[schema(schema_with = schema::title)]
    source: String,
}

/// A recorded reoffence.
#[derive(Serialize, ToSchema)]
pub struct ReoffenceOut {
    pub id: i32,
    pub person_id: i32,
    pub offence_date: NaiveDate,
    pub outcome: ReoffenceOutcome,
    pub outcome_date: NaiveDate,
    pub source: String,
}

/// Record a reoffence found by a check: a caution or conviction (police,
/// probation). Re-arrests are recorded by themselves when the arrest is.
#[utoipa::path(
    tag = "statistics",
    request_body = ReoffenceBody,
    responses(
        (status = 201, description = "Recorded", body = ReoffenceOut),
        (status = 422, description = "A field is wrong: a date in the future, an outcome before the offence, no source", body = Problem),
    ),
)]
#[post("/reoffences", data = "<body>")]
pub(super) async fn create_reoffence(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    body: ApiJson<ReoffenceBody>,
) -> AppResult<(Status, Json<ReoffenceOut>)> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let offence_date = e.check(
        "offence_date",
        parse_iso_date(&b.offence_date, "the offence date"),
    );
    let outcome_date = e.check(
        "outcome_date",
        parse_iso_date(&b.outcome_date, "the outcome date"),
    );
    e.into_result().map_err(AppError::Invalid)?;
    let r = reoffences::record(
        app,
        user.actor(),
        b.person_id,
        &ReoffenceInput {
            offence_date,
            outcome: Some(b.outcome),
            outcome_date,
            source: b.source,
        },
    )
    .await?;
    Ok((
        Status::Created,
        Json(ReoffenceOut {
            id: r.id,
            person_id: r.person_id,
            offence_date: r.offence_date,
            outcome: r.outcome,
            outcome_date: r.outcome_date,
            source: r.source,
        }),
    ))
}

/// The board report as a PDF (managers, probation): the period's figures
/// and charts, and known reoffending of the men whose programme started in
/// it. It names no one; its download is audited.
#[utoipa::path(
    tag = "statistics",
    params(
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (default: the first day of the month eleven months before `to`)", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD (default today); not before `from`, at most ten years after it", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
    ),
    responses(
        (status = 200, description = "The PDF, named by the report's reference (its period)", content_type = "application/pdf", body = Vec<u8>),
        (status = 422, description = "A parameter is wrong: `fields` names it", body = Problem),
    ),
)]
#[get("/statistics/board-report.pdf?<from>&<to>")]
pub(super) async fn board_report(
    app: &State<AppState>,
    user: Can<cap::ViewStatistics>,
    _once: query::EachOnce,
    from: Option<String>,
    to: Option<String>,
) -> AppResult<crate::web::pdf::PdfDownload> {
    let today = london_date(app.now());
    let from = query::date("from", query::not_empty("from", from.as_deref())?)?;
    let to = query::date("to", query::not_empty("to", to.as_deref())?)?;
    let p = crate::services::dashboard::Period::or_last_year(from, to, today)
        .map_err(AppError::Invalid)?;
    let file = crate::services::dashboard::board_report_pdf(app, user.actor(), p).await?;
    Ok(crate::web::pdf::PdfDownload::new(file))
}

pub fn routes() -> Vec<Route> {
    routes![reoffending, create_reoffence, board_report]
}
