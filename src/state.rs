//! What every request handler and service can reach: the database, the
//! settings, the clock and the password hasher.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::clock::Clock;
use crate::config::Settings;

/// Shared application state (Rocket managed state).
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Start-up settings.
    pub settings: Settings,
    /// The source of "now".
    pub clock: Arc<dyn Clock>,
    /// Bounded password hashing.
    pub hasher: PasswordHasher,
}

impl AppState {
    /// Assemble the state.
    pub fn new(db: DatabaseConnection, settings: Settings, clock: Arc<dyn Clock>) -> AppState {
        let hasher = PasswordHasher::new(settings.hashing_concurrency);
        AppState {
            db,
            settings,
            clock,
            hasher,
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
