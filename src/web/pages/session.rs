//! Signing in and out, the session-timeout warning and "stay signed in", and
//! the page a refused (cross-site or stale-form) request lands on.

use rocket::form::Form;
use rocket::http::{Cookie, CookieJar};
use rocket::response::Redirect;
use rocket::{FromForm, Route, State, get, post, routes};
use serde_json::json;

use super::{FormOutcome, PageOrRedirect, is_safe_return_path};
use crate::auth::SignedIn;
use crate::auth::identity::{Identity, session_cookie, session_cookie_name};
use crate::error::{AppError, AppResult};
use crate::services::sign_in::{self, REFUSED_MESSAGE};
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
        json!({ "values": {"username": ""}, "next": next, "ended_message": ended_message }),
    ))
}

#[post("/sign-in", data = "<form>")]
async fn create_sign_in(
    app: &State<AppState>,
    form: Form<SignInForm>,
    shell: Shell,
    cookies: &CookieJar<'_>,
    ua: UserAgent,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    match sign_in::sign_in(app, &f.username, &f.password, ua.0).await? {
        Ok(session) => {
            cookies.add(session_cookie(session.token, app.settings.https));
            let to = if session.must_change_password {
                "/account/password".to_string()
            } else {
                f.next
                    .filter(|n| is_safe_return_path(n))
                    .unwrap_or_else(|| "/".into())
            };
            Ok(FormOutcome::done(to, "You are signed in"))
        }
        Err(_) => {
            let errors = json!({ "password": REFUSED_MESSAGE });
            Ok(FormOutcome::again(render(
                "sign_in",
                &shell,
                json!({ "values": {"username": f.username}, "errors": errors, "next": f.next }),
            )))
        }
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

#[get("/session/expiring?<back>")]
fn show_session_expiring(
    user: SignedIn,
    shell: Shell,
    back: Option<String>,
) -> rocket_dyn_templates::Template {
    let back = back
        .filter(|b| is_safe_return_path(b))
        .unwrap_or_else(|| "/".into());
    let ends = user
        .session
        .map(|s| crate::domain::london_time::format_datetime(s.expires_at));
    render(
        "session_expiring",
        &shell,
        json!({ "back": back, "ends_at": ends }),
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
        sign_out,
        show_session_expiring,
        extend_session,
        refused
    ]
}
