//! Importing arrests from a force record-system export: all rows or none, in
//! one transaction; rows whose occurrence reference is already recorded are
//! skipped and counted, so importing a file twice changes nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::{arrests_repo, people_repo, settings_repo};
use crate::domain::arrest_import::{RowError, read_file};
use crate::domain::audit_action::AuditAction;
use crate::domain::names::fold;
use crate::domain::person::ValidPerson;
use crate::domain::roles::Capability;
use crate::error::AppResult;
use crate::services::arrests::insert_arrest_unaudited;
use crate::services::audit::{self, AuditEntry};
use crate::services::people::fresh_references;
use crate::state::AppState;

/// What an import did (or, for a dry run, would do).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: usize,
    pub imported: usize,
    pub skipped_existing: usize,
    pub new_people: usize,
    pub dry_run: bool,
}

/// Called as rows are written: (done, total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Send + Sync);

/// Check a file and, unless `dry_run`, import it. `Ok(Err(errors))` when any
/// row is invalid: nothing is written then.
pub async fn import_csv(
    app: &AppState,
    actor: &Actor,
    text: &str,
    file_name: &str,
    dry_run: bool,
    progress: Option<Progress<'_>>,
) -> AppResult<Result<ImportSummary, Vec<RowError>>> {
    actor.require(Capability::RecordArrests)?;
    let now = app.now();
    let areas = settings_repo::areas(&app.db).await?;
    let rows = match read_file(text, now, &areas) {
        Ok(r) => r,
        Err(errors) => return Ok(Err(errors)),
    };
    let refs: Vec<String> = rows
        .iter()
        .filter_map(|r| r.arrest.occurrence_reference.clone())
        .collect();
    let existing = arrests_repo::existing_occurrences(&app.db, &refs).await?;
    let fresh: Vec<_> = rows
        .iter()
        .filter(|r| {
            r.arrest
                .occurrence_reference
                .as_ref()
                .is_none_or(|o| !existing.contains(o))
        })
        .collect();
    let mut summary = ImportSummary {
        rows: rows.len(),
        imported: fresh.len(),
        skipped_existing: rows.len() - fresh.len(),
        new_people: 0,
        dry_run,
    };
    // Match men against those already recorded in a few queries, not one per row.
    let key = |p: &ValidPerson| (fold(&p.surname), fold(&p.forenames), p.date_of_birth);
    let dobs: Vec<NaiveDate> = fresh
        .iter()
        .map(|r| r.person.date_of_birth)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut known: HashMap<(String, String, NaiveDate), i32> = people_repo::born_on(&app.db, &dobs)
        .await?
        .into_iter()
        .map(|p| {
            (
                (p.surname_folded, p.forenames_folded, p.date_of_birth),
                p.id,
            )
        })
        .collect();
    let mut new_people: Vec<&ValidPerson> = Vec::new();
    let mut planned = HashSet::new();
    for r in &fresh {
        let k = key(&r.person);
        if !known.contains_key(&k) && planned.insert(k) {
            new_people.push(&r.person);
        }
    }
    summary.new_people = new_people.len();
    if dry_run {
        return Ok(Ok(summary));
    }
    let references = fresh_references(&app.db, new_people.len()).await?;
    let txn = app.db.begin().await?;
    let mut entries: Vec<AuditEntry> = Vec::new();
    for (p, reference) in new_people.iter().zip(&references) {
        let person = people_repo::insert(&txn, p, reference, actor.user_id(), now).await?;
        entries.push(
            AuditEntry::new(AuditAction::Collect)
                .record("person", person.id)
                .person(person.id),
        );
        known.insert(key(p), person.id);
    }
    for (done, row) in fresh.iter().enumerate() {
        let person_id = *known
            .get(&key(&row.person))
            .ok_or_else(|| crate::error::AppError::internal("imported person missing"))?;
        let (_, _, more) =
            insert_arrest_unaudited(&txn, actor, person_id, &row.arrest, now).await?;
        entries.extend(more);
        if let Some(p) = progress
            && (done + 1) % 100 == 0
        {
            p(done + 1, fresh.len());
        }
    }
    audit::record_many(&txn, actor, now, entries).await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("import", file_name.chars().take(100).collect::<String>())
            .reason(format!(
                "{} arrests imported ({} new people), {} rows skipped as already recorded",
                summary.imported, summary.new_people, summary.skipped_existing
            )),
    )
    .await?;
    txn.commit().await?;
    if let Some(p) = progress {
        p(fresh.len(), fresh.len());
    }
    Ok(Ok(summary))
}
