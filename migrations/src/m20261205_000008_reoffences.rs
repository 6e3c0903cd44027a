//! Reoffences: known reoffending recorded in Kerbside. A re-arrest makes one
//! by itself (outcome `arrest`, naming the arrest); police and probation
//! enter cautions and convictions found by checks. Append-only.

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
                .table("reoffences")
                .col(pk_auto("id"))
                .col(integer("person_id"))
                .col(date("offence_date"))
                .col(string("outcome"))
                .col(date("outcome_date"))
                .col(string("source"))
                .col(integer_null("arrest_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .foreign_key(&mut fk(
                    "fk-reoffences-person_id",
                    ("reoffences", "person_id"),
                    ("people", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk-reoffences-arrest_id",
                    ("reoffences", "arrest_id"),
                    ("arrests", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-reoffences-person",
            "reoffences",
            &["person_id", "offence_date"],
        ))
        .await?;
        m.create_index(
            index("idx-reoffences-arrest", "reoffences", &["arrest_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        // the statistics find each enrolment's first attended session among
        // the marks that no correction replaced
        m.create_index(index(
            "idx-attendance_marks-replaces",
            "attendance_marks",
            &["replaces_id"],
        ))
        .await?;
        make_append_only(m, "reoffences").await?;
        refuse_overwrite(m, "reoffences").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx-attendance_marks-replaces")
                .table(Alias::new("attendance_marks"))
                .to_owned(),
        )
        .await?;
        drop_append_only(m, "reoffences").await?;
        drop_refuse_overwrite(m, "reoffences").await?;
        m.drop_table(Table::drop().table(Alias::new("reoffences")).to_owned())
            .await
    }
}
