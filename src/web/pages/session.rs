//! Signing in and out, the session-timeout warning and "stay signed in", and
//! the page a refused (cross-site or stale-form) request lands on.

use rocket::form::Form;
use rocket::http::{Cookie, CookieJar, Status};
use rocket::response::Redirect;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, PageOrRedirect, is_safe_return_path};
use crate::auth::SignedIn;
use crate::auth::identity::{Identity, session_cookie, session_cookie_name};
use crate::error::{AppError, AppResult};
use crate::services::sign_in::{
    self, PasswordAccepted, REFUSED_MESSAGE, Refused, THROTTLED_MESSAGE,
};
use crate::state::AppState;
use crate::web::shell::{Shell, render};

#[derive(FromForm)]
struct SignInForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub(super) struct UserAgent(pub Option<String>);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for UserAgent {
    type Error = ();
    async fn from_request(req: &'r rocket::Request<'_>) -> rocket::request::Outcome<Self, ()> {
        rocket::request::Outcome::Success(UserAgent(
            req.headers().get_one("User-Agent").map(str::to_string),
        ))
    }
}

/// What the sign-in form holds: the username only (a password is never sent back).
#[derive(Serialize, Default)]
struct SignInValues {
    username: String,
}

#[derive(Serialize)]
struct SignInPage {
    values: SignInValues,
    next: Option<String>,
    ended_message: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// The one-time code form; a wrong code is named on the field.
#[derive(Serialize)]
struct CodePage {
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn field_error(field: &str, message: &str) -> Option<serde_json::Value> {
    let mut e = crate::domain::validation::FieldErrors::new();
    e.add(field, message);
    Some(super::errors_json(&e))
}

#[get("/sign-in?<next>&<ended>")]
fn new_sign_in(
    identity: &Identity,
    shell: Shell,
    next: Option<String>,
    ended: Option<String>,
) -> PageOrRedirect {
    if let Identity::Session(_) = identity {
        return PageOrRedirect::Redirect(Redirect::to("/"));
    }
    let ended_message = match ended.as_deref() {
        Some("idle") => Some(
            "You were signed out because Kerbside was not used for a while. Sign in again to continue.",
        ),
        Some("limit") => Some(
            "You were signed out because your session reached its maximum length. Sign in again to continue.",
        ),
        _ => None,
    };
    let next = next.filter(|n| is_safe_return_path(n));
    PageOrRedirect::Page(render(
        "sign_in",
        &shell,
        SignInPage {
            values: SignInValues::default(),
            next,
            ended_message,
            errors: None,
        },
    ))
}

/// The session this browser already had, ended when it signs in again.
fn previous_session(identity: &Identity) -> Option<i32> {
    match identity {
        Identity::Session(s) => Some(s.session_id),
        _ => None,
    }
}

#[post("/sign-in", data = "<form>")]
async fn create_sign_in(
    app: &State<AppState>,
    form: Form<SignInForm>,
    shell: Shell,
    cookies: &CookieJar<'_>,
    ua: UserAgent,
    client: Option<std::net::IpAddr>,
    identity: &Identity,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    match sign_in::sign_in(app, &f.username, &f.password, ua.0, client).await? {
        Ok(PasswordAccepted::Session(session)) => {
            sign_in::end_replaced_session(app, previous_session(identity)).await?;
            Ok(signed_in(app, cookies, session, f.next))
        }
        Ok(PasswordAccepted::CodeNeeded { user_id }) => {
            let expires = app.now().timestamp() + PENDING_SECONDS;
            cookies.add_private(
                Cookie::build((
                    PENDING_COOKIE,
                    format!("{user_id}:{expires}:{}", f.next.unwrap_or_default()),
                ))
                .path("/")
                .http_only(true)
                .same_site(rocket::http::SameSite::Strict)
                .secure(app.settings.https)
                .build(),
            );
            Ok(FormOutcome::done(
                "/sign-in/code",
                "Now enter the code from your authenticator app",
            ))
        }
        Err(refused) => {
            let (status, message) = match refused {
                Refused::Throttled => (Status::TooManyRequests, THROTTLED_MESSAGE),
                Refused::Credentials => (Status::UnprocessableEntity, REFUSED_MESSAGE),
            };
            Ok(FormOutcome::Again((
                status,
                render(
                    "sign_in",
                    &shell,
                    SignInPage {
                        values: SignInValues {
                            username: f.username,
                        },
                        next: f.next,
                        ended_message: None,
                        errors: field_error("password", message),
                    },
                ),
            )))
        }
    }
}

/// The encrypted cookie that remembers a right password while the code is asked for.
const PENDING_COOKIE: &str = "kerbside_two_step";
/// How long the code may take to arrive.
const PENDING_SECONDS: i64 = 300;

fn signed_in(
    app: &AppState,
    cookies: &CookieJar<'_>,
    session: sign_in::NewSession,
    next: Option<String>,
) -> FormOutcome {
    cookies.add(session_cookie(session.token, app.settings.https));
    let to = if session.must_change_password {
        "/account/password".to_string()
    } else {
        next.filter(|n| is_safe_return_path(n))
            .unwrap_or_else(|| "/".into())
    };
    FormOutcome::done(to, "You are signed in")
}

/// (user id, return path) of a right password awaiting its code, if not expired.
fn pending(app: &AppState, cookies: &CookieJar<'_>) -> Option<(i32, Option<String>)> {
    let c = cookies.get_private(PENDING_COOKIE)?;
    let mut parts = c.value().splitn(3, ':');
    let user_id = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let next = parts.next().map(str::to_string).filter(|n| !n.is_empty());
    (app.now().timestamp() <= expires).then_some((user_id, next))
}

/// A second-step form (the app's code, or a recovery code), while a right
/// password awaits it; else back to the sign-in form.
fn second_step_page(
    app: &AppState,
    shell: &Shell,
    cookies: &CookieJar<'_>,
    template: &'static str,
) -> PageOrRedirect {
    if pending(app, cookies).is_none() {
        return PageOrRedirect::Redirect(rocket::response::Redirect::to("/sign-in"));
    }
    PageOrRedirect::Page(render(template, shell, CodePage { errors: None }))
}

/// A second-step form again, saying why it was refused.
fn second_step_again(
    shell: &Shell,
    template: &'static str,
    refused: Refused,
    wrong: &'static str,
) -> FormOutcome {
    let (status, message) = match refused {
        Refused::Throttled => (Status::TooManyRequests, THROTTLED_MESSAGE),
        Refused::Credentials => (Status::UnprocessableEntity, wrong),
    };
    FormOutcome::Again((
        status,
        render(
            template,
            shell,
            CodePage {
                errors: field_error("code", message),
            },
        ),
    ))
}

/// Said when a right password waited too long for its second step.
const TOO_LONG: &str = "That took too long: sign in again";

#[get("/sign-in/code")]
fn new_sign_in_code(
    app: &State<AppState>,
    shell: Shell,
    cookies: &CookieJar<'_>,
) -> PageOrRedirect {
    second_step_page(app, &shell, cookies, "sign_in_code")
}

#[derive(FromForm)]
struct CodeForm {
    #[field(default = String::new())]
    code: String,
}

#[post("/sign-in/code", data = "<form>")]
async fn create_sign_in_code(
    app: &State<AppState>,
    shell: Shell,
    cookies: &CookieJar<'_>,
    form: Form<CodeForm>,
    ua: UserAgent,
    client: Option<std::net::IpAddr>,
    identity: &Identity,
) -> AppResult<FormOutcome> {
    let Some((user_id, next)) = pending(app, cookies) else {
        return Ok(FormOutcome::done("/sign-in", TOO_LONG));
    };
    match sign_in::sign_in_with_code(app, user_id, &form.code, ua.0, client).await? {
        Ok(session) => {
            cookies.remove_private(Cookie::build(PENDING_COOKIE).path("/"));
            sign_in::end_replaced_session(app, previous_session(identity)).await?;
            Ok(signed_in(app, cookies, session, next))
        }
        Err(refused) => Ok(second_step_again(
            &shell,
            "sign_in_code",
            refused,
            "The code is not right, or the account is locked. Enter the 6-digit code your app shows now.",
        )),
    }
}

#[get("/sign-in/recovery")]
fn new_sign_in_recovery(
    app: &State<AppState>,
    shell: Shell,
    cookies: &CookieJar<'_>,
) -> PageOrRedirect {
    second_step_page(app, &shell, cookies, "sign_in_recovery")
}

/// Lost phone: a recovery code in place of the app's code. Two-step
/// verification is reset, so the page after it is the set-up on a new phone.
#[post("/sign-in/recovery", data = "<form>")]
async fn create_sign_in_recovery(
    app: &State<AppState>,
    shell: Shell,
    cookies: &CookieJar<'_>,
    form: Form<CodeForm>,
    ua: UserAgent,
    client: Option<std::net::IpAddr>,
    identity: &Identity,
) -> AppResult<FormOutcome> {
    let Some((user_id, _)) = pending(app, cookies) else {
        return Ok(FormOutcome::done("/sign-in", TOO_LONG));
    };
    match sign_in::sign_in_with_recovery_code(app, user_id, &form.code, ua.0, client).await? {
        Ok(session) => {
            cookies.remove_private(Cookie::build(PENDING_COOKIE).path("/"));
            sign_in::end_replaced_session(app, previous_session(identity)).await?;
            let must_change = session.must_change_password;
            cookies.add(session_cookie(session.token, app.settings.https));
            Ok(if must_change {
                FormOutcome::done("/account/password", "You are signed in")
            } else {
                FormOutcome::done(
                    "/account/two-step",
                    "You signed in with a recovery code, and two-step verification was reset. Set it up on your new phone now.",
                )
            })
        }
        Err(refused) => Ok(second_step_again(
            &shell,
            "sign_in_recovery",
            refused,
            "That recovery code is not right, has been used, or the account is locked. Each code works once.",
        )),
    }
}

#[post("/sign-out")]
async fn sign_out(
    app: &State<AppState>,
    user: SignedIn,
    cookies: &CookieJar<'_>,
) -> AppResult<FormOutcome> {
    sign_in::sign_out(app, &user.actor).await?;
    cookies.remove(Cookie::build(session_cookie_name(app.settings.https)).path("/"));
    Ok(FormOutcome::done("/sign-in", "You have signed out"))
}

#[derive(Serialize)]
struct ExpiringPage {
    back: String,
    ends_at: Option<String>,
}

#[get("/session/expiring?<back>")]
fn show_session_expiring(
    user: SignedIn,
    shell: Shell,
    back: Option<String>,
) -> crate::web::shell::HtmlPage {
    let back = back
        .filter(|b| is_safe_return_path(b))
        .unwrap_or_else(|| "/".into());
    let ends = user
        .session
        .map(|s| crate::domain::london_time::format_datetime(s.expires_at));
    render(
        "session_expiring",
        &shell,
        ExpiringPage {
            back,
            ends_at: ends,
        },
    )
}

#[derive(FromForm)]
struct ExtendForm {
    back: Option<String>,
}

#[post("/session/extend", data = "<form>")]
async fn extend_session(
    app: &State<AppState>,
    user: SignedIn,
    form: Form<ExtendForm>,
) -> AppResult<FormOutcome> {
    sign_in::extend_session(app, &user.actor).await?;
    let back = form
        .into_inner()
        .back
        .filter(|b| is_safe_return_path(b))
        .unwrap_or_else(|| "/".into());
    Ok(FormOutcome::done(back, "You are still signed in"))
}

#[get("/refused")]
fn refused() -> AppError {
    AppError::Forbidden
}

pub fn routes() -> Vec<Route> {
    routes![
        new_sign_in,
        create_sign_in,
        new_sign_in_code,
        create_sign_in_code,
        new_sign_in_recovery,
        create_sign_in_recovery,
        sign_out,
        show_session_expiring,
        extend_session,
        refused
    ]
}
