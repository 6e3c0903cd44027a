use sea_orm::entity::prelude::*;

use crate::domain::attendance::{AbsenceReason, Outcome};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "attendance_marks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    pub enrolment_id: i32,
    pub outcome: Outcome,
    pub minutes_late: Option<i32>,
    pub absence_reason: Option<AbsenceReason>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub notify_probation: bool,
    /// The mark this one corrects (kept, never changed).
    pub replaces_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub correction_reason: Option<String>,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
