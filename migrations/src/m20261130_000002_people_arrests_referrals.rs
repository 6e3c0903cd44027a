//! People, arrests, referrals (with status history) and import runs, with
//! the indexes that searches and lists need.

use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("people")
                .col(pk_auto("id"))
                .col(string_uniq("reference"))
                .col(string("surname"))
                .col(string("forenames"))
                .col(string("surname_folded"))
                .col(string("forenames_folded"))
                .col(string("surname_key"))
                .col(string("forename_key"))
                .col(date("date_of_birth"))
                .col(string("sex"))
                .col(text_null("address"))
                .col(string_null("postcode"))
                .col(string_null("phone"))
                .col(string_null("pnc_id"))
                .col(string_null("contact_preference"))
                .col(string("category"))
                .col(date_null("review_date"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer_null("updated_by"))
                .col(integer("version").default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx-people-surname_key", "people", &["surname_key"]))
            .await?;
        m.create_index(index(
            "idx-people-forename_key-dob",
            "people",
            &["forename_key", "date_of_birth"],
        ))
        .await?;
        m.create_index(index("idx-people-dob", "people", &["date_of_birth"]))
            .await?;
        m.create_index(index("idx-people-pnc", "people", &["pnc_id"]))
            .await?;
        m.create_index(index(
            "idx-people-exact",
            "people",
            &["surname_folded", "forenames_folded", "date_of_birth"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("arrests")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(string_null("occurrence_reference").unique_key())
                .col(timestamp_with_time_zone("arrested_at"))
                .col(string("location"))
                .col(string("area"))
                .col(string_null("operation"))
                .col(string_null("vehicle_registration"))
                .col(string("offence"))
                .col(string("disposal"))
                .col(date_null("course_deadline"))
                .col(string_null("court"))
                .col(date_null("first_hearing_date"))
                .col(integer_null("officer_user_id"))
                .col(string_null("collar_number"))
                .col(text_null("notes"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk(
                    "fk-arrests-person",
                    ("arrests", "person_id"),
                    ("people", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-arrests-person",
            "arrests",
            &["person_id", "arrested_at"],
        ))
        .await?;
        m.create_index(index("idx-arrests-at", "arrests", &["arrested_at"]))
            .await?;
        m.create_index(index(
            "idx-arrests-vehicle",
            "arrests",
            &["vehicle_registration"],
        ))
        .await?;
        m.create_index(index(
            "idx-arrests-area",
            "arrests",
            &["area", "arrested_at"],
        ))
        .await?;
        m.create_index(index(
            "idx-arrests-disposal",
            "arrests",
            &["disposal", "arrested_at"],
        ))
        .await?;
        m.create_index(index(
            "idx-arrests-officer",
            "arrests",
            &["officer_user_id", "arrested_at"],
        ))
        .await?;
        m.create_index(index("idx-arrests-operation", "arrests", &["operation"]))
            .await?;

        m.create_table(
            Table::create()
                .table("referrals")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(integer("arrest_id"))
                .col(string("reason"))
                .col(date("due_date"))
                .col(string("status"))
                .col(integer_null("assigned_to"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk(
                    "fk-referrals-person",
                    ("referrals", "person_id"),
                    ("people", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk-referrals-arrest",
                    ("referrals", "arrest_id"),
                    ("arrests", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-referrals-status-due",
            "referrals",
            &["status", "due_date"],
        ))
        .await?;
        m.create_index(index("idx-referrals-person", "referrals", &["person_id"]))
            .await?;
        m.create_index(index("idx-referrals-arrest", "referrals", &["arrest_id"]))
            .await?;
        m.create_index(index(
            "idx-referrals-assigned",
            "referrals",
            &["assigned_to", "status"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("referral_status_history")
                .col(pk_auto("id"))
                .col(integer("referral_id"))
                .col(string_null("from_status"))
                .col(string("to_status"))
                .col(integer_null("assigned_to"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("by_user_id"))
                .col(text_null("note"))
                .foreign_key(&mut fk(
                    "fk-referral_history-referral",
                    ("referral_status_history", "referral_id"),
                    ("referrals", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-referral_history-referral",
            "referral_status_history",
            &["referral_id", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("imports")
                .col(pk_auto("id"))
                .col(string("file_name"))
                .col(integer("rows"))
                .col(integer("imported").default(0))
                .col(integer("skipped_existing").default(0))
                .col(string("status"))
                .col(text_null("content"))
                .col(text_null("errors"))
                .col(text_null("error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let backend = m.get_database_backend();
        let sql = match backend {
            sea_orm_migration::sea_orm::DbBackend::Postgres => {
                "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, CURRENT_TIMESTAMP) ON CONFLICT (key) DO NOTHING"
            }
            _ => {
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP) ON CONFLICT (key) DO NOTHING"
            }
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                "areas".into(),
                "[\"Central\",\"North\",\"East\",\"South\",\"West\",\"Docks\"]".into(),
            ],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "imports",
            "referral_status_history",
            "referrals",
            "arrests",
            "people",
        ] {
            m.drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared("DELETE FROM settings WHERE key = 'areas'")
            .await?;
        Ok(())
    }
}
