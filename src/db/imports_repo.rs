//! Queries on `imports` (uploaded files waiting for, or after, import).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use super::entities::imports;
use crate::domain::arrest_import::ImportStatus;

pub use imports::Model as ImportRun;

/// Keep a checked file until it is imported.
pub async fn insert(
    db: &impl ConnectionTrait,
    file_name: &str,
    rows: i32,
    content: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<ImportRun, DbErr> {
    imports::ActiveModel {
        file_name: Set(file_name.to_string()),
        rows: Set(rows),
        imported: Set(0),
        skipped_existing: Set(0),
        status: Set(ImportStatus::Checked),
        content: Set(Some(content.to_string())),
        errors: Set(None),
        error: Set(None),
        created_at: Set(now),
        created_by: Set(by),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One run.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<ImportRun>, DbErr> {
    imports::Entity::find_by_id(id).one(db).await
}

/// Claim a checked run for importing; false if it was already claimed.
pub async fn claim(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let r = imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::val(ImportStatus::Running))
        .filter(imports::Column::Id.eq(id))
        .filter(imports::Column::Status.eq(ImportStatus::Checked))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Record how a run ended; the file's content (personal data) is dropped.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: i32,
    status: ImportStatus,
    imported: i32,
    skipped: i32,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::val(status))
        .col_expr(imports::Column::Imported, Expr::val(imported))
        .col_expr(imports::Column::SkippedExisting, Expr::val(skipped))
        .col_expr(imports::Column::Error, Expr::val(error))
        .col_expr(imports::Column::Content, Expr::val(Option::<String>::None))
        .col_expr(imports::Column::FinishedAt, Expr::val(Some(now)))
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Drop the content of uploads never imported within a day, and mark runs
/// left "running" by a stopped server as failed (their transaction was
/// rolled back, so nothing was imported).
pub async fn expire(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let unused = imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::val(ImportStatus::Expired))
        .col_expr(imports::Column::Content, Expr::val(Option::<String>::None))
        .filter(imports::Column::Status.eq(ImportStatus::Checked))
        .filter(imports::Column::CreatedAt.lt(now - chrono::Duration::days(1)))
        .exec(db)
        .await?
        .rows_affected;
    let stuck = imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::val(ImportStatus::Failed))
        .col_expr(imports::Column::Content, Expr::val(Option::<String>::None))
        .col_expr(imports::Column::Error, Expr::val(Some("The server stopped during the import; nothing was imported. Upload the file again.".to_string())))
        .filter(imports::Column::Status.eq(ImportStatus::Running))
        .filter(imports::Column::CreatedAt.lt(now - chrono::Duration::hours(1)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(unused + stuck)
}
