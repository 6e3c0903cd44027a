//! Queries on `referrals` and their status history.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::entities::{referral_status_history, referrals};
use crate::domain::referral::ReferralStatus;

pub use referrals::Model as Referral;

/// Open a referral (status `new`) with its first history row.
pub async fn insert(
    db: &impl ConnectionTrait,
    person_id: i32,
    arrest_id: i32,
    reason: &str,
    due: NaiveDate,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Referral, DbErr> {
    let r = referrals::ActiveModel {
        person_id: Set(person_id),
        arrest_id: Set(arrest_id),
        reason: Set(reason.to_string()),
        due_date: Set(due),
        status: Set(ReferralStatus::New.as_str().to_string()),
        assigned_to: Set(None),
        created_at: Set(now),
        created_by: Set(by),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    referral_status_history::ActiveModel {
        referral_id: Set(r.id),
        from_status: Set(None),
        to_status: Set(r.status.clone()),
        assigned_to: Set(None),
        at: Set(now),
        by_user_id: Set(by),
        note: Set(Some(format!("created by the {reason} disposal"))),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(r)
}

/// The referrals made from one arrest.
pub async fn for_arrest(db: &impl ConnectionTrait, arrest_id: i32) -> Result<Vec<Referral>, DbErr> {
    referrals::Entity::find()
        .filter(referrals::Column::ArrestId.eq(arrest_id))
        .order_by_asc(referrals::Column::Id)
        .all(db)
        .await
}

/// A man's referrals, newest first.
pub async fn for_person(db: &impl ConnectionTrait, person_id: i32) -> Result<Vec<Referral>, DbErr> {
    referrals::Entity::find()
        .filter(referrals::Column::PersonId.eq(person_id))
        .order_by_desc(referrals::Column::Id)
        .all(db)
        .await
}
