//! Court hearings for a charged arrest.

use chrono::NaiveDate;

use crate::auth::Actor;
use crate::db::arrests_repo;
use crate::db::hearings_repo::{self, Hearing};
use crate::domain::audit_action::AuditAction;
use crate::domain::hearing::HearingOutcome;
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// A hearing as typed.
#[derive(Clone, Debug, Default)]
pub struct HearingInput {
    pub hearing_date: Option<NaiveDate>,
    pub date_error: Option<String>,
    pub court: String,
    pub outcome: String,
    pub notes: String,
}

/// What the hearing form shows: the arrest and its man.
#[derive(Clone, Debug)]
pub struct HearingFor {
    pub arrest: crate::db::arrests_repo::Arrest,
    pub person: crate::db::people_repo::Person,
}

/// Open the form for a hearing of this arrest (probation, an arrest that went
/// to court); showing the man is audited as a consult of his record.
pub async fn form_for(app: &AppState, actor: &Actor, arrest_id: i32) -> AppResult<HearingFor> {
    actor.require(Capability::ManageCases)?;
    let arrest = arrests_repo::find(&app.db, arrest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !arrest.disposal.goes_to_court() {
        return Err(AppError::conflict(
            "Hearings are recorded only for an arrest that led to a charge",
        ));
    }
    let person = crate::services::people::identity(app, actor, arrest.person_id).await?;
    Ok(HearingFor { arrest, person })
}

/// Record a hearing for a charged arrest (probation).
pub async fn record(
    app: &AppState,
    actor: &Actor,
    arrest_id: i32,
    input: &HearingInput,
) -> AppResult<Hearing> {
    actor.require(Capability::ManageCases)?;
    let arrest = arrests_repo::find(&app.db, arrest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !arrest.disposal.goes_to_court() {
        return Err(AppError::conflict(
            "Hearings are recorded only for an arrest that led to a charge",
        ));
    }
    let mut e = FieldErrors::new();
    match (&input.date_error, input.hearing_date) {
        (Some(m), _) => e.add("hearing_date", m.clone()),
        (None, None) => e.add("hearing_date", "Enter the date of the hearing"),
        (None, Some(d)) if d < crate::domain::london_time::london_date(arrest.arrested_at) => {
            e.add("hearing_date", "The hearing cannot be before the arrest")
        }
        _ => {}
    }
    let court = input.court.trim();
    if court.is_empty() {
        e.add("court", "Enter the court");
    } else if court.chars().count() > 150 {
        e.add("court", "Court must be 150 characters or fewer");
    }
    let outcome = HearingOutcome::parse(&input.outcome);
    if outcome.is_none() {
        e.add("outcome", "Choose the outcome");
    }
    if input.notes.chars().count() > 4000 {
        e.add("notes", "Notes must be 4,000 characters or fewer");
    }
    e.into_result().map_err(AppError::Invalid)?;
    let (Some(date), Some(outcome)) = (input.hearing_date, outcome) else {
        return Err(AppError::internal("validated hearing incomplete"));
    };
    let now = app.now();
    let txn = app.begin_write().await?;
    let notes = Some(input.notes.trim().to_string()).filter(|n| !n.is_empty());
    let h = hearings_repo::insert(
        &txn,
        arrest.person_id,
        arrest.id,
        date,
        court,
        outcome,
        notes,
        actor.user_id(),
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("court_hearing", h.id)
            .person(arrest.person_id),
    )
    .await?;
    txn.commit().await?;
    Ok(h)
}
