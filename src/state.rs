//! What every request handler and service can reach: the database, the
//! settings, the clock and the password hasher.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::auth::throttle::SignInThrottle;
use crate::clock::Clock;
use crate::config::{Settings, TwoStepPolicy};
use crate::db::write_turn::{WriteTurns, WriteTxn};
use crate::domain::accounts::SecurityLimits;
use crate::domain::adjustable::Adjustable;
use crate::domain::dash::DashSettings;
use crate::services::kept_figures::{Kept, KeptCounts};

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
    /// This server's writers, queued for SQLite's write lock.
    write_turns: WriteTurns,
    /// Audit entries of reads, waiting to be written together.
    pub audit_queue: crate::services::audit_queue::AuditQueue,
    /// Dashboards worked out, by period, kept until something is written.
    pub dashboards: Kept<crate::services::dashboard::Period, crate::services::dashboard::Dashboard>,
    /// The men behind the reoffending figures, by index, kept likewise.
    pub reoffending_men:
        Kept<crate::domain::reoffending::IndexKind, Arc<Vec<crate::domain::reoffending::Man>>>,
    /// Totals of the long lists, by filter, kept likewise.
    pub list_counts: KeptCounts,
    /// The settings administrators may change, as last read (see
    /// `domain::adjustable`): read through the methods below.
    adjustable: Arc<RwLock<Adjustable>>,
}

impl AppState {
    /// Begin a transaction that writes (see [`crate::db::write_turn`]).
    /// Services begin every transaction here, never with `db.begin()`.
    pub async fn begin_write(&self) -> Result<WriteTxn, sea_orm::DbErr> {
        self.write_turns.begin(&self.db).await
    }

    /// Begin a transaction that only reads, so a page's statements share
    /// one pooled connection (see [`crate::db::read_txn`]).
    pub async fn begin_read(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        crate::db::read_txn::begin(&self.db).await
    }

    /// Assemble the state.
    pub fn new(db: DatabaseConnection, settings: Settings, clock: Arc<dyn Clock>) -> AppState {
        let hasher = PasswordHasher::new(settings.hashing_concurrency);
        let sign_in_throttle = SignInThrottle::new(settings.sign_in_attempts_per_minute);
        let adjustable = Arc::new(RwLock::new(settings.adjustable()));
        let write_turns = WriteTurns::for_db(&db);
        AppState {
            adjustable,
            db,
            sign_in_throttle,
            settings,
            clock,
            hasher,
            import_progress: ImportProgress::default(),
            import_done: ImportDone::default(),
            write_turns,
            audit_queue: Default::default(),
            dashboards: Kept::default(),
            reoffending_men: Kept::default(),
            list_counts: KeptCounts::default(),
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The adjustable settings in force.
    pub fn adjustable(&self) -> Adjustable {
        match self.adjustable.read() {
            Ok(a) => *a,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// Replace the adjustable settings in force (after reading or saving them).
    pub fn put_adjustable(&self, a: Adjustable) {
        match self.adjustable.write() {
            Ok(mut held) => *held = a,
            Err(poisoned) => *poisoned.into_inner() = a,
        }
    }

    /// The session and lockout limits, with the idle timeout in force.
    pub fn limits(&self) -> SecurityLimits {
        let idle = chrono::Duration::minutes(i64::from(self.adjustable().idle_timeout_minutes));
        SecurityLimits {
            idle_timeout: idle,
            idle_warning: SecurityLimits::warning_before(idle),
            ..self.settings.limits
        }
    }

    /// The local MARAC escalation rule in force.
    pub fn dash(&self) -> DashSettings {
        let a = self.adjustable();
        DashSettings {
            escalation_incidents: a.dash_escalation_incidents,
            escalation_months: a.dash_escalation_months,
        }
    }

    /// Who must use two-step verification.
    pub fn two_step(&self) -> TwoStepPolicy {
        if self.adjustable().two_step_for_everyone {
            TwoStepPolicy::Everyone
        } else {
            TwoStepPolicy::Administrators
        }
    }
}
