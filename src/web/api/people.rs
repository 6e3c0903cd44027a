//! `/api/v1/people`: record, search and read people.

use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, get, post, routes};
use serde::{Deserialize, Serialize};

use super::ListBody;
use crate::auth::guards::{Can, cap};
use crate::domain::assessment::Suitability;
use crate::domain::dates::parse_iso_date;
use crate::domain::pagination::PageRequest;
use crate::domain::person::PersonInput;
use crate::error::AppResult;
use crate::services::people::{self, PersonSearch};
use crate::state::AppState;
use crate::web::present::{self, ArrestView, HearingView, PersonView, ReferralView};

/// The person fields of the API (every one optional, so that validation,
/// not the JSON parser, names what is missing).
#[derive(Deserialize, Default)]
pub struct PersonBody {
    surname: Option<String>,
    forenames: Option<String>,
    date_of_birth: Option<String>,
    sex: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    phone: Option<String>,
    pnc_id: Option<String>,
    contact_preference: Option<String>,
    category: Option<String>,
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
                contact_preference: self.contact_preference.unwrap_or_default(),
                category: self.category.unwrap_or_default(),
            },
            dob_error,
        )
    }
}

#[post("/people", format = "json", data = "<body>")]
async fn create_person(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    body: ApiJson<PersonBody>,
) -> AppResult<(Status, Json<PersonView>)> {
    let (input, dob_error) = body.into_inner().into_input();
    let p = people::create_person(app, user.actor(), &input, dob_error).await?;
    Ok((Status::Created, Json(present::person(&p))))
}

/// A search result: the man, how likely he is the one searched for, and why.
#[derive(Serialize)]
pub struct PersonMatchView {
    #[serde(flatten)]
    pub person: PersonView,
    /// 0 to 1.
    pub score: f64,
    pub reasons: Vec<&'static str>,
}

#[allow(clippy::too_many_arguments)]
#[get("/people?<q>&<date_of_birth>&<pnc_id>&<vehicle_registration>&<page>&<per_page>")]
async fn search_people(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    q: Option<String>,
    date_of_birth: Option<String>,
    pnc_id: Option<String>,
    vehicle_registration: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
) -> AppResult<Json<ListBody<PersonMatchView>>> {
    let dob = match date_of_birth.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(
            parse_iso_date(d, "date_of_birth")
                .map_err(|m| crate::error::AppError::invalid("date_of_birth", m))?,
        ),
        None => None,
    };
    let search = PersonSearch {
        text: q.unwrap_or_default(),
        date_of_birth: dob,
        pnc_id: pnc_id.unwrap_or_default(),
        vehicle_registration: vehicle_registration.unwrap_or_default(),
        ..Default::default()
    };
    let (matches, info) =
        people::search(app, user.actor(), &search, PageRequest::new(page, per_page)).await?;
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
#[derive(Serialize)]
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

#[get("/people/<id>")]
async fn show_person(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    id: i32,
) -> AppResult<Json<PersonRecordView>> {
    let r = people::show(app, user.actor(), id).await?;
    Ok(Json(PersonRecordView {
        person: present::person(&r.person),
        arrests: r.arrests.iter().map(present::arrest).collect(),
        repeat_arrest: r.is_repeat(),
        referrals: r.referrals.iter().map(present::referral).collect(),
        hearings: r.hearings.iter().map(present::hearing).collect(),
        suitability: r.suitability,
    }))
}

pub fn routes() -> Vec<Route> {
    routes![create_person, search_people, show_person]
}
