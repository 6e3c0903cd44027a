//! Settings an administrator changes in the app (kept in the database so
//! every server sees them): the list of areas / beats arrests are filed under,
//! and the rules in `domain::adjustable` (escalation, retention, idle
//! timeout, two-step).

use std::collections::HashMap;

use crate::auth::Actor;
use crate::db::settings_repo;
use crate::domain::adjustable::Adjustable;
use crate::domain::audit_action::AuditAction;
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// The areas, in order.
pub async fn areas(app: &AppState) -> AppResult<Vec<String>> {
    Ok(settings_repo::areas(&app.db).await?)
}

/// Replace the list of areas (one per line). Areas already used by arrests
/// stay on those arrests; the list only governs new entries.
pub async fn set_areas(app: &AppState, actor: &Actor, text: &str) -> AppResult<Vec<String>> {
    actor.require(Capability::ManageUsers)?;
    let mut areas: Vec<String> = Vec::new();
    for line in text.lines() {
        let a = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if a.is_empty() || areas.contains(&a) {
            continue;
        }
        if a.chars().count() > 100 {
            return Err(AppError::invalid(
                "areas",
                format!("'{a}' is longer than 100 characters"),
            ));
        }
        areas.push(a);
    }
    if areas.is_empty() {
        return Err(AppError::invalid(
            "areas",
            "Enter at least one area, one per line",
        ));
    }
    if areas.len() > 200 {
        return Err(AppError::invalid("areas", "Enter 200 areas or fewer"));
    }
    let old = settings_repo::areas(&app.db).await?;
    let value = serde_json::to_string(&areas).map_err(AppError::internal)?;
    settings_repo::put(&app.db, "areas", &value, actor.user_id(), app.now()).await?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::UserChanged)
            .record("setting", "areas")
            .change("areas", old, &areas),
    )
    .await?;
    Ok(areas)
}

/// Re-read the saved settings and put them in force on this server (at
/// start-up and every few seconds, so a change saved on another server
/// arrives here too).
pub async fn refresh(app: &AppState) -> AppResult<Adjustable> {
    let saved = settings_repo::all(&app.db).await?;
    let a = app.settings.adjustable().overlaid(&saved);
    app.put_adjustable(a);
    Ok(a)
}

/// Save the rules an administrator typed (every mistake named at once),
/// audited with each changed value's old and new, and put them in force.
pub async fn set_adjustable(
    app: &AppState,
    actor: &Actor,
    fields: &HashMap<&str, &str>,
) -> AppResult<Adjustable> {
    actor.require(Capability::ManageUsers)?;
    let new = Adjustable::check(fields).map_err(AppError::Invalid)?;
    let old = refresh(app).await?;
    let changed = new.changed_from(&old);
    if changed.is_empty() {
        return Ok(new);
    }
    let now = app.now();
    let txn = app.begin_write().await?;
    let mut entry = AuditEntry::new(AuditAction::UserChanged).record("setting", "rules");
    for (key, before, after) in &changed {
        settings_repo::put(&txn, key, after, actor.user_id(), now).await?;
        entry = entry.change(key, before, after);
    }
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    app.put_adjustable(new);
    Ok(new)
}
