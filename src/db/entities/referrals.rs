use sea_orm::entity::prelude::*;

use crate::domain::arrest::Disposal;
use crate::domain::referral::ReferralStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub arrest_id: i32,
    pub reason: Disposal,
    pub due_date: Date,
    pub status: ReferralStatus,
    pub assigned_to: Option<i32>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
