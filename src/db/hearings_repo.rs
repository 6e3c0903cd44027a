//! Queries on `court_hearings`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::court_hearings;

pub use court_hearings::Model as Hearing;

/// Record a hearing.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &impl ConnectionTrait,
    person_id: i32,
    arrest_id: i32,
    date: NaiveDate,
    court: &str,
    outcome: crate::domain::hearing::HearingOutcome,
    notes: Option<String>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Hearing, DbErr> {
    court_hearings::ActiveModel {
        person_id: Set(person_id),
        arrest_id: Set(arrest_id),
        hearing_date: Set(date),
        court: Set(court.to_string()),
        outcome: Set(outcome),
        notes: Set(notes),
        created_at: Set(now),
        created_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Hearings for an arrest, in date order.
pub async fn for_arrest(db: &impl ConnectionTrait, arrest_id: i32) -> Result<Vec<Hearing>, DbErr> {
    court_hearings::Entity::find()
        .filter(court_hearings::Column::ArrestId.eq(arrest_id))
        .order_by_asc(court_hearings::Column::HearingDate)
        .all(db)
        .await
}

/// Hearings for a man, in date order.
pub async fn for_person(db: &impl ConnectionTrait, person_id: i32) -> Result<Vec<Hearing>, DbErr> {
    court_hearings::Entity::find()
        .filter(court_hearings::Column::PersonId.eq(person_id))
        .order_by_asc(court_hearings::Column::HearingDate)
        .all(db)
        .await
}
