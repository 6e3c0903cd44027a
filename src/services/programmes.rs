//! Programmes and cohorts: creating them, the schedule of sessions, and who
//! may work on a cohort (probation, or the cohort's own facilitators).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::auth::Actor;
use crate::db::programmes_repo::{
    self, Cohort, CohortSession, NewCohort, Programme, ProgrammeSession,
};
use crate::db::users_repo;
use crate::domain::audit_action::AuditAction;
use crate::domain::calendar::{Event, calendar as calendar_file};
use crate::domain::dates::instant_in_supported_range;
use crate::domain::london_time::{from_london, london_date};
use crate::domain::programme::{
    MAX_TEXT_CHARS, ProgrammeSpec, SessionState, check_capacity, check_interval, check_programme,
    check_text, schedule,
};
use crate::domain::roles::{Capability, Role};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// Create a programme template (probation, facilitators).
pub async fn create_programme(
    app: &AppState,
    actor: &Actor,
    spec: &ProgrammeSpec,
) -> AppResult<(Programme, Vec<ProgrammeSession>)> {
    actor.require(Capability::ManagePrograms)?;
    check_programme(spec).map_err(AppError::Invalid)?;
    let txn = app.begin_write().await?;
    let (p, sessions) =
        programmes_repo::insert_programme(&txn, spec, actor.user_id(), app.now()).await?;
    audit::record(
        &txn,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Collect).record("programme", p.id),
    )
    .await?;
    txn.commit().await?;
    Ok((p, sessions))
}

/// Every programme, for choosing one.
pub async fn programmes(app: &AppState, actor: &Actor) -> AppResult<Vec<Programme>> {
    actor.require(Capability::ManagePrograms)?;
    Ok(programmes_repo::programmes(&app.db).await?)
}

/// A cohort as entered.
#[derive(Clone, Debug, Default)]
pub struct CohortInput {
    pub programme_id: i32,
    pub code: String,
    pub venue: String,
    pub capacity: i32,
    pub facilitator_usernames: Vec<String>,
    pub first_session_at: DateTime<Utc>,
    pub interval_days: i32,
}

/// Create a cohort with one session per programme session (probation,
/// facilitators). Facilitators are named by username and must hold the
/// facilitator role.
pub async fn create_cohort(
    app: &AppState,
    actor: &Actor,
    input: &CohortInput,
) -> AppResult<(Cohort, Vec<CohortSession>)> {
    actor.require(Capability::ManagePrograms)?;
    let mut errors = FieldErrors::new();
    let programme = programmes_repo::find_programme(&app.db, input.programme_id).await?;
    if programme.is_none() {
        errors.add("programme_id", "Choose a programme that exists");
    }
    let code = input.code.trim();
    check_text(&mut errors, "code", code, "cohort code");
    if !code.is_empty() && programmes_repo::code_taken(&app.db, code).await? {
        errors.add("code", format!("Cohort code {code} is already used"));
    }
    check_text(&mut errors, "venue", &input.venue, "venue");
    if let Some(p) = &programme {
        errors.check("capacity", check_capacity(input.capacity, p.max_group_size));
    }
    errors.check("interval_days", check_interval(input.interval_days));
    errors.check(
        "first_session_at",
        instant_in_supported_range(input.first_session_at, "first session"),
    );
    let mut facilitators = Vec::new();
    if input.facilitator_usernames.is_empty() {
        errors.add("facilitator_usernames", "Name at least one facilitator");
    }
    for (i, name) in input.facilitator_usernames.iter().enumerate() {
        let user = users_repo::find_by_username(&app.db, name.trim()).await?;
        let roles = match &user {
            Some(u) => users_repo::roles_of(&app.db, u.id).await?,
            None => Vec::new(),
        };
        match user {
            Some(u) if roles.contains(&Role::Facilitator) && !u.disabled => {
                if !facilitators.contains(&u.id) {
                    facilitators.push(u.id);
                }
            }
            _ => errors.add(
                &format!("facilitator_usernames[{i}]"),
                format!("{} is not an active facilitator's username", name.trim()),
            ),
        }
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let programme = programme.ok_or(AppError::NotFound)?;
    let template = programmes_repo::programme_sessions(&app.db, programme.id).await?;
    let starts = schedule(input.first_session_at, input.interval_days, template.len());
    let txn = app.begin_write().await?;
    let (cohort, sessions) = programmes_repo::insert_cohort(
        &txn,
        NewCohort {
            programme_id: programme.id,
            code,
            venue: input.venue.trim(),
            capacity: input.capacity,
            interval_days: input.interval_days,
            facilitators: &facilitators,
            sessions: template
                .iter()
                .zip(starts)
                .map(|(s, at)| (s.number, s.title.clone(), s.minutes, at))
                .collect(),
        },
        actor.user_id(),
        app.now(),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Collect)
            .record("cohort", cohort.id)
            .reason(format!("{} sessions scheduled", sessions.len())),
    )
    .await?;
    txn.commit().await?;
    Ok((cohort, sessions))
}

/// May `actor` work on this cohort (its register, its men's enrolments)?
/// Probation may; a facilitator only on a cohort he runs. Anyone else is
/// answered as if the record did not exist, and the refusal is audited
/// naming the record asked for.
pub(crate) async fn require_cohort_access(
    app: &AppState,
    actor: &Actor,
    cohort_id: i32,
    record: (&'static str, i32),
) -> AppResult<()> {
    require_access(
        app,
        actor,
        programmes_repo::facilitators_of(&app.db, cohort_id),
        record,
    )
    .await
}

/// [`require_cohort_access`] for the cohort a session belongs to. Probation
/// reads nothing to pass; a facilitator's cohorts are read with the session
/// in one statement.
pub(crate) async fn require_session_access(
    app: &AppState,
    actor: &Actor,
    session_id: i32,
) -> AppResult<()> {
    require_access(
        app,
        actor,
        programmes_repo::facilitators_of_session(&app.db, session_id),
        ("session", session_id),
    )
    .await
}

/// The rule of [`require_cohort_access`]; `facilitators` (who runs the
/// cohort) is read only for someone who is not probation.
async fn require_access(
    app: &AppState,
    actor: &Actor,
    facilitators: impl Future<Output = Result<Vec<i32>, sea_orm::DbErr>>,
    record: (&'static str, i32),
) -> AppResult<()> {
    if actor.can(Capability::ManageCases) {
        return Ok(());
    }
    if actor.can(Capability::MarkRegister)
        && let Some(me) = actor.user_id()
        && facilitators.await?.contains(&me)
    {
        return Ok(());
    }
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Refused)
            .record(record.0, record.1)
            .reason("not a facilitator of this cohort"),
    )
    .await?;
    Err(AppError::NotFound)
}

/// A session on someone's list, with its cohort.
#[derive(Clone, Debug, Serialize)]
pub struct SessionOnList {
    pub session: CohortSession,
    pub cohort: Cohort,
}

/// Sessions from the start of today (London) to seven days on: a
/// facilitator's own cohorts, or every cohort for probation.
pub async fn week_ahead(app: &AppState, actor: &Actor) -> AppResult<Vec<SessionOnList>> {
    actor.require(Capability::MarkRegister)?;
    let cohort_ids: Option<Vec<i32>> = if actor.can(Capability::ManageCases) {
        None
    } else {
        Some(
            programmes_repo::cohorts(&app.db, actor.user_id().or(Some(0)))
                .await?
                .into_iter()
                .map(|c| c.id)
                .collect(),
        )
    };
    let today = london_date(app.now());
    let from = from_london(today.and_time(chrono::NaiveTime::MIN));
    let sessions = programmes_repo::sessions_between(
        &app.db,
        cohort_ids.as_deref(),
        from,
        from + Duration::days(8),
    )
    .await?;
    let cohorts = programmes_repo::cohorts_by_ids(
        &app.db,
        &sessions.iter().map(|s| s.cohort_id).collect::<Vec<_>>(),
    )
    .await?;
    Ok(sessions
        .into_iter()
        .filter_map(|s| {
            cohorts
                .get(&s.cohort_id)
                .cloned()
                .map(|cohort| SessionOnList { session: s, cohort })
        })
        .collect())
}

/// A cohort with its schedule, facilitators and the men on it.
#[derive(Clone, Debug, Serialize)]
pub struct CohortDetail {
    pub cohort: Cohort,
    pub programme: Programme,
    pub sessions: Vec<CohortSession>,
    pub facilitators: Vec<String>,
    pub places_taken: u64,
}

/// Read a cohort (probation; its own facilitators).
pub async fn cohort(app: &AppState, actor: &Actor, cohort_id: i32) -> AppResult<CohortDetail> {
    actor.require(Capability::MarkRegister)?;
    require_cohort_access(app, actor, cohort_id, ("cohort", cohort_id)).await?;
    let (cohort, programme, sessions) = cohort_parts(&app.db, cohort_id).await?;
    let ids = programmes_repo::facilitators_of(&app.db, cohort_id).await?;
    let names = users_repo::names_for(&app.db, &ids).await?;
    let places_taken = crate::db::enrolments_repo::places_taken(&app.db, cohort_id).await?;
    Ok(CohortDetail {
        facilitators: ids.iter().filter_map(|i| names.get(i).cloned()).collect(),
        cohort,
        programme,
        sessions,
        places_taken,
    })
}

/// The cohorts a user works on: a facilitator's own, or all for probation.
pub async fn cohorts(app: &AppState, actor: &Actor) -> AppResult<Vec<Cohort>> {
    actor.require(Capability::MarkRegister)?;
    let mine = if actor.can(Capability::ManageCases) {
        None
    } else {
        Some(actor.user_id().unwrap_or(0))
    };
    Ok(programmes_repo::cohorts(&app.db, mine).await?)
}

/// A change to a cohort's schedule.
#[derive(Clone, Debug)]
pub enum ScheduleChange {
    /// The session will not run.
    Cancel { session_id: i32, reason: String },
    /// The session moves: a new session replaces it, the old one is kept as superseded.
    Reschedule {
        session_id: i32,
        starts_at: DateTime<Utc>,
        reason: String,
    },
    /// An extra session for the men who missed session `number`.
    CatchUp {
        number: i32,
        starts_at: DateTime<Utc>,
    },
}

/// Change a cohort's schedule (probation; the cohort's facilitators).
pub async fn change_schedule(
    app: &AppState,
    actor: &Actor,
    cohort_id: i32,
    change: &ScheduleChange,
) -> AppResult<CohortSession> {
    actor.require(Capability::ManagePrograms)?;
    require_cohort_access(app, actor, cohort_id, ("cohort", cohort_id)).await?;
    let sessions = programmes_repo::cohort_sessions(&app.db, cohort_id).await?;
    let find = |id: i32| {
        sessions
            .iter()
            .find(|s| s.id == id && s.state.counts())
            .cloned()
            .ok_or_else(|| {
                AppError::invalid(
                    "session_id",
                    "Choose a session of this cohort that is still scheduled",
                )
            })
    };
    let reason_ok = |reason: &str| {
        let r = reason.trim();
        if r.is_empty() {
            Err(AppError::invalid("reason", "Say why"))
        } else if r.chars().count() > MAX_TEXT_CHARS {
            Err(AppError::invalid(
                "reason",
                format!("Keep the reason under {MAX_TEXT_CHARS} characters"),
            ))
        } else {
            Ok(r.to_string())
        }
    };
    let when_ok = |at: DateTime<Utc>| {
        instant_in_supported_range(at, "the new time")
            .map_err(|m| AppError::invalid("starts_at", m))
    };
    let now = app.now();
    let txn = app.begin_write().await?;
    let (changed, entry) = match change {
        ScheduleChange::Cancel { session_id, reason } => {
            let s = find(*session_id)?;
            let reason = reason_ok(reason)?;
            programmes_repo::set_session_state(
                &txn,
                s.id,
                SessionState::Cancelled,
                Some(reason.clone()),
                None,
            )
            .await?;
            let entry = AuditEntry::new(AuditAction::Alter)
                .record("session", s.id)
                .change("state", s.state, SessionState::Cancelled.as_str())
                .reason(reason);
            (s, entry)
        }
        ScheduleChange::Reschedule {
            session_id,
            starts_at,
            reason,
        } => {
            let s = find(*session_id)?;
            let reason = reason_ok(reason)?;
            let at = when_ok(*starts_at)?;
            let new = programmes_repo::insert_session(
                &txn,
                cohort_id,
                s.number,
                s.title.clone(),
                s.minutes,
                at,
                s.catch_up,
                now,
            )
            .await?;
            programmes_repo::set_session_state(
                &txn,
                s.id,
                SessionState::Superseded,
                Some(reason.clone()),
                Some(new.id),
            )
            .await?;
            let entry = AuditEntry::new(AuditAction::Alter)
                .record("session", s.id)
                .change("starts_at", s.starts_at, at)
                .reason(format!("rescheduled as session {}: {reason}", new.id));
            (new, entry)
        }
        ScheduleChange::CatchUp { number, starts_at } => {
            let template = sessions
                .iter()
                .find(|s| s.number == *number)
                .cloned()
                .ok_or_else(|| {
                    AppError::invalid("number", "Choose a session number of this programme")
                })?;
            let at = when_ok(*starts_at)?;
            let new = programmes_repo::insert_session(
                &txn,
                cohort_id,
                template.number,
                template.title.clone(),
                template.minutes,
                at,
                true,
                now,
            )
            .await?;
            let entry = AuditEntry::new(AuditAction::Collect)
                .record("session", new.id)
                .reason(format!("catch-up for session {number}"));
            (new, entry)
        }
    };
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    Ok(changed)
}

/// The cohort's sessions as an iCalendar file (no personal data).
pub async fn calendar(
    app: &AppState,
    actor: &Actor,
    cohort_id: i32,
) -> AppResult<(String, String)> {
    let d = cohort(app, actor, cohort_id).await?;
    let events: Vec<Event> = d
        .sessions
        .iter()
        .filter(|s| s.state != SessionState::Superseded)
        .map(|s| Event {
            uid: format!("cohort-{}-session-{}@kerbside", d.cohort.id, s.id),
            starts_at: s.starts_at,
            minutes: s.minutes,
            summary: format!(
                "{} session {}{}: {}",
                d.cohort.code,
                s.number,
                if s.catch_up { " (catch-up)" } else { "" },
                s.title
            ),
            location: d.cohort.venue.clone(),
            cancelled: s.state == SessionState::Cancelled,
        })
        .collect();
    let file = format!(
        "cohort-{}.ics",
        d.cohort
            .code
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
    );
    Ok((file, calendar_file(&d.cohort.code, &events, app.now())))
}

/// The users who may facilitate a cohort: (username, full name).
pub async fn facilitators(app: &AppState, actor: &Actor) -> AppResult<Vec<(String, String)>> {
    actor.require(Capability::ManagePrograms)?;
    Ok(users_repo::with_role(&app.db, Role::Facilitator)
        .await?
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| (u.username, u.display_name))
        .collect())
}

/// A cohort with its programme and every session (in any state).
pub(crate) async fn cohort_parts(
    db: &impl sea_orm::ConnectionTrait,
    cohort_id: i32,
) -> AppResult<(Cohort, Programme, Vec<CohortSession>)> {
    let cohort = programmes_repo::find_cohort(db, cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let programme = programmes_repo::find_programme(db, cohort.programme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = programmes_repo::cohort_sessions(db, cohort_id).await?;
    Ok((cohort, programme, sessions))
}
