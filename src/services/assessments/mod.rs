//! Risk assessments: start (prefilled), save drafts section by section,
//! complete and lock, start a new version. Only probation sees them; every
//! view is audited. DASH answers and the narrative never leave this service
//! except to probation.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::Value;

use crate::auth::Actor;
use crate::db::assessments_repo::{self, Assessment, Summary};
use crate::db::referrals_repo::Referral;
use crate::db::{people_repo, referrals_repo, users_repo};
use crate::domain::assessment::{
    AssessmentInput, AssessmentResults, AssessmentStatus, Suitability, check_complete, check_draft,
    partial_results,
};
use crate::domain::audit_action::AuditAction;
use crate::domain::dash::DashSettings;
use crate::domain::referral::ReferralStatus;
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::services::referrals::move_referrals;
use crate::state::AppState;

mod start;
mod together;

use start::{Check, insert_new};
pub use start::{create, require_api_fields, start};
pub use together::{Whole, record_completed};

/// An assessment is case data that administrators (who read the audit log)
/// must not see: its changes are logged by part name only, never by value.
const REDACTED: &str = "[assessment content: not copied to the audit log]";

fn settings(app: &AppState) -> DashSettings {
    app.dash()
}

fn summary(input: &AssessmentInput, results: &AssessmentResults) -> Summary {
    Summary {
        suitability: input.suitability.as_deref().and_then(Suitability::parse),
        rosh_overall: results.rosh.as_ref().map(|r| r.overall()),
        ogrs3_two_year_percent: results.ogrs3.as_ref().map(|o| o.two_year_percent as i32),
        known_to_marac: input
            .domestic_abuse
            .as_ref()
            .and_then(|d| d.known_to_marac)
            .unwrap_or(false),
    }
}

fn parse_content(a: &Assessment) -> AssessmentInput {
    serde_json::from_str(&a.content).unwrap_or_default()
}

fn conflict_locked() -> AppError {
    AppError::conflict("This assessment is completed and locked. Start a new version to change it.")
}

/// An assessment as probation sees it.
#[derive(Clone, Debug, Serialize)]
pub struct AssessmentView {
    pub assessment: Assessment,
    /// The man assessed (for the identity bar).
    pub person: crate::db::people_repo::Person,
    pub input: AssessmentInput,
    pub results: AssessmentResults,
    pub author_name: Option<String>,
    pub is_author: bool,
}

async fn load(app: &AppState, actor: &Actor, id: i32) -> AppResult<Assessment> {
    actor.require(Capability::ManageCases)?;
    assessments_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Read a draft to change it: only its author may, and a completed one is
/// locked (409). The one home of that rule for the section forms.
pub async fn editable(app: &AppState, actor: &Actor, id: i32) -> AppResult<AssessmentView> {
    let v = view(app, actor, id).await?;
    if v.assessment.status != AssessmentStatus::Draft {
        return Err(conflict_locked());
    }
    if !v.is_author {
        return Err(AppError::Forbidden);
    }
    Ok(v)
}

/// Read an assessment (probation), audited as a consult.
pub async fn view(app: &AppState, actor: &Actor, id: i32) -> AppResult<AssessmentView> {
    let assessment = load(app, actor, id).await?;
    let input = parse_content(&assessment);
    let results = partial_results(&input, &settings(app));
    let author_name = users_repo::names_for(&app.db, &[assessment.author_id])
        .await?
        .remove(&assessment.author_id);
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("assessment", id)
            .person(assessment.person_id),
    )
    .await?;
    let is_author = actor.user_id() == Some(assessment.author_id);
    let person = people_repo::find(&app.db, assessment.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AssessmentView {
        assessment,
        person,
        input,
        results,
        author_name,
        is_author,
    })
}

fn diff_entry(id: i32, person_id: i32, old: &AssessmentInput, new: &AssessmentInput) -> AuditEntry {
    let mut entry = AuditEntry::new(AuditAction::Alter)
        .record("assessment", id)
        .person(person_id);
    let (o, n) = (
        serde_json::to_value(old).unwrap_or_default(),
        serde_json::to_value(new).unwrap_or_default(),
    );
    if let (Value::Object(o), Value::Object(n)) = (o, n) {
        for (k, nv) in &n {
            if o.get(k).unwrap_or(&Value::Null) != nv {
                entry = entry.change(k, REDACTED, REDACTED);
            }
        }
    }
    entry
}

/// Check a changed draft: parts that changed must be valid; parts left as
/// they were (such as a prefill still being completed) are not held against
/// the change.
fn check_changed_parts(
    old: &AssessmentInput,
    new: &AssessmentInput,
    settings: &DashSettings,
) -> AppResult<AssessmentResults> {
    match check_draft(new, settings) {
        Ok(r) => Ok(r),
        Err(errors) => {
            let (o, n) = (
                serde_json::to_value(old).unwrap_or_default(),
                serde_json::to_value(new).unwrap_or_default(),
            );
            let mut relevant = crate::domain::validation::FieldErrors::new();
            for (field, message) in errors.iter() {
                let part = field.split('.').next().unwrap_or(field);
                if o.get(part) != n.get(part) {
                    relevant.add(field, message);
                }
            }
            if relevant.is_empty() {
                Ok(partial_results(new, settings))
            } else {
                Err(AppError::Invalid(relevant))
            }
        }
    }
}

/// Replace a draft's content (author only; a completed assessment answers
/// 409). `lock_version`, when given, must match what the editor loaded.
pub async fn save(
    app: &AppState,
    actor: &Actor,
    id: i32,
    lock_version: Option<i32>,
    input: &AssessmentInput,
) -> AppResult<Assessment> {
    let a = load(app, actor, id).await?;
    if a.status != AssessmentStatus::Draft {
        return Err(conflict_locked());
    }
    if actor.user_id() != Some(a.author_id) {
        return Err(AppError::Forbidden);
    }
    let results = check_changed_parts(&parse_content(&a), input, &settings(app))?;
    let now = app.now();
    let txn = app.begin_write().await?;
    let content = serde_json::to_string(input).map_err(AppError::internal)?;
    if assessments_repo::save_draft(
        &txn,
        id,
        lock_version.unwrap_or(a.lock_version),
        &content,
        &summary(input, &results),
        now,
    )
    .await?
        == 0
    {
        return Err(AppError::conflict(
            "This assessment changed since you opened it (or was completed). Reload it and make your change again.",
        ));
    }
    audit::record(
        &txn,
        actor,
        now,
        diff_entry(id, a.person_id, &parse_content(&a), input),
    )
    .await?;
    txn.commit().await?;
    assessments_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Change one part of a draft (a task-list section).
pub async fn save_section(
    app: &AppState,
    actor: &Actor,
    id: i32,
    lock_version: i32,
    change: impl FnOnce(&mut AssessmentInput),
) -> AppResult<Assessment> {
    let a = load(app, actor, id).await?;
    let mut input = parse_content(&a);
    change(&mut input);
    save(app, actor, id, Some(lock_version), &input).await
}

/// Complete and lock (author only). The man's previous completed version is
/// superseded and the referral marked assessed.
pub async fn complete(app: &AppState, actor: &Actor, id: i32) -> AppResult<Assessment> {
    let a = load(app, actor, id).await?;
    if a.status != AssessmentStatus::Draft {
        return Err(conflict_locked());
    }
    if actor.user_id() != Some(a.author_id) {
        return Err(AppError::Forbidden);
    }
    let input = parse_content(&a);
    check_complete(&input, &settings(app)).map_err(AppError::Invalid)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    let previous = assessments_repo::current_completed(&txn, a.person_id).await?;
    let referral = match a.referral_id {
        Some(rid) => referrals_repo::find(&txn, rid).await?,
        None => None,
    };
    let completing = Completing {
        assessment: &a,
        previous: previous.as_ref(),
        referral: referral.as_ref(),
    };
    write_complete(&txn, actor, &[completing], now).await?;
    txn.commit().await?;
    assessments_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Lock drafts as completed, supersede each man's previous completed
/// version, and mark the referrals they answer assessed, in the caller's
/// transaction, which read them; a conflict when any draft was no longer
/// one. Each content must have passed `check_complete`.
async fn write_complete(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    set: &[Completing<'_>],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let ids: Vec<i32> = set.iter().map(|c| c.assessment.id).collect();
    let completed = AssessmentStatus::Completed;
    if assessments_repo::set_status(txn, &ids, AssessmentStatus::Draft, completed, now).await?
        != ids.len() as u64
    {
        return Err(conflict_locked());
    }
    let superseded: Vec<(&Assessment, &Assessment)> = set
        .iter()
        .filter_map(|c| {
            let p = c.previous.filter(|p| p.id != c.assessment.id)?;
            Some((p, c.assessment))
        })
        .collect();
    let previous: Vec<i32> = superseded.iter().map(|(p, _)| p.id).collect();
    let superseding = AssessmentStatus::Superseded;
    assessments_repo::set_status(txn, &previous, completed, superseding, now).await?;
    let mut entries: Vec<AuditEntry> = superseded
        .iter()
        .map(|(p, a)| {
            AuditEntry::new(AuditAction::Alter)
                .record("assessment", p.id)
                .person(a.person_id)
                .change("status", "completed", "superseded")
                .reason(format!("superseded by assessment {}", a.id))
        })
        .collect();
    entries.extend(set.iter().map(|c| {
        AuditEntry::new(AuditAction::Alter)
            .record("assessment", c.assessment.id)
            .person(c.assessment.person_id)
            .change("status", "draft", "completed")
    }));
    audit::record_many(txn, actor, now, entries).await?;
    let moves: Vec<_> = set
        .iter()
        .filter_map(|c| {
            c.referral
                .filter(|r| r.status == ReferralStatus::InAssessment)
        })
        .map(|r| (r, ReferralStatus::Assessed, r.assigned_to))
        .collect();
    move_referrals(txn, actor, &moves, "assessment completed", now).await?;
    Ok(())
}

/// A draft to complete, with the man's completed version it supersedes and
/// the referral it answers, as they stand.
struct Completing<'a> {
    assessment: &'a Assessment,
    previous: Option<&'a Assessment>,
    referral: Option<&'a Referral>,
}

/// Start a new version from a completed assessment (it stays in force until
/// the new one is completed).
pub async fn new_version(app: &AppState, actor: &Actor, id: i32) -> AppResult<Assessment> {
    let a = load(app, actor, id).await?;
    if a.status == AssessmentStatus::Draft {
        return Err(AppError::conflict(
            "This assessment is still a draft: change it directly.",
        ));
    }
    let input = parse_content(&a);
    insert_new(
        app,
        actor,
        a.person_id,
        a.referral_id,
        Some(a.id),
        &input,
        Check::Strict,
    )
    .await
}

/// One of a man's assessments, as his assessments list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct AssessmentListing {
    pub assessment: Assessment,
    pub author_name: Option<String>,
    /// Its OGRS3 score is for a caution, so only indicative.
    pub ogrs3_indicative: bool,
}

/// A man's assessments, newest first (probation).
pub async fn for_person(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<Vec<AssessmentListing>> {
    actor.require(Capability::ManageCases)?;
    let list = assessments_repo::for_person(&app.db, person_id).await?;
    let authors: Vec<i32> = list.iter().map(|a| a.author_id).collect();
    let names = users_repo::names_for(&app.db, &authors).await?;
    Ok(list
        .into_iter()
        .map(|a| AssessmentListing {
            author_name: names.get(&a.author_id).cloned(),
            ogrs3_indicative: parse_content(&a)
                .ogrs3
                .and_then(|o| o.current_sanction)
                .and_then(|c| crate::domain::ogrs3::CurrentSanction::parse(&c))
                == Some(crate::domain::ogrs3::CurrentSanction::Caution),
            assessment: a,
        })
        .collect())
}

/// The one line a facilitator is told of a man's assessment (decision and
/// contact issues), from his current completed assessment.
pub(crate) async fn facilitator_summary_of(
    db: &impl sea_orm::ConnectionTrait,
    person_id: i32,
) -> AppResult<String> {
    Ok(facilitator_summaries_of(db, &[person_id])
        .await?
        .remove(&person_id)
        .unwrap_or_default())
}

/// [`facilitator_summary_of`] for several men in one query (a register).
pub(crate) async fn facilitator_summaries_of(
    db: &impl sea_orm::ConnectionTrait,
    person_ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, String>> {
    let newest = assessments_repo::current_summaries_of(db, person_ids).await?;
    Ok(person_ids
        .iter()
        .map(|id| {
            let a = newest.get(id);
            let summary = crate::domain::assessment::facilitator_summary(
                a.and_then(|a| a.suitability),
                a.and_then(|a| a.rosh_overall)
                    .is_some_and(|r| r >= crate::domain::rosh::RoshLevel::High),
                a.is_some_and(|a| a.known_to_marac),
            );
            (*id, summary)
        })
        .collect())
}
