//! The pure calculators: OGRS3 and DASH (any signed-in role; nothing stored).

use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, post, routes};
use serde_json::{Value, json};

use crate::auth::guards::{Can, cap};
use crate::domain::dash::{self, DashInput};
use crate::domain::ogrs3::{self, Ogrs3Input};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[post("/calculators/ogrs3", format = "json", data = "<body>")]
fn calculate_ogrs3(
    _user: Can<cap::UseCalculators>,
    body: ApiJson<Ogrs3Input>,
) -> AppResult<Json<Value>> {
    let r = ogrs3::calculate(&body).map_err(AppError::Invalid)?;
    Ok(Json(json!(r)))
}

#[post("/calculators/dash", format = "json", data = "<body>")]
fn calculate_dash(
    app: &State<AppState>,
    _user: Can<cap::UseCalculators>,
    body: ApiJson<DashInput>,
) -> AppResult<Json<Value>> {
    let r = dash::assess(&body, &app.settings.dash()).map_err(AppError::Invalid)?;
    Ok(Json(json!(r)))
}

pub fn routes() -> Vec<Route> {
    routes![calculate_ogrs3, calculate_dash]
}
