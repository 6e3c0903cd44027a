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

/// What a browser (or another client) says about where a state-changing
/// request came from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Provenance<'a> {
    /// `Sec-Fetch-Site`, sent by current browsers and impossible for a page to forge.
    pub sec_fetch_site: Option<&'a str>,
    /// `Origin`: our own origin, a foreign one, or `null` (an opaque origin, or a
    /// same-origin request under a `no-referrer` policy).
    pub origin: Option<&'a str>,
}

/// May a state-changing request with this provenance go on to the CSRF token
/// check? `expected` lists the origins this server is reached at.
///
/// `Sec-Fetch-Site` decides when a browser sends it: only `same-origin` (and
/// `none`, a request the user started themselves) passes. A real `Origin` must
/// also be one of ours. `Origin: null` passes only when the browser vouches for
/// the request with `Sec-Fetch-Site: same-origin`; from a client without Fetch
/// Metadata it is refused, since sandboxed frames and `data:` pages send it too.
/// A client that sends neither header (curl, another system) is left to the
/// CSRF token, which it must still carry.
pub fn provenance_allowed(p: Provenance<'_>, expected: &[String]) -> bool {
    let vouched = match p.sec_fetch_site {
        Some("same-origin") | Some("none") => true,
        Some(_) => return false,
        None => false,
    };
    match p.origin {
        None => true,
        Some("null") => vouched,
        Some(o) => expected.iter().any(|e| e == o),
    }
}

/// The origins this server answers at: the configured public origin, or the
/// request's own `Host` over HTTP and HTTPS.
fn expected_origins(req: &Request<'_>, app: &AppState) -> Vec<String> {
    if let Some(public) = &app.settings.public_origin {
        return vec![public.clone()];
    }
    match req.headers().get_one("Host") {
        Some(host) => vec![format!("http://{host}"), format!("https://{host}")],
        None => Vec::new(),
    }
}

fn origin_allowed(req: &Request<'_>, app: &AppState) -> bool {
    let provenance = Provenance {
        sec_fetch_site: req.headers().get_one("Sec-Fetch-Site"),
        origin: req.headers().get_one("Origin"),
    };
    provenance_allowed(provenance, &expected_origins(req, app))
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
    if !origin_allowed(req, app) {
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

#[cfg(test)]
mod tests {
    use super::{Provenance, provenance_allowed};

    fn ours() -> Vec<String> {
        vec![
            "http://127.0.0.1:8000".to_string(),
            "https://127.0.0.1:8000".to_string(),
        ]
    }

    fn allowed(sec_fetch_site: Option<&str>, origin: Option<&str>) -> bool {
        provenance_allowed(
            Provenance {
                sec_fetch_site,
                origin,
            },
            &ours(),
        )
    }

    #[test]
    fn a_same_origin_form_post_from_chromium_or_firefox_passes() {
        // Referrer-Policy: same-origin (what Kerbside sends) keeps the real origin.
        assert!(allowed(Some("same-origin"), Some("http://127.0.0.1:8000")));
        // Under a no-referrer policy the browser serialises the origin as null,
        // but still vouches for the request with Fetch Metadata.
        assert!(allowed(Some("same-origin"), Some("null")));
    }

    #[test]
    fn a_cross_site_form_post_is_refused() {
        assert!(!allowed(Some("cross-site"), Some("https://evil.example")));
        assert!(!allowed(Some("cross-site"), None));
        // Fetch Metadata is authoritative even when the Origin looks like ours.
        assert!(!allowed(Some("cross-site"), Some("http://127.0.0.1:8000")));
        // A sibling host on the same site is not us either.
        assert!(!allowed(
            Some("same-site"),
            Some("http://other.127.0.0.1:8000")
        ));
    }

    #[test]
    fn a_post_from_a_sandboxed_frame_or_data_page_is_refused() {
        assert!(!allowed(Some("cross-site"), Some("null")));
        // An older browser without Fetch Metadata sends only `Origin: null`.
        assert!(!allowed(None, Some("null")));
    }

    #[test]
    fn a_foreign_origin_is_refused_without_fetch_metadata() {
        assert!(!allowed(None, Some("https://evil.example")));
        assert!(!allowed(None, Some("http://127.0.0.1:8001")));
    }

    #[test]
    fn a_non_browser_client_is_left_to_the_csrf_token() {
        assert!(allowed(None, None));
        assert!(allowed(None, Some("http://127.0.0.1:8000")));
    }

    #[test]
    fn a_request_the_user_started_passes() {
        assert!(allowed(Some("none"), None));
    }
}
