//! Subject access (DPA 2018 Part 3 s.45): everything held about one man, as
//! JSON and as a readable PDF. Every export is a `disclose`, with the
//! recipient (the man himself unless someone else is named).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::auth::Actor;
use crate::db::subject_access_repo::{self, Held};
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::{format_datetime, london_date};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::reports::subject_access;
use crate::services::audit::{self, AuditEntry};
use crate::services::reports::{ReportFile, check_recipient};
use crate::state::AppState;

/// Named as the recipient when nobody else is.
pub const DEFAULT_RECIPIENT: &str = "the data subject";

/// An export's reference: the man and the day it was made.
pub fn reference(person_id: i32, at: DateTime<Utc>) -> String {
    format!("SAR-{person_id:05}-{}", london_date(at).format("%Y%m%d"))
}

fn values<T: Serialize>(rows: &[T]) -> Value {
    serde_json::to_value(rows).unwrap_or(Value::Null)
}

/// Replace each row's JSON-in-text column `key` by the JSON it holds.
fn parsed(mut rows: Value, keys: &[&str]) -> Value {
    if let Value::Array(items) = &mut rows {
        for item in items {
            for key in keys {
                if let Some(Value::String(text)) = item.get(*key)
                    && let Ok(v) = serde_json::from_str::<Value>(text)
                {
                    item[*key] = v;
                }
            }
        }
    }
    rows
}

/// Court reports with their content and the snapshot of facts printed in
/// them (which the record's own serialisation leaves out).
fn court_reports(h: &Held) -> Value {
    let mut rows = values(&h.court_reports);
    if let Value::Array(items) = &mut rows {
        for (item, report) in items.iter_mut().zip(&h.court_reports) {
            item["content"] = Value::String(report.content.clone());
            item["snapshot"] = report.snapshot.clone().map_or(Value::Null, Value::String);
        }
    }
    parsed(rows, &["content", "snapshot"])
}

/// The export as JSON: one key per kind of record (see
/// [`subject_access::SECTIONS`]).
pub fn document(h: &Held, reference: &str, recipient: &str, now: DateTime<Utc>) -> Value {
    let audit: Vec<Value> = h
        .audit
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "at": a.at,
                "by": a.actor_username,
                "action": a.action,
                "record_type": a.record_type,
                "record_id": a.record_id,
                "changes": a.changes.as_deref().and_then(|c| serde_json::from_str::<Value>(c).ok()),
                "recipient": a.recipient,
                "reason": a.reason,
            })
        })
        .collect();
    json!({
        "reference": reference,
        "generated_at": now,
        "recipient": recipient,
        "person": h.person,
        "arrests": values(&h.arrests),
        "referrals": values(&h.referrals),
        "referral_history": values(&h.referral_history),
        "assessments": parsed(values(&h.assessments), &["content"]),
        "hearings": values(&h.hearings),
        "enrolments": values(&h.enrolments),
        "enrolment_history": values(&h.enrolment_history),
        "attendance": values(&h.attendance),
        "enforcement": values(&h.enforcement),
        "aim_ratings": values(&h.aim_ratings),
        "court_reports": court_reports(h),
        "reoffences": values(&h.reoffences),
        "retention_decisions": values(&h.retention_decisions),
        "audit": audit,
    })
}

/// In which form the export is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Pdf,
}

/// The export of one man's data (probation, administrators), audited as a
/// `disclose` to `recipient`.
pub async fn export(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
    recipient: Option<&str>,
    format: Format,
) -> AppResult<(Value, ReportFile)> {
    actor.require(Capability::ExportSubjectData)?;
    let recipient = check_recipient(recipient)?
        .unwrap_or(DEFAULT_RECIPIENT)
        .to_string();
    let held = subject_access_repo::held(&app.db, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let reference = reference(person_id, now);
    let doc = document(&held, &reference, &recipient, now);
    let (file_name, bytes) = match format {
        Format::Json => (
            format!("subject-access-{reference}.json"),
            serde_json::to_vec_pretty(&doc).map_err(AppError::internal)?,
        ),
        Format::Pdf => {
            let report = subject_access::content(&doc, &reference, actor.display_name(), now);
            let bytes = crate::services::reports::render_pdf(report).await?;
            (format!("subject-access-{reference}.pdf"), bytes)
        }
    };
    audit::record_alone(
        app,
        actor,
        now,
        AuditEntry::new(AuditAction::Disclose)
            .record("subject_access", person_id)
            .person(person_id)
            .recipient(recipient)
            .reason(format!(
                "{reference}, {} export generated {}",
                match format {
                    Format::Json => "JSON",
                    Format::Pdf => "PDF",
                },
                format_datetime(now)
            )),
    )
    .await?;
    Ok((doc, ReportFile { file_name, bytes }))
}

/// The man a subject access request is about, for the export page (probation,
/// administrators), audited as a consult of his record.
pub async fn subject(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<crate::db::people_repo::Person> {
    actor.require(Capability::ExportSubjectData)?;
    let person = crate::db::people_repo::find(&app.db, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("subject_access", person_id)
            .person(person_id),
    )
    .await?;
    Ok(person)
}

/// The man holding a reference, for a request that quotes it (probation,
/// administrators). A reference typed with a mistake is refused with a field
/// message, as is one nobody holds.
pub async fn find_reference(app: &AppState, actor: &Actor, typed: &str) -> AppResult<i32> {
    actor.require(Capability::ExportSubjectData)?;
    let Some(reference) = crate::domain::identifiers::looks_like_reference(typed) else {
        return Err(AppError::invalid(
            "reference",
            "Enter the reference as written, like KC-7QX4-MRC: this one has a mistyped character or is not a reference",
        ));
    };
    crate::db::people_repo::find_by_reference(&app.db, &reference)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| AppError::invalid("reference", "Nobody is recorded with that reference"))
}
