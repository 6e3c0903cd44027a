//! The pure calculators: OGRS3 and DASH (every role holding `UseCalculators`; nothing stored).

use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, post, routes};

use super::problem::Problem;
use crate::auth::guards::{Can, cap};
use crate::domain::dash::{self, DashInput, DashResult};
use crate::domain::ogrs3::{self, Ogrs3Input, Ogrs3Result};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// OGRS3 (2009 calibration): one- and two-year probability, percent and
/// band. Nothing is stored.
#[utoipa::path(
    tag = "calculators",
    request_body = Ogrs3Input,
    responses(
        (status = 200, description = "The score", body = Ogrs3Result),
        (status = 422, description = "An input is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/calculators/ogrs3", data = "<body>")]
pub(super) fn calculate_ogrs3(
    _user: Can<cap::UseCalculators>,
    body: ApiJson<Ogrs3Input>,
) -> AppResult<Json<Ogrs3Result>> {
    ogrs3::calculate(&body).map(Json).map_err(AppError::Invalid)
}

/// The DASH score, its local band and the MARAC criteria met. Nothing is
/// stored.
#[utoipa::path(
    tag = "calculators",
    request_body = DashInput,
    responses(
        (status = 200, description = "The result", body = DashResult),
        (status = 422, description = "An input is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/calculators/dash", data = "<body>")]
pub(super) fn calculate_dash(
    app: &State<AppState>,
    _user: Can<cap::UseCalculators>,
    body: ApiJson<DashInput>,
) -> AppResult<Json<DashResult>> {
    dash::assess(&body, &app.dash())
        .map(Json)
        .map_err(AppError::Invalid)
}

pub fn routes() -> Vec<Route> {
    routes![calculate_ogrs3, calculate_dash]
}
