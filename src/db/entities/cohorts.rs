use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cohorts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub programme_id: i32,
    pub code: String,
    pub venue: String,
    pub capacity: i32,
    pub interval_days: i32,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    /// Bumped by every enrolment, so two enrolments cannot both take the last place.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::programmes::Entity",
        from = "Column::ProgrammeId",
        to = "super::programmes::Column::Id"
    )]
    Programme,
}

impl Related<super::programmes::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Programme.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
