//! Retention review: the records due, one man's review, and the decision to
//! retain or dispose (rules in `domain::retention`). Disposal runs in one
//! transaction with its `erase` audit entry, which says who disposed of which
//! record and when, and how many rows were emptied, never what they held.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::auth::Actor;
use crate::db::people_repo::{self, Person};
use crate::db::retention_repo::{self, Decision, DueRow};
use crate::db::{enrolments_repo, hearings_repo, referrals_repo};
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::{from_london, london_date};
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::retention::{Blocker, RetentionDecision, RetentionRule, blockers, check_retain};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// The retention rule in force (an adjustable setting).
pub async fn rule(app: &AppState) -> AppResult<RetentionRule> {
    Ok(RetentionRule::new(app.adjustable().retention_years).unwrap_or_default())
}

/// Midnight (London) starting `date`, as a UTC instant.
fn start_of(date: NaiveDate) -> DateTime<Utc> {
    from_london(date.and_time(NaiveTime::MIN))
}

/// The records due for review today, oldest activity first (probation),
/// audited as a consult of the men listed.
pub async fn due(
    app: &AppState,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<(Vec<DueRow>, PageInfo, RetentionRule)> {
    actor.require(Capability::ReviewRetention)?;
    let rule = rule(app).await?;
    let today = london_date(app.now());
    let cutoff = start_of(rule.last_activity_cutoff(today));
    let (rows, total) =
        retention_repo::due(&app.db, cutoff, today, page.offset(), page.per_page).await?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("retention_review", "due")
            .people(rows.iter().map(|r| r.id))
            .reason(format!(
                "review list showed {} of {total} records",
                rows.len()
            )),
    )
    .await?;
    Ok((rows, PageInfo::new(page, total), rule))
}

/// One man's retention review.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    pub person: Person,
    pub last_activity: Option<NaiveDate>,
    pub review_date: NaiveDate,
    /// Has his review date come?
    pub due: bool,
    /// What stops a disposal now (empty: he may be disposed of).
    pub blockers: Vec<Blocker>,
    /// Earlier decisions, newest first.
    pub decisions: Vec<Decision>,
    pub rule: RetentionRule,
}

async fn gather(app: &AppState, person: Person) -> AppResult<Review> {
    let id = person.id;
    let rule = rule(app).await?;
    let today = london_date(app.now());
    let last_activity = retention_repo::last_activity(&app.db, id)
        .await?
        .map(london_date);
    let review_date = rule.review_date(
        last_activity.unwrap_or_else(|| london_date(person.created_at)),
        person.review_date,
    );
    let referrals: Vec<_> = referrals_repo::for_person(&app.db, id)
        .await?
        .into_iter()
        .map(|r| r.status)
        .collect();
    let enrolments: Vec<_> = enrolments_repo::for_person(&app.db, id)
        .await?
        .into_iter()
        .map(|e| e.status)
        .collect();
    let latest_hearing = hearings_repo::for_person(&app.db, id)
        .await?
        .into_iter()
        .max_by_key(|h| (h.hearing_date, h.id))
        .map(|h| h.outcome);
    Ok(Review {
        last_activity,
        review_date,
        due: review_date <= today,
        blockers: blockers(&referrals, &enrolments, latest_hearing),
        decisions: retention_repo::decisions(&app.db, id).await?,
        rule,
        person,
    })
}

async fn held(app: &AppState, id: i32) -> AppResult<Person> {
    people_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One man's review (probation), audited as a consult of his record.
pub async fn review(app: &AppState, actor: &Actor, id: i32) -> AppResult<Review> {
    actor.require(Capability::ReviewRetention)?;
    let person = held(app, id).await?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("retention_review", id)
            .person(id),
    )
    .await?;
    gather(app, person).await
}

/// Retain his record until `next_review` (`Err`: why the date typed could
/// not be read), with the reviewer's rationale.
pub async fn retain(
    app: &AppState,
    actor: &Actor,
    id: i32,
    rationale: &str,
    next_review: Result<NaiveDate, String>,
) -> AppResult<Decision> {
    actor.require(Capability::ReviewRetention)?;
    let person = held(app, id).await?;
    let today = london_date(app.now());
    let checked = check_retain(rationale, next_review, today).map_err(AppError::Invalid)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    let decision = retention_repo::decide(
        &txn,
        id,
        RetentionDecision::Retain,
        Some(&checked.rationale),
        Some(checked.next_review),
        actor.user_id(),
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Alter)
            .record("person", id)
            .person(id)
            .change("review_date", person.review_date, checked.next_review)
            .reason(format!("retained on review: {}", checked.rationale)),
    )
    .await?;
    txn.commit().await?;
    Ok(decision)
}

/// What a disposal did, for the page and the API.
#[derive(Clone, Debug, Serialize)]
pub struct Disposed {
    pub person_id: i32,
    pub disposed_at: DateTime<Utc>,
    /// Rows emptied or removed, per table.
    pub rows: Vec<(&'static str, u64)>,
}

/// Dispose of his record: refused before his review date and while anything
/// about him is in progress.
pub async fn dispose(app: &AppState, actor: &Actor, id: i32) -> AppResult<Disposed> {
    actor.require(Capability::ReviewRetention)?;
    let person = held(app, id).await?;
    let review = gather(app, person).await?;
    if !review.due {
        return Err(AppError::conflict(format!(
            "This record is not due for review until {}: it cannot be disposed of yet",
            crate::domain::london_time::format_date(review.review_date)
        )));
    }
    if let Some(first) = review.blockers.first() {
        return Err(AppError::conflict(first.message()));
    }
    let now = app.now();
    let txn = app.begin_write().await?;
    retention_repo::decide(
        &txn,
        id,
        RetentionDecision::Dispose,
        None,
        None,
        actor.user_id(),
        now,
    )
    .await?;
    let rows =
        retention_repo::erase_person(&txn, id, review.person.date_of_birth, actor.user_id(), now)
            .await?;
    if rows.first().map(|(_, n)| *n) != Some(1) {
        return Err(AppError::conflict(
            "Someone else disposed of this record a moment ago",
        ));
    }
    let summary: Vec<String> = rows
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{table} {n}"))
        .collect();
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Erase)
            .record("person", id)
            .person(id)
            .reason(format!(
                "disposed of under the retention rule; rows emptied: {}",
                summary.join(", ")
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(Disposed {
        person_id: id,
        disposed_at: now,
        rows,
    })
}
