//! Importing arrests from a force record-system export: all rows or none, in
//! one transaction; rows whose occurrence reference is already recorded are
//! skipped and counted, so importing a file twice changes nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::TransactionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::{arrests_repo, people_repo, settings_repo};
use crate::domain::arrest_import::{RowError, read_file};
use crate::domain::audit_action::AuditAction;
use crate::domain::names::fold;
use crate::domain::roles::Capability;
use crate::error::AppResult;
use crate::services::arrests::insert_arrest;
use crate::services::audit::{self, AuditEntry};
use crate::services::people::insert_person;
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
    let txn = app.db.begin().await?;
    let mut people: HashMap<(String, String, NaiveDate), i32> = HashMap::new();
    for (done, row) in fresh.iter().enumerate() {
        let key = (
            fold(&row.person.surname),
            fold(&row.person.forenames),
            row.person.date_of_birth,
        );
        let person_id = match people.get(&key) {
            Some(id) => *id,
            None => {
                let id = match people_repo::find_exact(
                    &txn,
                    &row.person.surname,
                    &row.person.forenames,
                    row.person.date_of_birth,
                )
                .await?
                {
                    Some(p) => p.id,
                    None => {
                        summary.new_people += 1;
                        if dry_run {
                            -(summary.new_people as i32)
                        } else {
                            insert_person(&txn, actor, &row.person, now).await?.id
                        }
                    }
                };
                people.insert(key, id);
                id
            }
        };
        if !dry_run {
            insert_arrest(&txn, actor, person_id, &row.arrest, now).await?;
        }
        if let Some(p) = progress
            && (done + 1) % 100 == 0
        {
            p(done + 1, fresh.len());
        }
    }
    if dry_run {
        txn.rollback().await?;
        return Ok(Ok(summary));
    }
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
