use sea_orm::entity::prelude::*;

use crate::domain::arrest::{Disposal, Offence};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "arrests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    #[sea_orm(unique)]
    pub occurrence_reference: Option<String>,
    pub arrested_at: DateTimeUtc,
    pub location: String,
    pub area: String,
    pub operation: Option<String>,
    pub vehicle_registration: Option<String>,
    pub offence: Offence,
    pub disposal: Disposal,
    pub course_deadline: Option<Date>,
    pub court: Option<String>,
    pub first_hearing_date: Option<Date>,
    pub officer_user_id: Option<i32>,
    pub collar_number: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
