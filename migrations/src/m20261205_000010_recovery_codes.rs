//! Two-step recovery codes: ten one-time codes per user, shown once when
//! two-step verification is set up and stored only as argon2 hashes. A code
//! is used at most once (`used_at`); a new set replaces the old.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("code_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk(
                    "fk-recovery_codes-user_id",
                    ("recovery_codes", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-recovery_codes-user",
            "recovery_codes",
            &["user_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("recovery_codes")).to_owned())
            .await
    }
}
