//! The two doors: HTML pages and the JSON API, plus the catchers and the
//! response headers every answer carries.

pub mod api;
pub mod charts;
pub mod csv;
pub mod errors;
pub mod headers;
pub mod pages;
pub mod pdf;
pub mod present;
pub mod request_log;
pub mod shell;

use rocket::{Build, Rocket};

/// Mount every route and catcher.
pub fn mount(rocket: Rocket<Build>) -> Rocket<Build> {
    rocket
        .mount("/", pages::routes())
        .mount("/", api::health_routes())
        .mount("/api/v1", api::routes())
        .register("/", errors::catchers())
}
