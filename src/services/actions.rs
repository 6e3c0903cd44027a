//! The probation actions list: what needs a probation officer's attention
//! today, gathered from every cohort.
//!
//! - open enforcement prompts of men still on a programme (awaiting start
//!   or on it), with days since the failure;
//! - notes a facilitator flagged "notify probation" in the last
//!   [`FLAGGED_NOTE_DAYS`] days;
//! - conditional cautions within [`DEADLINE_DAYS`] of their deadline and
//!   not complete;
//! - sessions that took place more than [`UNMARKED_AFTER_HOURS`] hours ago
//!   with men still unmarked (looked for over the last [`UNMARKED_LOOKBACK_DAYS`] days).

use chrono::Duration;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::enrolments_repo;
use crate::db::people_repo;
use crate::db::programmes_repo::{self, Cohort};
use crate::domain::audit_action::AuditAction;
use crate::domain::enforcement::deadline_at_risk;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::london_time::london_date;
use crate::domain::names::listed;
use crate::domain::roles::Capability;
use crate::error::AppResult;
use crate::services::audit::{self, AuditEntry};
use crate::services::enrolments::{Standing, standings};
use crate::services::programmes::cohort_parts;
use crate::state::AppState;

/// How long a flagged note stays on the list.
pub const FLAGGED_NOTE_DAYS: i64 = 14;
/// How close a caution's deadline must be to be listed.
pub const DEADLINE_DAYS: i64 = 14;
/// A session still unmarked this long after it started is listed.
pub const UNMARKED_AFTER_HOURS: i64 = 24;
/// How far back unmarked sessions are looked for.
pub const UNMARKED_LOOKBACK_DAYS: i64 = 60;

/// A man on the list, and where to act.
#[derive(Clone, Debug, Serialize)]
pub struct ManAction {
    pub enrolment_id: i32,
    pub person_id: i32,
    pub name: String,
    pub cohort_code: String,
    pub what: String,
    /// Days since the failure or until the deadline.
    pub days: i64,
}

/// A session whose register is not complete.
#[derive(Clone, Debug, Serialize)]
pub struct UnmarkedSession {
    pub session_id: i32,
    pub cohort_code: String,
    pub number: i32,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub unmarked: usize,
}

/// Everything on the list.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ActionsList {
    pub prompts: Vec<ManAction>,
    pub notes: Vec<ManAction>,
    pub deadlines: Vec<ManAction>,
    pub unmarked: Vec<UnmarkedSession>,
}

impl ActionsList {
    /// Nothing to do?
    pub fn is_empty(&self) -> bool {
        self.prompts.is_empty()
            && self.notes.is_empty()
            && self.deadlines.is_empty()
            && self.unmarked.is_empty()
    }
}

/// The men of `enrolments` still on a programme (awaiting start or on it),
/// each with his cohort and standing, worked out a cohort at a time (three
/// queries each).
async fn on_programme(
    app: &AppState,
    enrolments: &[enrolments_repo::Enrolment],
    today: chrono::NaiveDate,
) -> AppResult<Vec<(enrolments_repo::Enrolment, Cohort, Standing)>> {
    let mut by_cohort: std::collections::BTreeMap<i32, Vec<enrolments_repo::Enrolment>> =
        std::collections::BTreeMap::new();
    for e in enrolments.iter().filter(|e| {
        matches!(
            e.status,
            EnrolmentStatus::AwaitingStart | EnrolmentStatus::OnProgramme
        )
    }) {
        by_cohort.entry(e.cohort_id).or_default().push(e.clone());
    }
    let mut out = Vec::new();
    for (cohort_id, members) in by_cohort {
        let (cohort, programme, sessions) = cohort_parts(&app.db, cohort_id).await?;
        let mut all = standings(&app.db, &members, &programme, &sessions, today).await?;
        for e in members {
            if let Some(s) = all.remove(&e.id) {
                out.push((e, cohort.clone(), s));
            }
        }
    }
    Ok(out)
}

/// How many enforcement decisions are waiting today, over every cohort
/// (managers and probation; a count, naming no one).
pub async fn open_prompts(app: &AppState, actor: &Actor) -> AppResult<usize> {
    actor.require(Capability::ViewStatistics)?;
    let today = london_date(app.now());
    let active = enrolments_repo::with_status(
        &app.db,
        &[EnrolmentStatus::AwaitingStart, EnrolmentStatus::OnProgramme],
    )
    .await?;
    Ok(on_programme(app, &active, today)
        .await?
        .iter()
        .filter(|(_, _, s)| s.prompt.is_open())
        .count())
}

/// The actions list (probation), audited as one consult naming the men on it.
pub async fn list(app: &AppState, actor: &Actor) -> AppResult<ActionsList> {
    actor.require(Capability::ManageCases)?;
    let now = app.now();
    let today = london_date(now);
    let active = enrolments_repo::with_status(
        &app.db,
        &[
            EnrolmentStatus::AwaitingStart,
            EnrolmentStatus::OnProgramme,
            EnrolmentStatus::Completed,
        ],
    )
    .await?;
    let cohorts = programmes_repo::cohorts_by_ids(
        &app.db,
        &active.iter().map(|e| e.cohort_id).collect::<Vec<_>>(),
    )
    .await?;
    let people = people_repo::by_ids(
        &app.db,
        &active.iter().map(|e| e.person_id).collect::<Vec<_>>(),
    )
    .await?;
    let mut out = ActionsList::default();
    for (e, cohort, s) in on_programme(app, &active, today).await? {
        let Some(person) = people.get(&e.person_id) else {
            continue;
        };
        let man = |what: String, days: i64| ManAction {
            enrolment_id: e.id,
            person_id: e.person_id,
            name: listed(&person.surname, &person.forenames),
            cohort_code: cohort.code.clone(),
            what,
            days,
        };
        if s.prompt.is_open() {
            out.prompts.push(man(
                s.prompt.kind.label().to_string(),
                s.prompt.days_since(today).unwrap_or(0),
            ));
        }
        let completed = e.completed_on.is_some() || s.figures.completed_on.is_some();
        if deadline_at_risk(e.deadline, completed, today, DEADLINE_DAYS)
            && let Some(deadline) = e.deadline
            && deadline >= today
        {
            out.deadlines.push(man(
                format!(
                    "{} sessions still to complete",
                    s.figures.sessions_remaining
                ),
                (deadline - today).num_days(),
            ));
        }
    }
    out.prompts.sort_by_key(|a| -a.days);
    out.deadlines.sort_by_key(|a| a.days);
    let by_id: std::collections::HashMap<i32, &enrolments_repo::Enrolment> =
        active.iter().map(|e| (e.id, e)).collect();
    for m in
        enrolments_repo::flagged_since(&app.db, now - Duration::days(FLAGGED_NOTE_DAYS)).await?
    {
        let Some(e) = by_id.get(&m.enrolment_id) else {
            continue;
        };
        let (Some(cohort), Some(person)) = (cohorts.get(&e.cohort_id), people.get(&e.person_id))
        else {
            continue;
        };
        out.notes.push(ManAction {
            enrolment_id: e.id,
            person_id: e.person_id,
            name: listed(&person.surname, &person.forenames),
            cohort_code: cohort.code.clone(),
            what: m.note.clone().unwrap_or_default(),
            days: (today - london_date(m.recorded_at)).num_days(),
        });
    }
    let recent = programmes_repo::sessions_between(
        &app.db,
        None,
        now - Duration::days(UNMARKED_LOOKBACK_DAYS),
        now - Duration::hours(UNMARKED_AFTER_HOURS),
    )
    .await?;
    let marks =
        enrolments_repo::current_marks(&app.db, &recent.iter().map(|s| s.id).collect::<Vec<_>>())
            .await?;
    for s in recent {
        let expected = active
            .iter()
            .filter(|e| {
                e.cohort_id == s.cohort_id
                    && london_date(e.created_at) <= london_date(s.starts_at)
                    && !s.catch_up
            })
            .filter(|e| !marks.contains_key(&(s.id, e.id)))
            .count();
        if expected > 0 {
            out.unmarked.push(UnmarkedSession {
                session_id: s.id,
                cohort_code: cohorts
                    .get(&s.cohort_id)
                    .map(|c| c.code.clone())
                    .unwrap_or_default(),
                number: s.number,
                starts_at: s.starts_at,
                unmarked: expected,
            });
        }
    }
    audit::record_alone(
        app,
        actor,
        now,
        AuditEntry::new(AuditAction::Consult)
            .record("actions_list", "today")
            .people(
                out.prompts
                    .iter()
                    .chain(&out.notes)
                    .chain(&out.deadlines)
                    .map(|a| a.person_id),
            ),
    )
    .await?;
    Ok(out)
}
