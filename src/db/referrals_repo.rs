//! Queries on `referrals` and their status history.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::{referral_status_history, referrals};
use crate::domain::referral::ReferralStatus;

pub use referrals::Model as Referral;

/// Open a referral (status `new`) with its first history row.
pub async fn insert(
    db: &impl ConnectionTrait,
    person_id: i32,
    arrest_id: i32,
    reason: crate::domain::arrest::Disposal,
    due: NaiveDate,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Referral, DbErr> {
    let r = referrals::ActiveModel {
        person_id: Set(person_id),
        arrest_id: Set(arrest_id),
        reason: Set(reason),
        due_date: Set(due),
        status: Set(ReferralStatus::New),
        assigned_to: Set(None),
        created_at: Set(now),
        created_by: Set(by),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    referral_status_history::ActiveModel {
        referral_id: Set(r.id),
        from_status: Set(None),
        to_status: Set(r.status),
        assigned_to: Set(None),
        at: Set(now),
        by_user_id: Set(by),
        note: Set(Some(format!("Made by the disposal: {}", reason.label()))),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(r)
}

/// The referrals made from one arrest.
pub async fn for_arrest(db: &impl ConnectionTrait, arrest_id: i32) -> Result<Vec<Referral>, DbErr> {
    referrals::Entity::find()
        .filter(referrals::Column::ArrestId.eq(arrest_id))
        .order_by_asc(referrals::Column::Id)
        .all(db)
        .await
}

/// A man's referrals, newest first.
pub async fn for_person(db: &impl ConnectionTrait, person_id: i32) -> Result<Vec<Referral>, DbErr> {
    referrals::Entity::find()
        .filter(referrals::Column::PersonId.eq(person_id))
        .order_by_desc(referrals::Column::Id)
        .all(db)
        .await
}

/// One referral.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Referral>, DbErr> {
    referrals::Entity::find_by_id(id).one(db).await
}

/// Several referrals by id, in queries of up to
/// [`IDS_IN_ONE_QUERY`](super::arrests_repo::IDS_IN_ONE_QUERY).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<std::collections::HashMap<i32, Referral>, DbErr> {
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(super::arrests_repo::IDS_IN_ONE_QUERY) {
        let rows = referrals::Entity::find()
            .filter(referrals::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    Ok(found)
}

/// Filters for the queue.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// Only these statuses (empty: every open status).
    pub statuses: Vec<ReferralStatus>,
    pub assigned_to: Option<i32>,
}

fn queue_query(f: &QueueFilter) -> sea_orm::Select<referrals::Entity> {
    let mut q = referrals::Entity::find();
    if f.statuses.is_empty() {
        q = q.filter(referrals::Column::Status.ne(ReferralStatus::Closed));
    } else {
        q = q.filter(referrals::Column::Status.is_in(f.statuses.iter().copied()));
    }
    if let Some(a) = f.assigned_to {
        q = q.filter(referrals::Column::AssignedTo.eq(a));
    }
    q
}

/// A page of the queue, most urgent (earliest due) first.
pub async fn queue(
    db: &impl ConnectionTrait,
    f: &QueueFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Referral>, DbErr> {
    queue_query(f)
        .order_by_asc(referrals::Column::DueDate)
        .order_by_asc(referrals::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
}

/// How many referrals the queue holds under `f`.
pub async fn queue_count(db: &impl ConnectionTrait, f: &QueueFilter) -> Result<u64, DbErr> {
    queue_query(f).count(db).await
}

/// Move a referral to `to` (and optionally re-assign it) if it is still at
/// `version`; writes the history row. 0 when someone else moved it first.
#[allow(clippy::too_many_arguments)]
pub async fn move_to(
    db: &impl ConnectionTrait,
    r: &Referral,
    to: ReferralStatus,
    assigned_to: Option<i32>,
    note: Option<String>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let n = referrals::Entity::update_many()
        .col_expr(referrals::Column::Status, Expr::val(to))
        .col_expr(referrals::Column::AssignedTo, Expr::val(assigned_to))
        .col_expr(
            referrals::Column::Version,
            Expr::col(referrals::Column::Version).add(1),
        )
        .filter(referrals::Column::Id.eq(r.id))
        .filter(referrals::Column::Version.eq(r.version))
        .exec(db)
        .await?
        .rows_affected;
    if n == 1 {
        referral_status_history::ActiveModel {
            referral_id: Set(r.id),
            from_status: Set(Some(r.status)),
            to_status: Set(to),
            assigned_to: Set(assigned_to),
            at: Set(now),
            by_user_id: Set(by),
            note: Set(note),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(n)
}

/// A referral's history, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    referral_id: i32,
) -> Result<Vec<referral_status_history::Model>, DbErr> {
    referral_status_history::Entity::find()
        .filter(referral_status_history::Column::ReferralId.eq(referral_id))
        .order_by_asc(referral_status_history::Column::Id)
        .all(db)
        .await
}
