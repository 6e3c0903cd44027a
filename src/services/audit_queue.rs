//! Audit entries that come with no other write (a page read, a download),
//! written together: group commit.
//!
//! Every page that shows personal data records who saw it before the page
//! is sent. Written one by one, each of those entries was a transaction of
//! its own, and on SQLite each took the server's one turn to write
//! (`db::write_turn`), so under load the reads queued behind one another's
//! audit writes. Here a request puts its entry in this queue and waits. The
//! first waiter to find no batch being written takes every entry waiting
//! (up to [`MOST_IN_ONE_BATCH`]) and writes them in one transaction; the
//! others are answered when it commits. Nothing is answered before its
//! entry is committed, so an entry is as durable as before, and a page is
//! still never sent without its audit entry.
//!
//! The batch is written by a task of its own, so a request that goes away
//! while it leads a batch does not abandon the entries of the others. If
//! the transaction fails, every request in it fails, as each would have
//! alone: none of them answers with data whose reading was not recorded.
//!
//! As before, a task must not wait here while it holds a write transaction:
//! on SQLite the batch would wait for the turn that task holds.

use std::sync::{Arc, Mutex};

use sea_orm::DbErr;
use tokio::sync::oneshot;

use crate::db::audit_repo::{self, NewAuditRow};
use crate::state::AppState;

/// The most entries written in one transaction; any more wait for the next.
const MOST_IN_ONE_BATCH: usize = 500;

/// This server's audit entries waiting to be written.
#[derive(Clone, Default)]
pub struct AuditQueue(Arc<Queue>);

#[derive(Default)]
struct Queue {
    waiting: Mutex<Vec<Waiting>>,
    /// Held by whoever is writing a batch.
    writing: Arc<tokio::sync::Mutex<()>>,
}

struct Waiting {
    row: NewAuditRow,
    answer: oneshot::Sender<Result<(), String>>,
}

impl AuditQueue {
    /// Write `row` with any others waiting; return once it is committed.
    pub async fn write(&self, app: &AppState, row: NewAuditRow) -> Result<(), DbErr> {
        let (answer, mut answered) = oneshot::channel();
        self.push(Waiting { row, answer });
        loop {
            tokio::select! {
                biased;
                result = &mut answered => {
                    return match result {
                        Ok(done) => done.map_err(DbErr::Custom),
                        Err(_) => Err(DbErr::Custom("the audit entry was not written".into())),
                    };
                }
                turn = self.0.writing.clone().lock_owned() => {
                    let batch = self.take();
                    if batch.is_empty() {
                        continue;
                    }
                    let app = app.clone();
                    let writer = tokio::spawn(async move {
                        write_batch(&app, batch).await;
                        drop(turn);
                    });
                    // The answer comes through `answered`; a writer that
                    // panicked dropped it, which is answered as an error.
                    let _ = writer.await;
                }
            }
        }
    }

    fn push(&self, w: Waiting) {
        match self.0.waiting.lock() {
            Ok(mut waiting) => waiting.push(w),
            Err(poisoned) => poisoned.into_inner().push(w),
        }
    }

    fn take(&self) -> Vec<Waiting> {
        let mut waiting = match self.0.waiting.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = waiting.len().min(MOST_IN_ONE_BATCH);
        let later = waiting.split_off(now);
        std::mem::replace(&mut *waiting, later)
    }
}

/// Write the batch in one transaction and answer every request in it.
async fn write_batch(app: &AppState, batch: Vec<Waiting>) {
    let (rows, answers): (Vec<NewAuditRow>, Vec<_>) =
        batch.into_iter().map(|w| (w.row, w.answer)).unzip();
    let result = in_one_transaction(app, &rows)
        .await
        .map_err(|e| e.to_string());
    for a in answers {
        let _ = a.send(result.clone());
    }
}

async fn in_one_transaction(app: &AppState, rows: &[NewAuditRow]) -> Result<(), DbErr> {
    let txn = app.begin_write().await?;
    audit_repo::insert_many(&txn, rows).await?;
    txn.commit().await
}
