use sea_orm::entity::prelude::*;

use crate::domain::programme::SessionState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cohort_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    /// The programme session number it delivers.
    pub number: i32,
    pub title: String,
    pub minutes: i32,
    pub starts_at: DateTimeUtc,
    pub state: SessionState,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub superseded_by: Option<i32>,
    pub catch_up: bool,
    /// Bumped by every save of the register: a save made from an older
    /// version is a conflict.
    pub register_version: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::cohorts::Entity",
        from = "Column::CohortId",
        to = "super::cohorts::Column::Id"
    )]
    Cohort,
}

impl Related<super::cohorts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cohort.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
