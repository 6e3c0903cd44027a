//! Settings kept in the database (so that every app server sees the same).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// A setting's raw value.
pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT value FROM settings WHERE key = $1",
        _ => "SELECT value FROM settings WHERE key = ?",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into()]))
        .await?;
    row.map(|r| r.try_get::<String>("", "value")).transpose()
}

/// Set a setting.
pub async fn put(
    db: &impl ConnectionTrait,
    key: &str,
    value: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by"
        }
        _ => {
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by"
        }
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [key.into(), value.into(), now.into(), by.into()],
    ))
    .await?;
    Ok(())
}

/// The configured list of areas / beats.
pub async fn areas(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(get(db, "areas")
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// Every saved setting, by key.
pub async fn all(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<String, String>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT key, value FROM settings",
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String>("", "key")?,
                r.try_get::<String>("", "value")?,
            ))
        })
        .collect()
}
