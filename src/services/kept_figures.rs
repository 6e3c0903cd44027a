//! Figures worked out from the whole of the data (the dashboard, the men
//! behind the reoffending statistics), kept on this server until anything
//! is written.
//!
//! Working them out reads every arrest, assessment and enrolment: about
//! 0.4 s for the dashboard and over a second for the reoffending figures at
//! 100,000 men (benches/RESULTS.md). Every write of personal data leaves an
//! audit entry (collect, alter, combine or erase; security.md), so the
//! newest of those (`audit_repo::last_changes`, four steps down an index)
//! says whether anything has changed since the figures were worked out.
//! The London day is part of what was seen, because prompts fall due with
//! it, and nothing is kept longer than [`KEPT_AT_MOST`] in any case. One
//! request works figures out while others asking for the same wait for its
//! answer, instead of each working out the same figures side by side.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::db::audit_repo;
use crate::domain::london_time::london_date;
use crate::error::AppResult;
use crate::state::AppState;

/// Figures are kept this long at most, even when nothing seems to have been
/// written since.
pub const KEPT_AT_MOST: Duration = Duration::minutes(10);
/// Kinds of figures (periods, questions) kept at once; more, and all are
/// dropped.
const KINDS_KEPT: usize = 32;

/// The day and the newest changes some figures were worked out after.
type Seen = (NaiveDate, [Option<i64>; 4]);

/// Figures as worked out, with what they saw and when.
struct Entry<V> {
    seen: Seen,
    at: DateTime<Utc>,
    figures: V,
}

impl<V> Entry<V> {
    fn still_good(&self, seen: &Seen, now: DateTime<Utc>) -> bool {
        self.seen == *seen && self.at <= now && now - self.at < KEPT_AT_MOST
    }
}

/// Keep `figures` under `key`, dropping everything kept first when `most`
/// are already kept.
fn keep<K: Eq + Hash, V>(
    kept: &mut HashMap<K, Entry<V>>,
    most: usize,
    key: K,
    seen: Seen,
    at: DateTime<Utc>,
    figures: V,
) {
    if kept.len() >= most {
        kept.clear();
    }
    kept.insert(key, Entry { seen, at, figures });
}

async fn seen_now(app: &AppState, now: DateTime<Utc>) -> AppResult<Seen> {
    Ok((london_date(now), audit_repo::last_changes(&app.db).await?))
}

/// Figures of one sort, by what was asked.
pub struct Kept<K, V>(Arc<tokio::sync::Mutex<HashMap<K, Entry<V>>>>);

impl<K, V> Clone for Kept<K, V> {
    fn clone(&self) -> Self {
        Kept(self.0.clone())
    }
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept(Arc::default())
    }
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    /// The figures for `key` as kept, or worked out by `work_out` (and kept)
    /// when anything has been written since, the day has changed or they
    /// are older than [`KEPT_AT_MOST`].
    pub async fn get_or_work_out<F>(&self, app: &AppState, key: K, work_out: F) -> AppResult<V>
    where
        F: Future<Output = AppResult<V>>,
    {
        let mut kept = self.0.lock().await;
        let now = app.now();
        let seen = seen_now(app, now).await?;
        if let Some(e) = kept.get(&key).filter(|e| e.still_good(&seen, now)) {
            return Ok(e.figures.clone());
        }
        let figures = work_out.await?;
        keep(&mut kept, KINDS_KEPT, key, seen, now, figures.clone());
        Ok(figures)
    }
}

/// Counts of rows in long lists (the arrests list, the referral queue), by
/// the filter they were counted under, kept like the figures above.
///
/// Counting is the one part of a list page that grows with the data (about
/// 4 ms for 110,000 arrests on SQLite, more on PostgreSQL), and every page
/// of a list shows its total. Unlike figures, a count is not worked out by
/// one request for the others: two requests may count the same list side
/// by side, which costs less than making every list view wait in turn.
#[derive(Clone, Default)]
pub struct KeptCounts(Arc<std::sync::Mutex<HashMap<String, Entry<u64>>>>);

/// Lists (filters) whose counts are kept at once; more, and all are dropped.
const COUNTS_KEPT: usize = 256;

impl KeptCounts {
    /// The count of the list `key` names, as kept or counted by `count`.
    pub async fn get_or_count<F>(&self, app: &AppState, key: String, count: F) -> AppResult<u64>
    where
        F: Future<Output = AppResult<u64>>,
    {
        let now = app.now();
        let seen = seen_now(app, now).await?;
        if let Some(n) = self
            .lock()
            .get(&key)
            .filter(|e| e.still_good(&seen, now))
            .map(|e| e.figures)
        {
            return Ok(n);
        }
        let figures = count.await?;
        keep(&mut self.lock(), COUNTS_KEPT, key, seen, now, figures);
        Ok(figures)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<u64>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
