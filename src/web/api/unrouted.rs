//! What the API answers when no route took the request, in the one order
//! every API route follows:
//!
//! 1. 401 without a valid token (except on the public paths: this document
//!    and its reference page), before anything else;
//! 2. 405 with `Allow` when the path exists but not with this method;
//! 3. 404 otherwise (an unknown path, or an id that is not a number).
//!
//! Rocket answers 404 for both an unknown path and a known path with another
//! method, and answers a method it does not know (QUERY, PROPFIND...) with a
//! 400 on a stand-in request that kept the path and headers. The catchers in
//! `web/errors.rs` bring both here. The mounted routes are the one source of
//! which methods a path has, so `Allow` cannot disagree with the router.

use rocket::Request;
use rocket::http::Method;

use crate::auth::identity::{Identity, resolve};
use crate::state::AppState;

/// API paths anyone may read.
pub const PUBLIC_PATHS: &[&str] = &["/api/v1/openapi.json", "/api/v1/docs"];

/// The answer to a request no route took.
#[derive(Debug, PartialEq, Eq)]
pub enum Unrouted {
    /// No valid token.
    Unauthorized,
    /// The path exists with these methods (the `Allow` header's value).
    MethodNotAllowed(String),
    /// Nothing here.
    NotFound,
}

/// Does a mounted route's path (`/api/v1/people/<id>`) match `path`?
fn matches(route_path: &str, path: &str) -> bool {
    let mut want = route_path.trim_end_matches('/').split('/');
    let mut have = path.trim_end_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), _) if w.starts_with('<') && w.ends_with("..>") => return true,
            (Some(w), Some(h)) if w.starts_with('<') && w.ends_with('>') && !h.is_empty() => {}
            (Some(w), Some(h)) if w == h => {}
            _ => return false,
        }
    }
}

/// The methods the mounted routes offer at `path`, in a fixed order; empty
/// when the path is unknown. GET brings HEAD (Rocket answers it).
pub fn methods_at(req: &Request<'_>, path: &str) -> Vec<Method> {
    let mut found: Vec<Method> = req
        .rocket()
        .routes()
        .filter(|r| matches(r.uri.path(), path))
        .map(|r| r.method)
        .collect();
    if found.contains(&Method::Get) {
        found.push(Method::Head);
    }
    found.sort_by_key(|m| m.as_str());
    found.dedup();
    found
}

/// Decide the answer for a request to the API that no route took.
/// `method_known` is false for a method Rocket could not read.
pub async fn answer(req: &Request<'_>, path: &str, method_known: bool) -> Unrouted {
    if !PUBLIC_PATHS.contains(&path) {
        let anonymous = match req.rocket().state::<AppState>() {
            // the request fairing did not run for a method Rocket refused
            Some(app) if !method_known => {
                matches!(resolve(req, app).await, Identity::Anonymous { .. })
            }
            _ => matches!(
                req.local_cache(|| Identity::Anonymous { ended: None }),
                Identity::Anonymous { .. }
            ),
        };
        if anonymous {
            return Unrouted::Unauthorized;
        }
    }
    let methods = methods_at(req, path);
    if methods.is_empty() || (method_known && methods.contains(&req.method())) {
        return Unrouted::NotFound;
    }
    Unrouted::MethodNotAllowed(
        methods
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_route_path_matches_its_own_shape_only() {
        assert!(matches("/api/v1/people/<id>", "/api/v1/people/12"));
        assert!(matches("/api/v1/people/<id>", "/api/v1/people/abc"));
        assert!(matches("/api/v1/people", "/api/v1/people/"));
        assert!(!matches("/api/v1/people/<id>", "/api/v1/people"));
        assert!(!matches("/api/v1/people/<id>", "/api/v1/people/1/x"));
        assert!(!matches("/api/v1/people", "/api/v1/peoples"));
        assert!(matches("/static/<path..>", "/static/a/b.css"));
    }
}
