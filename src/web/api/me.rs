//! `GET /api/v1/me`: who the token acts as.

use rocket::serde::json::Json;
use rocket::{Route, get, routes};
use serde::Serialize;

use crate::auth::SignedIn;
use crate::domain::roles::Role;
use utoipa::ToSchema;

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// `token` (an API token) or `session` (a browser).
    #[schema(pattern = "^(token|session)$")]
    pub via: &'static str,
}

/// The user the token acts as, with roles.
#[utoipa::path(tag = "users", responses((status = 200, description = "The caller", body = Me)))]
#[get("/me")]
pub(super) fn show_me(user: SignedIn) -> Json<Me> {
    let a = &user.actor;
    Json(Me {
        username: a.username().to_string(),
        name: a.display_name().to_string(),
        roles: a.roles().roles().to_vec(),
        via: if a.api_token_id().is_some() {
            "token"
        } else {
            "session"
        },
    })
}

pub fn routes() -> Vec<Route> {
    routes![show_me]
}
