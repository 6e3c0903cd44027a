//! `/api/v1/arrests`: record, list and import arrests.

use rocket::data::{Data, ToByteUnit};
use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, get, post, routes};
use serde::{Deserialize, Serialize};

use super::ListBody;
use super::problem::{ImportProblem, Problem, ProblemDetail};
use super::{query, schema};
use crate::auth::guards::{Can, cap};
use crate::db::arrests_repo::{ArrestFilter, ArrestSort};
use crate::domain::arrest::{ArrestInput, DateErrors};
use crate::domain::arrest::{Disposal, Offence};
use crate::domain::dates::{filter_period, parse_iso_date};
use crate::error::{AppError, AppResult};
use crate::services::arrests::{self, ArrestedPerson};
use crate::services::import;
use crate::services::import::ImportSummary;
use crate::state::AppState;
use crate::web::present::{self, ArrestView, PersonView};
use rocket::http::ContentType;
use utoipa::ToSchema;

/// An arrest as the API takes it. Each field is optional to the JSON
/// parser, so that validation names what is missing; the document says which
/// are required. The disposal decides the rest: a `conditional_caution` may
/// carry a `course_deadline` after the arrest date; `charged` needs a `court`
/// and a `first_hearing_date` not before the arrest; the others carry neither.
#[derive(Deserialize, Default, ToSchema)]
#[schema(example = json!({
    "person_id": 12, "arrested_at": "2026-03-14T23:40:00Z", "location": "Portman Road",
    "area": "Town centre", "vehicle_registration": "AB12 CDE", "offence": "soliciting_s51a_soa2003",
    "disposal": "conditional_caution", "course_deadline": "2026-06-14"
}))]
pub(super) struct ArrestBody {
    /// The man arrested (record him first with `POST /people`).
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    person_id: Option<i32>,
    /// When; not in the future, and after his 10th birthday.
    #[schema(required = true, schema_with = schema::date_time)]
    arrested_at: Option<String>,
    #[schema(required = true, schema_with = schema::location)]
    location: Option<String>,
    #[schema(required = true, schema_with = schema::area)]
    area: Option<String>,
    #[schema(schema_with = schema::operation)]
    operation: Option<String>,
    #[schema(schema_with = schema::vehicle_registration)]
    vehicle_registration: Option<String>,
    #[schema(required = true, value_type = Offence)]
    offence: Option<String>,
    #[schema(required = true, value_type = Disposal)]
    disposal: Option<String>,
    /// Conditional caution only: the date by which he must complete the course.
    #[schema(schema_with = schema::optional_date)]
    course_deadline: Option<String>,
    #[schema(schema_with = schema::court)]
    court: Option<String>,
    /// Charged only: not before the arrest.
    #[schema(schema_with = schema::optional_date)]
    first_hearing_date: Option<String>,
    #[schema(schema_with = schema::occurrence_reference)]
    occurrence_reference: Option<String>,
    #[schema(schema_with = schema::collar_number)]
    collar_number: Option<String>,
    #[schema(schema_with = schema::notes)]
    notes: Option<String>,
}

fn date_field(
    raw: &Option<String>,
    what: &str,
    slot: &mut Option<String>,
) -> Option<chrono::NaiveDate> {
    // null or absent is no date; an empty string is a mistake, said so
    raw.as_deref()
        .and_then(|s| parse_iso_date(s, what).map_err(|m| *slot = Some(m)).ok())
}

/// A recorded arrest, with what Kerbside already knew of the man.
#[derive(Serialize, ToSchema)]
pub struct ArrestRecorded {
    #[serde(flatten)]
    pub arrest: ArrestView,
    /// How many times he was arrested before.
    pub previous_arrests: usize,
    pub previous: Vec<ArrestView>,
    /// The referral to probation the disposal made, if any.
    pub referral_id: Option<i32>,
    pub referral_due_date: Option<chrono::NaiveDate>,
    pub person: PersonView,
}

/// Record an arrest: the answer says how many times he was arrested before,
/// and the referral to probation the disposal made.
#[utoipa::path(
    tag = "arrests",
    request_body = ArrestBody,
    responses(
        (status = 201, description = "Recorded", body = ArrestRecorded),
        (status = 404, description = "No such man, or not one the caller may see", body = Problem),
        (status = 409, description = "The occurrence reference is already recorded", body = Problem),
        (status = 422, description = "A field is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/arrests", data = "<body>")]
pub(super) async fn create_arrest(
    app: &State<AppState>,
    user: Can<cap::RecordArrests>,
    body: ApiJson<ArrestBody>,
) -> AppResult<(Status, Json<ArrestRecorded>)> {
    let b = body.into_inner();
    let Some(person_id) = b.person_id else {
        return Err(AppError::invalid(
            "person_id",
            "Give the id of the person arrested (create the person first)",
        ));
    };
    let mut de = DateErrors::default();
    let arrested_at = match b.arrested_at.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => match crate::domain::dates::parse_rfc3339(s, "arrested_at") {
            Ok(d) => Some(d),
            Err(m) => {
                de.arrested_at = Some(m);
                None
            }
        },
    };
    let course_deadline = date_field(
        &b.course_deadline,
        "the course deadline",
        &mut de.course_deadline,
    );
    let first_hearing_date = date_field(
        &b.first_hearing_date,
        "the first hearing date",
        &mut de.first_hearing_date,
    );
    let input = ArrestInput {
        arrested_at,
        location: b.location.unwrap_or_default(),
        area: b.area.unwrap_or_default(),
        operation: b.operation.unwrap_or_default(),
        vehicle_registration: b.vehicle_registration.unwrap_or_default(),
        offence: b.offence.unwrap_or_default(),
        disposal: b.disposal.unwrap_or_default(),
        course_deadline,
        course_condition: None,
        court: b.court.unwrap_or_default(),
        first_hearing_date,
        collar_number: b.collar_number.unwrap_or_default(),
        occurrence_reference: b.occurrence_reference.unwrap_or_default(),
        notes: b.notes.unwrap_or_default(),
    };
    let r = arrests::record(
        app,
        user.actor(),
        ArrestedPerson::Existing(person_id),
        &input,
        de,
    )
    .await?;
    Ok((
        Status::Created,
        Json(ArrestRecorded {
            arrest: present::arrest(&r.arrest),
            previous_arrests: r.previous.len(),
            previous: r.previous.iter().map(present::arrest).collect(),
            referral_id: r.referral.as_ref().map(|x| x.id),
            referral_due_date: r.referral.as_ref().map(|x| x.due_date),
            person: present::person(&r.person),
        }),
    ))
}

/// An arrest in a list, with its man.
#[derive(Serialize, ToSchema)]
pub struct ArrestListItem {
    #[serde(flatten)]
    pub arrest: ArrestView,
    pub person: Option<PersonView>,
}

/// Arrests, newest first, filtered by period, area, operation, disposal or man.
#[utoipa::path(
    tag = "arrests",
    params(
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (London)", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD (London); not before `from`", format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        ("area" = Option<String>, Query),
        ("operation" = Option<String>, Query),
        ("disposal" = Option<Disposal>, Query),
        ("person_id" = Option<i32>, Query, minimum = 1),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 1000000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "A page of arrests, newest first", body = ListBody<ArrestListItem>),
        (status = 422, description = "A parameter is wrong: `fields` names it", body = Problem),
    ),
)]
#[allow(clippy::too_many_arguments)]
#[get("/arrests?<from>&<to>&<area>&<operation>&<disposal>&<person_id>&<page>&<per_page>")]
pub(super) async fn list_arrests(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    _once: query::EachOnce,
    from: Option<String>,
    to: Option<String>,
    area: Option<String>,
    operation: Option<String>,
    disposal: Option<String>,
    person_id: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> AppResult<Json<ListBody<ArrestListItem>>> {
    let paging = query::page(page.as_deref(), per_page.as_deref())?;
    let person_id = query::number("person_id", person_id.as_deref(), 1, i32::MAX)?;
    let from = query::not_empty("from", from.as_deref())?;
    let to = query::not_empty("to", to.as_deref())?;
    let disposal = query::not_empty("disposal", disposal.as_deref())?;
    let (from, to) = filter_period(from, to).map_err(AppError::Invalid)?;
    let filter = ArrestFilter {
        from,
        to,
        area: area.filter(|s| !s.is_empty()),
        operation: operation.filter(|s| !s.is_empty()),
        disposal: arrests::disposal_filter(disposal)?,
        person_id,
        officer_user_id: None,
    };
    let (rows, info) = arrests::list(
        app,
        user.actor(),
        &filter,
        ArrestSort::ArrestedAt,
        true,
        paging,
    )
    .await?;
    let items = rows
        .iter()
        .map(|r| ArrestListItem {
            arrest: present::arrest(&r.arrest),
            person: r.person.as_ref().map(present::person),
        })
        .collect();
    Ok(Json(ListBody::new(items, &info)))
}

/// Import a force's CSV export: every row or none.
#[utoipa::path(
    tag = "arrests",
    params(("dry_run" = Option<bool>, Query, description = "true: check the file and say what would be imported, writing nothing")),
    request_body(content = String, content_type = "text/csv", description = "The CSV export, UTF-8, at most 20 MiB; columns as in the user guide"),
    responses(
        (status = 200, description = "Imported (or, for a dry run, what would be)", body = ImportSummary),
        (status = 400, description = "The file is not UTF-8 text", body = Problem),
        (status = 413, description = "The file is larger than 20 MiB", body = Problem),
        (status = 409, description = "Another import (perhaps on another server) recorded some of the same occurrence references while this one ran: nothing was imported; send it again to skip them", body = Problem),
        (status = 415, description = "The body is not text/csv", body = Problem),
        (status = 422, description = "Some rows are wrong: nothing was imported; `errors` lists each", body = ImportProblem),
    ),
)]
#[post("/arrests/import?<dry_run>", data = "<body>")]
pub(super) async fn import_arrests(
    app: &State<AppState>,
    user: Can<cap::RecordArrests>,
    _once: query::EachOnce,
    dry_run: Option<String>,
    content_type: Option<&ContentType>,
    body: Data<'_>,
) -> AppResult<(Status, Json<ImportAnswer>)> {
    let dry_run = query::boolean("dry_run", dry_run.as_deref())?;
    if !content_type.is_some_and(|ct| ct.is_csv()) {
        return Err(AppError::UnsupportedMediaType(
            "Send the file as text/csv".into(),
        ));
    }
    let text = body.open(20.mebibytes()).into_string().await.map_err(|e| {
        AppError::BadRequest(format!("the file could not be read as UTF-8 text: {e}"))
    })?;
    if !text.is_complete() {
        return Err(AppError::TooLarge(
            "the file is larger than 20 MiB: split it into smaller files".into(),
        ));
    }
    match import::import_csv(
        app,
        user.actor(),
        &text,
        "api upload",
        dry_run.unwrap_or(false),
        None,
    )
    .await?
    {
        Ok(summary) => Ok((Status::Ok, Json(ImportAnswer::Done(summary)))),
        Err(errors) => Ok((
            Status::UnprocessableEntity,
            Json(ImportAnswer::Refused(ImportProblem {
                error: ProblemDetail {
                    code: "validation_failed".into(),
                    message: format!("{} problem(s) found: nothing was imported", errors.len()),
                    fields: None,
                },
                errors,
            })),
        )),
    }
}

/// The answer of an import: its summary, or every problem found.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum ImportAnswer {
    Done(ImportSummary),
    Refused(ImportProblem),
}

pub fn routes() -> Vec<Route> {
    routes![create_arrest, list_arrests, import_arrests]
}
