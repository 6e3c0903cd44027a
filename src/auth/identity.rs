//! Resolving who sent a request: a session cookie on pages, a bearer token on
//! the API (or a session cookie for API GETs such as PDF downloads). Done once
//! per request by the request-checks fairing and kept in the request's cache.

use chrono::{DateTime, Duration, Utc};
use rocket::Request;
use rocket::http::{Cookie, SameSite};

use super::actor::Actor;
use super::secrets::hash_token;
use crate::db::{sessions_repo, tokens_repo};
use crate::domain::accounts::{SessionEnd, session_expires_at, session_state};
use crate::domain::audit_action::AuditAction;
use crate::domain::roles::RoleSet;
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// A signed-in browser session.
#[derive(Clone, Debug)]
pub struct SessionIdentity {
    /// Who.
    pub actor: Actor,
    /// The session's row id.
    pub session_id: i32,
    /// The synchroniser token every form of this session must carry.
    pub csrf_token: String,
    /// The user must choose a new password before doing anything else.
    pub must_change_password: bool,
    /// The user must set up two-step verification before doing anything else.
    pub needs_two_step_setup: bool,
    /// When the session ends if nothing more happens.
    pub expires_at: DateTime<Utc>,
}

/// Who sent the request.
#[derive(Clone, Debug)]
pub enum Identity {
    /// Nobody signed in; `ended` says why a session presented just ended.
    Anonymous { ended: Option<SessionEnd> },
    /// A browser session.
    Session(SessionIdentity),
    /// An API token.
    Token(Actor),
    /// Who it is could not be read: the database did not answer. The
    /// request gets a 503 ("try again"); the session cookie is kept, so a
    /// database restart signs nobody out.
    Unavailable,
}

/// The session cookie's name: `__Host-` prefixed when served over HTTPS.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-kerbside_session"
    } else {
        "kerbside_session"
    }
}

/// Build the session cookie for a new session.
pub fn session_cookie(token: String, https: bool) -> Cookie<'static> {
    Cookie::build((session_cookie_name(https), token))
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Strict)
        .build()
}

/// Is this path part of the JSON API?
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Paths that must not count as activity by merely being asked for: the
/// session-expiry warning page (asked for by a timer, not a person), and
/// "stay signed in", which extends the session itself.
fn is_passive(path: &str) -> bool {
    path == "/session/expiring" || path == "/session/extend"
}

const TOUCH_EVERY: i64 = 30;

async fn from_session(req: &Request<'_>, app: &AppState, now: DateTime<Utc>) -> Identity {
    let name = session_cookie_name(app.settings.https);
    let Some(token) = req.cookies().get(name).map(|c| c.value().to_string()) else {
        return Identity::Anonymous { ended: None };
    };
    let db = &app.db;
    let (session, user) = match sessions_repo::find_by_hash(db, &hash_token(&token)).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            req.cookies().remove(Cookie::build(name).path("/"));
            return Identity::Anonymous { ended: None };
        }
        Err(_) => return Identity::Unavailable,
    };
    let (user, roles) = match user {
        Some(u) if !u.user.disabled => (u.user, u.roles),
        _ => {
            let _ = sessions_repo::delete(db, session.id).await;
            req.cookies().remove(Cookie::build(name).path("/"));
            return Identity::Anonymous { ended: None };
        }
    };
    let actor = Actor::signed_in(
        user.id,
        user.username.clone(),
        user.display_name.clone(),
        RoleSet::new(roles),
        session.id,
    );
    let needs_two_step_setup = user.totp_secret.is_none() && app.two_step().requires(actor.roles());
    if let Err(end) = session_state(session.created_at, session.last_seen_at, now, &app.limits()) {
        let _ = sessions_repo::delete(db, session.id).await;
        let reason = match end {
            SessionEnd::Idle => "session ended after inactivity",
            SessionEnd::Absolute => "session reached its maximum length",
        };
        let _ = audit::record(
            db,
            &actor,
            now,
            AuditEntry::new(AuditAction::Logout)
                .record("user", user.id)
                .reason(reason),
        )
        .await;
        req.cookies().remove(Cookie::build(name).path("/"));
        return Identity::Anonymous { ended: Some(end) };
    }
    let mut last_seen = session.last_seen_at;
    if !is_passive(req.uri().path().as_str()) && now - last_seen >= Duration::seconds(TOUCH_EVERY) {
        if sessions_repo::touch(db, session.id, now).await.is_ok() {
            last_seen = now;
        }
    } else if !is_passive(req.uri().path().as_str()) {
        last_seen = now.max(last_seen);
    }
    Identity::Session(SessionIdentity {
        actor,
        session_id: session.id,
        csrf_token: session.csrf_token,
        must_change_password: user.must_change_password,
        needs_two_step_setup,
        expires_at: session_expires_at(session.created_at, last_seen, &app.limits()),
    })
}

async fn from_bearer(app: &AppState, header: &str, now: DateTime<Utc>) -> Identity {
    let anonymous = Identity::Anonymous { ended: None };
    let Some(token) = header.strip_prefix("Bearer ").map(str::trim) else {
        return anonymous;
    };
    let db = &app.db;
    // the token, its user and their roles in one read
    let (t, user, roles) = match tokens_repo::find_live_by_hash(db, &hash_token(token), now).await {
        Ok(Some((t, Some(u)))) if !u.user.disabled => (t, u.user, u.roles),
        Ok(_) => return anonymous,
        Err(_) => return Identity::Unavailable,
    };
    if t.last_used_at
        .is_none_or(|at| now - at >= Duration::seconds(TOUCH_EVERY))
    {
        let _ = tokens_repo::touch(db, t.id, now).await;
    }
    Identity::Token(Actor::with_token(
        user.id,
        user.username,
        user.display_name,
        RoleSet::new(roles),
        t.id,
    ))
}

/// The actor a bearer token authenticates, as the API would see it:
/// seed-demo writes some of its town as its demo users without a request.
pub async fn token_actor(app: &AppState, token: &str) -> Option<Actor> {
    match from_bearer(app, &format!("Bearer {token}"), app.now()).await {
        Identity::Token(actor) => Some(actor),
        _ => None,
    }
}

/// Is this an API path a page links to for a download (a PDF), which the
/// browser fetches with its session cookie?
pub fn is_api_download(path: &str) -> bool {
    is_api_path(path) && (path.ends_with(".pdf") || path.ends_with("/pdf"))
}

/// Work out who sent `req`. API routes take a bearer token (or, for a PDF
/// download linked from a page, the session cookie); pages take the session
/// cookie.
pub async fn resolve(req: &Request<'_>, app: &AppState) -> Identity {
    let now = app.now();
    let path = req.uri().path().as_str().to_string();
    if is_api_path(&path) {
        if let Some(h) = req.headers().get_one("Authorization") {
            return from_bearer(app, h, now).await;
        }
        if is_safe_method(req.method()) && is_api_download(&path) {
            return from_session(req, app, now).await;
        }
        return Identity::Anonymous { ended: None };
    }
    from_session(req, app, now).await
}

/// GET, HEAD and OPTIONS change nothing.
pub fn is_safe_method(method: rocket::http::Method) -> bool {
    use rocket::http::Method;
    matches!(method, Method::Get | Method::Head | Method::Options)
}
