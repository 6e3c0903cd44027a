//! Everything held about one man, read for a subject access request: every
//! row of every table that is about him, every version included.

use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{
    aim_ratings, arrests, assessments, attendance_marks, audit_log, audit_subjects, court_hearings,
    court_reports, enforcement_actions, enrolment_status_history, enrolments, people,
    referral_status_history, referrals, reoffences, retention_decisions,
};

/// The rows about one man, each kind oldest first.
pub struct Held {
    pub person: people::Model,
    pub arrests: Vec<arrests::Model>,
    pub referrals: Vec<referrals::Model>,
    pub referral_history: Vec<referral_status_history::Model>,
    pub assessments: Vec<assessments::Model>,
    pub hearings: Vec<court_hearings::Model>,
    pub enrolments: Vec<enrolments::Model>,
    pub enrolment_history: Vec<enrolment_status_history::Model>,
    pub attendance: Vec<attendance_marks::Model>,
    pub enforcement: Vec<enforcement_actions::Model>,
    pub aim_ratings: Vec<aim_ratings::Model>,
    pub court_reports: Vec<court_reports::Model>,
    pub reoffences: Vec<reoffences::Model>,
    pub retention_decisions: Vec<retention_decisions::Model>,
    /// Audit entries naming him, or listing him among several.
    pub audit: Vec<audit_log::Model>,
}

/// Everything held about the man, or `None` when there is no such record
/// (or it was disposed of).
pub async fn held(db: &impl ConnectionTrait, person_id: i32) -> Result<Option<Held>, DbErr> {
    let Some(person) = people::Entity::find_by_id(person_id)
        .filter(people::Column::DisposedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let referrals = referrals::Entity::find()
        .filter(referrals::Column::PersonId.eq(person_id))
        .order_by_asc(referrals::Column::Id)
        .all(db)
        .await?;
    let referral_ids: Vec<i32> = referrals.iter().map(|r| r.id).collect();
    let enrolments = enrolments::Entity::find()
        .filter(enrolments::Column::PersonId.eq(person_id))
        .order_by_asc(enrolments::Column::Id)
        .all(db)
        .await?;
    let enrolment_ids: Vec<i32> = enrolments.iter().map(|e| e.id).collect();
    let listed_in = Query::select()
        .column(audit_subjects::Column::AuditId)
        .from(audit_subjects::Entity)
        .and_where(audit_subjects::Column::PersonId.eq(person_id))
        .to_owned();
    Ok(Some(Held {
        arrests: arrests::Entity::find()
            .filter(arrests::Column::PersonId.eq(person_id))
            .order_by_asc(arrests::Column::ArrestedAt)
            .all(db)
            .await?,
        referral_history: referral_status_history::Entity::find()
            .filter(referral_status_history::Column::ReferralId.is_in(referral_ids))
            .order_by_asc(referral_status_history::Column::Id)
            .all(db)
            .await?,
        assessments: assessments::Entity::find()
            .filter(assessments::Column::PersonId.eq(person_id))
            .order_by_asc(assessments::Column::Id)
            .all(db)
            .await?,
        hearings: court_hearings::Entity::find()
            .filter(court_hearings::Column::PersonId.eq(person_id))
            .order_by_asc(court_hearings::Column::HearingDate)
            .all(db)
            .await?,
        enrolment_history: enrolment_status_history::Entity::find()
            .filter(enrolment_status_history::Column::EnrolmentId.is_in(enrolment_ids.clone()))
            .order_by_asc(enrolment_status_history::Column::Id)
            .all(db)
            .await?,
        attendance: attendance_marks::Entity::find()
            .filter(attendance_marks::Column::EnrolmentId.is_in(enrolment_ids.clone()))
            .order_by_asc(attendance_marks::Column::Id)
            .all(db)
            .await?,
        enforcement: enforcement_actions::Entity::find()
            .filter(enforcement_actions::Column::EnrolmentId.is_in(enrolment_ids.clone()))
            .order_by_asc(enforcement_actions::Column::Id)
            .all(db)
            .await?,
        aim_ratings: aim_ratings::Entity::find()
            .filter(aim_ratings::Column::EnrolmentId.is_in(enrolment_ids))
            .order_by_asc(aim_ratings::Column::Id)
            .all(db)
            .await?,
        court_reports: court_reports::Entity::find()
            .filter(court_reports::Column::PersonId.eq(person_id))
            .order_by_asc(court_reports::Column::Id)
            .all(db)
            .await?,
        reoffences: reoffences::Entity::find()
            .filter(reoffences::Column::PersonId.eq(person_id))
            .order_by_asc(reoffences::Column::OffenceDate)
            .all(db)
            .await?,
        retention_decisions: retention_decisions::Entity::find()
            .filter(retention_decisions::Column::PersonId.eq(person_id))
            .order_by_asc(retention_decisions::Column::Id)
            .all(db)
            .await?,
        audit: audit_log::Entity::find()
            .filter(
                Condition::any()
                    .add(audit_log::Column::PersonId.eq(person_id))
                    .add(audit_log::Column::Id.in_subquery(listed_in)),
            )
            .order_by_asc(audit_log::Column::Id)
            .all(db)
            .await?,
        referrals,
        enrolments,
        person,
    }))
}
