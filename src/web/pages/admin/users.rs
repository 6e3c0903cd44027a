//! Administration of accounts and sessions.

use crate::web::shell::HtmlPage;
use chrono::{DateTime, Utc};
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use crate::auth::guards::{Can, cap};
use crate::db::sessions_repo::Session;
use crate::db::tokens_repo::ApiToken;
use crate::domain::accounts::is_locked;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::accounts::{self, NewAccount};
use crate::services::{tokens, two_step};
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::present::{Choice, Tag, choices};
use crate::web::shell::{Shell, render};

type ManageUsers = Can<cap::ManageUsers>;

/// An account's state, as a tag.
#[derive(Serialize)]
struct AccountStatus {
    text: &'static str,
    tag: Tag,
}

fn account_status(disabled: bool, locked: bool, must_change_password: bool) -> AccountStatus {
    let (text, tag) = if disabled {
        ("Disabled", Tag::Grey)
    } else if locked {
        ("Locked", Tag::Red)
    } else if must_change_password {
        ("Must change password", Tag::Yellow)
    } else {
        ("Active", Tag::Green)
    };
    AccountStatus { text, tag }
}

/// An account in the list.
#[derive(Serialize)]
struct UserRow {
    id: i32,
    username: String,
    display_name: String,
    roles: Vec<&'static str>,
    status: AccountStatus,
}

#[derive(Serialize)]
struct UsersPage {
    users: Vec<UserRow>,
    pagination: PageInfo,
    base: &'static str,
}

#[get("/admin/users?<page>")]
async fn list_users(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    page: Option<u64>,
) -> AppResult<HtmlPage> {
    let (rows, info) =
        accounts::list_users(app, admin.actor(), PageRequest::new(page, Some(50))).await?;
    let now = app.now();
    let users = rows
        .into_iter()
        .map(|(u, roles)| UserRow {
            status: account_status(
                u.disabled,
                is_locked(u.locked_until, now),
                u.must_change_password,
            ),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles: roles.iter().map(|r| r.label()).collect(),
        })
        .collect();
    Ok(render(
        "admin_users",
        &shell,
        UsersPage {
            users,
            pagination: info,
            base: "/admin/users?",
        },
    ))
}

/// What the new-account form holds.
#[derive(Serialize, Default)]
struct NewUserValues {
    username: String,
    display_name: String,
    roles: Vec<String>,
}

#[derive(Serialize)]
struct NewUserPage {
    values: NewUserValues,
    role_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

#[get("/admin/users/new")]
fn new_user(_admin: ManageUsers, shell: Shell) -> HtmlPage {
    render(
        "admin_user_new",
        &shell,
        NewUserPage {
            values: NewUserValues::default(),
            role_options: choices::<Role>(),
            errors: None,
        },
    )
}

#[derive(FromForm)]
struct NewUserForm {
    username: String,
    display_name: String,
    roles: Vec<String>,
    password: String,
}

#[post("/admin/users", data = "<form>")]
async fn create_user(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    form: Form<NewUserForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let new = NewAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        roles: f.roles.clone(),
        password: f.password,
        must_change_password: true,
    };
    match accounts::create_user(app, admin.actor(), new).await {
        Ok(user) => Ok(FormOutcome::done(
            format!("/admin/users/{}", user.id),
            format!(
                "Account {} created. They must choose a new password when they first sign in.",
                user.username
            ),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(render(
            "admin_user_new",
            &shell,
            NewUserPage {
                values: NewUserValues {
                    username: f.username,
                    display_name: f.display_name,
                    roles: f.roles,
                },
                role_options: choices::<Role>(),
                errors: Some(errors_json(&e)),
            },
        ))),
        Err(e) => Err(e),
    }
}

/// An API token as the account pages show it.
#[derive(Serialize)]
pub(in crate::web::pages) struct TokenRow {
    id: i32,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    expired: bool,
}

/// One API token as the account pages show it.
pub(in crate::web::pages) fn token_row(t: &ApiToken, now: DateTime<Utc>) -> TokenRow {
    TokenRow {
        id: t.id,
        name: t.name.clone(),
        prefix: t.token_prefix.clone(),
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
        expires_at: t.expires_at,
        expired: t.expires_at.is_some_and(|e| e <= now),
    }
}

/// A session in force.
#[derive(Serialize)]
struct SessionRow {
    id: i32,
    user_id: i32,
    name: Option<String>,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    user_agent: Option<String>,
}

fn session_row(s: &Session, name: Option<String>) -> SessionRow {
    SessionRow {
        id: s.id,
        user_id: s.user_id,
        name,
        created_at: s.created_at,
        last_seen_at: s.last_seen_at,
        user_agent: s.user_agent.clone(),
    }
}

/// The account's own facts.
#[derive(Serialize)]
struct AccountView {
    id: i32,
    username: String,
    display_name: String,
    disabled: bool,
    locked: bool,
    locked_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    must_change_password: bool,
    password_changed_at: DateTime<Utc>,
    two_step: bool,
}

#[derive(Serialize)]
struct UserPage {
    user: AccountView,
    roles: Vec<&'static str>,
    role_labels: Vec<&'static str>,
    role_options: Vec<Choice>,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn user_page(
    app: &AppState,
    admin: &ManageUsers,
    shell: &Shell,
    id: i32,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let d = accounts::user_detail(app, admin.actor(), id).await?;
    let now = app.now();
    let u = d.user;
    Ok(render(
        "admin_user",
        shell,
        UserPage {
            roles: d.roles.iter().map(|r| r.as_str()).collect(),
            role_labels: d.roles.iter().map(|r| r.label()).collect(),
            role_options: choices::<Role>(),
            sessions: d.sessions.iter().map(|s| session_row(s, None)).collect(),
            tokens: d.tokens.iter().map(|t| token_row(t, now)).collect(),
            user: AccountView {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                disabled: u.disabled,
                locked: d.locked,
                locked_until: u.locked_until,
                created_at: u.created_at,
                must_change_password: u.must_change_password,
                password_changed_at: u.password_changed_at,
                two_step: u.totp_secret.is_some(),
            },
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/admin/users/<id>")]
async fn show_user(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    user_page(app, &admin, &shell, id, None).await
}

#[derive(FromForm)]
struct RolesForm {
    roles: Vec<String>,
}

/// After a form on a user's page: back to the page with `notice`, or the
/// page again with the fields' errors.
async fn back_to_user_page(
    app: &AppState,
    admin: &ManageUsers,
    shell: &Shell,
    id: i32,
    result: AppResult<()>,
    notice: &str,
) -> AppResult<FormOutcome> {
    match result {
        Ok(()) => Ok(FormOutcome::done(format!("/admin/users/{id}"), notice)),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            user_page(app, admin, shell, id, Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

#[post("/admin/users/<id>/roles", data = "<form>")]
async fn update_roles(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    id: i32,
    form: Form<RolesForm>,
) -> AppResult<FormOutcome> {
    let result = accounts::change_roles(app, admin.actor(), id, &form.roles).await;
    back_to_user_page(app, &admin, &shell, id, result, "Roles updated").await
}

#[post("/admin/users/<id>/tokens/<token_id>/revoke")]
async fn revoke_token(
    app: &State<AppState>,
    admin: ManageUsers,
    id: i32,
    token_id: i32,
) -> AppResult<FormOutcome> {
    tokens::revoke_for_user(app, admin.actor(), id, token_id).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Token revoked: it can no longer be used",
    ))
}

#[post("/admin/users/<id>/disable")]
async fn disable_user(
    app: &State<AppState>,
    admin: ManageUsers,
    id: i32,
) -> AppResult<FormOutcome> {
    accounts::set_disabled(app, admin.actor(), id, true).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Account disabled: its sessions ended and its API tokens were revoked",
    ))
}

#[post("/admin/users/<id>/enable")]
async fn enable_user(app: &State<AppState>, admin: ManageUsers, id: i32) -> AppResult<FormOutcome> {
    accounts::set_disabled(app, admin.actor(), id, false).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Account enabled",
    ))
}

#[derive(FromForm)]
struct ResetForm {
    password: String,
}

#[post("/admin/users/<id>/password", data = "<form>")]
async fn reset_password(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    id: i32,
    form: Form<ResetForm>,
) -> AppResult<FormOutcome> {
    let result = accounts::reset_password(app, admin.actor(), id, &form.password).await;
    back_to_user_page(
        app,
        &admin,
        &shell,
        id,
        result,
        "Temporary password set and the account's API tokens revoked. Give the password to the user in person; they must change it when they sign in.",
    )
    .await
}

#[post("/admin/users/<id>/two-step/reset")]
async fn reset_two_step(
    app: &State<AppState>,
    admin: ManageUsers,
    id: i32,
) -> AppResult<FormOutcome> {
    two_step::reset(app, admin.actor(), id).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Two-step verification reset and sessions ended",
    ))
}

#[derive(Serialize)]
struct SessionsPage {
    sessions: Vec<SessionRow>,
    pagination: PageInfo,
    base: &'static str,
}

#[get("/admin/sessions?<page>")]
async fn list_sessions(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    page: Option<u64>,
) -> AppResult<HtmlPage> {
    let (rows, info) =
        accounts::active_sessions(app, admin.actor(), PageRequest::new(page, Some(50))).await?;
    Ok(render(
        "admin_sessions",
        &shell,
        SessionsPage {
            sessions: rows
                .iter()
                .map(|(s, name)| session_row(s, Some(name.clone())))
                .collect(),
            pagination: info,
            base: "/admin/sessions?",
        },
    ))
}

#[post("/admin/sessions/<id>/end")]
async fn end_session(app: &State<AppState>, admin: ManageUsers, id: i32) -> AppResult<FormOutcome> {
    accounts::end_session(app, admin.actor(), id).await?;
    Ok(FormOutcome::done("/admin/sessions", "Session ended"))
}

pub fn routes() -> Vec<Route> {
    routes![
        list_users,
        new_user,
        create_user,
        show_user,
        update_roles,
        disable_user,
        enable_user,
        reset_password,
        reset_two_step,
        revoke_token,
        list_sessions,
        end_session
    ]
}
