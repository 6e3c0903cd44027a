use sea_orm::entity::prelude::*;

use crate::domain::referral::ReferralStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "referral_status_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub referral_id: i32,
    pub from_status: Option<ReferralStatus>,
    pub to_status: ReferralStatus,
    pub assigned_to: Option<i32>,
    pub at: DateTimeUtc,
    pub by_user_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
