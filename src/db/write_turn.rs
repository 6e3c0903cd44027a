//! Writers take turns in the app before they take SQLite's write lock.
//!
//! SQLite lets one transaction write at a time. A writer that finds the lock
//! taken waits in SQLite's busy handler, which sleeps and retries (1 ms, then
//! 2, 5, 10 ... up to 100 ms between tries) rather than waking when the lock
//! is freed, so under load a write waited several times longer than the
//! writes ahead of it took (benches/RESULTS.md, "100,000 men, writers in turn, kept figures").
//! Here each write transaction first takes this server's turn, a fair queue
//! that wakes the next writer the moment the one before it commits, and
//! only then `BEGIN IMMEDIATE`. Writes from another process on the same
//! file still meet in the busy handler, as before. A task must not begin a
//! second write while it holds one: it would wait for itself until
//! [`LONGEST_WAIT`] and fail.
//!
//! The transaction begins `IMMEDIATE`, taking the write lock at once. A
//! deferred transaction (SQLite's default) that reads first and then writes
//! cannot be upgraded once another writer holds the lock or has committed
//! since its read began: SQLite answers SQLITE_BUSY (or BUSY_SNAPSHOT) at
//! once, without waiting, and the request failed.
//!
//! On a SQLite file the turn also owns the one connection every write goes
//! through, apart from the pool that reads. SQLite throws away a
//! connection's page cache whenever another connection has committed since
//! its last read; with writes spread over the pool, each write began with
//! an empty cache and read the indexes it was about to change from the
//! file again. A writer of its own keeps its cache from one write to the
//! next, and a larger one ([`WRITER_CACHE_KIB`]) than the readers', whose
//! caches every commit empties anyway. (An in-memory database, a pool of
//! one connection, writes through that connection.)
//!
//! The writer does not copy the WAL back into the file itself. SQLite's
//! default is for whichever connection's commit finds the WAL past 1,000
//! pages to do it there and then (a checkpoint, which also waits for the
//! disk), and on the writer that was inside the turn: every writer queued
//! behind it waited too. Here the writer is told never to
//! (`wal_autocheckpoint=0`), and each commit asks a checkpointer of its own
//! connection to run a passive checkpoint [`CHECKPOINT_AFTER`] later, outside
//! the turn; commits in the meantime are copied with it. A passive
//! checkpoint lets writers and readers go on while it runs, so the WAL stays
//! about as short as before without a write waiting for it. Durability is
//! unchanged: a commit is kept once it is in the WAL, and a process killed
//! before a checkpoint leaves the WAL to be copied on the next start. Other
//! processes writing the same file (the command line) keep SQLite's default.
//!
//! PostgreSQL has no such lock: its writers run side by side, so the turn
//! is not taken there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqlitePoolOptions;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, SqlxSqliteConnector, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Longest wait for the turn, as long as SQLite's own busy timeout: a write
/// still waiting then fails as a busy database would.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// The writer's page cache, in KiB (SQLite's default is 2,000 KiB a
/// connection).
pub const WRITER_CACHE_KIB: u32 = 32 * 1024;

/// How long after a commit the checkpointer copies the WAL into the file.
/// Commits in between are copied together: under a steady 500 writes a
/// second that is a few hundred pages, about the 1,000 pages at which SQLite
/// would have checkpointed on its own.
pub const CHECKPOINT_AFTER: Duration = Duration::from_millis(100);

/// This server's queue of SQLite writers, and on a SQLite file the
/// connection they write through.
#[derive(Clone)]
pub struct WriteTurns {
    turn: Arc<Mutex<()>>,
    /// `None` on PostgreSQL and on a pool of one connection.
    writer: Option<DatabaseConnection>,
    /// Present with `writer`.
    checkpointer: Option<Arc<Checkpointer>>,
}

/// Copies the writer's commits from the WAL into the file, outside the turn.
struct Checkpointer {
    /// A connection of its own, so a checkpoint neither waits for a reader's
    /// connection nor keeps one from a reader.
    connection: DatabaseConnection,
    /// A checkpoint is due and not yet begun.
    due: AtomicBool,
}

/// A transaction that writes, holding the turn (on SQLite) until it is
/// committed, rolled back or dropped.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    turn: Option<OwnedMutexGuard<()>>,
    checkpointer: Option<Arc<Checkpointer>>,
}

impl WriteTurns {
    /// The turns of the server reading through `db`. The writer connects
    /// when the first write begins, with the pool's own settings.
    pub fn for_db(db: &DatabaseConnection) -> WriteTurns {
        let Some(pool) = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| db.get_sqlite_connection_pool())
            .filter(|pool| pool.options().get_max_connections() > 1)
        else {
            return WriteTurns {
                turn: Arc::default(),
                writer: None,
                checkpointer: None,
            };
        };
        // One connection, lazily connected, with the pool's own settings.
        let one = |options| {
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                // as the reading pool (db::connect: no ping on SQLite)
                .test_before_acquire(pool.options().get_test_before_acquire())
                .acquire_timeout(LONGEST_WAIT)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_lazy_with(options);
            SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
        };
        let writer = (*pool.connect_options())
            .clone()
            .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"))
            .pragma("wal_autocheckpoint", "0");
        WriteTurns {
            turn: Arc::default(),
            writer: Some(one(writer)),
            checkpointer: Some(Arc::new(Checkpointer {
                connection: one((*pool.connect_options()).clone()),
                due: AtomicBool::new(false),
            })),
        }
    }

    /// Begin a transaction that writes: on SQLite after this server's
    /// earlier writers, with the write lock taken at `BEGIN IMMEDIATE`; on
    /// PostgreSQL at once (it ignores the mode).
    pub async fn begin(&self, db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
        let turn = if db.get_database_backend() == DbBackend::Sqlite {
            let turn = tokio::time::timeout(LONGEST_WAIT, self.turn.clone().lock_owned())
                .await
                .map_err(|_| DbErr::Custom("the database is busy: try again".into()))?;
            Some(turn)
        } else {
            None
        };
        let txn = self
            .writer
            .as_ref()
            .unwrap_or(db)
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(WriteTxn {
            txn,
            turn,
            checkpointer: self.checkpointer.clone(),
        })
    }
}

impl Checkpointer {
    /// Have the WAL copied into the file soon, unless that is already due.
    fn after_commit(self: &Arc<Self>) {
        if self.due.swap(true, Ordering::AcqRel) {
            return;
        }
        let me = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(CHECKPOINT_AFTER).await;
            // Cleared first: a commit from now on asks for the next one.
            me.due.store(false, Ordering::Release);
            // Another process checkpointing the same file is not an error
            // (SQLite answers "busy" in the pragma's row): that one copies.
            if let Err(e) = me
                .connection
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                eprintln!("kerbside: error: checkpoint: {e}");
            }
        });
    }
}

impl WriteTxn {
    /// Commit, then give up the turn; the checkpoint comes later.
    pub async fn commit(self) -> Result<(), DbErr> {
        let WriteTxn {
            txn,
            turn,
            checkpointer,
        } = self;
        txn.commit().await?;
        drop(turn);
        if let Some(c) = checkpointer {
            c.after_commit();
        }
        Ok(())
    }

    /// Roll back, then give up the turn.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}
