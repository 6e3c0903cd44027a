//! A page's reads through one pooled connection.
//!
//! Outside a transaction, every statement borrows a connection from the
//! pool and gives it back, and sqlx pings a connection each time it is given
//! back (and, on PostgreSQL, when it is lent after sitting idle: see
//! `db::connect`). On SQLite each ping is a round trip to the connection's
//! worker thread; on PostgreSQL, to the server. A page of six statements so
//! pays at least six pings. In one transaction the statements share the
//! connection it borrowed: one ping when it goes back, besides the `BEGIN`
//! and `COMMIT` (benches/RESULTS.md, "Fewer pings").
//!
//! On SQLite the statements also read one snapshot of the file, and the
//! connection checks once, not at every statement, whether another has
//! committed since (each time one has, SQLite empties the connection's page
//! cache). On PostgreSQL, at its default isolation, each statement still
//! sees what was committed when it began.
//!
//! Nothing may write through it: on SQLite it holds no write turn
//! (`db::write_turn`) and would meet the writer's lock. Commit it before
//! recording the page's audit entry, so the connection is not held while
//! the entry waits for its batch (`services::audit_queue`).

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

/// Begin a transaction that only reads.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    // plain BEGIN: deferred on SQLite (no lock until the first read)
    db.begin().await
}
