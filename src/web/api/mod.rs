//! The JSON API under `/api/v1` (contract: ../shared/design/api-and-cli.md)
//! and the health check.

mod arrests;
mod assessments;
mod attendance;
mod calculators;
mod court_reports;
mod docs;
mod enrolments;
pub mod json_body;
mod me;
pub mod openapi;
mod people;
pub mod problem;
mod programmes;
pub mod query;
mod referrals;
pub mod schema;
mod statistics;
pub mod unrouted;
mod users;

use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde_json::{Value, json};

use crate::state::AppState;

/// Routes mounted under `/api/v1`.
pub fn routes() -> Vec<Route> {
    let mut r = rocket::routes![openapi::openapi_json, docs::api_reference];
    r.extend(me::routes());
    r.extend(users::routes());
    r.extend(people::routes());
    r.extend(arrests::routes());
    r.extend(referrals::routes());
    r.extend(assessments::routes());
    r.extend(calculators::routes());
    r.extend(programmes::routes());
    r.extend(enrolments::routes());
    r.extend(attendance::routes());
    r.extend(court_reports::routes());
    r.extend(statistics::routes());
    r
}

/// For a load balancer: ready to take requests when the database answers
/// (the same check as `/healthz`, under the name load balancers expect).
#[get("/readyz")]
async fn readyz(app: &State<AppState>) -> (rocket::http::Status, Json<Value>) {
    healthz(app).await
}

#[get("/healthz")]
async fn healthz(app: &State<AppState>) -> (rocket::http::Status, Json<Value>) {
    match app.db.ping().await {
        Ok(()) => (rocket::http::Status::Ok, Json(json!({ "status": "ok" }))),
        Err(_) => (
            rocket::http::Status::ServiceUnavailable,
            Json(json!({ "status": "unavailable", "detail": "the database does not answer" })),
        ),
    }
}

/// The list envelope of the API: a page of items, the total, the page and
/// its size.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ListBody<T> {
    pub items: Vec<T>,
    /// Items in the whole list.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
}

impl<T> ListBody<T> {
    /// A page of `items` as `info` describes it.
    pub fn new(items: Vec<T>, info: &crate::domain::pagination::PageInfo) -> ListBody<T> {
        ListBody {
            items,
            total: info.total,
            page: info.page,
            per_page: info.per_page,
        }
    }
}

/// `GET /healthz`, outside the API prefix.
pub fn health_routes() -> Vec<Route> {
    routes![healthz, readyz]
}
