//! What every request handler and service can reach: the database, the
//! settings, the clock and the password hasher.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::auth::throttle::SignInThrottle;
use crate::clock::Clock;
use crate::config::Settings;

/// Rows done and rows in all, per import run being written on this server.
pub type ImportProgress = Arc<Mutex<HashMap<i32, (usize, usize)>>>;

/// Per import run started on this server: becomes `true` when it has ended.
pub type ImportDone = Arc<Mutex<HashMap<i32, tokio::sync::watch::Receiver<bool>>>>;

/// Shared application state (Rocket managed state). Cheap to clone: every
/// field is shared, so background jobs can hold their own copy.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Start-up settings.
    pub settings: Settings,
    /// The source of "now".
    pub clock: Arc<dyn Clock>,
    /// Bounded password hashing.
    pub hasher: PasswordHasher,
    /// Sign-in attempts per client address.
    pub sign_in_throttle: SignInThrottle,
    /// Progress of imports running on this server.
    pub import_progress: ImportProgress,
    /// Imports started on this server, for waiting on their end.
    pub import_done: ImportDone,
}

impl AppState {
    /// Assemble the state.
    pub fn new(db: DatabaseConnection, settings: Settings, clock: Arc<dyn Clock>) -> AppState {
        let hasher = PasswordHasher::new(settings.hashing_concurrency);
        let sign_in_throttle = SignInThrottle::new(settings.sign_in_attempts_per_minute);
        AppState {
            db,
            sign_in_throttle,
            settings,
            clock,
            hasher,
            import_progress: ImportProgress::default(),
            import_done: ImportDone::default(),
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
