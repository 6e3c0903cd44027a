//! Users and their roles, server-side sessions, API tokens, first-run setup
//! tokens, settings and the append-only audit log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{drop_append_only, index, make_append_only};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("password_hash"))
                .col(boolean("must_change_password").default(false))
                .col(boolean("disabled").default(false))
                .col(integer("failed_attempts").default(0))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone("password_changed_at"))
                .col(string_null("totp_secret"))
                .col(big_integer_null("totp_last_step"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .col(integer("version").default(1))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("user_roles")
                .col(integer("user_id"))
                .col(string("role"))
                .primary_key(Index::create().col("user_id").col("role"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk-user_roles-user")
                        .from("user_roles", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(pk_auto("id"))
                .col(string_uniq("token_hash"))
                .col(integer("user_id"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(string_null("user_agent"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk-sessions-user")
                        .from("sessions", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx-sessions-user", "sessions", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(string("token_prefix"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk-api_tokens-user")
                        .from("api_tokens", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx-api_tokens-user", "api_tokens", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("setup_tokens")
                .col(string("token_hash").primary_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("settings")
                .col(string("key").primary_key())
                .col(text("value"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer_null("updated_by"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("actor_user_id"))
                .col(string("actor_username"))
                .col(integer_null("api_token_id"))
                .col(string("action"))
                .col(string_null("record_type"))
                .col(string_null("record_id"))
                .col(integer_null("person_id"))
                .col(text_null("changes"))
                .col(string_null("recipient"))
                .col(text_null("reason"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx-audit_log-at", "audit_log", &["at"]))
            .await?;
        m.create_index(index(
            "idx-audit_log-actor",
            "audit_log",
            &["actor_user_id", "at"],
        ))
        .await?;
        m.create_index(index(
            "idx-audit_log-person",
            "audit_log",
            &["person_id", "at"],
        ))
        .await?;
        m.create_index(index(
            "idx-audit_log-record",
            "audit_log",
            &["record_type", "record_id"],
        ))
        .await?;
        m.create_index(index(
            "idx-audit_log-username",
            "audit_log",
            &["actor_username", "at"],
        ))
        .await?;
        m.create_index(index(
            "idx-audit_log-action",
            "audit_log",
            &["action", "at"],
        ))
        .await?;
        make_append_only(m, "audit_log").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_append_only(m, "audit_log").await?;
        for table in [
            "audit_log",
            "settings",
            "setup_tokens",
            "api_tokens",
            "sessions",
            "user_roles",
            "users",
        ] {
            m.drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
