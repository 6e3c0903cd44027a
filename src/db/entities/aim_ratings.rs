use sea_orm::entity::prelude::*;

use crate::domain::programme::AimRating;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "aim_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub enrolment_id: i32,
    /// The aim's place in the programme's list, from 0.
    pub aim_index: i32,
    pub rating: AimRating,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub rated_at: DateTimeUtc,
    pub rated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
