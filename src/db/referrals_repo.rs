//! Queries on `referrals` and their status history.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::{arrests, referral_status_history, referrals};
use super::people_repo::ListedMan;
use crate::domain::arrest::Disposal;
use crate::domain::referral::ReferralStatus;

pub use referrals::Model as Referral;

/// A referral to open: the man, the arrest whose disposal makes it, the
/// disposal and when the referral is due.
#[derive(Clone, Copy, Debug)]
pub struct NewReferral {
    pub person_id: i32,
    pub arrest_id: i32,
    pub reason: Disposal,
    pub due: NaiveDate,
}

/// Referrals in one multi-row insert (8 columns each).
const REFERRALS_IN_ONE_STATEMENT: usize = 1000;

/// Open referrals (status `new`), each with its first history row, several
/// to a statement; answered in the order given.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    new: &[NewReferral],
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<Referral>, DbErr> {
    let mut out = Vec::with_capacity(new.len());
    for chunk in new.chunks(REFERRALS_IN_ONE_STATEMENT) {
        let rows = chunk.iter().map(|n| referrals::ActiveModel {
            person_id: Set(n.person_id),
            arrest_id: Set(n.arrest_id),
            reason: Set(n.reason),
            due_date: Set(n.due),
            status: Set(ReferralStatus::New),
            assigned_to: Set(None),
            created_at: Set(now),
            created_by: Set(by),
            version: Set(1),
            ..Default::default()
        });
        let written = referrals::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        // RETURNING promises no order: match each to the one sent by
        // arrest (referrals of one arrest sent together are alike)
        let mut by_arrest: HashMap<(i32, Disposal, NaiveDate), Vec<Referral>> = HashMap::new();
        for r in written {
            by_arrest
                .entry((r.arrest_id, r.reason, r.due_date))
                .or_default()
                .push(r);
        }
        let mut opened = Vec::with_capacity(chunk.len());
        for n in chunk {
            let r = by_arrest
                .get_mut(&(n.arrest_id, n.reason, n.due))
                .and_then(Vec::pop)
                .ok_or_else(|| DbErr::Custom("a referral sent was not written".into()))?;
            opened.push(r);
        }
        let history = opened.iter().map(|r| referral_status_history::ActiveModel {
            referral_id: Set(r.id),
            from_status: Set(None),
            to_status: Set(r.status),
            assigned_to: Set(None),
            at: Set(now),
            by_user_id: Set(by),
            note: Set(Some(format!("Made by the disposal: {}", r.reason.label()))),
            ..Default::default()
        });
        referral_status_history::Entity::insert_many(history)
            .exec(db)
            .await?;
        out.extend(opened);
    }
    Ok(out)
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

/// A referral as the queue page lists it: with its man as a list names him
/// and when the arrest was made, and no more of either.
#[derive(Clone, Debug)]
pub struct ListedReferral {
    pub referral: Referral,
    /// `None` only if the man's row is gone.
    pub man: Option<ListedMan>,
    pub arrested_at: Option<DateTime<Utc>>,
}

/// One row of [`queue_listed`]'s join; the columns from `people` and
/// `arrests` are named apart from the referral's own.
#[derive(FromQueryResult)]
struct ListedReferralRow {
    #[sea_orm(nested)]
    referral: Referral,
    man_reference: Option<String>,
    man_surname: Option<String>,
    man_forenames: Option<String>,
    arrested_at: Option<DateTime<Utc>>,
}

/// A page of the queue as [`queue`] orders it, each referral with its man's
/// name and reference and the arrest's time, in one statement: a page of 50
/// then decodes 50 narrow rows instead of 50 whole people and 50 whole
/// arrests besides the referrals (on SQLite the page then served about 40 %
/// more requests a second; benches/RESULTS.md, "Pages read what they show").
pub async fn queue_listed(
    db: &impl ConnectionTrait,
    f: &QueueFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<ListedReferral>, DbErr> {
    let rows = super::people_repo::with_listed_man(queue_query(f), referrals::Column::PersonId)
        .column_as(arrests::Column::ArrestedAt, "arrested_at")
        .join(
            JoinType::LeftJoin,
            referrals::Entity::belongs_to(arrests::Entity)
                .from(referrals::Column::ArrestId)
                .to(arrests::Column::Id)
                .into(),
        )
        .order_by_asc(referrals::Column::DueDate)
        .order_by_asc(referrals::Column::Id)
        .offset(offset)
        .limit(limit)
        .into_model::<ListedReferralRow>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ListedReferral {
            man: ListedMan::joined(
                r.referral.person_id,
                r.man_reference,
                r.man_surname,
                r.man_forenames,
            ),
            arrested_at: r.arrested_at,
            referral: r.referral,
        })
        .collect())
}

/// How many referrals the queue holds under `f`.
pub async fn queue_count(db: &impl ConnectionTrait, f: &QueueFilter) -> Result<u64, DbErr> {
    queue_query(f).count(db).await
}

/// A referral to move: to a status, assigned to someone, with the note its
/// history row keeps.
pub struct Move<'a> {
    pub referral: &'a Referral,
    pub to: ReferralStatus,
    pub assigned_to: Option<i32>,
    pub note: String,
}

/// Referrals in one UPDATE's `IN` list.
const MOVES_IN_ONE_STATEMENT: usize = 500;

/// Move referrals, each only if it is still at the version read, and write
/// their history rows; the count moved. Fewer than given when someone moved
/// one first: the caller must then drop its transaction. Moves sharing a
/// status, assignee and version (in a set, usually all) go in one UPDATE.
pub async fn move_many(
    db: &impl ConnectionTrait,
    moves: &[Move<'_>],
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut alike: HashMap<(ReferralStatus, Option<i32>, i32), Vec<i32>> = HashMap::new();
    for m in moves {
        alike
            .entry((m.to, m.assigned_to, m.referral.version))
            .or_default()
            .push(m.referral.id);
    }
    let mut moved = 0;
    for ((to, assigned_to, version), ids) in alike {
        for chunk in ids.chunks(MOVES_IN_ONE_STATEMENT) {
            moved += referrals::Entity::update_many()
                .col_expr(referrals::Column::Status, Expr::val(to))
                .col_expr(referrals::Column::AssignedTo, Expr::val(assigned_to))
                .col_expr(
                    referrals::Column::Version,
                    Expr::col(referrals::Column::Version).add(1),
                )
                .filter(referrals::Column::Id.is_in(chunk.iter().copied()))
                .filter(referrals::Column::Version.eq(version))
                .exec(db)
                .await?
                .rows_affected;
        }
    }
    if moved != moves.len() as u64 {
        return Ok(moved);
    }
    for chunk in moves.chunks(REFERRALS_IN_ONE_STATEMENT) {
        let history = chunk.iter().map(|m| referral_status_history::ActiveModel {
            referral_id: Set(m.referral.id),
            from_status: Set(Some(m.referral.status)),
            to_status: Set(m.to),
            assigned_to: Set(m.assigned_to),
            at: Set(now),
            by_user_id: Set(by),
            note: Set(Some(m.note.clone())),
            ..Default::default()
        });
        referral_status_history::Entity::insert_many(history)
            .exec_without_returning(db)
            .await?;
    }
    Ok(moved)
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
