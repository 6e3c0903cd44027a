//! Reoffences: made by a re-arrest as it is recorded, and entered by
//! police or probation from checks for cautions and convictions. Shown on
//! the man's record; each is audited as collected.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::auth::Actor;
use crate::db::arrests_repo;
use crate::db::people_repo;
use crate::db::reoffences_repo::{self, NewReoffence, Reoffence};
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::london_date;
use crate::domain::reoffending::{ReoffenceInput, ReoffenceOutcome, check_reoffence};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// What a re-arrest's reoffence says its source is.
pub const REARREST_SOURCE: &str = "Arrest recorded in Kerbside";

/// Inside an arrest's transaction: every arrest of the man after his first
/// is a re-arrest, recorded once as a reoffence (offence date = arrest
/// date, outcome `arrest`). Looking at all his arrests, not only the new
/// one, also covers an older arrest recorded late (an import filling in
/// history). The audit entries to write with the arrest's.
pub(crate) async fn after_arrest(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Vec<AuditEntry>> {
    after_arrests(db, actor, &[person_id], now).await
}

/// [`after_arrest`] for several men at once (an import), in a few queries
/// rather than two for each man. The same reoffences follow whether it is
/// called after each arrest or once after all of them: an arrest later than
/// a man's first at any point is later than his first at the end.
pub(crate) async fn after_arrests(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<Vec<AuditEntry>> {
    let mut men: Vec<i32> = person_ids.to_vec();
    men.sort_unstable();
    men.dedup();
    let mut arrests = arrests_repo::for_people(db, &men).await?;
    arrests.sort_by_key(|a| (a.person_id, a.arrested_at, a.id));
    let recorded = reoffences_repo::arrest_ids_of_people(db, &men).await?;
    let mut entries = Vec::new();
    for his in arrests.chunk_by(|a, b| a.person_id == b.person_id) {
        let first = his[0].arrested_at;
        for arrest in his
            .iter()
            .filter(|a| a.arrested_at > first && !recorded.contains(&a.id))
        {
            let day = london_date(arrest.arrested_at);
            let r = reoffences_repo::insert(
                db,
                &NewReoffence {
                    person_id: arrest.person_id,
                    offence_date: day,
                    outcome: ReoffenceOutcome::Arrest,
                    outcome_date: day,
                    source: REARREST_SOURCE,
                    arrest_id: Some(arrest.id),
                },
                actor.user_id(),
                now,
            )
            .await?;
            entries.push(
                AuditEntry::new(AuditAction::Collect)
                    .record("reoffence", r.id)
                    .person(arrest.person_id),
            );
        }
    }
    Ok(entries)
}

/// Enter a reoffence found by a check (police, probation).
pub async fn record(
    app: &AppState,
    actor: &Actor,
    person_id: Option<i32>,
    input: &ReoffenceInput,
) -> AppResult<Reoffence> {
    actor.require(Capability::ViewPeople)?;
    let Some(person_id) = person_id else {
        return Err(AppError::invalid("person_id", "Give the man's id"));
    };
    people_repo::find(&app.db, person_id)
        .await?
        .ok_or_else(|| AppError::invalid("person_id", "No man has this id"))?;
    let now = app.now();
    check_reoffence(input, london_date(now)).map_err(AppError::Invalid)?;
    let (Some(offence_date), Some(outcome), Some(outcome_date)) =
        (input.offence_date, input.outcome, input.outcome_date)
    else {
        return Err(AppError::invalid("offence_date", "Enter the dates"));
    };
    let txn = app.begin_write().await?;
    let r = reoffences_repo::insert(
        &txn,
        &NewReoffence {
            person_id,
            offence_date,
            outcome,
            outcome_date,
            source: input.source.trim(),
            arrest_id: None,
        },
        actor.user_id(),
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("reoffence", r.id)
            .person(person_id),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// A man's known reoffences, newest first (police, probation). The caller
/// has already audited the consult of his record.
pub async fn for_person(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<Vec<Reoffence>> {
    actor.require(Capability::ViewPeople)?;
    Ok(reoffences_repo::for_person(&app.db, person_id).await?)
}
