//! The database: connecting, migrating, the SeaORM entities and the
//! repositories (the only code that builds queries).

pub mod arrests_repo;
pub mod assessments_repo;
pub mod audit_repo;
pub mod codes;
pub mod court_reports_repo;
pub mod enrolments_repo;
pub mod entities;
pub mod hearings_repo;
pub mod imports_repo;
pub mod people_repo;
pub mod programmes_repo;
pub mod read_txn;
pub mod recovery_codes_repo;
pub mod referrals_repo;
pub mod reoffences_repo;
pub mod retention_repo;
pub mod sessions_repo;
pub mod settings_repo;
pub mod setup_repo;
pub mod statistics_repo;
pub mod subject_access_repo;
pub mod tokens_repo;
pub mod users_repo;
pub mod write_turn;

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
    TransactionTrait,
};

/// Why the database could not be made ready; the message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The URL is neither SQLite nor PostgreSQL.
    #[error("DATABASE_URL must start with sqlite: or postgres:// (it starts with '{0}')")]
    UnsupportedUrl(String),
    /// The folder or lock file for the SQLite database could not be made.
    #[error("cannot create {folder} for the database: {cause}")]
    Folder {
        folder: String,
        cause: std::io::Error,
    },
    /// The server did not answer or refused us.
    #[error(
        "cannot connect to the database ({backend}): {cause}. Check DATABASE_URL and that the server is running"
    )]
    Connect { backend: &'static str, cause: DbErr },
    /// A migration failed.
    #[error(
        "the database migration failed: {0}. Nothing further was changed; fix the cause and start again"
    )]
    Migrate(DbErr),
}

/// The name of the backend a URL selects, or an error for anything else.
pub fn backend_name(url: &str) -> Result<&'static str, StartupError> {
    if url.starts_with("sqlite:") {
        Ok("SQLite")
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok("PostgreSQL")
    } else {
        let scheme: String = url.chars().take_while(|c| *c != ':').take(20).collect();
        Err(StartupError::UnsupportedUrl(scheme))
    }
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

/// A PostgreSQL connection idle at least this long is pinged before it is
/// lent; one given back more recently is lent as it is (see [`connect`]).
pub const PG_PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Connect without migrating.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StartupError> {
    let backend = backend_name(url)?;
    let mut opt = ConnectOptions::new(url.to_string());
    opt.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if backend == "SQLite" {
        if let Some(parent) = sqlite_file(url).and_then(|f| Path::new(f).parent())
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|cause| StartupError::Folder {
                folder: parent.display().to_string(),
                cause,
            })?;
        }
        let memory = url.contains(":memory:");
        opt.map_sqlx_sqlite_opts(move |o| {
            let o = o
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true);
            if memory {
                o
            } else {
                // WAL with synchronous=NORMAL: a commit no longer waits for the
                // disk, only a checkpoint does. Still safe against a killed
                // process; an operating-system crash or power cut can lose the
                // last commits (never corrupt the file). Every audited read
                // commits, so FULL made readers queue behind each other's fsync
                // (benches/RESULTS.md, "Audited reads under load").
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
            }
        });
        if memory {
            opt.max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            opt.max_connections(8);
        }
        // sqlx pings a pooled connection before lending it unless told not
        // to. A SQLite connection is a file this process holds open: there
        // is no server to hang up, so the ping only costs a round trip to the
        // connection's worker thread, once for every statement a page runs
        // (benches/RESULTS.md, "Fewer pings").
        opt.test_before_acquire(false);
    } else {
        // On PostgreSQL the ping before lending is what finds the connections
        // a restart or failover cut (journeys/database_outage.rs), but only a
        // connection that sat idle can have been cut unseen: sqlx pings every
        // connection when it is given back, so one given back under a second
        // ago answered then. Busy pools skip the round trip; a quiet one
        // still pings each connection it lends.
        opt.max_connections(16)
            .connect_timeout(Duration::from_secs(10))
            .test_before_acquire_if_idle_for(PG_PING_IF_IDLE_FOR);
    }
    Database::connect(opt)
        .await
        .map_err(|cause| StartupError::Connect { backend, cause })
}

/// Apply every pending migration. On PostgreSQL this runs inside a
/// transaction holding an advisory lock, so app servers starting at the same
/// moment apply each migration exactly once.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(5273742)")
                .await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await
        }
        _ => Migrator::up(db, None).await,
    }
}

/// On a SQLite file, several processes starting at once take turns through
/// an OS file lock beside the database (SQLite itself would let two of them
/// race to create the same tables).
fn sqlite_migration_lock(url: &str) -> Result<Option<std::fs::File>, StartupError> {
    let Some(file) = sqlite_file(url) else {
        return Ok(None);
    };
    if let Some(parent) = Path::new(file).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|cause| StartupError::Folder {
            folder: parent.display().to_string(),
            cause,
        })?;
    }
    let path = format!("{file}.migrate-lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|cause| StartupError::Folder {
            folder: path,
            cause,
        })?;
    Ok(Some(lock))
}

/// Connect and bring the schema up to date.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, StartupError> {
    // The lock is taken before connecting: switching a new SQLite file to WAL
    // while another process migrates it would fail with "database is locked".
    let lock = sqlite_migration_lock(url)?;
    let db = connect(url).await?;
    migrate(&db).await.map_err(StartupError::Migrate)?;
    // men recorded before name keys existed get theirs (the rules are the
    // app's, so the migration cannot)
    people_repo::key_unkeyed_names(&db)
        .await
        .map_err(StartupError::Migrate)?;
    drop(lock);
    Ok(db)
}

/// Tables changed by more than this many rows plus [`GROWN_FRACTION`] of
/// their rows since they were last analyzed are analyzed again by
/// [`analyze_grown`]: autovacuum's own rule (`autovacuum_analyze_threshold`,
/// `autovacuum_analyze_scale_factor` at their defaults).
const GROWN_ROWS: i64 = 50;
const GROWN_FRACTION: f64 = 0.1;

/// While a bulk load (seed-demo) writes, PostgreSQL's planner statistics
/// are kept as autovacuum would keep them on a running server: each table
/// changed by more than [`GROWN_ROWS`] + [`GROWN_FRACTION`] of its rows
/// since its last analysis is analyzed now. Without them the planner
/// guesses a twelfth of a table for `person_id IN (12 men)` and reads it
/// with parallel workers: 48 ms a read instead of 0.2 ms (benches/RESULTS.md,
/// "seed-demo: statistics kept while it writes"). A machine may run without
/// autovacuum, and a seeding outruns its one-minute nap anyway. The names
/// of the tables analyzed; nothing on SQLite, whose planner reads its
/// indexes' shape rather than statistics.
pub async fn analyze_grown(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT s.relname::text AS name FROM pg_stat_user_tables s \
             JOIN pg_class c ON c.oid = s.relid \
             WHERE s.n_mod_since_analyze > $1 + $2 * GREATEST(c.reltuples, 0) \
             ORDER BY s.relname",
            [GROWN_ROWS.into(), GROWN_FRACTION.into()],
        ))
        .await?;
    let names = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<Vec<_>, _>>()?;
    if !names.is_empty() {
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        db.execute_unprepared(&format!("ANALYZE {}", quoted.join(", ")))
            .await?;
    }
    Ok(names)
}

/// After a bulk load (seed-demo): PostgreSQL gathers the planner's statistics
/// now, as autovacuum would in its own time (a machine may run without it),
/// and SQLite folds its write-ahead log back into the file, so the log does
/// not stay the size of everything just written.
pub async fn after_bulk_load(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => db.execute_unprepared("ANALYZE").await.map(|_| ()),
        _ => db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map(|_| ()),
    }
}
