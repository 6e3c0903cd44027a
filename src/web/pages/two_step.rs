//! Two-step verification for one's own account: set it up with a key the
//! server generated, turn it off or move it to a new phone.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::auth::SignedIn;
use crate::auth::guards::{Can, cap};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::two_step;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

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
        Cookie::build((
            SETUP_COOKIE,
            format!("{user_id}:{}:{secret}", now + SETUP_SECONDS),
        ))
        .path("/account/two-step")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(app.settings.https)
        .build(),
    );
    secret
}

/// The recovery codes, shown once when two-step verification is turned on.
#[derive(Serialize)]
struct RecoveryCodesPage {
    codes: Vec<String>,
}

#[derive(Serialize)]
struct TwoStepPage {
    on: bool,
    required: bool,
    /// The set-up key to type into an app (while it is off).
    secret: Option<String>,
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn two_step_page(
    app: &AppState,
    user: &SignedIn,
    shell: &Shell,
    cookies: &CookieJar<'_>,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let (on, required) = two_step::status(app, &user.actor).await?;
    let uid = user.actor.user_id().ok_or(AppError::Forbidden)?;
    let (secret, uri) = if on {
        (None, None)
    } else {
        let secret = setup_secret(app, cookies, uid);
        let uri = crate::domain::totp::otpauth_uri("Kerbside", user.actor.username(), &secret);
        (Some(secret), Some(uri))
    };
    Ok(render(
        "two_step",
        shell,
        TwoStepPage {
            on,
            required,
            secret,
            uri,
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/account/two-step")]
async fn show_two_step(
    app: &State<AppState>,
    user: SignedIn,
    shell: Shell,
    cookies: &CookieJar<'_>,
) -> AppResult<HtmlPage> {
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
        Ok(codes) => {
            cookies.remove_private(Cookie::build(SETUP_COOKIE).path("/account/two-step"));
            // shown this once, in this response: only their hashes are kept
            Ok(FormOutcome::Again((
                rocket::http::Status::Ok,
                render("two_step_codes", &shell, RecoveryCodesPage { codes }),
            )))
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
        Ok(()) if app.two_step().requires(user.actor().roles()) => Ok(FormOutcome::done(
            "/account/two-step",
            "Now set up two-step verification on your new phone",
        )),
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
pub fn routes() -> Vec<Route> {
    routes![show_two_step, enable_two_step, disable_two_step]
}
