use sea_orm::entity::prelude::*;

use crate::domain::enrolment::{EndReason, EnrolmentStatus, LegalBasis};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub cohort_id: i32,
    pub referral_id: Option<i32>,
    pub legal_basis: LegalBasis,
    pub deadline: Option<Date>,
    pub status: EnrolmentStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub override_reason: Option<String>,
    pub completed_on: Option<Date>,
    pub end_reason: Option<EndReason>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
