use sea_orm::entity::prelude::*;

use crate::domain::retention::RetentionDecision;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "retention_decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub decision: RetentionDecision,
    #[sea_orm(column_type = "Text", nullable)]
    pub rationale: Option<String>,
    pub next_review_date: Option<Date>,
    pub decided_at: DateTimeUtc,
    pub decided_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
