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
//! checkpoint lets writers and readers go on while it runs, so no write
//! waits for it. Durability is unchanged: a commit is kept once it is in the
//! WAL, and a process killed before a checkpoint leaves the WAL to be copied
//! on the next start. Every process on the file (another server, the
//! command line) has a writer and checkpointer of its own; two checkpoints
//! at once are not an error, SQLite lets one run and answers "busy" to the
//! other.
//!
//! A checkpoint alongside the writers has a cost of its own: SQLite starts
//! the WAL again from the beginning only when a write begins after every
//! page in it was copied, and writers that go on appending while the
//! checkpoint runs mean that never happens. Under a steady stream of writes
//! the WAL grew without end (1 GB in 40 seconds of searches and saves,
//! against 4 MiB with SQLite's checkpoints in the turn). So when the WAL has
//! grown past [`CHECKPOINT_IN_TURN_AT_FRAMES`], the checkpointer takes the
//! write turn for one passive checkpoint of what the writers appended since
//! its last (little, since most was copied outside the turn), at most once
//! every [`CHECKPOINT_IN_TURN_EVERY`]; the next write then starts the WAL
//! again, and `journal_size_limit` gives the file back to the disk.
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
/// second, fifty of them in one checkpoint.
pub const CHECKPOINT_AFTER: Duration = Duration::from_millis(100);

/// The WAL's length, in pages (frames), from which the checkpointer takes
/// the write turn so the WAL can start again (64 MiB of 4 KiB pages; SQLite
/// checkpoints in the turn every 1,000).
pub const CHECKPOINT_IN_TURN_AT_FRAMES: i64 = 16 * 1024;

/// The shortest time between two checkpoints in the turn, in case readers
/// keep one from copying everything.
pub const CHECKPOINT_IN_TURN_EVERY: Duration = Duration::from_secs(1);

/// The WAL file is cut back to this length whenever it starts again.
pub const WAL_KEPT_BYTES: i64 = 64 * 1024 * 1024;

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
    /// The write turn, taken when the WAL has grown long.
    turn: Arc<Mutex<()>>,
    /// When the turn was last taken for a checkpoint.
    last_in_turn: std::sync::Mutex<Option<tokio::time::Instant>>,
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
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", WAL_KEPT_BYTES.to_string());
        let turn = Arc::default();
        WriteTurns {
            turn: Arc::clone(&turn),
            writer: Some(one(writer)),
            checkpointer: Some(Arc::new(Checkpointer {
                connection: one((*pool.connect_options()).clone()),
                turn,
                last_in_turn: std::sync::Mutex::new(None),
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
            if let Err(e) = me.checkpoint().await {
                eprintln!("kerbside: error: checkpoint: {e}");
            }
        });
    }

    /// Copy the WAL into the file, in the turn once it has grown long.
    async fn checkpoint(&self) -> Result<(), DbErr> {
        // Another process checkpointing the same file is not an error
        // (SQLite answers "busy" in the pragma's row): that one copies.
        let frames = self.run("PASSIVE").await?;
        if frames < CHECKPOINT_IN_TURN_AT_FRAMES || !self.may_take_turn() {
            return Ok(());
        }
        let Ok(_turn) =
            tokio::time::timeout(LONGEST_WAIT, Arc::clone(&self.turn).lock_owned()).await
        else {
            return Ok(());
        };
        self.run("PASSIVE").await?;
        Ok(())
    }

    /// Whether [`CHECKPOINT_IN_TURN_EVERY`] has passed since the turn was
    /// last taken (and if so, it counts as taken now).
    fn may_take_turn(&self) -> bool {
        let mut last = match self.last_in_turn.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = tokio::time::Instant::now();
        if last.is_some_and(|t| now < t + CHECKPOINT_IN_TURN_EVERY) {
            return false;
        }
        *last = Some(now);
        true
    }

    /// One `wal_checkpoint` in `mode`: the WAL's length in frames.
    async fn run(&self, mode: &str) -> Result<i64, DbErr> {
        let row = self
            .connection
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("PRAGMA wal_checkpoint({mode})"),
            ))
            .await?;
        Ok(row
            .and_then(|r| r.try_get_by_index::<i64>(1).ok())
            .unwrap_or(0))
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
