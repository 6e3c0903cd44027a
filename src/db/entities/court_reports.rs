use sea_orm::entity::prelude::*;

use crate::domain::court_report::CourtReportStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "court_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub arrest_id: i32,
    /// The first version's id; `None` on the first version itself.
    pub series_id: Option<i32>,
    pub version_number: i32,
    /// The version this one corrects.
    pub supersedes_id: Option<i32>,
    pub status: CourtReportStatus,
    pub court: String,
    pub hearing_date: Date,
    /// The officer's written part (`domain::court_report::WrittenPart`), JSON.
    #[sea_orm(column_type = "Text")]
    #[serde(skip)]
    pub content: String,
    pub author_id: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub submitted_by: Option<i32>,
    /// What the submitted report said (`reports::Report`), JSON; frozen.
    #[sea_orm(column_type = "Text", nullable)]
    #[serde(skip)]
    pub snapshot: Option<String>,
    pub lock_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
