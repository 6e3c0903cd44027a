//! The fairing that runs before every route: resolves who is asking, and
//! refuses a state-changing request that is cross-site or lacks the right CSRF
//! token. A refused request is re-routed to `GET /refused`, which answers 403,
//! so no handler can forget the check.

use rocket::Data;
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::http::{ContentType, Cookie, CookieJar, Method, SameSite};
use rocket::request::{self, FromRequest, Request};

use super::identity::{Identity, is_api_path, is_safe_method, resolve};
use super::secrets::{random_token, same_secret};
use crate::state::AppState;

/// Name of the hidden field every form carries.
pub const CSRF_FIELD: &str = "csrf_token";
const PRE_SESSION_COOKIE: &str = "kerbside_form";

/// The request's path before any re-routing (decides HTML or JSON errors).
#[derive(Clone, Debug)]
pub struct OriginalPath(pub String);

/// Why a request was refused by the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `Sec-Fetch-Site: cross-site` or a foreign `Origin`.
    CrossSite,
    /// The form's CSRF token was missing or wrong.
    CsrfToken,
}

/// What the checks decided, kept in the request cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict(pub Option<Refusal>);

/// The request-checks fairing.
pub struct RequestChecks;

fn origin_allowed(req: &Request<'_>, app: &AppState) -> bool {
    let Some(origin) = req.headers().get_one("Origin") else {
        return true;
    };
    if let Some(public) = &app.settings.public_origin {
        return origin == public;
    }
    let Some(host) = req.headers().get_one("Host") else {
        return false;
    };
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

fn token_in_body(content_type: Option<&ContentType>, body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let ct = content_type?;
    if ct.is_form() {
        text.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == CSRF_FIELD).then(|| v.to_string())
        })
    } else if ct.is_form_data() {
        let after = text.split(&format!("name=\"{CSRF_FIELD}\"")).nth(1)?;
        let value = after.split("\r\n\r\n").nth(1)?;
        Some(
            value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect(),
        )
    } else {
        None
    }
}

/// The token anonymous forms (sign-in, first-run setup) carry: kept in an
/// encrypted cookie, created on first use.
pub fn pre_session_token(cookies: &CookieJar<'_>) -> String {
    if let Some(c) = cookies.get_private(PRE_SESSION_COOKIE) {
        return c.value().to_string();
    }
    let token = random_token();
    cookies.add_private(
        Cookie::build((PRE_SESSION_COOKIE, token.clone()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .build(),
    );
    token
}

async fn check(
    req: &Request<'_>,
    data: &mut Data<'_>,
    identity: &Identity,
    app: &AppState,
) -> Option<Refusal> {
    if is_safe_method(req.method()) {
        return None;
    }
    if req.headers().get_one("Sec-Fetch-Site") == Some("cross-site") || !origin_allowed(req, app) {
        return Some(Refusal::CrossSite);
    }
    if is_api_path(req.uri().path().as_str()) {
        // The API takes bearer tokens only for changes; no cookie, no CSRF.
        return None;
    }
    let expected = match identity {
        Identity::Session(s) => Some(s.csrf_token.clone()),
        _ => req
            .cookies()
            .get_private(PRE_SESSION_COOKIE)
            .map(|c| c.value().to_string()),
    };
    let provided = token_in_body(req.content_type(), data.peek(512).await);
    match (expected, provided) {
        (Some(e), Some(p)) if same_secret(&e, &p) => None,
        _ => Some(Refusal::CsrfToken),
    }
}

#[rocket::async_trait]
impl Fairing for RequestChecks {
    fn info(&self) -> Info {
        Info {
            name: "Identity, CSRF and origin checks",
            kind: Kind::Request,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, data: &mut Data<'_>) {
        req.local_cache(|| OriginalPath(req.uri().path().as_str().to_string()));
        let Some(app) = req.rocket().state::<AppState>() else {
            return;
        };
        let identity = resolve(req, app).await;
        let refusal = check(req, data, &identity, app).await;
        req.local_cache(|| identity);
        req.local_cache(|| Verdict(refusal));
        if refusal.is_some() {
            req.set_method(Method::Get);
            req.set_uri(Origin::parse("/refused").unwrap_or(Origin::ROOT));
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for &'r Identity {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        request::Outcome::Success(req.local_cache(|| Identity::Anonymous { ended: None }))
    }
}
