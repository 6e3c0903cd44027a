//! The few wide queries the statistics read: each returns only the columns
//! needed, for every row at once (never one query per man), read as a
//! stream (see [`streamed`]).

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    Selector, SelectorTrait, Statement, StreamTrait,
};

use super::entities::{arrests, assessments, enrolments, referrals};
use crate::domain::assessment::AssessmentStatus;
use crate::domain::attendance::Outcome;
use crate::domain::enrolment::EnrolmentStatus;

/// A database the statistics can read rows from one at a time.
pub trait Rows: ConnectionTrait + StreamTrait + Send + Sync {}
impl<C: ConnectionTrait + StreamTrait + Send + Sync> Rows for C {}

/// Every row of a wide select, converted as it arrives. Collected first
/// (`.all()`), a row on SQLite is held as a copy of each of its values,
/// several hundred bytes, before it becomes a tuple: the 110,000 arrests at
/// 100,000 men raised the server's peak memory by about 80 MB on SQLite
/// (PostgreSQL keeps a row in one buffer, and did not rise).
async fn streamed<S>(db: &impl Rows, select: Selector<S>) -> Result<Vec<S::Item>, DbErr>
where
    S: SelectorTrait + Send,
    S::Item: Send,
{
    select.stream(db).await?.try_collect().await
}

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
pub async fn enrolments(db: &impl Rows) -> Result<Vec<EnrolmentRow>, DbErr> {
    let select = enrolments::Entity::find()
        .select_only()
        .column(enrolments::Column::Id)
        .column(enrolments::Column::PersonId)
        .column(enrolments::Column::Status)
        .column(enrolments::Column::CompletedOn)
        .column(enrolments::Column::ReferralId)
        .column(enrolments::Column::CreatedAt)
        .into_tuple();
    streamed(db, select).await
}

#[derive(FromQueryResult)]
struct FirstAttended {
    enrolment_id: i32,
    first_at: DateTime<Utc>,
}

/// Each enrolment's first attended session (by the marks no correction
/// replaced): enrolment id and when that session started.
pub async fn first_attended(db: &impl Rows) -> Result<Vec<(i32, DateTime<Utc>)>, DbErr> {
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
    Ok(FirstAttended::find_by_statement(Statement::from_string(
        ConnectionTrait::get_database_backend(db),
        sql,
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| (r.enrolment_id, r.first_at))
    .collect())
}

/// Every completed (or since superseded) assessment: man, referral, when completed.
pub async fn assessed(
    db: &impl Rows,
) -> Result<Vec<(i32, Option<i32>, Option<DateTime<Utc>>)>, DbErr> {
    let select = assessments::Entity::find()
        .select_only()
        .column(assessments::Column::PersonId)
        .column(assessments::Column::ReferralId)
        .column(assessments::Column::CompletedAt)
        .filter(assessments::Column::Status.ne(AssessmentStatus::Draft.as_str()))
        .into_tuple();
    streamed(db, select).await
}

/// Every referral's arrest: referral id, arrest id.
pub async fn referral_arrests(db: &impl Rows) -> Result<Vec<(i32, i32)>, DbErr> {
    let select = referrals::Entity::find()
        .select_only()
        .column(referrals::Column::Id)
        .column(referrals::Column::ArrestId)
        .into_tuple();
    streamed(db, select).await
}

/// Every arrest: id, man, when.
pub async fn arrest_times(db: &impl Rows) -> Result<Vec<(i32, i32, DateTime<Utc>)>, DbErr> {
    let select = arrests::Entity::find()
        .select_only()
        .column(arrests::Column::Id)
        .column(arrests::Column::PersonId)
        .column(arrests::Column::ArrestedAt)
        .into_tuple();
    streamed(db, select).await
}

/// An arrest in a period, as the dashboard counts it.
pub type ArrestFact = (
    i32,
    i32,
    DateTime<Utc>,
    String,
    crate::domain::arrest::Disposal,
);

/// The arrests made from `from` to before `until`: id, man, when, area, disposal.
pub async fn arrests_between(
    db: &impl Rows,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<ArrestFact>, DbErr> {
    let select = arrests::Entity::find()
        .select_only()
        .column(arrests::Column::Id)
        .column(arrests::Column::PersonId)
        .column(arrests::Column::ArrestedAt)
        .column(arrests::Column::Area)
        .column(arrests::Column::Disposal)
        .filter(arrests::Column::ArrestedAt.gte(from))
        .filter(arrests::Column::ArrestedAt.lt(until))
        .into_tuple();
    streamed(db, select).await
}

/// The arrests (by id) that are re-arrests, of these.
pub async fn re_arrests_among(
    db: &impl Rows,
    arrest_ids: &[i32],
) -> Result<std::collections::HashSet<i32>, DbErr> {
    let mut out = std::collections::HashSet::new();
    for chunk in arrest_ids.chunks(1_000) {
        let ids: Vec<Option<i32>> = super::entities::reoffences::Entity::find()
            .select_only()
            .column(super::entities::reoffences::Column::ArrestId)
            .filter(super::entities::reoffences::Column::ArrestId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(ids.into_iter().flatten());
    }
    Ok(out)
}

/// Referrals made from `from` to before `until`: man, arrest.
pub async fn referrals_between(
    db: &impl Rows,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(i32, i32)>, DbErr> {
    let select = referrals::Entity::find()
        .select_only()
        .column(referrals::Column::PersonId)
        .column(referrals::Column::ArrestId)
        .filter(referrals::Column::CreatedAt.gte(from))
        .filter(referrals::Column::CreatedAt.lt(until))
        .into_tuple();
    streamed(db, select).await
}

#[derive(FromQueryResult)]
struct CohortOutcome {
    cohort_id: i32,
    code: String,
    outcome: String,
    marks: i64,
}

/// For each cohort with sessions in the period: its code and the number of
/// current marks of each outcome.
pub async fn cohort_outcomes(
    db: &impl Rows,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(i32, String, Outcome, i64)>, DbErr> {
    let backend = ConnectionTrait::get_database_backend(db);
    let (p1, p2) = match backend {
        sea_orm::DbBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "SELECT s.cohort_id AS cohort_id, c.code AS code, m.outcome AS outcome, COUNT(*) AS marks
         FROM attendance_marks m
         JOIN cohort_sessions s ON s.id = m.session_id
         JOIN cohorts c ON c.id = s.cohort_id
         WHERE s.starts_at >= {p1} AND s.starts_at < {p2}
           AND NOT EXISTS (SELECT 1 FROM attendance_marks r WHERE r.replaces_id = m.id)
         GROUP BY s.cohort_id, c.code, m.outcome
         ORDER BY c.code"
    );
    Ok(
        CohortOutcome::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            [from.into(), until.into()],
        ))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            r.outcome
                .parse::<Outcome>()
                .ok()
                .map(|o| (r.cohort_id, r.code, o, r.marks))
        })
        .collect(),
    )
}

/// Every arrest: id, when, area.
pub async fn arrest_areas(db: &impl Rows) -> Result<Vec<(i32, DateTime<Utc>, String)>, DbErr> {
    let select = arrests::Entity::find()
        .select_only()
        .column(arrests::Column::Id)
        .column(arrests::Column::ArrestedAt)
        .column(arrests::Column::Area)
        .into_tuple();
    streamed(db, select).await
}
