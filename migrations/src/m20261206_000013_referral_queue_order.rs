//! The referral queue in the order it is read: open referrals, earliest due
//! first. Without an index in that order every view of the queue sorted all
//! the open referrals to show the first page; with it the first page is the
//! first entries of the index, skipping closed ones.

use sea_orm_migration::prelude::*;

use crate::helpers::{drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "idx-referrals-due-id",
            "referrals",
            &["due_date", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(drop_index("idx-referrals-due-id", "referrals"))
            .await
    }
}
