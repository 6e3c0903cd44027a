use sea_orm::entity::prelude::*;

use crate::domain::reoffending::ReoffenceOutcome;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reoffences")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub offence_date: Date,
    pub outcome: ReoffenceOutcome,
    pub outcome_date: Date,
    pub source: String,
    /// The re-arrest that made it, when it was made by one.
    pub arrest_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
