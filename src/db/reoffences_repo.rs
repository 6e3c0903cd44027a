//! Queries on `reoffences`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::reoffences::{self, Column};
use crate::domain::reoffending::ReoffenceOutcome;

pub use reoffences::Model as Reoffence;

/// A reoffence to record.
#[derive(Clone, Debug)]
pub struct NewReoffence<'a> {
    pub person_id: i32,
    pub offence_date: NaiveDate,
    pub outcome: ReoffenceOutcome,
    pub outcome_date: NaiveDate,
    pub source: &'a str,
    pub arrest_id: Option<i32>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    r: &NewReoffence<'_>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Reoffence, DbErr> {
    reoffences::ActiveModel {
        person_id: Set(r.person_id),
        offence_date: Set(r.offence_date),
        outcome: Set(r.outcome),
        outcome_date: Set(r.outcome_date),
        source: Set(r.source.to_string()),
        arrest_id: Set(r.arrest_id),
        created_at: Set(now),
        created_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A man's reoffences, newest offence first.
pub async fn for_person(
    db: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<Reoffence>, DbErr> {
    reoffences::Entity::find()
        .filter(Column::PersonId.eq(person_id))
        .order_by_desc(Column::OffenceDate)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// Every known reoffence as (man, offence date, outcome date): one query
/// for the statistics.
pub async fn all_known(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i32, NaiveDate, NaiveDate)>, DbErr> {
    reoffences::Entity::find()
        .select_only()
        .column(Column::PersonId)
        .column(Column::OffenceDate)
        .column(Column::OutcomeDate)
        .into_tuple()
        .all(db)
        .await
}

/// The arrests already recorded as reoffences of each of these men.
pub async fn arrest_ids_of_people(
    db: &impl ConnectionTrait,
    person_ids: &[i32],
) -> Result<std::collections::HashSet<i32>, DbErr> {
    let mut found = std::collections::HashSet::new();
    for chunk in person_ids.chunks(crate::db::arrests_repo::IDS_IN_ONE_QUERY) {
        let ids: Vec<Option<i32>> = reoffences::Entity::find()
            .select_only()
            .column(Column::ArrestId)
            .filter(Column::PersonId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(ids.into_iter().flatten());
    }
    Ok(found)
}
