//! The JSON API under `/api/v1` (contract: ../shared/design/api-and-cli.md)
//! and the health check.

mod arrests;
mod calculators;
mod cases;
pub mod json_body;
mod me;
pub mod openapi;
mod people;
mod users;

use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde_json::{Value, json};

use crate::state::AppState;

/// Routes mounted under `/api/v1`.
pub fn routes() -> Vec<Route> {
    let mut r = routes![openapi::openapi_json];
    r.extend(me::routes());
    r.extend(users::routes());
    r.extend(people::routes());
    r.extend(arrests::routes());
    r.extend(cases::routes());
    r.extend(calculators::routes());
    r
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

/// The list envelope of the API: items, total, page, per_page.
pub fn list_body(items: Vec<Value>, info: &crate::domain::pagination::PageInfo) -> Value {
    json!({ "items": items, "total": info.total, "page": info.page, "per_page": info.per_page })
}

/// `GET /healthz`, outside the API prefix.
pub fn health_routes() -> Vec<Route> {
    routes![healthz]
}
