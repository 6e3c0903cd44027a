//! Ratings of a man's progress against each of his programme's aims, by
//! the facilitator, append-only (the latest rating of an aim is the current
//! one; earlier ones are kept).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    drop_append_only, drop_refuse_overwrite, fk, index, make_append_only, refuse_overwrite,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("aim_ratings")
                .col(pk_auto("id"))
                .col(integer("enrolment_id"))
                .col(integer("aim_index"))
                .col(string("rating"))
                .col(text("comment"))
                .col(timestamp_with_time_zone("rated_at"))
                .col(integer_null("rated_by"))
                .foreign_key(&mut fk(
                    "fk-aim_ratings-enrolment_id",
                    ("aim_ratings", "enrolment_id"),
                    ("enrolments", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-aim_ratings-enrolment",
            "aim_ratings",
            &["enrolment_id", "aim_index"],
        ))
        .await?;
        make_append_only(m, "aim_ratings").await?;
        refuse_overwrite(m, "aim_ratings").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_append_only(m, "aim_ratings").await?;
        drop_refuse_overwrite(m, "aim_ratings").await?;
        m.drop_table(Table::drop().table(Alias::new("aim_ratings")).to_owned())
            .await
    }
}
