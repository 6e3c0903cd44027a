//! Risk assessments (versions, drafts and completed, with the few facts
//! other features query kept in columns) and court hearings.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("assessments")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(integer_null("referral_id"))
                .col(integer("version_number"))
                .col(integer_null("supersedes_id"))
                .col(string("status"))
                .col(integer("author_id"))
                .col(text("content"))
                .col(string_null("suitability"))
                .col(string_null("rosh_overall"))
                .col(integer_null("ogrs3_two_year_percent"))
                .col(boolean("known_to_marac").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .col(integer("lock_version").default(1))
                .foreign_key(&mut fk(
                    "fk-assessments-person",
                    ("assessments", "person_id"),
                    ("people", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk-assessments-referral",
                    ("assessments", "referral_id"),
                    ("referrals", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "idx-assessments-person",
                "assessments",
                &["person_id", "version_number"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-assessments-referral",
            "assessments",
            &["referral_id"],
        ))
        .await?;
        m.create_index(index(
            "idx-assessments-status",
            "assessments",
            &["status", "suitability"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("court_hearings")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(integer("arrest_id"))
                .col(date("hearing_date"))
                .col(string("court"))
                .col(string("outcome"))
                .col(text_null("notes"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .foreign_key(&mut fk(
                    "fk-court_hearings-person",
                    ("court_hearings", "person_id"),
                    ("people", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk-court_hearings-arrest",
                    ("court_hearings", "arrest_id"),
                    ("arrests", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-court_hearings-arrest",
            "court_hearings",
            &["arrest_id", "hearing_date"],
        ))
        .await?;
        m.create_index(index(
            "idx-court_hearings-person",
            "court_hearings",
            &["person_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["court_hearings", "assessments"] {
            m.drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
