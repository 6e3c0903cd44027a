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
use crate::domain::api_tokens::TokenLifetime;
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
    let now = app.now();
    let rows: Vec<_> = list
        .iter()
        .map(|t| super::admin_users::token_row(t, now))
        .collect();
    let mut data = json!({
        "username": user.actor().username(),
        "display_name": user.actor().display_name(),
        "roles": user.actor().roles().roles().iter().map(|r| r.label()).collect::<Vec<_>>(),
        "tokens": rows,
        "lifetime_options": TokenLifetime::CHOICES.iter().map(|(v, l)| json!({"value": v, "label": l})).collect::<Vec<_>>(),
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
    #[field(default = String::new())]
    expires: String,
}

#[post("/account/tokens", data = "<form>")]
async fn create_token(
    app: &State<AppState>,
    user: Can<cap::ManageOwnAccount>,
    shell: Shell,
    form: Form<TokenForm>,
) -> AppResult<(rocket::http::Status, Template)> {
    let uid = user.actor().user_id().ok_or(AppError::Forbidden)?;
    let created = match TokenLifetime::parse(&form.expires) {
        Ok(lifetime) => {
            tokens::create_with_lifetime(app, user.actor(), uid, &form.name, lifetime).await
        }
        Err(m) => Err(AppError::invalid("expires", m)),
    };
    match created {
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
                json!({ "errors": errors_json(&e), "values": {"name": form.name, "expires": form.expires} }),
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

/// The encrypted cookie that holds the set-up key the server generated until
/// the first code proves the app has it. The form never carries the key, so
/// nobody can choose their own (an all-zero one, say).
const SETUP_COOKIE: &str = "kerbside_two_step_setup";
/// How long a set-up key waits for its first code.
const SETUP_SECONDS: i64 = 900;

/// The set-up key waiting for this user, or a new one (remembered in the cookie).
fn setup_secret(app: &AppState, cookies: &CookieJar<'_>, user_id: i32) -> String {
    let now = app.now().timestamp();
    let waiting = cookies.get_private(SETUP_COOKIE).and_then(|c| {
        let mut parts = c.value().splitn(3, ':');
        let uid: i32 = parts.next()?.parse().ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let secret = parts.next()?.to_string();
        (uid == user_id && now <= expires).then_some(secret)
    });
    if let Some(secret) = waiting {
        return secret;
    }
    let secret = two_step::new_secret();
    cookies.add_private(
        rocket::http::Cookie::build((
            SETUP_COOKIE,
            format!("{user_id}:{}:{secret}", now + SETUP_SECONDS),
        ))
        .path("/account/two-step")
        .http_only(true)
        .same_site(rocket::http::SameSite::Strict)
        .secure(app.settings.https)
        .build(),
    );
    secret
}

async fn two_step_page(
    app: &AppState,
    user: &SignedIn,
    shell: &Shell,
    cookies: &CookieJar<'_>,
    errors: Option<&crate::domain::validation::FieldErrors>,
) -> AppResult<Template> {
    let (on, required) = two_step::status(app, &user.actor).await?;
    let uid = user.actor.user_id().ok_or(AppError::Forbidden)?;
    let (secret, uri) = if on {
        (None, None)
    } else {
        let secret = setup_secret(app, cookies, uid);
        let uri = crate::domain::totp::otpauth_uri("Kerbside", user.actor.username(), &secret);
        (Some(secret), Some(uri))
    };
    let mut data = json!({ "on": on, "required": required, "secret": secret, "uri": uri });
    if let Some(e) = errors {
        data["errors"] = errors_json(e);
    }
    Ok(render("two_step", shell, data))
}

#[get("/account/two-step")]
async fn show_two_step(
    app: &State<AppState>,
    user: SignedIn,
    shell: Shell,
    cookies: &CookieJar<'_>,
) -> AppResult<Template> {
    two_step_page(app, &user, &shell, cookies, None).await
}

#[derive(FromForm)]
struct TwoStepForm {
    #[field(default = String::new())]
    code: String,
}

#[post("/account/two-step", data = "<form>")]
async fn enable_two_step(
    app: &State<AppState>,
    user: SignedIn,
    shell: Shell,
    form: Form<TwoStepForm>,
    cookies: &CookieJar<'_>,
) -> AppResult<FormOutcome> {
    let uid = user.actor.user_id().ok_or(AppError::Forbidden)?;
    let secret = setup_secret(app, cookies, uid);
    match two_step::enable(app, &user.actor, &secret, &form.code).await {
        Ok(()) => {
            cookies.remove_private(
                rocket::http::Cookie::build(SETUP_COOKIE).path("/account/two-step"),
            );
            Ok(FormOutcome::done(
                "/account",
                "Two-step verification is on. You will be asked for a code each time you sign in.",
            ))
        }
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            two_step_page(app, &user, &shell, cookies, Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

#[derive(FromForm)]
struct RemoveTwoStepForm {
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    code: String,
}

#[post("/account/two-step/remove", data = "<form>")]
async fn disable_two_step(
    app: &State<AppState>,
    user: Can<cap::ManageOwnAccount>,
    shell: Shell,
    form: Form<RemoveTwoStepForm>,
    cookies: &CookieJar<'_>,
) -> AppResult<FormOutcome> {
    match two_step::disable_own(app, user.actor(), &form.password, &form.code).await {
        Ok(()) if app.settings.require_two_step.requires(user.actor().roles()) => {
            Ok(FormOutcome::done(
                "/account/two-step",
                "Now set up two-step verification on your new phone",
            ))
        }
        Ok(()) => Ok(FormOutcome::done(
            "/account",
            "Two-step verification is off",
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            two_step_page(app, &user.user, &shell, cookies, Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

/// Two-step verification routes.
pub fn two_step_routes() -> Vec<Route> {
    routes![show_two_step, enable_two_step, disable_two_step]
}
