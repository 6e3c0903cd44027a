//! Retention review and disposal. A man's record is reviewed a set time after
//! his last activity; a reviewer either retains it (with a rationale and the
//! next review date) or disposes of it. Disposal empties his personal data and
//! every narrative about him but keeps the de-identified rows the statistics
//! count, so the append-only tables that hold narrative now allow one kind of
//! change: a narrative column emptied, every other column untouched.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::{fk, index, make_append_only, refuse_overwrite};
use crate::m20261205_000007_court_reports::FROZEN;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Append-only tables with narrative: (table, columns kept, columns a
/// disposal may empty).
const ERASABLE: &[(&str, &[&str], &[&str])] = &[
    (
        "enrolment_status_history",
        &[
            "id",
            "enrolment_id",
            "from_status",
            "to_status",
            "reason",
            "at",
            "by_user_id",
        ],
        &["note"],
    ),
    (
        "attendance_marks",
        &[
            "id",
            "session_id",
            "enrolment_id",
            "outcome",
            "minutes_late",
            "absence_reason",
            "notify_probation",
            "replaces_id",
            "recorded_at",
            "recorded_by",
        ],
        &["note", "correction_reason"],
    ),
    (
        "enforcement_actions",
        &[
            "id",
            "enrolment_id",
            "action",
            "action_date",
            "recorded_at",
            "recorded_by",
        ],
        &["note"],
    ),
    (
        "aim_ratings",
        &[
            "id",
            "enrolment_id",
            "aim_index",
            "rating",
            "rated_at",
            "rated_by",
        ],
        &["comment"],
    ),
];

/// The court-report columns a disposal empties (the rest stay frozen).
const REPORT_ERASABLE: &[&str] = &["content", "snapshot"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("people")
                .add_column(timestamp_with_time_zone_null("disposed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx-people-review_date", "people", &["review_date"]))
            .await?;
        m.create_table(
            Table::create()
                .table("retention_decisions")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(string("decision"))
                .col(text_null("rationale"))
                .col(date_null("next_review_date"))
                .col(timestamp_with_time_zone("decided_at"))
                .col(integer_null("decided_by"))
                .foreign_key(&mut fk(
                    "fk-retention_decisions-person_id",
                    ("retention_decisions", "person_id"),
                    ("people", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-retention_decisions-person",
            "retention_decisions",
            &["person_id"],
        ))
        .await?;
        make_append_only(m, "retention_decisions").await?;
        refuse_overwrite(m, "retention_decisions").await?;
        for (table, kept, erasable) in ERASABLE {
            allow_only_erasure(m, table, kept, erasable).await?;
        }
        allow_report_erasure(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("retention_decisions"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx-people-review_date")
                .table(Alias::new("people"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("people")
                .drop_column("disposed_at")
                .to_owned(),
        )
        .await
    }
}

/// `kept` unchanged and every `erasable` column either unchanged or emptied
/// (NULL or ''), in the dialect's "is the same" operator.
fn erasure_only(kept: &[&str], erasable: &[&str], same: &str) -> String {
    kept.iter()
        .map(|c| format!("NEW.{c} {same} OLD.{c}"))
        .chain(
            erasable
                .iter()
                .map(|c| format!("(NEW.{c} {same} OLD.{c} OR NEW.{c} IS NULL OR NEW.{c} = '')")),
        )
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Replace the table's refuse-every-update trigger with one that lets a
/// disposal empty its narrative columns and nothing else.
async fn allow_only_erasure(
    m: &SchemaManager<'_>,
    table: &str,
    kept: &[&str],
    erasable: &[&str],
) -> Result<(), DbErr> {
    let db = m.get_connection();
    match m.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS {table}_no_update ON {table};
                 CREATE OR REPLACE FUNCTION {table}_erase_only() RETURNS trigger AS $$
                 BEGIN
                   IF NOT ({}) THEN RAISE EXCEPTION '{table} is append-only'; END IF;
                   RETURN NEW;
                 END; $$ LANGUAGE plpgsql;",
                erasure_only(kept, erasable, "IS NOT DISTINCT FROM")
            ))
            .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION {table}_erase_only();"
            ))
            .await?;
        }
        _ => {
            // one call, so the drop and the create run on one connection
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS {table}_no_update;
                 CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                 WHEN NOT ({})
                 BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
                erasure_only(kept, erasable, "IS")
            ))
            .await?;
        }
    }
    Ok(())
}

/// A submitted court report stays locked, except that a disposal may empty
/// its content and snapshot (status and every other frozen column kept).
async fn allow_report_erasure(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let kept: Vec<&str> = FROZEN
        .iter()
        .copied()
        .filter(|c| !REPORT_ERASABLE.contains(c))
        .chain(["status"])
        .collect();
    let frozen = |same: &str| {
        FROZEN
            .iter()
            .map(|c| format!("NEW.{c} {same} OLD.{c}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let refused = |same: &str| {
        format!(
            "OLD.status <> 'draft'
             AND NOT (OLD.status = 'submitted' AND NEW.status = 'superseded' AND {})
             AND NOT ({})",
            frozen(same),
            erasure_only(&kept, REPORT_ERASABLE, same)
        )
    };
    match m.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION court_reports_refuse_change() RETURNS trigger AS $$
                 BEGIN
                   IF {} THEN RAISE EXCEPTION 'a submitted court report is locked'; END IF;
                   RETURN NEW;
                 END; $$ LANGUAGE plpgsql;",
                refused("IS NOT DISTINCT FROM")
            ))
            .await?;
        }
        _ => {
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS court_reports_locked;
                 CREATE TRIGGER court_reports_locked BEFORE UPDATE ON court_reports
                 WHEN {}
                 BEGIN SELECT RAISE(ABORT, 'a submitted court report is locked'); END;",
                refused("IS")
            ))
            .await?;
        }
    }
    Ok(())
}
