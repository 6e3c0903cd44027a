use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub failed_attempts: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub password_changed_at: DateTimeUtc,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
