//! `/api/v1/arrests`: record, list and import arrests.

use rocket::data::{Data, ToByteUnit};
use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, get, post, routes};
use serde::{Deserialize, Serialize};

use super::ListBody;
use crate::auth::guards::{Can, cap};
use crate::db::arrests_repo::{ArrestFilter, ArrestSort};
use crate::domain::arrest::{ArrestInput, DateErrors};
use crate::domain::dates::{filter_period, parse_iso_date};
use crate::domain::pagination::PageRequest;
use crate::error::{AppError, AppResult};
use crate::services::arrests::{self, ArrestedPerson};
use crate::services::import;
use crate::state::AppState;
use crate::web::present::{self, ArrestView, PersonView};

#[derive(Deserialize, Default)]
struct ArrestBody {
    person_id: Option<i32>,
    arrested_at: Option<String>,
    location: Option<String>,
    area: Option<String>,
    operation: Option<String>,
    vehicle_registration: Option<String>,
    offence: Option<String>,
    disposal: Option<String>,
    course_deadline: Option<String>,
    court: Option<String>,
    first_hearing_date: Option<String>,
    occurrence_reference: Option<String>,
    collar_number: Option<String>,
    notes: Option<String>,
}

fn date_field(
    raw: &Option<String>,
    what: &str,
    slot: &mut Option<String>,
) -> Option<chrono::NaiveDate> {
    match raw.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => parse_iso_date(s, what).map_err(|m| *slot = Some(m)).ok(),
    }
}

/// A recorded arrest, with what Kerbside already knew of the man.
#[derive(Serialize)]
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

#[post("/arrests", format = "json", data = "<body>")]
async fn create_arrest(
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
#[derive(Serialize)]
pub struct ArrestListItem {
    #[serde(flatten)]
    pub arrest: ArrestView,
    pub person: Option<PersonView>,
}

#[allow(clippy::too_many_arguments)]
#[get("/arrests?<from>&<to>&<area>&<operation>&<disposal>&<person_id>&<page>&<per_page>")]
async fn list_arrests(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    from: Option<String>,
    to: Option<String>,
    area: Option<String>,
    operation: Option<String>,
    disposal: Option<String>,
    person_id: Option<i32>,
    page: Option<u64>,
    per_page: Option<u64>,
) -> AppResult<Json<ListBody<ArrestListItem>>> {
    let (from, to) = filter_period(from.as_deref(), to.as_deref()).map_err(AppError::Invalid)?;
    let filter = ArrestFilter {
        from,
        to,
        area: area.filter(|s| !s.is_empty()),
        operation: operation.filter(|s| !s.is_empty()),
        disposal: arrests::disposal_filter(disposal.as_deref())?,
        person_id,
        officer_user_id: None,
    };
    let (rows, info) = arrests::list(
        app,
        user.actor(),
        &filter,
        ArrestSort::ArrestedAt,
        true,
        PageRequest::new(page, per_page),
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

#[post("/arrests/import?<dry_run>", data = "<body>")]
async fn import_arrests(
    app: &State<AppState>,
    user: Can<cap::RecordArrests>,
    dry_run: Option<bool>,
    body: Data<'_>,
) -> AppResult<(Status, Json<serde_json::Value>)> {
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
        Ok(summary) => Ok((Status::Ok, Json(serde_json::json!(summary)))),
        Err(errors) => Ok((
            Status::UnprocessableEntity,
            Json(serde_json::json!({
                "error": {"code": "validation_failed", "message": format!("{} problem(s) found: nothing was imported", errors.len())},
                "errors": errors,
            })),
        )),
    }
}

pub fn routes() -> Vec<Route> {
    routes![create_arrest, list_arrests, import_arrests]
}
