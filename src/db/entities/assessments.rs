use sea_orm::entity::prelude::*;

use crate::domain::assessment::{AssessmentStatus, Suitability};
use crate::domain::rosh::RoshLevel;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub referral_id: Option<i32>,
    pub version_number: i32,
    pub supersedes_id: Option<i32>,
    pub status: AssessmentStatus,
    pub author_id: i32,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub suitability: Option<Suitability>,
    pub rosh_overall: Option<RoshLevel>,
    pub ogrs3_two_year_percent: Option<i32>,
    pub known_to_marac: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub lock_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
