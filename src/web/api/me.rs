//! `GET /api/v1/me`: who the token (or session) acts as.

use rocket::serde::json::Json;
use rocket::{Route, get, routes};
use serde_json::{Value, json};

use crate::auth::SignedIn;

#[get("/me")]
fn show_me(user: SignedIn) -> Json<Value> {
    let a = &user.actor;
    Json(json!({
        "username": a.username(),
        "name": a.display_name(),
        "roles": a.roles().roles().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "via": if a.api_token_id().is_some() { "token" } else { "session" },
    }))
}

pub fn routes() -> Vec<Route> {
    routes![show_me]
}
