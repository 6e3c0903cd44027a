//! Security headers on every response (security.md): a strict
//! Content-Security-Policy, no caching of anything but static assets,
//! no referrer to other sites, no sniffing, HSTS over HTTPS, and no `Server` banner (Rocket's
//! `ident` is turned off in `build_rocket`).

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

/// The Content-Security-Policy sent with every answer.
pub const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The fairing.
pub struct SecurityHeaders {
    /// Send HSTS.
    pub https: bool,
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "Security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        res.set_header(Header::new("Content-Security-Policy", CSP));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        // `same-origin`, not `no-referrer`: under `no-referrer` a browser sends
        // `Origin: null` on our own form posts, which browsers without Fetch
        // Metadata would then have refused. Links to other sites still carry no
        // referrer.
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        if req.uri().path().as_str().starts_with("/static/") && res.status().code < 400 {
            res.set_header(Header::new("Cache-Control", "public, max-age=3600"));
        } else {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
        if self.https {
            res.set_header(Header::new(
                "Strict-Transport-Security",
                "max-age=31536000; includeSubDomains",
            ));
        }
        res.remove_header("Server");
    }
}
