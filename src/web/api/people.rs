//! `/api/v1/people`: record, search and read people.

use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, get, post, routes};
use serde::{Deserialize, Serialize};

use super::ListBody;
use super::problem::Problem;
use super::{query, schema};
use crate::auth::guards::{Can, CanEither, cap};
use crate::domain::assessment::Suitability;
use crate::domain::dates::parse_iso_date;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::person::PersonInput;
use crate::domain::person::{ContactPreference, Sex, SubjectCategory};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::people::{self, PersonSearch};
use crate::services::subject_access;
use crate::state::AppState;
use crate::web::present::{self, ArrestView, HearingView, PersonView, ReferralView};
use utoipa::ToSchema;

/// The person fields of the API. Each is optional to the JSON parser, so
/// that validation, not the parser, names what is missing; the document says
/// which are required.
#[derive(Deserialize, Default, ToSchema)]
#[schema(example = json!({
    "surname": "Kowalski", "forenames": "Piotr", "date_of_birth": "1979-05-02",
    "sex": "male", "postcode": "IP4 1AB", "pnc_id": "08/123456A"
}))]
pub struct PersonBody {
    #[schema(required = true, schema_with = schema::name)]
    surname: Option<String>,
    #[schema(required = true, schema_with = schema::name)]
    forenames: Option<String>,
    /// In the past, and within the last 110 years.
    #[schema(required = true, schema_with = schema::date)]
    date_of_birth: Option<String>,
    #[schema(required = true, value_type = Sex)]
    sex: Option<String>,
    #[schema(schema_with = schema::address)]
    address: Option<String>,
    #[schema(schema_with = schema::postcode)]
    postcode: Option<String>,
    #[schema(schema_with = schema::phone)]
    phone: Option<String>,
    #[schema(schema_with = schema::pnc_id)]
    pnc_id: Option<String>,
    #[schema(value_type = Option<ContactPreference>)]
    contact_preference: Option<String>,
    /// `suspect` when absent.
    #[schema(value_type = Option<SubjectCategory>)]
    category: Option<String>,
}

/// An optional code as the API takes it: absent or null for none. An empty
/// string is not a code, so it reaches the validator as one it will refuse
/// (the forms' empty choice means "none"; the API's is null).
pub fn code_or_absent(raw: Option<String>) -> String {
    match raw {
        None => String::new(),
        Some(s) if s.trim().is_empty() => "(empty)".to_string(),
        Some(s) => s,
    }
}

impl PersonBody {
    /// The typed fields, and an error from reading the date if any.
    pub fn into_input(self) -> (PersonInput, Option<String>) {
        let (dob, dob_error) = match self
            .date_of_birth
            .as_deref()
            .map(|d| parse_iso_date(d, "the date of birth"))
        {
            Some(Ok(d)) => (Some(d), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        (
            PersonInput {
                surname: self.surname.unwrap_or_default(),
                forenames: self.forenames.unwrap_or_default(),
                date_of_birth: dob,
                sex: self.sex.unwrap_or_default(),
                address: self.address.unwrap_or_default(),
                postcode: self.postcode.unwrap_or_default(),
                phone: self.phone.unwrap_or_default(),
                pnc_id: self.pnc_id.unwrap_or_default(),
                contact_preference: code_or_absent(self.contact_preference),
                category: code_or_absent(self.category),
            },
            dob_error,
        )
    }
}

/// Record a man (police, probation).
#[utoipa::path(
    tag = "people",
    request_body = PersonBody,
    responses(
        (status = 201, description = "Recorded", body = PersonView),
        (status = 422, description = "A field is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/people", data = "<body>")]
pub(super) async fn create_person(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    body: ApiJson<PersonBody>,
) -> AppResult<(Status, Json<PersonView>)> {
    let (input, dob_error) = body.into_inner().into_input();
    let p = people::create_person(app, user.actor(), &input, dob_error).await?;
    Ok((Status::Created, Json(present::person(&p))))
}

/// A search result: the man, how likely he is the one searched for, and why.
#[derive(Serialize, ToSchema)]
pub struct PersonMatchView {
    #[serde(flatten)]
    pub person: PersonView,
    /// 0 to 1.
    #[schema(minimum = 0, maximum = 1)]
    pub score: f64,
    pub reasons: Vec<&'static str>,
}

/// Typo-tolerant search by name, reference, date of birth, PNC ID or
/// vehicle; best match first, each with a score and its reasons.
#[utoipa::path(
    tag = "people",
    params(
        ("q" = Option<String>, Query, description = "Name or reference, as typed"),
        ("date_of_birth" = Option<String>, Query, format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        ("pnc_id" = Option<String>, Query),
        ("vehicle_registration" = Option<String>, Query),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 1000000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "A page of matches, best first", body = ListBody<PersonMatchView>),
        (status = 422, description = "A parameter is wrong: `fields` names it", body = Problem),
    ),
)]
#[allow(clippy::too_many_arguments)]
#[get("/people?<q>&<date_of_birth>&<pnc_id>&<vehicle_registration>&<page>&<per_page>")]
pub(super) async fn search_people(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    _once: query::EachOnce,
    q: Option<String>,
    date_of_birth: Option<String>,
    pnc_id: Option<String>,
    vehicle_registration: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> AppResult<Json<ListBody<PersonMatchView>>> {
    let paging = query::page(page.as_deref(), per_page.as_deref())?;
    let search = PersonSearch {
        text: q.unwrap_or_default(),
        date_of_birth: query::date("date_of_birth", date_of_birth.as_deref())?,
        pnc_id: pnc_id.unwrap_or_default(),
        vehicle_registration: vehicle_registration.unwrap_or_default(),
        ..Default::default()
    };
    let (matches, info) = people::search(app, user.actor(), &search, paging).await?;
    let items = matches
        .iter()
        .map(|m| PersonMatchView {
            person: present::person(&m.person),
            score: (m.score * 1000.0).round() / 1000.0,
            reasons: m.reasons.clone(),
        })
        .collect();
    Ok(Json(ListBody::new(items, &info)))
}

/// A man's record as the caller may see it: the same facts as his page.
#[derive(Serialize, ToSchema)]
pub struct PersonRecordView {
    #[serde(flatten)]
    pub person: PersonView,
    pub arrests: Vec<ArrestView>,
    /// Arrested more than once.
    pub repeat_arrest: bool,
    pub referrals: Vec<ReferralView>,
    /// Probation's record of his hearings (empty for police).
    pub hearings: Vec<HearingView>,
    /// The decision of his current completed assessment, if any.
    pub suitability: Option<Suitability>,
}

/// A man on one of the facilitator's cohorts: the few fields the room needs.
#[derive(Serialize, ToSchema)]
pub struct CohortManView {
    pub id: i32,
    /// SURNAME, Forenames.
    pub name: String,
    pub reference: String,
    /// The assessment's decision and whether there are contact issues; nothing more.
    pub summary: String,
    /// His enrolments on the caller's cohorts.
    pub cohorts: Vec<CohortPlace>,
}

/// One of his places on the caller's cohorts.
#[derive(Serialize, ToSchema)]
pub struct CohortPlace {
    pub cohort_code: String,
    pub status: EnrolmentStatus,
}

/// A man as the caller may see him: his whole record (police, probation),
/// or a facilitator's few fields.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum PersonAnswer {
    Record(Box<PersonRecordView>),
    CohortMan(CohortManView),
}

/// A man's record with his arrests, referrals and (for probation) hearings;
/// for a facilitator, a man on one of his own cohorts, with fewer fields.
#[utoipa::path(
    tag = "people",
    params(("id" = i32, Path, description = "The man's id", minimum = 1)),
    responses(
        (status = 200, description = "His record (police, probation), or the facilitator's few fields", body = PersonAnswer),
        (status = 404, description = "No such man, or not one the caller may see", body = Problem),
    ),
)]
#[get("/people/<id>")]
pub(super) async fn show_person(
    app: &State<AppState>,
    user: CanEither<cap::ViewPeople, cap::MarkRegister>,
    id: i32,
) -> AppResult<Json<PersonAnswer>> {
    if !user.actor().can(Capability::ViewPeople) {
        let m = people::for_facilitator(app, user.actor(), id).await?;
        return Ok(Json(PersonAnswer::CohortMan(CohortManView {
            id: m.id,
            name: m.name,
            reference: m.reference,
            summary: m.summary,
            cohorts: m
                .cohorts
                .into_iter()
                .map(|(cohort_code, status)| CohortPlace {
                    cohort_code,
                    status,
                })
                .collect(),
        })));
    }
    let r = people::show(app, user.actor(), id).await?;
    Ok(Json(PersonAnswer::Record(Box::new(PersonRecordView {
        person: present::person(&r.person),
        arrests: r.arrests.iter().map(present::arrest).collect(),
        repeat_arrest: r.is_repeat(),
        referrals: r.referrals.iter().map(present::referral).collect(),
        hearings: r.hearings.iter().map(present::hearing).collect(),
        suitability: r.suitability,
    }))))
}

/// Everything held about one man (a subject access export): one list per
/// kind of record, each row every column of that record, every version.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SubjectAccessOut {
    /// The export's reference (`SAR-<id>-<date>`).
    reference: String,
    generated_at: chrono::DateTime<chrono::Utc>,
    /// Whom the export was made for, as recorded in the audit log.
    recipient: String,
    #[schema(value_type = Object)]
    person: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    arrests: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    referrals: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    referral_history: serde_json::Value,
    /// Every version, the content as written.
    #[schema(value_type = Vec<Object>)]
    assessments: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    hearings: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    enrolments: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    enrolment_history: serde_json::Value,
    /// Every mark, corrections and the marks they replaced included.
    #[schema(value_type = Vec<Object>)]
    attendance: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    enforcement: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    aim_ratings: serde_json::Value,
    /// Every version, the content as written.
    #[schema(value_type = Vec<Object>)]
    court_reports: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    reoffences: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    retention_decisions: serde_json::Value,
    /// The audit entries naming him or listing him.
    #[schema(value_type = Vec<Object>)]
    audit: serde_json::Value,
}

/// Subject access: everything held about one man (probation,
/// administrators), audited as a disclosure to the recipient (the man
/// himself unless another is named).
#[utoipa::path(
    tag = "people",
    params(
        ("id" = i32, Path, description = "The man's id", minimum = 1),
        ("recipient" = Option<String>, Query, max_length = 200, description = "Whom the export is for (recorded in the audit log); the data subject when not given"),
    ),
    responses(
        (status = 200, description = "Everything held about him", body = SubjectAccessOut),
        (status = 404, description = "No such man, or his record was disposed of", body = Problem),
        (status = 422, description = "The recipient is too long", body = Problem),
    ),
)]
#[get("/people/<id>/export?<recipient>")]
pub(super) async fn export_person(
    app: &State<AppState>,
    user: Can<cap::ExportSubjectData>,
    _once: query::EachOnce,
    id: i32,
    recipient: Option<String>,
) -> AppResult<Json<SubjectAccessOut>> {
    let (doc, _) = subject_access::export(
        app,
        user.actor(),
        id,
        recipient.as_deref(),
        subject_access::Format::Json,
    )
    .await?;
    let out = serde_json::from_value(doc).map_err(AppError::internal)?;
    Ok(Json(out))
}

pub fn routes() -> Vec<Route> {
    routes![create_person, search_people, show_person, export_person]
}
