//! Your account: change password, create and revoke API tokens.

use rocket::form::Form;
use rocket::http::CookieJar;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::{FormOutcome, errors_json};
use crate::auth::SignedIn;
use crate::auth::guards::{Can, cap};
use crate::auth::identity::session_cookie;
use crate::error::{AppError, AppResult};
use crate::services::{accounts, tokens, two_step};
use crate::state::AppState;
use crate::web::shell::{Shell, render};

async fn account_page(
    app: &AppState,
    user: &Can<cap::ManageOwnAccount>,
    shell: &Shell,
    extra: serde_json::Value,
) -> AppResult<Template> {
    let list = tokens::list_own(app, user.actor()).await?;
    let rows: Vec<_> = list
        .iter()
        .map(|t| {
            json!({
                "id": t.id, "name": t.name, "prefix": t.token_prefix,
                "created_at": t.created_at, "last_used_at": t.last_used_at, "revoked_at": t.revoked_at,
            })
        })
        .collect();
    let mut data = json!({
        "username": user.actor().username(),
        "display_name": user.actor().display_name(),
        "roles": user.actor().roles().roles().iter().map(|r| r.label()).collect::<Vec<_>>(),
        "tokens": rows,
        "values": {},
    });
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            d.insert(k.clone(), v.clone());
        }
    }
    Ok(render("account", shell, data))
}

#[get("/account")]
async fn show_account(
    app: &State<AppState>,
    user: Can<cap::ManageOwnAccount>,
    shell: Shell,
) -> AppResult<Template> {
    account_page(app, &user, &shell, json!({})).await
}

#[derive(FromForm)]
struct TokenForm {
    name: String,
}

#[post("/account/tokens", data = "<form>")]
async fn create_token(
    app: &State<AppState>,
    user: Can<cap::ManageOwnAccount>,
    shell: Shell,
    form: Form<TokenForm>,
) -> AppResult<(rocket::http::Status, Template)> {
    let uid = user.actor().user_id().ok_or(AppError::Forbidden)?;
    match tokens::create(app, user.actor(), uid, &form.name).await {
        Ok((secret, token)) => Ok((
            rocket::http::Status::Created,
            account_page(
                app,
                &user,
                &shell,
                json!({ "new_token": secret, "new_token_name": token.name }),
            )
            .await?,
        )),
        Err(AppError::Invalid(e)) => Ok((
            rocket::http::Status::UnprocessableEntity,
            account_page(
                app,
                &user,
                &shell,
                json!({ "errors": errors_json(&e), "values": {"name": form.name} }),
            )
            .await?,
        )),
        Err(e) => Err(e),
    }
}

#[post("/account/tokens/<id>/revoke")]
async fn revoke_token(
    app: &State<AppState>,
    user: Can<cap::ManageOwnAccount>,
    id: i32,
) -> AppResult<FormOutcome> {
    tokens::revoke_own(app, user.actor(), id).await?;
    Ok(FormOutcome::done(
        "/account",
        "Token revoked: it can no longer be used",
    ))
}

#[get("/account/password")]
fn edit_password(_user: SignedIn, shell: Shell) -> Template {
    render("password", &shell, json!({ "values": {} }))
}

#[derive(FromForm)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

#[post("/account/password", data = "<form>")]
async fn update_password(
    app: &State<AppState>,
    user: SignedIn,
    shell: Shell,
    form: Form<PasswordForm>,
    cookies: &CookieJar<'_>,
    ua: super::session::UserAgent,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    match accounts::change_own_password(
        app,
        &user.actor,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
        ua.0,
    )
    .await
    {
        Ok(token) => {
            cookies.add(session_cookie(token, app.settings.https));
            Ok(FormOutcome::done(
                "/",
                "Your password has been changed. Other sessions have been signed out.",
            ))
        }
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(render(
            "password",
            &shell,
            json!({ "errors": errors_json(&e), "values": {} }),
        ))),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        show_account,
        create_token,
        revoke_token,
        edit_password,
        update_password
    ]
}

#[get("/account/two-step")]
async fn show_two_step(app: &State<AppState>, user: SignedIn, shell: Shell) -> AppResult<Template> {
    let (on, required) = two_step::status(app, &user.actor).await?;
    let secret = two_step::new_secret();
    let uri = crate::domain::totp::otpauth_uri("Kerbside", user.actor.username(), &secret);
    Ok(render(
        "two_step",
        &shell,
        json!({ "on": on, "required": required, "secret": secret, "uri": uri }),
    ))
}

#[derive(FromForm)]
struct TwoStepForm {
    #[field(default = String::new())]
    secret: String,
    #[field(default = String::new())]
    code: String,
}

#[post("/account/two-step", data = "<form>")]
async fn enable_two_step(
    app: &State<AppState>,
    user: SignedIn,
    shell: Shell,
    form: Form<TwoStepForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    match two_step::enable(app, &user.actor, &f.secret, &f.code).await {
        Ok(()) => Ok(FormOutcome::done(
            "/account",
            "Two-step verification is on. You will be asked for a code each time you sign in.",
        )),
        Err(AppError::Invalid(e)) => {
            let (on, required) = two_step::status(app, &user.actor).await?;
            let uri =
                crate::domain::totp::otpauth_uri("Kerbside", user.actor.username(), &f.secret);
            Ok(FormOutcome::again(render(
                "two_step",
                &shell,
                json!({ "on": on, "required": required, "secret": f.secret, "uri": uri, "errors": errors_json(&e) }),
            )))
        }
        Err(e) => Err(e),
    }
}

#[post("/account/two-step/remove")]
async fn disable_two_step(
    app: &State<AppState>,
    user: Can<cap::ManageOwnAccount>,
) -> AppResult<FormOutcome> {
    two_step::disable_own(app, user.actor()).await?;
    Ok(FormOutcome::done(
        "/account",
        "Two-step verification is off",
    ))
}

/// Two-step verification routes.
pub fn two_step_routes() -> Vec<Route> {
    routes![show_two_step, enable_two_step, disable_two_step]
}
