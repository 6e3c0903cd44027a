//! Queries on enrolments, their status history, attendance marks and
//! enforcement decisions.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::entities::{
    aim_ratings, attendance_marks, enforcement_actions, enrolment_status_history, enrolments,
};
use super::people_repo::ListedMan;
use crate::domain::attendance::MarkInput;
use crate::domain::enforcement::EnforcementAction;
use crate::domain::enrolment::{EndReason, EnrolmentStatus, LegalBasis};

pub use attendance_marks::Model as Mark;
pub use enforcement_actions::Model as Action;
pub use enrolments::Model as Enrolment;

/// An enrolment as checked by the service.
pub struct NewEnrolment {
    pub person_id: i32,
    pub cohort_id: i32,
    pub referral_id: Option<i32>,
    pub legal_basis: LegalBasis,
    pub deadline: Option<NaiveDate>,
    pub override_reason: Option<String>,
    /// `awaiting_start`, or `waiting_list` on a full cohort.
    pub status: EnrolmentStatus,
}

/// Enrolments in one multi-row insert (12 columns each).
const ENROLMENTS_IN_ONE_STATEMENT: usize = 500;

/// Enrol men (status `awaiting_start` or `waiting_list`), each with his
/// first history row; at most one enrolment a man. Answers them in the
/// order given.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    new: Vec<NewEnrolment>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<Enrolment>, DbErr> {
    let mut of_man = HashMap::with_capacity(new.len());
    let order: Vec<i32> = new.iter().map(|e| e.person_id).collect();
    for chunk in new.chunks(ENROLMENTS_IN_ONE_STATEMENT) {
        let rows = chunk.iter().map(|e| enrolments::ActiveModel {
            person_id: Set(e.person_id),
            cohort_id: Set(e.cohort_id),
            referral_id: Set(e.referral_id),
            legal_basis: Set(e.legal_basis),
            deadline: Set(e.deadline),
            status: Set(e.status),
            override_reason: Set(e.override_reason.clone()),
            completed_on: Set(None),
            end_reason: Set(None),
            created_at: Set(now),
            created_by: Set(by),
            version: Set(1),
            ..Default::default()
        });
        let written = enrolments::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        let history = written
            .iter()
            .map(|row| enrolment_status_history::ActiveModel {
                enrolment_id: Set(row.id),
                from_status: Set(None),
                to_status: Set(row.status),
                reason: Set(None),
                note: Set(Some(match &row.override_reason {
                    Some(r) => format!("Enrolled without a suitable assessment: {r}"),
                    None => "Enrolled".into(),
                })),
                at: Set(now),
                by_user_id: Set(by),
                ..Default::default()
            });
        enrolment_status_history::Entity::insert_many(history)
            .exec_without_returning(db)
            .await?;
        // RETURNING promises no order: match each to its man
        of_man.extend(written.into_iter().map(|row| (row.person_id, row)));
    }
    order
        .iter()
        .map(|p| {
            of_man
                .remove(p)
                .ok_or_else(|| DbErr::Custom(format!("man {p}'s enrolment was not written")))
        })
        .collect()
}

/// One enrolment.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Enrolment>, DbErr> {
    enrolments::Entity::find_by_id(id).one(db).await
}

/// A cohort's enrolments (every status), oldest first.
pub async fn in_cohort(db: &impl ConnectionTrait, cohort_id: i32) -> Result<Vec<Enrolment>, DbErr> {
    enrolments::Entity::find()
        .filter(enrolments::Column::CohortId.eq(cohort_id))
        .order_by_asc(enrolments::Column::Id)
        .all(db)
        .await
}

/// One row of [`in_cohort_listed`]'s join; the man's columns are named apart
/// from the enrolment's own.
#[derive(FromQueryResult)]
struct ListedEnrolmentRow {
    #[sea_orm(nested)]
    enrolment: Enrolment,
    man_reference: Option<String>,
    man_surname: Option<String>,
    man_forenames: Option<String>,
}

/// A cohort's enrolments as [`in_cohort`] reads them, each with its man as
/// lists name him (`None` only if his row is gone), in one statement.
pub async fn in_cohort_listed(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> Result<Vec<(Enrolment, Option<ListedMan>)>, DbErr> {
    let rows = super::people_repo::with_listed_man(
        enrolments::Entity::find(),
        enrolments::Column::PersonId,
    )
    .filter(enrolments::Column::CohortId.eq(cohort_id))
    .order_by_asc(enrolments::Column::Id)
    .into_model::<ListedEnrolmentRow>()
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let man = ListedMan::joined(
                r.enrolment.person_id,
                r.man_reference,
                r.man_surname,
                r.man_forenames,
            );
            (r.enrolment, man)
        })
        .collect())
}

/// How many places in a cohort are held.
pub async fn places_taken(db: &impl ConnectionTrait, cohort_id: i32) -> Result<u64, DbErr> {
    enrolments::Entity::find()
        .filter(enrolments::Column::CohortId.eq(cohort_id))
        .filter(
            enrolments::Column::Status.is_in(
                EnrolmentStatus::ALL
                    .iter()
                    .copied()
                    .filter(|s| s.holds_place()),
            ),
        )
        .count(db)
        .await
}

/// A man's enrolments, newest first.
pub async fn for_person(
    db: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<Enrolment>, DbErr> {
    enrolments::Entity::find()
        .filter(enrolments::Column::PersonId.eq(person_id))
        .order_by_desc(enrolments::Column::Id)
        .all(db)
        .await
}

/// Enrolments in any of these statuses (for the probation actions list).
pub async fn with_status(
    db: &impl ConnectionTrait,
    statuses: &[EnrolmentStatus],
) -> Result<Vec<Enrolment>, DbErr> {
    enrolments::Entity::find()
        .filter(enrolments::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(enrolments::Column::Id)
        .all(db)
        .await
}

/// One enrolment's move to `to`, made only if it is still at the version
/// it was read at. An end reason or completion date left `None` keeps the
/// one it has.
pub struct StatusMove<'a> {
    pub enrolment: &'a Enrolment,
    pub to: EnrolmentStatus,
    pub reason: Option<EndReason>,
    pub completed_on: Option<NaiveDate>,
    pub note: &'a str,
}

/// Enrolments moved together, in one `UPDATE` for each kind of move alike
/// and one `INSERT` of their history rows (a register's first save moves
/// every man on it). Answers how many moved: fewer than asked when someone
/// changed one since it was read, and then no history row is written for
/// that kind of move.
pub async fn move_many(
    db: &impl ConnectionTrait,
    moves: &[StatusMove<'_>],
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    type Alike<'m, 'a> = (
        (EnrolmentStatus, Option<EndReason>, Option<NaiveDate>),
        Vec<&'m StatusMove<'a>>,
    );
    let mut alike: Vec<Alike> = Vec::new();
    for m in moves {
        let key = (
            m.to,
            m.reason.or(m.enrolment.end_reason),
            m.completed_on.or(m.enrolment.completed_on),
        );
        match alike.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.push(m),
            None => alike.push((key, vec![m])),
        }
    }
    let mut moved = 0;
    for ((to, reason, completed_on), group) in alike {
        for chunk in group.chunks(MOVES_IN_ONE_UPDATE) {
            let still_as_read = chunk.iter().fold(Condition::any(), |any, m| {
                any.add(
                    Condition::all()
                        .add(enrolments::Column::Id.eq(m.enrolment.id))
                        .add(enrolments::Column::Version.eq(m.enrolment.version)),
                )
            });
            let n = enrolments::Entity::update_many()
                .col_expr(enrolments::Column::Status, Expr::val(to))
                .col_expr(enrolments::Column::EndReason, Expr::val(reason))
                .col_expr(enrolments::Column::CompletedOn, Expr::val(completed_on))
                .col_expr(
                    enrolments::Column::Version,
                    Expr::col(enrolments::Column::Version).add(1),
                )
                .filter(still_as_read)
                .exec(db)
                .await?
                .rows_affected;
            moved += n;
            if n != chunk.len() as u64 {
                return Ok(moved);
            }
            enrolment_status_history::Entity::insert_many(chunk.iter().map(|m| {
                enrolment_status_history::ActiveModel {
                    enrolment_id: Set(m.enrolment.id),
                    from_status: Set(Some(m.enrolment.status)),
                    to_status: Set(to),
                    reason: Set(m.reason),
                    note: Set(Some(m.note.to_string())),
                    at: Set(now),
                    by_user_id: Set(by),
                    ..Default::default()
                }
            }))
            .exec(db)
            .await?;
        }
    }
    Ok(moved)
}

/// Enrolments named in one `UPDATE` at most.
const MOVES_IN_ONE_UPDATE: usize = 200;

/// An enrolment's history, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    enrolment_id: i32,
) -> Result<Vec<enrolment_status_history::Model>, DbErr> {
    enrolment_status_history::Entity::find()
        .filter(enrolment_status_history::Column::EnrolmentId.eq(enrolment_id))
        .order_by_asc(enrolment_status_history::Column::Id)
        .all(db)
        .await
}

/// The current mark per (session, enrolment) for these sessions: the latest
/// row of each pair (older rows are the corrected values, kept).
pub async fn current_marks(
    db: &impl ConnectionTrait,
    session_ids: &[i32],
) -> Result<HashMap<(i32, i32), Mark>, DbErr> {
    latest_of_each_pair(
        attendance_marks::Entity::find()
            .filter(attendance_marks::Column::SessionId.is_in(session_ids.iter().copied())),
        db,
    )
    .await
}

/// [`current_marks`] for these sessions, of these enrolments only: a save
/// that marked one man reads his marks, not the whole cohort's.
pub async fn current_marks_of(
    db: &impl ConnectionTrait,
    session_ids: &[i32],
    enrolment_ids: &[i32],
) -> Result<HashMap<(i32, i32), Mark>, DbErr> {
    latest_of_each_pair(
        attendance_marks::Entity::find()
            .filter(attendance_marks::Column::SessionId.is_in(session_ids.iter().copied()))
            .filter(attendance_marks::Column::EnrolmentId.is_in(enrolment_ids.iter().copied())),
        db,
    )
    .await
}

async fn latest_of_each_pair(
    marks: sea_orm::Select<attendance_marks::Entity>,
    db: &impl ConnectionTrait,
) -> Result<HashMap<(i32, i32), Mark>, DbErr> {
    let rows = marks
        .order_by_asc(attendance_marks::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| ((m.session_id, m.enrolment_id), m))
        .collect())
}

/// Every mark of one enrolment (corrected ones too), oldest first.
pub async fn marks_of(db: &impl ConnectionTrait, enrolment_id: i32) -> Result<Vec<Mark>, DbErr> {
    attendance_marks::Entity::find()
        .filter(attendance_marks::Column::EnrolmentId.eq(enrolment_id))
        .order_by_asc(attendance_marks::Column::Id)
        .all(db)
        .await
}

/// One mark to write.
pub struct NewMark<'a> {
    pub enrolment_id: i32,
    pub mark: &'a MarkInput,
    /// The saved mark this one follows, if any.
    pub replaces: Option<i32>,
    pub correction_reason: Option<String>,
}

/// Write the marks of one session's register in one statement. The rows
/// come back in the order given (each enrolment is marked once a save).
pub async fn insert_marks(
    db: &impl ConnectionTrait,
    session_id: i32,
    marks: &[NewMark<'_>],
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<Mark>, DbErr> {
    let rows = marks.iter().map(|m| attendance_marks::ActiveModel {
        session_id: Set(session_id),
        enrolment_id: Set(m.enrolment_id),
        outcome: Set(m.mark.outcome),
        minutes_late: Set(m.mark.minutes_late),
        absence_reason: Set(m.mark.absence_reason),
        note: Set(m
            .mark
            .note
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())),
        notify_probation: Set(m.mark.notify_probation),
        replaces_id: Set(m.replaces),
        correction_reason: Set(m.correction_reason.clone()),
        recorded_at: Set(now),
        recorded_by: Set(by),
        ..Default::default()
    });
    let mut written: HashMap<i32, Mark> = attendance_marks::Entity::insert_many(rows)
        .exec_with_returning(db)
        .await?
        .into_iter()
        .map(|m| (m.enrolment_id, m))
        .collect();
    marks
        .iter()
        .map(|m| {
            written.remove(&m.enrolment_id).ok_or_else(|| {
                DbErr::Custom(format!("mark for enrolment {} not written", m.enrolment_id))
            })
        })
        .collect()
}

/// Record an enforcement decision.
pub async fn insert_action(
    db: &impl ConnectionTrait,
    enrolment_id: i32,
    action: EnforcementAction,
    date: NaiveDate,
    note: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Action, DbErr> {
    enforcement_actions::ActiveModel {
        enrolment_id: Set(enrolment_id),
        action: Set(action),
        action_date: Set(date),
        note: Set(note.trim().to_string()),
        recorded_at: Set(now),
        recorded_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// An enrolment's enforcement decisions, oldest first.
pub async fn actions_of(
    db: &impl ConnectionTrait,
    enrolment_id: i32,
) -> Result<Vec<Action>, DbErr> {
    enforcement_actions::Entity::find()
        .filter(enforcement_actions::Column::EnrolmentId.eq(enrolment_id))
        .order_by_asc(enforcement_actions::Column::Id)
        .all(db)
        .await
}

/// Marks flagged "notify probation" recorded since `since`, newest first.
pub async fn flagged_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<Mark>, DbErr> {
    attendance_marks::Entity::find()
        .filter(attendance_marks::Column::NotifyProbation.eq(true))
        .filter(attendance_marks::Column::RecordedAt.gte(since))
        .order_by_desc(attendance_marks::Column::RecordedAt)
        .all(db)
        .await
}

/// The enforcement decisions of several enrolments, oldest first.
pub async fn actions_of_many(
    db: &impl ConnectionTrait,
    enrolment_ids: &[i32],
) -> Result<Vec<Action>, DbErr> {
    enforcement_actions::Entity::find()
        .filter(enforcement_actions::Column::EnrolmentId.is_in(enrolment_ids.iter().copied()))
        .order_by_asc(enforcement_actions::Column::Id)
        .all(db)
        .await
}

/// Record a rating of one aim.
pub async fn insert_rating(
    db: &impl ConnectionTrait,
    enrolment_id: i32,
    aim_index: i32,
    rating: crate::domain::programme::AimRating,
    comment: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<aim_ratings::Model, DbErr> {
    aim_ratings::ActiveModel {
        enrolment_id: Set(enrolment_id),
        aim_index: Set(aim_index),
        rating: Set(rating),
        comment: Set(comment.trim().to_string()),
        rated_at: Set(now),
        rated_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The current rating of each aim of an enrolment (the latest of each).
pub async fn current_ratings(
    db: &impl ConnectionTrait,
    enrolment_id: i32,
) -> Result<HashMap<i32, aim_ratings::Model>, DbErr> {
    Ok(aim_ratings::Entity::find()
        .filter(aim_ratings::Column::EnrolmentId.eq(enrolment_id))
        .order_by_asc(aim_ratings::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.aim_index, r))
        .collect())
}
