//! The pure calculators: OGRS3 and DASH (every role holding `UseCalculators`; nothing stored).

use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, post, routes};

use crate::auth::guards::{Can, cap};
use crate::domain::dash::{self, DashInput, DashResult};
use crate::domain::ogrs3::{self, Ogrs3Input, Ogrs3Result};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[post("/calculators/ogrs3", format = "json", data = "<body>")]
fn calculate_ogrs3(
    _user: Can<cap::UseCalculators>,
    body: ApiJson<Ogrs3Input>,
) -> AppResult<Json<Ogrs3Result>> {
    ogrs3::calculate(&body).map(Json).map_err(AppError::Invalid)
}

#[post("/calculators/dash", format = "json", data = "<body>")]
fn calculate_dash(
    app: &State<AppState>,
    _user: Can<cap::UseCalculators>,
    body: ApiJson<DashInput>,
) -> AppResult<Json<DashResult>> {
    dash::assess(&body, &app.settings.dash())
        .map(Json)
        .map_err(AppError::Invalid)
}

pub fn routes() -> Vec<Route> {
    routes![calculate_ogrs3, calculate_dash]
}
