use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "programme_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub programme_id: i32,
    pub number: i32,
    pub title: String,
    pub minutes: i32,
    pub core: bool,
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
