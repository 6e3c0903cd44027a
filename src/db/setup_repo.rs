//! First-run setup tokens and the "setup completed" marker.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, Statement,
};

use super::entities::setup_tokens;

/// Store a new setup token's hash.
pub async fn insert(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    setup_tokens::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        created_at: Set(now),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Is there an unused token with this hash?
pub async fn is_valid(db: &impl ConnectionTrait, token_hash: &str) -> Result<bool, DbErr> {
    Ok(setup_tokens::Entity::find()
        .filter(setup_tokens::Column::TokenHash.eq(token_hash))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .one(db)
        .await?
        .is_some())
}

/// Claim setup: succeeds once only, even with several app servers (a primary
/// key on the marker row), and uses up every setup token.
pub async fn claim(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let inserted = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING"
                }
                _ => "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
            },
            ["setup_completed".into(), now.to_rfc3339().into(), now.into()],
        ))
        .await?
        .rows_affected();
    setup_tokens::Entity::update_many()
        .col_expr(setup_tokens::Column::UsedAt, Expr::val(now))
        .filter(setup_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(inserted == 1)
}
