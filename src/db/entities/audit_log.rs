use sea_orm::entity::prelude::*;

use crate::domain::audit_action::AuditAction;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_user_id: Option<i32>,
    pub actor_username: String,
    pub api_token_id: Option<i32>,
    pub action: AuditAction,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub person_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub changes: Option<String>,
    pub recipient: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
