//! Queries on programmes, cohorts, their facilitators and sessions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::{
    cohort_facilitators, cohort_sessions, cohorts, programme_sessions, programmes,
};
use crate::domain::programme::{CompletionRule, ProgrammeSpec, SessionState};

pub use cohort_sessions::Model as CohortSession;
pub use cohorts::Model as Cohort;
pub use programme_sessions::Model as ProgrammeSession;
pub use programmes::Model as Programme;

impl Programme {
    /// The completion rule the columns hold.
    pub fn rule(&self) -> CompletionRule {
        match self.completion_min_attended {
            Some(n) if !self.completion_all_core => CompletionRule::MinAttended(n),
            _ => CompletionRule::AllCore,
        }
    }

    /// The aims, in order.
    pub fn aim_list(&self) -> Vec<String> {
        serde_json::from_str(&self.aims).unwrap_or_default()
    }
}

/// Store a checked programme and its sessions.
pub async fn insert_programme(
    db: &impl ConnectionTrait,
    p: &ProgrammeSpec,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(Programme, Vec<ProgrammeSession>), DbErr> {
    let (min, all_core) = match p.rule {
        CompletionRule::MinAttended(n) => (Some(n), false),
        CompletionRule::AllCore => (None, true),
    };
    let programme = programmes::ActiveModel {
        name: Set(p.name.trim().to_string()),
        completion_min_attended: Set(min),
        completion_all_core: Set(all_core),
        max_group_size: Set(p.max_group_size),
        aims: Set(serde_json::to_string(&p.aims).unwrap_or_else(|_| "[]".into())),
        created_at: Set(now),
        created_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut sessions = Vec::new();
    for s in &p.sessions {
        sessions.push(
            programme_sessions::ActiveModel {
                programme_id: Set(programme.id),
                number: Set(s.number),
                title: Set(s.title.trim().to_string()),
                minutes: Set(s.minutes),
                core: Set(s.core),
                ..Default::default()
            }
            .insert(db)
            .await?,
        );
    }
    Ok((programme, sessions))
}

/// One programme.
pub async fn find_programme(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<Programme>, DbErr> {
    programmes::Entity::find_by_id(id).one(db).await
}

/// Every programme, by name.
pub async fn programmes(db: &impl ConnectionTrait) -> Result<Vec<Programme>, DbErr> {
    programmes::Entity::find()
        .order_by_asc(programmes::Column::Name)
        .all(db)
        .await
}

/// A programme's sessions in number order.
pub async fn programme_sessions(
    db: &impl ConnectionTrait,
    programme_id: i32,
) -> Result<Vec<ProgrammeSession>, DbErr> {
    programme_sessions::Entity::find()
        .filter(programme_sessions::Column::ProgrammeId.eq(programme_id))
        .order_by_asc(programme_sessions::Column::Number)
        .all(db)
        .await
}

/// A new cohort as checked by the service.
pub struct NewCohort<'a> {
    pub programme_id: i32,
    pub code: &'a str,
    pub venue: &'a str,
    pub capacity: i32,
    pub interval_days: i32,
    pub facilitators: &'a [i32],
    /// One per programme session: number, title, minutes, start.
    pub sessions: Vec<(i32, String, i32, DateTime<Utc>)>,
}

/// Store a cohort with its facilitators and scheduled sessions.
pub async fn insert_cohort(
    db: &impl ConnectionTrait,
    c: NewCohort<'_>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(Cohort, Vec<CohortSession>), DbErr> {
    let cohort = cohorts::ActiveModel {
        programme_id: Set(c.programme_id),
        code: Set(c.code.to_string()),
        venue: Set(c.venue.to_string()),
        capacity: Set(c.capacity),
        interval_days: Set(c.interval_days),
        created_at: Set(now),
        created_by: Set(by),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for user_id in c.facilitators {
        cohort_facilitators::ActiveModel {
            cohort_id: Set(cohort.id),
            user_id: Set(*user_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let mut sessions = Vec::new();
    for (number, title, minutes, starts_at) in c.sessions {
        sessions.push(
            insert_session(db, cohort.id, number, title, minutes, starts_at, false, now).await?,
        );
    }
    Ok((cohort, sessions))
}

/// Add one session to a cohort.
#[allow(clippy::too_many_arguments)]
pub async fn insert_session(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    number: i32,
    title: String,
    minutes: i32,
    starts_at: DateTime<Utc>,
    catch_up: bool,
    now: DateTime<Utc>,
) -> Result<CohortSession, DbErr> {
    cohort_sessions::ActiveModel {
        cohort_id: Set(cohort_id),
        number: Set(number),
        title: Set(title),
        minutes: Set(minutes),
        starts_at: Set(starts_at),
        state: Set(SessionState::Scheduled),
        cancel_reason: Set(None),
        superseded_by: Set(None),
        catch_up: Set(catch_up),
        register_version: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Is this cohort code already used?
pub async fn code_taken(db: &impl ConnectionTrait, code: &str) -> Result<bool, DbErr> {
    Ok(cohorts::Entity::find()
        .filter(cohorts::Column::Code.eq(code))
        .count(db)
        .await?
        > 0)
}

/// One cohort.
pub async fn find_cohort(db: &impl ConnectionTrait, id: i32) -> Result<Option<Cohort>, DbErr> {
    cohorts::Entity::find_by_id(id).one(db).await
}

/// Cohorts by id.
pub async fn cohorts_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Cohort>, DbErr> {
    Ok(cohorts::Entity::find()
        .filter(cohorts::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// Cohorts, newest first; only those `facilitator` runs when given.
pub async fn cohorts(
    db: &impl ConnectionTrait,
    facilitator: Option<i32>,
) -> Result<Vec<Cohort>, DbErr> {
    let mut q = cohorts::Entity::find();
    if let Some(user_id) = facilitator {
        let ids: Vec<i32> = cohort_facilitators::Entity::find()
            .filter(cohort_facilitators::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .map(|f| f.cohort_id)
            .collect();
        q = q.filter(cohorts::Column::Id.is_in(ids));
    }
    q.order_by_desc(cohorts::Column::Id).all(db).await
}

/// The facilitators' user ids for a cohort.
pub async fn facilitators_of(db: &impl ConnectionTrait, cohort_id: i32) -> Result<Vec<i32>, DbErr> {
    user_ids(
        db,
        cohort_facilitators::Entity::find()
            .filter(cohort_facilitators::Column::CohortId.eq(cohort_id)),
    )
    .await
}

/// Who runs the cohort a session belongs to, in one read.
pub async fn facilitators_of_session(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<Vec<i32>, DbErr> {
    user_ids(
        db,
        cohort_facilitators::Entity::find()
            .join(
                JoinType::InnerJoin,
                cohort_facilitators::Entity::belongs_to(cohort_sessions::Entity)
                    .from(cohort_facilitators::Column::CohortId)
                    .to(cohort_sessions::Column::CohortId)
                    .into(),
            )
            .filter(cohort_sessions::Column::Id.eq(session_id)),
    )
    .await
}

/// The users of the facilitator rows `rows` finds, in the order they were
/// added to the cohort.
async fn user_ids(
    db: &impl ConnectionTrait,
    rows: sea_orm::Select<cohort_facilitators::Entity>,
) -> Result<Vec<i32>, DbErr> {
    Ok(rows
        .order_by_asc(cohort_facilitators::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.user_id)
        .collect())
}

/// A cohort's sessions in date order (every state).
pub async fn cohort_sessions(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> Result<Vec<CohortSession>, DbErr> {
    cohort_sessions::Entity::find()
        .filter(cohort_sessions::Column::CohortId.eq(cohort_id))
        .order_by_asc(cohort_sessions::Column::StartsAt)
        .order_by_asc(cohort_sessions::Column::Id)
        .all(db)
        .await
}

/// A session with its cohort, the cohort's programme and that programme's
/// sessions in order (its template), in one read.
pub async fn find_session_with_cohort(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<(CohortSession, Cohort, Programme, Vec<ProgrammeSession>)>, DbErr> {
    let rows = cohort_sessions::Entity::find_by_id(id)
        .find_also_related(cohorts::Entity)
        .and_also_related(programmes::Entity)
        .find_also(programmes::Entity, programme_sessions::Entity)
        .order_by_asc(programme_sessions::Column::Number)
        .all(db)
        .await?;
    let mut template = Vec::with_capacity(rows.len());
    let mut found = None;
    for (session, cohort, programme, step) in rows {
        let (Some(cohort), Some(programme)) = (cohort, programme) else {
            return Ok(None);
        };
        template.extend(step);
        found.get_or_insert((session, cohort, programme));
    }
    Ok(found.map(|(session, cohort, programme)| (session, cohort, programme, template)))
}

/// Scheduled sessions starting in `[from, to)`, earliest first, of the given
/// cohorts (every cohort when `None`).
pub async fn sessions_between(
    db: &impl ConnectionTrait,
    cohort_ids: Option<&[i32]>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CohortSession>, DbErr> {
    let mut q = cohort_sessions::Entity::find()
        .filter(cohort_sessions::Column::StartsAt.gte(from))
        .filter(cohort_sessions::Column::StartsAt.lt(to))
        .filter(cohort_sessions::Column::State.eq(SessionState::Scheduled));
    if let Some(ids) = cohort_ids {
        q = q.filter(cohort_sessions::Column::CohortId.is_in(ids.iter().copied()));
    }
    q.order_by_asc(cohort_sessions::Column::StartsAt)
        .all(db)
        .await
}

/// Take the cohort's version (serialises enrolments into it): 0 when someone
/// else changed it first.
pub async fn claim_cohort(db: &impl ConnectionTrait, cohort: &Cohort) -> Result<u64, DbErr> {
    Ok(cohorts::Entity::update_many()
        .col_expr(
            cohorts::Column::Version,
            Expr::col(cohorts::Column::Version).add(1),
        )
        .filter(cohorts::Column::Id.eq(cohort.id))
        .filter(cohorts::Column::Version.eq(cohort.version))
        .exec(db)
        .await?
        .rows_affected)
}

/// Move the register from `version` to the next: 0 when it was saved by
/// someone else since `version` was read.
pub async fn claim_register(
    db: &impl ConnectionTrait,
    session_id: i32,
    version: i32,
) -> Result<u64, DbErr> {
    Ok(cohort_sessions::Entity::update_many()
        .col_expr(
            cohort_sessions::Column::RegisterVersion,
            Expr::col(cohort_sessions::Column::RegisterVersion).add(1),
        )
        .filter(cohort_sessions::Column::Id.eq(session_id))
        .filter(cohort_sessions::Column::RegisterVersion.eq(version))
        .exec(db)
        .await?
        .rows_affected)
}

/// Cancel a session, or mark it superseded by another.
pub async fn set_session_state(
    db: &impl ConnectionTrait,
    session_id: i32,
    state: SessionState,
    cancel_reason: Option<String>,
    superseded_by: Option<i32>,
) -> Result<u64, DbErr> {
    Ok(cohort_sessions::Entity::update_many()
        .col_expr(cohort_sessions::Column::State, Expr::val(state))
        .col_expr(
            cohort_sessions::Column::CancelReason,
            Expr::val(cancel_reason),
        )
        .col_expr(
            cohort_sessions::Column::SupersededBy,
            Expr::val(superseded_by),
        )
        .filter(cohort_sessions::Column::Id.eq(session_id))
        .filter(cohort_sessions::Column::State.eq(SessionState::Scheduled))
        .exec(db)
        .await?
        .rows_affected)
}
