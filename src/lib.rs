//! Kerbside: case management for a multi-agency team tackling kerb crawling.
//!
//! Layers (dependencies point downwards): `web` -> `auth` -> `services` ->
//! `db` -> `domain`. See README.md for the picture.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod reports;
pub mod services;
pub mod state;
pub mod web;

mod templating;

use std::sync::Arc;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::fs::FileServer;
use rocket::{Build, Rocket};
use sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::config::Settings;
use crate::state::AppState;

/// Build the whole app on an open (already migrated) database. `figment` is
/// Rocket's configuration (`rocket::Config::figment()` in production; tests
/// merge their own values).
pub fn build_rocket(
    figment: Figment,
    db: DatabaseConnection,
    settings: Settings,
    clock: Arc<dyn Clock>,
) -> Rocket<Build> {
    let figment = figment.merge(("ident", false));
    let static_dir = settings.static_dir.clone();
    let template_dir = settings.template_dir.clone();
    let quiet = figment
        .extract_inner::<bool>("quiet_requests")
        .unwrap_or(false);
    let https = settings.https;
    let rocket = rocket::custom(figment)
        .manage(AppState::new(db, settings, clock))
        .attach(auth::request_checks::RequestChecks)
        .attach(web::request_log::RequestLog { quiet })
        .attach(web::headers::SecurityHeaders { https })
        .attach(AdHoc::try_on_ignite("Load the page templates", |rocket| {
            Box::pin(async move {
                match templating::Templates::load(&template_dir) {
                    Ok(templates) => Ok(rocket.manage(templates)),
                    Err(e) => {
                        web::request_log::error(format!("templates: {e}"));
                        Err(rocket)
                    }
                }
            })
        }))
        .attach(AdHoc::on_liftoff(
            "Clear stale sessions and uploads",
            |rocket| {
                Box::pin(async move {
                    if let Some(app) = rocket.state::<AppState>() {
                        let now = app.now();
                        let l = &app.limits();
                        let _ = db::sessions_repo::delete_stale(
                            &app.db,
                            now - l.idle_timeout,
                            now - l.absolute_timeout,
                        )
                        .await;
                        let _ = db::imports_repo::expire(&app.db, now).await;
                        let _ = services::settings::refresh(app).await;
                        let app = app.clone();
                        tokio::spawn(async move {
                            let every =
                                std::time::Duration::from_secs(domain::adjustable::REFRESH_SECONDS);
                            loop {
                                tokio::time::sleep(every).await;
                                let _ = services::settings::refresh(&app).await;
                            }
                        });
                    }
                })
            },
        ))
        .mount("/static", FileServer::from(static_dir));
    web::mount(rocket)
}
