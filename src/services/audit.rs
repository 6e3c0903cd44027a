//! Writing and reading the append-only audit log (DPA 2018 s.62). A service
//! records an event with one call:
//! `audit::record(&txn, actor, now, AuditEntry::new(AuditAction::Consult).record("person", id).person(id))`.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;

use crate::auth::Actor;
use crate::db::audit_repo::{self, AuditFilter, NewAuditRow};
use crate::domain::audit_action::AuditAction;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::roles::Capability;
use crate::error::AppResult;
use crate::state::AppState;

/// One field changed by an `alter`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FieldChange {
    /// The field's name.
    pub field: String,
    /// The value before.
    pub old: serde_json::Value,
    /// The value after.
    pub new: serde_json::Value,
}

/// An event to record.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    action: AuditAction,
    record_type: Option<&'static str>,
    record_id: Option<String>,
    person_id: Option<i32>,
    subjects: Vec<i32>,
    changes: Vec<FieldChange>,
    recipient: Option<String>,
    reason: Option<String>,
}

impl AuditEntry {
    /// An event of this kind.
    pub fn new(action: AuditAction) -> AuditEntry {
        AuditEntry {
            action,
            record_type: None,
            record_id: None,
            person_id: None,
            subjects: Vec::new(),
            changes: Vec::new(),
            recipient: None,
            reason: None,
        }
    }

    /// Which record (type and id).
    pub fn record(mut self, record_type: &'static str, id: impl ToString) -> AuditEntry {
        self.record_type = Some(record_type);
        self.record_id = Some(id.to_string());
        self
    }

    /// The person the data is about (for the per-person audit trail).
    pub fn person(mut self, person_id: i32) -> AuditEntry {
        self.person_id = Some(person_id);
        self
    }

    /// The men an event about many showed: a page of search results, a list,
    /// an export. Each is findable in that man's audit trail.
    pub fn people(mut self, ids: impl IntoIterator<Item = i32>) -> AuditEntry {
        self.subjects.extend(ids);
        self.subjects.sort_unstable();
        self.subjects.dedup();
        self
    }

    /// A field changed from `old` to `new`.
    pub fn change(mut self, field: &str, old: impl Serialize, new: impl Serialize) -> AuditEntry {
        self.changes.push(FieldChange {
            field: field.to_string(),
            old: serde_json::to_value(old).unwrap_or(serde_json::Value::Null),
            new: serde_json::to_value(new).unwrap_or(serde_json::Value::Null),
        });
        self
    }

    /// Who received disclosed data.
    pub fn recipient(mut self, recipient: impl Into<String>) -> AuditEntry {
        self.recipient = Some(recipient.into());
        self
    }

    /// Why (free text, no personal data).
    pub fn reason(mut self, reason: impl Into<String>) -> AuditEntry {
        self.reason = Some(reason.into());
        self
    }

    fn into_row(
        self,
        at: DateTime<Utc>,
        user_id: Option<i32>,
        username: &str,
        token: Option<i32>,
    ) -> NewAuditRow {
        NewAuditRow {
            at,
            actor_user_id: user_id,
            actor_username: username.to_string(),
            api_token_id: token,
            action: self.action,
            record_type: self.record_type.map(str::to_string),
            record_id: self.record_id,
            person_id: self.person_id,
            changes: (!self.changes.is_empty())
                .then(|| serde_json::to_string(&self.changes).unwrap_or_default()),
            recipient: self.recipient,
            reason: self.reason,
            subjects: self.subjects,
        }
    }
}

/// Record an event done by `actor`.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: AuditEntry,
) -> Result<(), DbErr> {
    let row = entry.into_row(at, actor.user_id(), actor.username(), actor.api_token_id());
    audit_repo::insert(db, row).await
}

/// Record an event that comes with no other write (a page read, a
/// download). The entry and the men it lists are written together with the
/// entries of any other reads waiting at that moment, in one transaction
/// that takes this server's turn to write like any other writer
/// (`services::audit_queue`); this returns once that transaction has
/// committed, so the caller still answers only after its entry is kept.
pub async fn record_alone(
    app: &AppState,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: AuditEntry,
) -> Result<(), DbErr> {
    let row = entry.into_row(at, actor.user_id(), actor.username(), actor.api_token_id());
    app.audit_queue.write(app, row).await
}

/// Several events by `actor`, written in batches (for imports).
pub async fn record_many(
    db: &impl ConnectionTrait,
    actor: &Actor,
    at: DateTime<Utc>,
    entries: Vec<AuditEntry>,
) -> Result<(), DbErr> {
    let rows: Vec<NewAuditRow> = entries
        .into_iter()
        .map(|e| e.into_row(at, actor.user_id(), actor.username(), actor.api_token_id()))
        .collect();
    for chunk in rows.chunks(500) {
        audit_repo::insert_many(db, chunk).await?;
    }
    Ok(())
}

/// Record an event with no authenticated actor (a refused sign-in): `who` is
/// the username that was typed.
pub async fn record_anonymous(
    db: &impl ConnectionTrait,
    who: &str,
    at: DateTime<Utc>,
    entry: AuditEntry,
) -> Result<(), DbErr> {
    let row = entry.into_row(at, None, who, None);
    audit_repo::insert(db, row).await
}

/// One row of the audit log as shown to an auditor.
pub type AuditRow = crate::db::entities::audit_log::Model;

/// The changes of audit rows as `actor` may see them: without
/// [`Capability::SeeAuditValues`] (administrators), which fields changed but
/// not from what to what, since the values can be personal data.
fn as_seen_by(actor: &Actor, mut rows: Vec<AuditRow>) -> Vec<AuditRow> {
    if actor.can(Capability::SeeAuditValues) {
        return rows;
    }
    for row in &mut rows {
        row.changes = row.changes.take().map(|c| {
            let mut value: serde_json::Value = serde_json::from_str(&c).unwrap_or_default();
            if let Some(list) = value.as_array_mut() {
                for change in list {
                    if let Some(o) = change.as_object_mut() {
                        o.remove("old");
                        o.remove("new");
                    }
                }
            }
            value.to_string()
        });
    }
    rows
}

/// Search the audit log (administrators). The search itself is recorded.
pub async fn search(
    app: &AppState,
    actor: &Actor,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<(Vec<AuditRow>, PageInfo)> {
    actor.require(Capability::ViewAuditLog)?;
    let (rows, total) = audit_repo::search(&app.db, filter, page).await?;
    record(
        &app.db,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("audit_log", "search")
            .reason(format!(
                "audit search listed {} of {total} entries",
                rows.len()
            )),
    )
    .await?;
    Ok((as_seen_by(actor, rows), PageInfo::new(page, total)))
}

/// Every matching row (for export), recorded as a disclosure.
pub async fn export(
    app: &AppState,
    actor: &Actor,
    filter: &AuditFilter,
) -> AppResult<Vec<AuditRow>> {
    actor.require(Capability::ViewAuditLog)?;
    let rows = audit_repo::all_matching(&app.db, filter).await?;
    record(
        &app.db,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Disclose)
            .record("audit_log", "export")
            .reason(format!("{} audit entries exported", rows.len())),
    )
    .await?;
    Ok(as_seen_by(actor, rows))
}

/// The timeline of one man's record: who did what, when (probation). Views
/// are left out unless asked for. The look is itself a consult.
pub async fn person_timeline(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
    include_views: bool,
    page: PageRequest,
) -> AppResult<(Vec<AuditRow>, PageInfo)> {
    actor.require(Capability::ManageCases)?;
    let (rows, total) =
        audit_repo::person_timeline(&app.db, person_id, include_views, page).await?;
    Ok((rows, PageInfo::new(page, total)))
}
