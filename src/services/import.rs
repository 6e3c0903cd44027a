//! Importing arrests from a force record-system export: all rows or none, in
//! one transaction; rows whose occurrence reference is already recorded are
//! skipped and counted, so importing a file twice changes nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::imports_repo::{self, ImportRun};
use crate::db::{arrests_repo, people_repo, settings_repo};
use crate::domain::arrest::ValidArrest;
use crate::domain::arrest_import::{ImportStatus, RowError, read_file};
use crate::domain::audit_action::AuditAction;
use crate::domain::names::{fold, listed};
use crate::domain::person::ValidPerson;
use crate::domain::person_match::{self, Recorded, Wanted};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::arrests::insert_arrests_before_reoffences;
use crate::services::audit::{self, AuditEntry};
use crate::services::people::fresh_references;
use crate::services::reoffences::after_arrests;
use crate::state::AppState;

/// What an import did (or, for a dry run, would do).
#[derive(Clone, Debug, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ImportSummary {
    pub rows: usize,
    pub imported: usize,
    pub skipped_existing: usize,
    pub new_people: usize,
    pub dry_run: bool,
    /// Rows recorded as a new man although a man already recorded nearly
    /// matches (same date of birth and a name one mistake away, or the same
    /// PNC ID): never merged without a person deciding; listed for review.
    pub near_matches: Vec<NearMatch>,
}

/// A row of an import that nearly matches a man already recorded.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct NearMatch {
    /// The row's number in the file (the header is row 1).
    pub row: usize,
    /// The name and date of birth as the row gives them.
    pub row_name: String,
    pub row_date_of_birth: NaiveDate,
    /// The man already recorded.
    pub person_id: i32,
    pub person_reference: String,
    pub person_name: String,
    pub person_date_of_birth: NaiveDate,
    /// 0-1, as the people search scores him.
    pub score: f64,
    /// What matched, in words.
    pub reasons: Vec<&'static str>,
}

/// A recorded man nearly matching a new row scores at least this (the same
/// date of birth and a name one mistake away scores about 0.97; sharing only
/// the date of birth about 0.6).
const NEAR_MATCH_FROM: f64 = 0.85;

/// The men already recorded who nearly match the new men of an import: the
/// same scoring as the people search, over the men born on the rows' dates
/// or holding their PNC IDs (read together, not row by row).
async fn near_matches(
    db: &impl sea_orm::ConnectionTrait,
    born_on_the_dates: &[people_repo::Person],
    new_rows: &[(usize, &ValidPerson)],
) -> AppResult<Vec<NearMatch>> {
    let pncs: Vec<String> = new_rows
        .iter()
        .filter_map(|(_, p)| p.pnc_id.clone())
        .collect();
    let mut pool: Vec<people_repo::Person> = born_on_the_dates.to_vec();
    pool.extend(people_repo::holding_pnc_ids(db, &pncs).await?);
    pool.sort_by_key(|p| p.id);
    pool.dedup_by_key(|p| p.id);
    let mut by_date: HashMap<NaiveDate, Vec<&people_repo::Person>> = HashMap::new();
    let mut by_pnc: HashMap<&str, Vec<&people_repo::Person>> = HashMap::new();
    for p in &pool {
        by_date.entry(p.date_of_birth).or_default().push(p);
        if let Some(pnc) = &p.pnc_id {
            by_pnc.entry(pnc.as_str()).or_default().push(p);
        }
    }
    let mut out = Vec::new();
    for (row, new) in new_rows {
        let wanted = Wanted {
            surname: Some(new.surname.clone()),
            forenames: Some(new.forenames.clone()),
            date_of_birth: Some(new.date_of_birth),
            pnc_id: new.pnc_id.clone(),
            vehicle: None,
        };
        let mut candidates: Vec<&people_repo::Person> =
            by_date.get(&new.date_of_birth).cloned().unwrap_or_default();
        if let Some(pnc) = &new.pnc_id {
            candidates.extend(by_pnc.get(pnc.as_str()).cloned().unwrap_or_default());
        }
        candidates.sort_by_key(|p| p.id);
        candidates.dedup_by_key(|p| p.id);
        let best = candidates
            .into_iter()
            .map(|p| {
                let (score, reasons) = person_match::score(
                    &wanted,
                    &Recorded {
                        surname: &p.surname,
                        forenames: &p.forenames,
                        date_of_birth: p.date_of_birth,
                        pnc_id: p.pnc_id.as_deref(),
                        in_vehicle: false,
                    },
                );
                (p, score, reasons)
            })
            .filter(|(_, score, _)| *score >= NEAR_MATCH_FROM)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((p, score, reasons)) = best {
            out.push(NearMatch {
                row: *row,
                row_name: listed(&new.surname, &new.forenames),
                row_date_of_birth: new.date_of_birth,
                person_id: p.id,
                person_reference: p.reference.clone(),
                person_name: listed(&p.surname, &p.forenames),
                person_date_of_birth: p.date_of_birth,
                score,
                reasons,
            });
        }
    }
    Ok(out)
}

/// Rounds of fresh references for the new men of one import (a round
/// after the first only for men whose reference another import took).
const REFERENCE_TRIES: usize = 5;

/// Rows stored between reports of progress.
const ROWS_AT_A_TIME: usize = 500;

/// The answer when an occurrence reference of the file was recorded by
/// another import while this one was writing, naming one if it can.
async fn taken_since(app: &AppState, refs: &[String]) -> AppError {
    let which = match arrests_repo::existing_occurrences(&app.db, refs)
        .await
        .ok()
        .and_then(|found| found.into_iter().min())
    {
        Some(taken) => format!("Occurrence reference {taken}"),
        None => "An occurrence reference in this file".to_string(),
    };
    AppError::conflict(format!(
        "{which} was recorded by someone else while this file was being imported. Nothing from this file was imported: send it again and the rows already recorded will be skipped."
    ))
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
        near_matches: Vec::new(),
    };
    // Match men against those already recorded in a few queries, not one per row.
    let key = |p: &ValidPerson| (fold(&p.surname), fold(&p.forenames), p.date_of_birth);
    let dobs: Vec<NaiveDate> = fresh
        .iter()
        .map(|r| r.person.date_of_birth)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let born_on_the_dates = people_repo::born_on(&app.db, &dobs).await?;
    let mut known: HashMap<(String, String, NaiveDate), i32> = born_on_the_dates
        .iter()
        .map(|p| {
            (
                (
                    p.surname_folded.clone(),
                    p.forenames_folded.clone(),
                    p.date_of_birth,
                ),
                p.id,
            )
        })
        .collect();
    let mut new_people: Vec<&ValidPerson> = Vec::new();
    let mut new_rows: Vec<(usize, &ValidPerson)> = Vec::new();
    let mut planned = HashSet::new();
    for r in &fresh {
        let k = key(&r.person);
        if !known.contains_key(&k) && planned.insert(k) {
            new_people.push(&r.person);
            new_rows.push((r.row, &r.person));
        }
    }
    summary.new_people = new_people.len();
    summary.near_matches = near_matches(&app.db, &born_on_the_dates, &new_rows).await?;
    if !summary.near_matches.is_empty() {
        // the check shows recorded men's names and references: a consult of each
        audit::record_alone(
            app,
            actor,
            now,
            AuditEntry::new(AuditAction::Consult)
                .record("import_check", "near_matches")
                .people(summary.near_matches.iter().map(|m| m.person_id))
                .reason(format!(
                    "import check listed {} recorded men nearly matching rows of {}",
                    summary.near_matches.len(),
                    file_name.chars().take(100).collect::<String>()
                )),
        )
        .await?;
    }
    if dry_run {
        return Ok(Ok(summary));
    }
    let txn = app.begin_write().await?;
    let mut entries: Vec<AuditEntry> = Vec::new();
    // A reference is chosen free, but another import writing at the same
    // time may choose it too: the men whose reference it took first get
    // new ones.
    let mut unwritten: Vec<&ValidPerson> = new_people.clone();
    for _ in 0..REFERENCE_TRIES {
        if unwritten.is_empty() {
            break;
        }
        let references = fresh_references(&txn, unwritten.len()).await?;
        let men: Vec<(&ValidPerson, &str)> = unwritten
            .iter()
            .zip(&references)
            .map(|(p, r)| (*p, r.as_str()))
            .collect();
        let ids = people_repo::insert_many(&txn, &men, actor.user_id(), now).await?;
        let mut again = Vec::new();
        for (p, id) in unwritten.iter().zip(ids) {
            let Some(id) = id else {
                again.push(*p);
                continue;
            };
            entries.push(
                AuditEntry::new(AuditAction::Collect)
                    .record("person", id)
                    .person(id),
            );
            known.insert(key(p), id);
        }
        unwritten = again;
    }
    if !unwritten.is_empty() {
        return Err(AppError::internal("could not find free person references"));
    }
    let mut arrested = Vec::with_capacity(fresh.len());
    for row in &fresh {
        let person_id = *known
            .get(&key(&row.person))
            .ok_or_else(|| AppError::internal("imported person missing"))?;
        arrested.push(person_id);
    }
    let mut done = 0;
    for rows in fresh.chunks(ROWS_AT_A_TIME) {
        let new: Vec<(i32, &ValidArrest)> = rows
            .iter()
            .zip(&arrested[done..])
            .map(|(row, person_id)| (*person_id, &row.arrest))
            .collect();
        let (_, more) = match insert_arrests_before_reoffences(&txn, actor, &new, now).await {
            Ok(stored) => stored,
            // An occurrence reference was free when the file was checked
            // and taken since: another import of the same rows, perhaps on
            // another server, finished first.
            Err(AppError::Invalid(e)) if e.get("occurrence_reference").is_some() => {
                drop(txn);
                let sent: Vec<String> = fresh
                    .iter()
                    .filter_map(|r| r.arrest.occurrence_reference.clone())
                    .collect();
                return Err(taken_since(app, &sent).await);
            }
            Err(other) => return Err(other),
        };
        entries.extend(more);
        done += rows.len();
        if let Some(p) = progress {
            p(done, fresh.len());
        }
    }
    entries.extend(after_arrests(&txn, actor, &arrested, now).await?);
    audit::record_many(&txn, actor, now, entries).await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("import", file_name.chars().take(100).collect::<String>())
            .reason(format!(
                "{} arrests imported ({} new people, {} of them nearly matching a man already recorded, listed for review), {} rows skipped as already recorded",
                summary.imported,
                summary.new_people,
                summary.near_matches.len(),
                summary.skipped_existing
            )),
    )
    .await?;
    txn.commit().await?;
    if let Some(p) = progress {
        p(fresh.len(), fresh.len());
    }
    Ok(Ok(summary))
}

/// A file checked on the pages and kept until the officer confirms it.
#[derive(Clone, Debug)]
pub struct CheckedUpload {
    pub summary: ImportSummary,
    /// The run to start with [`start_run`].
    pub run_id: i32,
}

/// Check an uploaded file; when every row is right, keep it as a run waiting
/// for the officer's confirmation. `Ok(Err(problems))` names every problem.
pub async fn check_upload(
    app: &AppState,
    actor: &Actor,
    text: &str,
) -> AppResult<Result<CheckedUpload, Vec<RowError>>> {
    let summary = match import_csv(app, actor, text, "upload", true, None).await? {
        Ok(s) => s,
        Err(problems) => return Ok(Err(problems)),
    };
    let run = imports_repo::insert(
        &app.db,
        "upload",
        summary.rows as i32,
        text,
        actor.user_id(),
        app.now(),
    )
    .await?;
    Ok(Ok(CheckedUpload {
        summary,
        run_id: run.id,
    }))
}

/// A run as its officer sees it: where it stands and how far it has got.
#[derive(Clone, Debug)]
pub struct RunStatus {
    pub run: ImportRun,
    /// (rows written, rows in all) while it runs on this server.
    pub progress: Option<(usize, usize)>,
}

/// One of the actor's own runs (nobody else's, not even its existence).
async fn owned_run(app: &AppState, actor: &Actor, id: i32) -> AppResult<ImportRun> {
    actor.require(Capability::RecordArrests)?;
    imports_repo::find(&app.db, id)
        .await?
        .filter(|run| run.created_by.is_some() && run.created_by == actor.user_id())
        .ok_or(AppError::NotFound)
}

/// Where a run stands.
pub async fn run_status(app: &AppState, actor: &Actor, id: i32) -> AppResult<RunStatus> {
    let run = owned_run(app, actor, id).await?;
    let progress = app
        .import_progress
        .lock()
        .ok()
        .and_then(|p| p.get(&id).copied());
    Ok(RunStatus { run, progress })
}

/// Whether a confirmed run started now or was already started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    /// Running now, in the background.
    Now,
    /// Someone (this officer, in another tab) had already started it.
    Already,
}

/// Start importing a checked run in the background. The run is claimed in
/// the database first, so that two clicks (or two servers) import it once.
/// [`wait_for`] resolves when it ends.
pub async fn start_run(app: &AppState, actor: &Actor, id: i32) -> AppResult<Started> {
    let run = owned_run(app, actor, id).await?;
    if !imports_repo::claim(&app.db, id).await? {
        return Ok(Started::Already);
    }
    let (done_tx, done_rx) = tokio::sync::watch::channel(false);
    if let Ok(mut waiting) = app.import_done.lock() {
        waiting.insert(id, done_rx);
    }
    let text = run.content.unwrap_or_default();
    let app = app.clone();
    let actor = actor.clone();
    tokio::spawn(async move {
        finish_run(&app, &actor, id, &text).await;
        let _ = done_tx.send(true);
        if let Ok(mut waiting) = app.import_done.lock() {
            waiting.remove(&id);
        }
    });
    Ok(Started::Now)
}

/// Resolve when the run started by [`start_run`] on this server has ended
/// (at once if it is not running here).
pub async fn wait_for(app: &AppState, id: i32) {
    let waiting = app
        .import_done
        .lock()
        .ok()
        .and_then(|w| w.get(&id).cloned());
    if let Some(mut done) = waiting {
        let _ = done.wait_for(|finished| *finished).await;
    }
}

async fn finish_run(app: &AppState, actor: &Actor, id: i32, text: &str) {
    let progress = app.import_progress.clone();
    let report = move |done: usize, total: usize| {
        if let Ok(mut p) = progress.lock() {
            p.insert(id, (done, total));
        }
    };
    let result = import_csv(
        app,
        actor,
        text,
        &format!("upload {id}"),
        false,
        Some(&report),
    )
    .await;
    let (status, imported, skipped, error) = match result {
        Ok(Ok(s)) => (
            ImportStatus::Done,
            s.imported as i32,
            s.skipped_existing as i32,
            None,
        ),
        Ok(Err(problems)) => (
            ImportStatus::Failed,
            0,
            0,
            Some(format!(
                "{} problem(s) appeared since the check: nothing was imported",
                problems.len()
            )),
        ),
        Err(e) => {
            eprintln!("import {id} failed: {e}");
            (
                ImportStatus::Failed,
                0,
                0,
                Some("The import failed and nothing was imported. Upload the file again; if it fails again, tell your administrator.".into()),
            )
        }
    };
    if let Err(e) =
        imports_repo::finish(&app.db, id, status, imported, skipped, error, app.now()).await
    {
        eprintln!("import {id}: could not record how it ended: {e}");
    }
    if let Ok(mut p) = app.import_progress.lock() {
        p.remove(&id);
    }
}
