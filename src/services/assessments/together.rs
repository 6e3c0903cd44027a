//! Whole, completed assessments recorded together: each passes the checks
//! it would pass sent through the API one at a time (`create`, then
//! `complete`) and is written and audited by the same code (which writes
//! a set a few statements at a time: one request's draft is a set of one),
//! in one transaction for the set, so either all are kept or none.
//!
//! Why: one request and one commit for each step of each assessment took
//! most of seed-demo's time at 100,000 men, in thread wake-ups and commits
//! rather than in SQLite's own work (benches/RESULTS.md, "seed-demo at
//! 100,000 men").

use super::start::{ManNow, NewDraft, check_man_and_referral, refuse_second_draft, write_new};
use super::{AssessmentInput, Completing, require_api_fields, settings, write_complete};
use crate::auth::Actor;
use crate::db::assessments_repo::newest_completed;
use crate::domain::assessment::{check_complete, check_draft};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// One man's whole assessment, as the API's body would give it.
pub struct Whole {
    pub person_id: i32,
    pub referral_id: Option<i32>,
    pub input: AssessmentInput,
}

/// An error about the set's `item`th assessment, saying which it was.
fn about_item(item: usize, e: AppError) -> AppError {
    e.about_item("assessments", "Assessment", item)
}

/// Record `set` as completed assessments by `actor`, who is their author;
/// the ids in the set's order. Nothing is written when any is refused.
pub async fn record_completed(app: &AppState, actor: &Actor, set: &[Whole]) -> AppResult<Vec<i32>> {
    actor.require(Capability::ManageCases)?;
    let author = actor.user_id().ok_or(AppError::Forbidden)?;
    let dash = settings(app);
    let mut results = Vec::with_capacity(set.len());
    for (item, w) in set.iter().enumerate() {
        let checked = require_api_fields(&w.input)
            .and_then(|()| check_draft(&w.input, &dash).map_err(AppError::Invalid))
            .and_then(|r| {
                check_complete(&w.input, &dash).map_err(AppError::Invalid)?;
                Ok(r)
            });
        results.push(checked.map_err(|e| about_item(item, e))?);
    }
    // each is checked against what was stored before the set, so a man is
    // in a set once
    let mut seen = std::collections::HashSet::new();
    if let Some(item) = set.iter().position(|w| !seen.insert(w.person_id)) {
        return Err(about_item(
            item,
            AppError::conflict(
                "this man is already in the set: send his assessments in separate sets",
            ),
        ));
    }
    let now = app.now();
    let txn = app.begin_write().await?;
    let asked: Vec<(i32, Option<i32>)> = set.iter().map(|w| (w.person_id, w.referral_id)).collect();
    let men = ManNow::read_many(&txn, &asked).await?;
    let mut drafts = Vec::with_capacity(set.len());
    for (item, ((w, results), man)) in set.iter().zip(&results).zip(&men).enumerate() {
        check_man_and_referral(man, w.person_id, w.referral_id)
            .and_then(|()| refuse_second_draft(man))
            .map_err(|e| about_item(item, e))?;
        let draft = NewDraft {
            author,
            person_id: w.person_id,
            referral_id: w.referral_id,
            supersedes: None,
            input: &w.input,
            results,
        };
        drafts.push((draft, man));
    }
    let written = write_new(&txn, actor, &drafts, now).await?;
    let completing: Vec<Completing> = written
        .iter()
        .zip(&men)
        .map(|((a, referral), man)| Completing {
            assessment: a,
            previous: newest_completed(&man.assessments),
            referral: referral.as_ref(),
        })
        .collect();
    write_complete(&txn, actor, &completing, now).await?;
    txn.commit().await?;
    Ok(written.iter().map(|(a, _)| a.id).collect())
}
