//! Queries on the append-only `audit_log` (insert and read; the database
//! refuses UPDATE and DELETE).

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set, Statement,
};

use sea_orm::Condition;
use sea_orm::sea_query::Query;

use super::entities::{audit_log, audit_subjects};
use crate::domain::pagination::PageRequest;

/// Men listed in one INSERT: two values each, well under SQLite's limit
/// of 32,766 values in a statement and PostgreSQL's of 65,535.
const SUBJECTS_IN_ONE_STATEMENT: usize = 1000;

/// A new audit row.
pub struct NewAuditRow {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i32>,
    pub actor_username: String,
    pub api_token_id: Option<i32>,
    pub action: crate::domain::audit_action::AuditAction,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub person_id: Option<i32>,
    pub changes: Option<String>,
    pub recipient: Option<String>,
    pub reason: Option<String>,
    /// The men an event about many showed (stored in `audit_subjects`).
    pub subjects: Vec<i32>,
}

fn model(row: &NewAuditRow) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(row.at),
        actor_user_id: Set(row.actor_user_id),
        actor_username: Set(row.actor_username.clone()),
        api_token_id: Set(row.api_token_id),
        action: Set(row.action),
        record_type: Set(row.record_type.clone()),
        record_id: Set(row.record_id.clone()),
        person_id: Set(row.person_id),
        changes: Set(row.changes.clone()),
        recipient: Set(row.recipient.clone()),
        reason: Set(row.reason.clone()),
        ..Default::default()
    }
}

/// Append a row, and the men it showed.
pub async fn insert(db: &impl ConnectionTrait, row: NewAuditRow) -> Result<(), DbErr> {
    insert_many(db, std::slice::from_ref(&row)).await
}

/// Append several rows: those that list men one by one (each needs its id)
/// and then every man they list in as few statements as can hold them; the
/// rest in one statement.
pub async fn insert_many(db: &impl ConnectionTrait, rows: &[NewAuditRow]) -> Result<(), DbErr> {
    let (listing, plain): (Vec<&NewAuditRow>, Vec<&NewAuditRow>) =
        rows.iter().partition(|r| !r.subjects.is_empty());
    let mut subjects = Vec::new();
    for row in listing {
        let id = audit_log::Entity::insert(model(row))
            .exec(db)
            .await?
            .last_insert_id;
        subjects.extend(row.subjects.iter().map(|p| (id, *p)));
    }
    for chunk in subjects.chunks(SUBJECTS_IN_ONE_STATEMENT) {
        audit_subjects::Entity::insert_many(chunk.iter().map(|(audit_id, person_id)| {
            audit_subjects::ActiveModel {
                audit_id: Set(*audit_id),
                person_id: Set(*person_id),
                ..Default::default()
            }
        }))
        .exec(db)
        .await?;
    }
    if plain.is_empty() {
        return Ok(());
    }
    audit_log::Entity::insert_many(plain.into_iter().map(model))
        .exec(db)
        .await?;
    Ok(())
}

/// Filters for searching the log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_username: Option<String>,
    pub action: Option<crate::domain::audit_action::AuditAction>,
    pub person_id: Option<i32>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn filtered(f: &AuditFilter) -> Select<audit_log::Entity> {
    let mut q = audit_log::Entity::find();
    if let Some(u) = &f.actor_username {
        q = q.filter(audit_log::Column::ActorUsername.eq(u.clone()));
    }
    if let Some(a) = f.action {
        q = q.filter(audit_log::Column::Action.eq(a));
    }
    if let Some(p) = f.person_id {
        // About him alone, or one of the men a list or an export showed.
        q = q.filter(
            Condition::any().add(audit_log::Column::PersonId.eq(p)).add(
                audit_log::Column::Id.in_subquery(
                    Query::select()
                        .column(audit_subjects::Column::AuditId)
                        .from(audit_subjects::Entity)
                        .and_where(audit_subjects::Column::PersonId.eq(p))
                        .to_owned(),
                ),
            ),
        );
    }
    if let Some(t) = &f.record_type {
        q = q.filter(audit_log::Column::RecordType.eq(t.clone()));
    }
    if let Some(id) = &f.record_id {
        q = q.filter(audit_log::Column::RecordId.eq(id.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_log::Column::At.lt(to));
    }
    q
}

/// A page of matching rows, newest first, and the total.
pub async fn search(
    db: &impl ConnectionTrait,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let total = filtered(f).count(db).await?;
    let rows = filtered(f)
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Every matching row, oldest first.
pub async fn all_matching(
    db: &impl ConnectionTrait,
    f: &AuditFilter,
) -> Result<Vec<audit_log::Model>, DbErr> {
    filtered(f)
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
}

/// A man's timeline, newest first.
pub async fn person_timeline(
    db: &impl ConnectionTrait,
    person_id: i32,
    include_views: bool,
    page: PageRequest,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let mut q = audit_log::Entity::find().filter(audit_log::Column::PersonId.eq(person_id));
    if !include_views {
        q = q.filter(audit_log::Column::Action.ne("consult"));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The newest entry of each kind that records a change to personal data
/// (collect, alter, combine, erase): any write since gives a different
/// answer. Each is one step down the `(action, id)` index, all four in one
/// statement.
///
/// Not `max(id) ... WHERE action = ?`: with statistics, PostgreSQL answers
/// that by walking the primary key down from the newest entry until one of
/// the kind turns up, expecting the kinds to be spread evenly. They are not:
/// the newest entries are mostly page views (`consult`), and at 100,000 men
/// the walk took 60 ms for each kind. The row comparison below can only be
/// answered from the `(action, id)` index: it finds the newest entry at or
/// before (kind, the largest id), which is of the kind if the kind has any.
pub async fn last_changes(db: &impl ConnectionTrait) -> Result<[Option<i64>; 4], DbErr> {
    use crate::domain::audit_action::AuditAction;
    const KINDS: [AuditAction; 4] = [
        AuditAction::Collect,
        AuditAction::Alter,
        AuditAction::Combine,
        AuditAction::Erase,
    ];
    let newest = |a: AuditAction| {
        let kind = a.as_str();
        format!(
            "(SELECT id FROM (SELECT action, id FROM audit_log \
               WHERE (action, id) <= ('{kind}', {}) \
               ORDER BY action DESC, id DESC LIMIT 1) newest \
             WHERE action = '{kind}') AS newest_{kind}",
            i64::MAX
        )
    };
    let sql = format!("SELECT {}", KINDS.map(newest).join(", "));
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_log".into()))?;
    let mut out = [None; 4];
    for (slot, action) in out.iter_mut().zip(KINDS) {
        *slot = row.try_get::<Option<i64>>("", &format!("newest_{}", action.as_str()))?;
    }
    Ok(out)
}
