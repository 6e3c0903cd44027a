//! Small helpers shared by the migrations: named indexes, foreign keys, and
//! append-only tables (triggers that refuse UPDATE and DELETE, written once
//! for SQLite and once for PostgreSQL).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// A named index on `table` over `cols`.
pub fn index(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

/// Drop the index `name` on `table` (a migration's `down`).
pub fn drop_index(name: &str, table: &str) -> IndexDropStatement {
    Index::drop().name(name).table(Alias::new(table)).to_owned()
}

/// A named foreign key that refuses to delete a row still referred to.
pub fn fk(name: &str, from: (&str, &str), to: (&str, &str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to.0), Alias::new(to.1))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// Refuse UPDATE and DELETE on `table` at the database level.
pub async fn make_append_only(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
                 BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                 FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change();"
            ))
            .await?;
        }
        _ => {
            for (name, event) in [("no_update", "UPDATE"), ("no_delete", "DELETE")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_{name} BEFORE {event} ON {table}
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

/// Remove what [`make_append_only`] created (used by `down` migrations).
pub async fn drop_append_only(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        DbBackend::Postgres => {
            for name in ["no_update", "no_delete", "no_truncate"] {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_{name} ON {table};"
                ))
                .await?;
            }
            db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {table}_refuse_change();"))
                .await?;
        }
        _ => {
            for name in ["no_update", "no_delete"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_{name};"))
                    .await?;
            }
        }
    }
    Ok(())
}

/// SQLite only: refuse an INSERT that names the id of a row already there.
/// `REPLACE INTO` / `INSERT OR REPLACE` delete the old row without firing
/// DELETE triggers, so [`make_append_only`] alone would let them overwrite an
/// entry. On PostgreSQL, `INSERT ... ON CONFLICT DO UPDATE` fires the UPDATE
/// trigger and a plain duplicate id is a unique violation, so nothing is added.
pub async fn refuse_overwrite(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if m.get_database_backend() == DbBackend::Sqlite {
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_overwrite BEFORE INSERT ON {table}
                 WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
                 BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            ))
            .await?;
    }
    Ok(())
}

/// Remove what [`refuse_overwrite`] created.
pub async fn drop_refuse_overwrite(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if m.get_database_backend() == DbBackend::Sqlite {
        m.get_connection()
            .execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_no_overwrite;"))
            .await?;
    }
    Ok(())
}
