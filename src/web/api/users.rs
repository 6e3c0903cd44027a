//! `POST /api/v1/users` (administrators): create an account, with the same
//! validation and password policy as the page and the command line.

use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, post, routes};
use serde::{Deserialize, Serialize};

use crate::auth::guards::{Can, cap};
use crate::domain::roles::Role;
use crate::error::AppResult;
use crate::services::accounts::{self, NewAccount};
use crate::state::AppState;

#[derive(Deserialize)]
struct NewUserBody {
    username: Option<String>,
    name: Option<String>,
    roles: Option<Vec<String>>,
    password: Option<String>,
}

/// A new account.
#[derive(Serialize)]
pub struct UserCreated {
    pub id: i32,
    pub username: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// Yes: the person chooses their own password at first sign-in.
    pub must_change_password: bool,
}

#[post("/users", format = "json", data = "<body>")]
async fn create_user(
    app: &State<AppState>,
    admin: Can<cap::ManageUsers>,
    body: ApiJson<NewUserBody>,
) -> AppResult<(Status, Json<UserCreated>)> {
    let b = body.into_inner();
    let new = NewAccount {
        username: b.username.unwrap_or_default(),
        display_name: b.name.unwrap_or_default(),
        roles: b.roles.unwrap_or_default(),
        password: b.password.unwrap_or_default(),
        must_change_password: true,
    };
    let user = accounts::create_user(app, admin.actor(), new).await?;
    let roles = accounts::roles(app, admin.actor(), user.id).await?;
    Ok((
        Status::Created,
        Json(UserCreated {
            id: user.id,
            username: user.username,
            name: user.display_name,
            roles,
            must_change_password: user.must_change_password,
        }),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![create_user]
}
