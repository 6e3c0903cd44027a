//! `POST /api/v1/users` (administrators): create an account, with the same
//! validation and password policy as the page and the command line.

use rocket::http::Status;
use rocket::serde::json::Json;

use super::json_body::ApiJson;
use rocket::{Route, State, post, routes};
use serde::{Deserialize, Serialize};

use super::problem::Problem;
use crate::auth::guards::{Can, cap};
use crate::domain::roles::Role;
use crate::error::AppResult;
use crate::services::accounts::{self, NewAccount};
use crate::state::AppState;
use utoipa::ToSchema;

/// A new account. The person chooses their own password at first sign-in.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "username": "pc.morgan", "name": "PC Sam Morgan", "roles": ["police"],
    "password": "a long first password nobody guesses"
}))]
pub(super) struct NewUserBody {
    /// Letters, digits, dots, hyphens and underscores; unique.
    #[schema(required = true, value_type = String, min_length = 3, max_length = 64, pattern = r"^[A-Za-z0-9._-]{3,64}$")]
    username: Option<String>,
    /// The name shown to others.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$")]
    name: Option<String>,
    /// One role, or several that may be held together (an administrator
    /// holds no case-work role).
    #[schema(required = true, value_type = Vec<Role>, min_items = 1)]
    roles: Option<Vec<String>>,
    /// A first password: at least 12 characters and hard to guess.
    #[schema(required = true, value_type = String, min_length = 12, max_length = 256)]
    password: Option<String>,
}

/// A new account.
#[derive(Serialize, ToSchema)]
pub struct UserCreated {
    pub id: i32,
    pub username: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// Yes: the person chooses their own password at first sign-in.
    pub must_change_password: bool,
}

/// Create a user account (administrators).
#[utoipa::path(
    tag = "users",
    request_body = NewUserBody,
    responses(
        (status = 201, description = "Created", body = UserCreated),
        (status = 409, description = "The username is taken", body = Problem),
        (status = 422, description = "A field is missing or wrong: `fields` names each", body = Problem),
    ),
)]
#[post("/users", data = "<body>")]
pub(super) async fn create_user(
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
