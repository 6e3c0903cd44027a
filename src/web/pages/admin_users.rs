//! Administration of accounts and sessions.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::domain::pagination::PageRequest;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::services::accounts::{self, NewAccount};
use crate::state::AppState;
use crate::web::shell::{Shell, render};

type Admin = Can<cap::ManageUsers>;

fn role_options() -> Vec<serde_json::Value> {
    Role::ALL
        .iter()
        .map(|r| json!({"value": r.as_str(), "label": r.label()}))
        .collect()
}

#[get("/admin/users?<page>")]
async fn list_users(
    app: &State<AppState>,
    admin: Admin,
    shell: Shell,
    page: Option<u64>,
) -> AppResult<Template> {
    let (rows, info) =
        accounts::list_users(app, admin.actor(), PageRequest::new(page, Some(50))).await?;
    let now = app.now();
    let users: Vec<_> = rows
        .iter()
        .map(|(u, roles)| {
            json!({
                "id": u.id, "username": u.username, "display_name": u.display_name,
                "roles": roles.iter().map(|r| r.label()).collect::<Vec<_>>(),
                "disabled": u.disabled,
                "locked": crate::domain::accounts::is_locked(u.locked_until, now),
                "must_change_password": u.must_change_password,
            })
        })
        .collect();
    Ok(render(
        "admin_users",
        &shell,
        json!({ "users": users, "pagination": info, "base": "/admin/users?" }),
    ))
}

#[get("/admin/users/new")]
fn new_user(_admin: Admin, shell: Shell) -> Template {
    render(
        "admin_user_new",
        &shell,
        json!({ "values": {"roles": []}, "role_options": role_options() }),
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
    admin: Admin,
    shell: Shell,
    form: Form<NewUserForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let new = NewAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        roles: f.roles.clone(),
        password: f.password.clone(),
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
            json!({
                "values": {"username": f.username, "display_name": f.display_name, "roles": f.roles},
                "errors": errors_json(&e), "role_options": role_options(),
            }),
        ))),
        Err(e) => Err(e),
    }
}

async fn user_page(
    app: &AppState,
    admin: &Admin,
    shell: &Shell,
    id: i32,
    extra: serde_json::Value,
) -> AppResult<Template> {
    let d = accounts::user_detail(app, admin.actor(), id).await?;
    let now = app.now();
    let sessions: Vec<_> = d
        .sessions
        .iter()
        .filter(|s| crate::domain::accounts::session_state(s.created_at, s.last_seen_at, now, &app.settings.limits).is_ok())
        .map(|s| json!({"id": s.id, "created_at": s.created_at, "last_seen_at": s.last_seen_at, "user_agent": s.user_agent}))
        .collect();
    let tokens: Vec<_> = crate::services::tokens::list_for_user(app, admin.actor(), id)
        .await?
        .iter()
        .map(|t| token_row(t, now))
        .collect();
    let mut data = json!({
        "tokens": tokens,
        "user": {
            "id": d.user.id, "username": d.user.username, "display_name": d.user.display_name,
            "disabled": d.user.disabled, "locked": crate::domain::accounts::is_locked(d.user.locked_until, now),
            "locked_until": d.user.locked_until, "created_at": d.user.created_at,
            "must_change_password": d.user.must_change_password,
            "password_changed_at": d.user.password_changed_at,
            "two_step": d.user.totp_secret.is_some(),
        },
        "roles": d.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "role_labels": d.roles.iter().map(|r| r.label()).collect::<Vec<_>>(),
        "role_options": role_options(),
        "sessions": sessions,
        "values": {},
    });
    if let (Some(o), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    Ok(render("admin_user", shell, data))
}

#[get("/admin/users/<id>")]
async fn show_user(
    app: &State<AppState>,
    admin: Admin,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    user_page(app, &admin, &shell, id, json!({})).await
}

#[derive(FromForm)]
struct RolesForm {
    roles: Vec<String>,
}

#[post("/admin/users/<id>/roles", data = "<form>")]
async fn update_roles(
    app: &State<AppState>,
    admin: Admin,
    shell: Shell,
    id: i32,
    form: Form<RolesForm>,
) -> AppResult<FormOutcome> {
    match accounts::change_roles(app, admin.actor(), id, &form.roles).await {
        Ok(()) => Ok(FormOutcome::done(
            format!("/admin/users/{id}"),
            "Roles updated",
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            user_page(app, &admin, &shell, id, json!({"errors": errors_json(&e)})).await?,
        )),
        Err(e) => Err(e),
    }
}

/// One API token as the account pages show it.
pub(super) fn token_row(
    t: &crate::db::tokens_repo::ApiToken,
    now: chrono::DateTime<chrono::Utc>,
) -> serde_json::Value {
    json!({
        "id": t.id, "name": t.name, "prefix": t.token_prefix,
        "created_at": t.created_at, "last_used_at": t.last_used_at, "revoked_at": t.revoked_at,
        "expires_at": t.expires_at, "expired": t.expires_at.is_some_and(|e| e <= now),
    })
}

#[post("/admin/users/<id>/tokens/<token_id>/revoke")]
async fn revoke_token(
    app: &State<AppState>,
    admin: Admin,
    id: i32,
    token_id: i32,
) -> AppResult<FormOutcome> {
    crate::services::tokens::revoke_for_user(app, admin.actor(), id, token_id).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Token revoked: it can no longer be used",
    ))
}

#[post("/admin/users/<id>/disable")]
async fn disable_user(app: &State<AppState>, admin: Admin, id: i32) -> AppResult<FormOutcome> {
    accounts::set_disabled(app, admin.actor(), id, true).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Account disabled: its sessions ended and its API tokens were revoked",
    ))
}

#[post("/admin/users/<id>/enable")]
async fn enable_user(app: &State<AppState>, admin: Admin, id: i32) -> AppResult<FormOutcome> {
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
    admin: Admin,
    shell: Shell,
    id: i32,
    form: Form<ResetForm>,
) -> AppResult<FormOutcome> {
    match accounts::reset_password(app, admin.actor(), id, &form.password).await {
        Ok(()) => Ok(FormOutcome::done(
            format!("/admin/users/{id}"),
            "Temporary password set and the account's API tokens revoked. Give the password to the user in person; they must change it when they sign in.",
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            user_page(app, &admin, &shell, id, json!({"errors": errors_json(&e)})).await?,
        )),
        Err(e) => Err(e),
    }
}

#[post("/admin/users/<id>/two-step/reset")]
async fn reset_two_step(app: &State<AppState>, admin: Admin, id: i32) -> AppResult<FormOutcome> {
    crate::services::two_step::reset(app, admin.actor(), id).await?;
    Ok(FormOutcome::done(
        format!("/admin/users/{id}"),
        "Two-step verification reset and sessions ended",
    ))
}

#[get("/admin/sessions?<page>")]
async fn list_sessions(
    app: &State<AppState>,
    admin: Admin,
    shell: Shell,
    page: Option<u64>,
) -> AppResult<Template> {
    let (rows, info) =
        accounts::active_sessions(app, admin.actor(), PageRequest::new(page, Some(50))).await?;
    let sessions: Vec<_> = rows
        .iter()
        .map(|(s, name)| json!({"id": s.id, "user_id": s.user_id, "name": name, "created_at": s.created_at, "last_seen_at": s.last_seen_at, "user_agent": s.user_agent}))
        .collect();
    Ok(render(
        "admin_sessions",
        &shell,
        json!({ "sessions": sessions, "pagination": info, "base": "/admin/sessions?" }),
    ))
}

#[post("/admin/sessions/<id>/end")]
async fn end_session(app: &State<AppState>, admin: Admin, id: i32) -> AppResult<FormOutcome> {
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
