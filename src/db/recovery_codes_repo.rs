//! Queries on `recovery_codes`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use super::entities::recovery_codes;

pub use recovery_codes::Model as RecoveryCode;

/// Replace a user's codes with these hashes.
pub async fn replace(
    db: &impl ConnectionTrait,
    user_id: i32,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    delete_for_user(db, user_id).await?;
    if hashes.is_empty() {
        return Ok(());
    }
    recovery_codes::Entity::insert_many(hashes.iter().map(|h| recovery_codes::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(h.clone()),
        created_at: Set(now),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A user's codes not yet used.
pub async fn unused(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<RecoveryCode>, DbErr> {
    recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .all(db)
        .await
}

/// Mark a code used; false when it already was (two sign-ins racing).
pub async fn mark_used(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = recovery_codes::Entity::update_many()
        .col_expr(recovery_codes::Column::UsedAt, Expr::val(now))
        .filter(recovery_codes::Column::Id.eq(id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Remove all of a user's codes (two-step turned off or reset).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
