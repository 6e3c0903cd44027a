//! The server's request log: method, path, status and time, and never the
//! query string (searches and filters may carry personal data). Rocket's own
//! request logging is off (`log_level = "critical"` in Rocket.toml) because it
//! prints whole URIs.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Data, Request, Response};

/// When the request arrived.
struct Started(Instant);

/// The fairing. `quiet` (the Rocket setting `quiet_requests`, used by
/// `seed-demo`, which drives the app in-process) prints nothing.
pub struct RequestLog {
    pub quiet: bool,
}

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "Request log without query strings",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Instant::now()));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let started = req.local_cache(|| Started(Instant::now()));
        let path = req.local_cache(|| {
            crate::auth::request_checks::OriginalPath(req.uri().path().as_str().to_string())
        });
        // setup links carry a one-time token: do not write it to the log
        let shown = if path.0.starts_with("/setup/") {
            "/setup/…"
        } else {
            path.0.as_str()
        };
        if !self.quiet && !shown.starts_with("/static/") {
            println!(
                "{} {} {} {}ms",
                req.method(),
                shown,
                res.status().code,
                started.0.elapsed().as_millis()
            );
        }
    }
}

/// An internal error, for the operator (no personal data is ever passed here).
pub fn error(what: impl std::fmt::Display) {
    eprintln!("kerbside: error: {what}");
}
