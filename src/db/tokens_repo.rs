//! Queries on `api_tokens`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::entities::{api_tokens, users};
use super::users_repo::{UserWithRoles, all_with_roles, fold_roles};

pub use api_tokens::Model as ApiToken;

/// Store a new token (only its hash).
pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: i32,
    name: &str,
    token_hash: &str,
    token_prefix: &str,
    now: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<ApiToken, DbErr> {
    api_tokens::ActiveModel {
        expires_at: Set(expires_at),
        user_id: Set(user_id),
        name: Set(name.to_string()),
        token_hash: Set(token_hash.to_string()),
        token_prefix: Set(token_prefix.to_string()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A live token (neither revoked nor expired at `now`) by hash, with its
/// user and the user's roles (read together: every API request asks).
pub async fn find_live_by_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(ApiToken, Option<UserWithRoles>)>, DbErr> {
    let select = api_tokens::Entity::find()
        .select_also(users::Entity)
        .join(
            JoinType::LeftJoin,
            api_tokens::Entity::belongs_to(users::Entity)
                .from(api_tokens::Column::UserId)
                .to(users::Column::Id)
                .into(),
        )
        .filter(api_tokens::Column::TokenHash.eq(token_hash))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(api_tokens::Column::ExpiresAt.is_null())
                .add(api_tokens::Column::ExpiresAt.gt(now)),
        );
    Ok(fold_roles(all_with_roles(db, select).await?))
}

/// Revoke every live token of a user; how many.
pub async fn revoke_all_for_user(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::val(now))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// A user's tokens, newest first.
pub async fn for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<ApiToken>, DbErr> {
    api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user_id))
        .order_by_desc(api_tokens::Column::CreatedAt)
        .all(db)
        .await
}

/// Revoke one of a user's tokens; the count says whether it was theirs and live.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: i32,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::val(now))
        .filter(api_tokens::Column::Id.eq(id))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Note that a token was used.
pub async fn touch(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::LastUsedAt, Expr::val(now))
        .filter(api_tokens::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
