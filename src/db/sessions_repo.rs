//! Queries on `sessions` (server-side sign-in sessions).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::{sessions, users};
use super::users_repo::{UserWithRoles, all_with_roles, fold_roles};

pub use sessions::Model as Session;

/// Store a new session.
pub async fn insert(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i32,
    csrf_token: &str,
    user_agent: Option<String>,
    now: DateTime<Utc>,
) -> Result<Session, DbErr> {
    sessions::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.to_string()),
        created_at: Set(now),
        last_seen_at: Set(now),
        user_agent: Set(user_agent),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The session whose cookie hashes to `token_hash`, with its user and the
/// user's roles (`None` if the user is gone), in one statement: every
/// signed-in request asks.
pub async fn find_by_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<(Session, Option<UserWithRoles>)>, DbErr> {
    let select = sessions::Entity::find()
        .select_also(users::Entity)
        .join(
            JoinType::LeftJoin,
            sessions::Entity::belongs_to(users::Entity)
                .from(sessions::Column::UserId)
                .to(users::Column::Id)
                .into(),
        )
        .filter(sessions::Column::TokenHash.eq(token_hash));
    Ok(fold_roles(all_with_roles(db, select).await?))
}

/// The session with this id.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Session>, DbErr> {
    sessions::Entity::find_by_id(id).one(db).await
}

/// Mark the session as used now.
pub async fn touch(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<(), DbErr> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::val(now))
        .filter(sessions::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// End one session.
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<u64, DbErr> {
    Ok(sessions::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected)
}

/// End every session of a user, except optionally one.
pub async fn delete_for_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    except: Option<i32>,
) -> Result<u64, DbErr> {
    let mut q = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id));
    if let Some(keep) = except {
        q = q.filter(sessions::Column::Id.ne(keep));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Sessions of one user, newest first.
pub async fn for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<Session>, DbErr> {
    sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .order_by_desc(sessions::Column::LastSeenAt)
        .all(db)
        .await
}

/// A page of sessions that may still be live, most recently used first.
pub async fn list_recent(
    db: &impl ConnectionTrait,
    seen_since: DateTime<Utc>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Session>, u64), DbErr> {
    let q = sessions::Entity::find().filter(sessions::Column::LastSeenAt.gte(seen_since));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(sessions::Column::LastSeenAt)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Remove sessions that can no longer be used.
pub async fn delete_stale(
    db: &impl ConnectionTrait,
    idle_cutoff: DateTime<Utc>,
    absolute_cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(sessions::Entity::delete_many()
        .filter(
            sessions::Column::LastSeenAt
                .lt(idle_cutoff)
                .or(sessions::Column::CreatedAt.lt(absolute_cutoff)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
