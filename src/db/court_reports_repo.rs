//! Queries on `court_reports`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::entities::court_reports::{self, Column};
use crate::domain::court_report::CourtReportStatus;

pub use court_reports::Model as CourtReport;

/// A new draft.
#[derive(Clone, Debug)]
pub struct NewDraft<'a> {
    pub person_id: i32,
    pub arrest_id: i32,
    pub series_id: Option<i32>,
    pub version_number: i32,
    pub supersedes_id: Option<i32>,
    pub court: &'a str,
    pub hearing_date: NaiveDate,
    pub content: &'a str,
    pub author_id: i32,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    d: &NewDraft<'_>,
    now: DateTime<Utc>,
) -> Result<CourtReport, DbErr> {
    court_reports::ActiveModel {
        person_id: Set(d.person_id),
        arrest_id: Set(d.arrest_id),
        series_id: Set(d.series_id),
        version_number: Set(d.version_number),
        supersedes_id: Set(d.supersedes_id),
        status: Set(CourtReportStatus::Draft),
        court: Set(d.court.to_string()),
        hearing_date: Set(d.hearing_date),
        content: Set(d.content.to_string()),
        author_id: Set(d.author_id),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        submitted_by: Set(None),
        snapshot: Set(None),
        lock_version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<CourtReport>, DbErr> {
    court_reports::Entity::find_by_id(id).one(db).await
}

/// Several reports by id (for naming the versions one replaces).
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<CourtReport>, DbErr> {
    court_reports::Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Save a draft's court, hearing date and written part if it is still a
/// draft at `lock_version`; 0 rows when it was submitted or changed meanwhile.
pub async fn save_draft(
    db: &impl ConnectionTrait,
    id: i32,
    lock_version: i32,
    court: &str,
    hearing_date: NaiveDate,
    content: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(court_reports::Entity::update_many()
        .col_expr(Column::Court, Expr::val(court))
        .col_expr(Column::HearingDate, Expr::val(hearing_date))
        .col_expr(Column::Content, Expr::val(content))
        .col_expr(Column::UpdatedAt, Expr::val(now))
        .col_expr(Column::LockVersion, Expr::col(Column::LockVersion).add(1))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(CourtReportStatus::Draft.as_str()))
        .filter(Column::LockVersion.eq(lock_version))
        .exec(db)
        .await?
        .rows_affected)
}

/// Submit a draft with the frozen copy of what it says; 0 rows when it is
/// no longer a draft.
pub async fn submit(
    db: &impl ConnectionTrait,
    id: i32,
    by: i32,
    snapshot: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(court_reports::Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::val(CourtReportStatus::Submitted.as_str()),
        )
        .col_expr(Column::Snapshot, Expr::val(Some(snapshot)))
        .col_expr(Column::SubmittedAt, Expr::val(Some(now)))
        .col_expr(Column::SubmittedBy, Expr::val(Some(by)))
        .col_expr(Column::UpdatedAt, Expr::val(now))
        .col_expr(Column::LockVersion, Expr::col(Column::LockVersion).add(1))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(CourtReportStatus::Draft.as_str()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Mark a submitted report superseded; 0 rows when it was not submitted.
pub async fn supersede(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(court_reports::Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::val(CourtReportStatus::Superseded.as_str()),
        )
        .col_expr(Column::UpdatedAt, Expr::val(now))
        .col_expr(Column::LockVersion, Expr::col(Column::LockVersion).add(1))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(CourtReportStatus::Submitted.as_str()))
        .exec(db)
        .await?
        .rows_affected)
}

/// A man's court reports, newest first.
pub async fn for_person(
    db: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<CourtReport>, DbErr> {
    court_reports::Entity::find()
        .filter(Column::PersonId.eq(person_id))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// Every version in a series (the first version's id), oldest first.
pub async fn series(db: &impl ConnectionTrait, series_id: i32) -> Result<Vec<CourtReport>, DbErr> {
    court_reports::Entity::find()
        .filter(
            Condition::any()
                .add(Column::Id.eq(series_id))
                .add(Column::SeriesId.eq(series_id)),
        )
        .order_by_asc(Column::VersionNumber)
        .all(db)
        .await
}

/// The open draft for an arrest, if there is one.
pub async fn draft_for_arrest(
    db: &impl ConnectionTrait,
    arrest_id: i32,
) -> Result<Option<CourtReport>, DbErr> {
    court_reports::Entity::find()
        .filter(Column::ArrestId.eq(arrest_id))
        .filter(Column::Status.eq(CourtReportStatus::Draft.as_str()))
        .one(db)
        .await
}

/// The drafts an officer is writing, soonest hearing first.
pub async fn drafts_by(
    db: &impl ConnectionTrait,
    author_id: i32,
) -> Result<Vec<CourtReport>, DbErr> {
    court_reports::Entity::find()
        .filter(Column::AuthorId.eq(author_id))
        .filter(Column::Status.eq(CourtReportStatus::Draft.as_str()))
        .order_by_asc(Column::HearingDate)
        .all(db)
        .await
}
