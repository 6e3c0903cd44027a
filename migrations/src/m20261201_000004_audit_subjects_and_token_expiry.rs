//! Security hardening: the audit log refuses an INSERT that would overwrite an
//! entry (SQLite's `REPLACE`); `audit_subjects` lists every man an audited
//! event showed (a search result page, a CSV export), so that "who has seen
//! this man's record" finds list views too; API tokens get an expiry.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    drop_append_only, drop_refuse_overwrite, fk, index, make_append_only, refuse_overwrite,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        refuse_overwrite(m, "audit_log").await?;
        m.create_table(
            Table::create()
                .table("audit_subjects")
                .col(big_pk_auto("id"))
                .col(big_integer("audit_id"))
                .col(integer("person_id"))
                .foreign_key(&mut fk(
                    "fk-audit_subjects-audit_id",
                    ("audit_subjects", "audit_id"),
                    ("audit_log", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-audit_subjects-person_id",
            "audit_subjects",
            &["person_id", "audit_id"],
        ))
        .await?;
        m.create_index(index(
            "idx-audit_subjects-audit_id",
            "audit_subjects",
            &["audit_id"],
        ))
        .await?;
        make_append_only(m, "audit_subjects").await?;
        refuse_overwrite(m, "audit_subjects").await?;
        m.alter_table(
            Table::alter()
                .table("api_tokens")
                .add_column(timestamp_with_time_zone_null("expires_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("api_tokens")
                .drop_column("expires_at")
                .to_owned(),
        )
        .await?;
        drop_refuse_overwrite(m, "audit_subjects").await?;
        drop_append_only(m, "audit_subjects").await?;
        m.drop_table(Table::drop().table("audit_subjects").to_owned())
            .await?;
        drop_refuse_overwrite(m, "audit_log").await
    }
}
