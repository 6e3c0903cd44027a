//! The few wide queries the statistics read: each returns only the columns
//! needed, for every row at once (never one query per man).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    Statement,
};

use super::entities::{arrests, assessments, enrolments, referrals};
use crate::domain::assessment::AssessmentStatus;
use crate::domain::attendance::Outcome;
use crate::domain::enrolment::EnrolmentStatus;

/// An enrolment as the statistics see it.
pub type EnrolmentRow = (
    i32,
    i32,
    EnrolmentStatus,
    Option<NaiveDate>,
    Option<i32>,
    DateTime<Utc>,
);

/// Every enrolment: id, man, status, completed on, referral, created at.
pub async fn enrolments(db: &impl ConnectionTrait) -> Result<Vec<EnrolmentRow>, DbErr> {
    enrolments::Entity::find()
        .select_only()
        .column(enrolments::Column::Id)
        .column(enrolments::Column::PersonId)
        .column(enrolments::Column::Status)
        .column(enrolments::Column::CompletedOn)
        .column(enrolments::Column::ReferralId)
        .column(enrolments::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await
}

#[derive(FromQueryResult)]
struct FirstAttended {
    enrolment_id: i32,
    first_at: DateTime<Utc>,
}

/// Each enrolment's first attended session (by the marks no correction
/// replaced): enrolment id and when that session started.
pub async fn first_attended(db: &impl ConnectionTrait) -> Result<Vec<(i32, DateTime<Utc>)>, DbErr> {
    let attended: Vec<String> = Outcome::ALL
        .iter()
        .filter(|o| o.attended())
        .map(|o| format!("'{}'", o.as_str()))
        .collect();
    let sql = format!(
        "SELECT m.enrolment_id AS enrolment_id, MIN(s.starts_at) AS first_at
         FROM attendance_marks m JOIN cohort_sessions s ON s.id = m.session_id
         WHERE m.outcome IN ({})
           AND NOT EXISTS (SELECT 1 FROM attendance_marks r WHERE r.replaces_id = m.id)
         GROUP BY m.enrolment_id",
        attended.join(", ")
    );
    Ok(
        FirstAttended::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.enrolment_id, r.first_at))
            .collect(),
    )
}

/// Every completed (or since superseded) assessment: man, referral, when completed.
pub async fn assessed(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i32, Option<i32>, Option<DateTime<Utc>>)>, DbErr> {
    assessments::Entity::find()
        .select_only()
        .column(assessments::Column::PersonId)
        .column(assessments::Column::ReferralId)
        .column(assessments::Column::CompletedAt)
        .filter(assessments::Column::Status.ne(AssessmentStatus::Draft.as_str()))
        .into_tuple()
        .all(db)
        .await
}

/// Every referral's arrest: referral id, arrest id.
pub async fn referral_arrests(db: &impl ConnectionTrait) -> Result<Vec<(i32, i32)>, DbErr> {
    referrals::Entity::find()
        .select_only()
        .column(referrals::Column::Id)
        .column(referrals::Column::ArrestId)
        .into_tuple()
        .all(db)
        .await
}

/// Every arrest: id, man, when.
pub async fn arrest_times(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i32, i32, DateTime<Utc>)>, DbErr> {
    arrests::Entity::find()
        .select_only()
        .column(arrests::Column::Id)
        .column(arrests::Column::PersonId)
        .column(arrests::Column::ArrestedAt)
        .into_tuple()
        .all(db)
        .await
}
