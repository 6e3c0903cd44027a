//! Name keys: the indexed forms of each man's folded names (every one-letter
//! deletion, Double Metaphone codes, the forename initial) that let a search
//! find him despite one mistake anywhere in his name. They replace the two
//! Soundex columns, which began with the first letter and so could never
//! find "Cowalski" for "Kowalski". The app fills the keys of men recorded
//! before this migration when it starts (the rules live in the app's domain).

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("person_name_keys")
                .col(string("key"))
                .col(integer("person_id"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("key"))
                        .col(Alias::new("person_id")),
                )
                .foreign_key(&mut fk(
                    "fk-person_name_keys-person_id",
                    ("person_name_keys", "person_id"),
                    ("people", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx-person_name_keys-person",
            "person_name_keys",
            &["person_id"],
        ))
        .await?;
        let db = m.get_connection();
        for i in ["idx-people-surname_key", "idx-people-forename_key-dob"] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS \"{i}\""))
                .await?;
        }
        for c in ["surname_key", "forename_key"] {
            db.execute_unprepared(&format!("ALTER TABLE people DROP COLUMN {c}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for c in ["surname_key", "forename_key"] {
            db.execute_unprepared(&format!(
                "ALTER TABLE people ADD COLUMN {c} VARCHAR NOT NULL DEFAULT ''"
            ))
            .await?;
        }
        m.drop_table(
            Table::drop()
                .table(Alias::new("person_name_keys"))
                .to_owned(),
        )
        .await
    }
}
