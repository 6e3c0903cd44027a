//! The newest audit entry of each kind in one step: kept figures (the
//! dashboard, the reoffending statistics) ask for the newest collect, alter,
//! combine and erase entries on every view to learn whether anything has
//! been written since they were worked out. SQLite's index on `action`
//! already ends in the row id; PostgreSQL needs the id in the index.

use sea_orm_migration::prelude::*;

use crate::helpers::{drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "idx-audit_log-action-id",
            "audit_log",
            &["action", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(drop_index("idx-audit_log-action-id", "audit_log"))
            .await
    }
}
