//! Programmes and their sessions, cohorts with facilitators and a schedule,
//! enrolments with their status history, the register's attendance marks
//! (append-only: a correction is a new row naming the one it replaces) and
//! recorded enforcement decisions (append-only).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index, make_append_only, refuse_overwrite};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order (dropped in reverse).
const TABLES: &[&str] = &[
    "programmes",
    "programme_sessions",
    "cohorts",
    "cohort_facilitators",
    "cohort_sessions",
    "enrolments",
    "enrolment_status_history",
    "attendance_marks",
    "enforcement_actions",
];

/// Tables whose rows are never changed or removed.
const APPEND_ONLY: &[&str] = &[
    "enrolment_status_history",
    "attendance_marks",
    "enforcement_actions",
];

fn refers(t: &mut TableCreateStatement, table: &str, col: &str, to: &str) {
    t.foreign_key(&mut fk(
        &format!("fk-{table}-{col}"),
        (table, col),
        (to, "id"),
    ));
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programmes")
                .col(pk_auto("id"))
                .col(string("name"))
                .col(integer_null("completion_min_attended"))
                .col(boolean("completion_all_core").default(false))
                .col(integer("max_group_size"))
                .col(text("aims"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .to_owned(),
        )
        .await?;

        let mut t = Table::create()
            .table("programme_sessions")
            .col(pk_auto("id"))
            .col(integer("programme_id"))
            .col(integer("number"))
            .col(string("title"))
            .col(integer("minutes"))
            .col(boolean("core").default(true))
            .to_owned();
        refers(&mut t, "programme_sessions", "programme_id", "programmes");
        m.create_table(t).await?;
        m.create_index(
            index(
                "idx-programme_sessions-number",
                "programme_sessions",
                &["programme_id", "number"],
            )
            .unique()
            .to_owned(),
        )
        .await?;

        let mut t = Table::create()
            .table("cohorts")
            .col(pk_auto("id"))
            .col(integer("programme_id"))
            .col(string("code"))
            .col(string("venue"))
            .col(integer("capacity"))
            .col(integer("interval_days"))
            .col(timestamp_with_time_zone("created_at"))
            .col(integer_null("created_by"))
            .col(integer("version").default(1))
            .to_owned();
        refers(&mut t, "cohorts", "programme_id", "programmes");
        m.create_table(t).await?;
        m.create_index(
            index("idx-cohorts-code", "cohorts", &["code"])
                .unique()
                .to_owned(),
        )
        .await?;

        let mut t = Table::create()
            .table("cohort_facilitators")
            .col(pk_auto("id"))
            .col(integer("cohort_id"))
            .col(integer("user_id"))
            .to_owned();
        refers(&mut t, "cohort_facilitators", "cohort_id", "cohorts");
        refers(&mut t, "cohort_facilitators", "user_id", "users");
        m.create_table(t).await?;
        m.create_index(
            index(
                "idx-cohort_facilitators-pair",
                "cohort_facilitators",
                &["cohort_id", "user_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-cohort_facilitators-user",
            "cohort_facilitators",
            &["user_id"],
        ))
        .await?;

        let mut t = Table::create()
            .table("cohort_sessions")
            .col(pk_auto("id"))
            .col(integer("cohort_id"))
            .col(integer("number"))
            .col(string("title"))
            .col(integer("minutes"))
            .col(timestamp_with_time_zone("starts_at"))
            .col(string("state"))
            .col(text_null("cancel_reason"))
            .col(integer_null("superseded_by"))
            .col(boolean("catch_up").default(false))
            .col(integer("register_version").default(0))
            .col(timestamp_with_time_zone("created_at"))
            .to_owned();
        refers(&mut t, "cohort_sessions", "cohort_id", "cohorts");
        m.create_table(t).await?;
        m.create_index(index(
            "idx-cohort_sessions-cohort",
            "cohort_sessions",
            &["cohort_id", "starts_at"],
        ))
        .await?;
        m.create_index(index(
            "idx-cohort_sessions-starts",
            "cohort_sessions",
            &["starts_at"],
        ))
        .await?;

        let mut t = Table::create()
            .table("enrolments")
            .col(pk_auto("id"))
            .col(integer("person_id"))
            .col(integer("cohort_id"))
            .col(integer_null("referral_id"))
            .col(string("legal_basis"))
            .col(date_null("deadline"))
            .col(string("status"))
            .col(text_null("override_reason"))
            .col(date_null("completed_on"))
            .col(string_null("end_reason"))
            .col(timestamp_with_time_zone("created_at"))
            .col(integer_null("created_by"))
            .col(integer("version").default(1))
            .to_owned();
        refers(&mut t, "enrolments", "person_id", "people");
        refers(&mut t, "enrolments", "cohort_id", "cohorts");
        refers(&mut t, "enrolments", "referral_id", "referrals");
        m.create_table(t).await?;
        for (name, cols) in [
            ("idx-enrolments-cohort", &["cohort_id", "status"][..]),
            ("idx-enrolments-person", &["person_id"][..]),
            ("idx-enrolments-status", &["status", "deadline"][..]),
        ] {
            m.create_index(index(name, "enrolments", cols)).await?;
        }

        let mut t = Table::create()
            .table("enrolment_status_history")
            .col(pk_auto("id"))
            .col(integer("enrolment_id"))
            .col(string_null("from_status"))
            .col(string("to_status"))
            .col(string_null("reason"))
            .col(text_null("note"))
            .col(timestamp_with_time_zone("at"))
            .col(integer_null("by_user_id"))
            .to_owned();
        refers(
            &mut t,
            "enrolment_status_history",
            "enrolment_id",
            "enrolments",
        );
        m.create_table(t).await?;
        m.create_index(index(
            "idx-enrolment_status_history-enrolment",
            "enrolment_status_history",
            &["enrolment_id"],
        ))
        .await?;

        let mut t = Table::create()
            .table("attendance_marks")
            .col(pk_auto("id"))
            .col(integer("session_id"))
            .col(integer("enrolment_id"))
            .col(string("outcome"))
            .col(integer_null("minutes_late"))
            .col(string_null("absence_reason"))
            .col(text_null("note"))
            .col(boolean("notify_probation").default(false))
            .col(integer_null("replaces_id"))
            .col(text_null("correction_reason"))
            .col(timestamp_with_time_zone("recorded_at"))
            .col(integer_null("recorded_by"))
            .to_owned();
        refers(&mut t, "attendance_marks", "session_id", "cohort_sessions");
        refers(&mut t, "attendance_marks", "enrolment_id", "enrolments");
        m.create_table(t).await?;
        m.create_index(index(
            "idx-attendance_marks-session",
            "attendance_marks",
            &["session_id", "enrolment_id"],
        ))
        .await?;
        m.create_index(index(
            "idx-attendance_marks-enrolment",
            "attendance_marks",
            &["enrolment_id"],
        ))
        .await?;
        m.create_index(index(
            "idx-attendance_marks-notify",
            "attendance_marks",
            &["notify_probation", "recorded_at"],
        ))
        .await?;

        let mut t = Table::create()
            .table("enforcement_actions")
            .col(pk_auto("id"))
            .col(integer("enrolment_id"))
            .col(string("action"))
            .col(date("action_date"))
            .col(text("note"))
            .col(timestamp_with_time_zone("recorded_at"))
            .col(integer_null("recorded_by"))
            .to_owned();
        refers(&mut t, "enforcement_actions", "enrolment_id", "enrolments");
        m.create_table(t).await?;
        m.create_index(index(
            "idx-enforcement_actions-enrolment",
            "enforcement_actions",
            &["enrolment_id"],
        ))
        .await?;

        for table in APPEND_ONLY {
            make_append_only(m, table).await?;
            refuse_overwrite(m, table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in APPEND_ONLY {
            crate::helpers::drop_append_only(m, table).await?;
            crate::helpers::drop_refuse_overwrite(m, table).await?;
        }
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
