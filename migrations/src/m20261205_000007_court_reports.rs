//! Court reports: drafts the probation officer writes, locked once
//! submitted. A submitted report keeps a frozen copy of what it said
//! (`snapshot`) so it prints the same for as long as it is kept; a
//! correction is a new row naming the one it replaces (`supersedes_id`),
//! in the same series (`series_id`, the first version's id; null on the
//! first version itself).
//!
//! The database refuses to change a submitted report (anything but moving
//! it to `superseded`) and to delete any report.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns a submitted report may never change.
pub(crate) const FROZEN: &[&str] = &[
    "person_id",
    "arrest_id",
    "series_id",
    "version_number",
    "supersedes_id",
    "court",
    "hearing_date",
    "content",
    "author_id",
    "submitted_at",
    "submitted_by",
    "snapshot",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("court_reports")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(integer("arrest_id"))
                .col(integer_null("series_id"))
                .col(integer("version_number"))
                .col(integer_null("supersedes_id"))
                .col(string("status"))
                .col(string("court"))
                .col(date("hearing_date"))
                .col(text("content"))
                .col(integer("author_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(integer_null("submitted_by"))
                .col(text_null("snapshot"))
                .col(integer("lock_version").default(1))
                .foreign_key(&mut fk(
                    "fk-court_reports-person_id",
                    ("court_reports", "person_id"),
                    ("people", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk-court_reports-arrest_id",
                    ("court_reports", "arrest_id"),
                    ("arrests", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk-court_reports-author_id",
                    ("court_reports", "author_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx-court_reports-person", &["person_id"][..]),
            ("idx-court_reports-arrest", &["arrest_id"][..]),
            ("idx-court_reports-series", &["series_id"][..]),
        ] {
            m.create_index(index(name, "court_reports", cols)).await?;
        }
        lock_submitted(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                for t in ["court_reports_locked", "court_reports_no_delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t} ON court_reports;"))
                        .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS court_reports_refuse_change();")
                    .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS court_reports_refuse_delete();")
                    .await?;
            }
            _ => {
                for t in ["court_reports_locked", "court_reports_no_delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t};"))
                        .await?;
                }
            }
        }
        m.drop_table(Table::drop().table(Alias::new("court_reports")).to_owned())
            .await
    }
}

/// Triggers: a submitted or superseded report keeps every frozen column;
/// the only change allowed once submitted is submitted -> superseded.
async fn lock_submitted(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let same = |old: &str, new: &str, op: &str| {
        FROZEN
            .iter()
            .map(|c| format!("{new}.{c} {op} {old}.{c}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    match m.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION court_reports_refuse_change() RETURNS trigger AS $$
                 BEGIN
                   IF OLD.status <> 'draft' AND NOT (
                        OLD.status = 'submitted' AND NEW.status = 'superseded'
                        AND {}) THEN
                     RAISE EXCEPTION 'a submitted court report is locked';
                   END IF;
                   RETURN NEW;
                 END; $$ LANGUAGE plpgsql;",
                same("OLD", "NEW", "IS NOT DISTINCT FROM")
            ))
            .await?;
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION court_reports_refuse_delete() RETURNS trigger AS $$
                 BEGIN RAISE EXCEPTION 'court reports are never deleted'; END; $$ LANGUAGE plpgsql;",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER court_reports_locked BEFORE UPDATE ON court_reports
                 FOR EACH ROW EXECUTE FUNCTION court_reports_refuse_change();",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER court_reports_no_delete BEFORE DELETE ON court_reports
                 FOR EACH ROW EXECUTE FUNCTION court_reports_refuse_delete();",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER court_reports_locked BEFORE UPDATE ON court_reports
                 WHEN OLD.status <> 'draft' AND NOT (
                      OLD.status = 'submitted' AND NEW.status = 'superseded' AND {})
                 BEGIN SELECT RAISE(ABORT, 'a submitted court report is locked'); END;",
                same("OLD", "NEW", "IS")
            ))
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER court_reports_no_delete BEFORE DELETE ON court_reports
                 BEGIN SELECT RAISE(ABORT, 'court reports are never deleted'); END;",
            )
            .await?;
        }
    }
    Ok(())
}
