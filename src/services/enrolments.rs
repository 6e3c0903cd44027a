//! Enrolment of a man on a cohort, his derived attendance figures, the
//! enforcement prompt and the decisions recorded against it.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::enrolments_repo::{self, Action, Enrolment, Mark, NewEnrolment, StatusMove};
use crate::db::programmes_repo::{self, Cohort, CohortSession, Programme, ProgrammeSession};
use crate::db::{assessments_repo, people_repo, referrals_repo};
use crate::domain::assessment::Suitability;
use crate::domain::attendance::{Figures, SessionRecord, figures};
use crate::domain::audit_action::AuditAction;
use crate::domain::enforcement::{
    EnforcementAction, EnforcementFacts, Prompt, allowed_actions, prompt,
};
use crate::domain::enrolment::{
    EndReason, EnrolmentStatus, LegalBasis, suitability_gate, transition,
};
use crate::domain::london_time::london_date;
use crate::domain::non_association::{ArrestFacts, any_together};
use crate::domain::referral::{self, ReferralStatus};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::services::programmes::{cohort_parts, require_cohort_access};
use crate::services::referrals::move_referrals;
use crate::state::AppState;

/// Longest override reason or enforcement note.
pub const MAX_REASON_CHARS: usize = 2000;

/// An enrolment as entered.
#[derive(Clone, Debug)]
pub struct EnrolmentInput {
    pub person_id: i32,
    pub cohort_id: i32,
    pub referral_id: Option<i32>,
    pub legal_basis: LegalBasis,
    pub deadline: Option<NaiveDate>,
    pub override_reason: Option<String>,
    /// On a full cohort, put him on its waiting list instead of refusing.
    pub waiting_list: bool,
}

/// Enrol a man on a cohort (probation). Needs a completed assessment found
/// suitable, or an override reason; a full cohort is a conflict naming
/// cohorts of the same programme with places. The one-man case of
/// [`enrol_many`], with its errors about him alone.
pub async fn enrol(app: &AppState, actor: &Actor, input: &EnrolmentInput) -> AppResult<Enrolled> {
    enrol_in_order(app, actor, std::slice::from_ref(input), |_, e| e)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Enrol men on one cohort together, in the order given, each checked and
/// written as [`enrol`] would one after another (a man's place counts for
/// the next, and a warning names the men enrolled before him), in one
/// transaction: all are kept or none. An error names the item it is about
/// (`enrolments[2].override_reason`, "Enrolment 2: ...").
pub async fn enrol_many(
    app: &AppState,
    actor: &Actor,
    inputs: &[EnrolmentInput],
) -> AppResult<Vec<Enrolled>> {
    enrol_in_order(app, actor, inputs, |item, e| {
        e.about_item("enrolments", "Enrolment", item)
    })
    .await
}

async fn enrol_in_order(
    app: &AppState,
    actor: &Actor,
    inputs: &[EnrolmentInput],
    about: impl Fn(usize, AppError) -> AppError,
) -> AppResult<Vec<Enrolled>> {
    actor.require(Capability::ManageCases)?;
    let Some(first) = inputs.first() else {
        return Ok(Vec::new());
    };
    if let Some(item) = inputs.iter().position(|i| i.cohort_id != first.cohort_id) {
        let e = AppError::invalid("cohort_id", "Enrol men together on one cohort at a time");
        return Err(about(item, e));
    }
    let men: Vec<i32> = inputs.iter().map(|i| i.person_id).collect();
    let recorded = people_repo::recorded_of(&app.db, &men).await?;
    let cohort = programmes_repo::find_cohort(&app.db, first.cohort_id).await?;
    let referral_ids: Vec<i32> = inputs.iter().filter_map(|i| i.referral_id).collect();
    let referrals = referrals_repo::by_ids(&app.db, &referral_ids).await?;
    // A caution's deadline defaults to the one the police recorded on the
    // arrest the referral came from.
    let arrest_ids: Vec<i32> = inputs
        .iter()
        .filter(|i| i.legal_basis.needs_deadline())
        .filter_map(|i| referrals.get(&i.referral_id?))
        .map(|r| r.arrest_id)
        .collect();
    let arrests = crate::db::arrests_repo::by_ids(&app.db, &arrest_ids).await?;
    let assessed = assessments_repo::current_completed_of(&app.db, &men).await?;
    let mut checked = Vec::with_capacity(inputs.len());
    for (item, input) in inputs.iter().enumerate() {
        let mut errors = FieldErrors::new();
        if !recorded.contains(&input.person_id) {
            errors.add("person_id", "Choose a person who exists");
        }
        if cohort.is_none() {
            errors.add("cohort_id", "Choose a cohort that exists");
        }
        let referral = input.referral_id.and_then(|id| referrals.get(&id));
        if input.referral_id.is_some() && referral.is_none_or(|r| r.person_id != input.person_id) {
            errors.add("referral_id", "Choose one of this man's referrals");
        }
        let recorded_deadline = match (referral, input.legal_basis.needs_deadline()) {
            (Some(r), true) => arrests.get(&r.arrest_id).and_then(|a| a.course_deadline),
            _ => None,
        };
        let deadline = input.deadline.or(recorded_deadline);
        match (input.legal_basis.needs_deadline(), deadline) {
            (true, None) => errors.add(
                "deadline",
                "Enter the caution's deadline for completing the course",
            ),
            (false, Some(_)) => errors.add("deadline", "Only a conditional caution has a deadline"),
            _ => {}
        }
        let reason = input
            .override_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
            errors.add(
                "override_reason",
                format!("Keep the reason under {MAX_REASON_CHARS} characters"),
            );
        }
        if recorded.contains(&input.person_id) {
            let suitable = assessed
                .get(&input.person_id)
                .is_some_and(|a| a.suitability == Some(Suitability::Suitable));
            if let Some(message) = suitability_gate(suitable, reason) {
                errors.add("override_reason", message);
            }
        }
        errors
            .into_result()
            .map_err(|e| about(item, AppError::Invalid(e)))?;
        checked.push((deadline, reason, referral));
    }
    let cohort = cohort.ok_or(AppError::NotFound)?;
    let mut on_cohort: std::collections::HashSet<i32> =
        enrolments_repo::in_cohort(&app.db, cohort.id)
            .await?
            .iter()
            .filter(|e| e.status.holds_place() || e.status == EnrolmentStatus::WaitingList)
            .map(|e| e.person_id)
            .collect();
    for (item, man) in men.iter().enumerate() {
        if !on_cohort.insert(*man) {
            let e = AppError::conflict(format!("He is already enrolled on cohort {}", cohort.code));
            return Err(about(item, e));
        }
    }
    let warnings: Vec<Vec<(i32, String)>> = joining_together(&app.db, cohort.id, &men)
        .await?
        .into_iter()
        .map(|others| {
            others
                .into_iter()
                .map(|(other_id, other)| {
                    (
                        other_id,
                        format!("He was arrested together with {other}, who is on cohort {}: they should not share a group", cohort.code),
                    )
                })
                .collect()
        })
        .collect();
    let now = app.now();
    let txn = app.begin_write().await?;
    if programmes_repo::claim_cohort(&txn, &cohort).await? == 0 {
        return Err(AppError::conflict(
            "Someone else enrolled a man on this cohort at the same moment. Try again.",
        ));
    }
    let mut taken = enrolments_repo::places_taken(&txn, cohort.id).await?;
    let mut rows = Vec::with_capacity(inputs.len());
    for (item, (input, (deadline, reason, _))) in inputs.iter().zip(&checked).enumerate() {
        let full = taken >= cohort.capacity as u64;
        if full && !input.waiting_list {
            drop(txn);
            return Err(about(
                item,
                AppError::conflict(full_message(app, &cohort).await?),
            ));
        }
        taken += u64::from(!full);
        rows.push(NewEnrolment {
            person_id: input.person_id,
            cohort_id: cohort.id,
            referral_id: input.referral_id,
            legal_basis: input.legal_basis,
            deadline: *deadline,
            override_reason: reason.map(str::to_string),
            status: if full {
                EnrolmentStatus::WaitingList
            } else {
                EnrolmentStatus::AwaitingStart
            },
        });
    }
    let written = enrolments_repo::insert_many(&txn, rows, actor.user_id(), now).await?;
    let closing: Vec<_> = checked
        .iter()
        .filter_map(|(_, _, r)| *r)
        .filter(|r| referral::transition(r.status, ReferralStatus::Closed).is_some())
        .map(|r| (r, ReferralStatus::Closed, r.assigned_to))
        .collect();
    move_referrals(&txn, actor, &closing, "enrolled", now).await?;
    // the men a warning names were shown to the officer: their trails say so
    let entries =
        written
            .iter()
            .zip(&checked)
            .zip(&warnings)
            .map(|((e, (_, reason, _)), warned)| {
                let mut entry = AuditEntry::new(AuditAction::Collect)
                    .record("enrolment", e.id)
                    .person(e.person_id)
                    .people(warned.iter().map(|(id, _)| *id));
                if let Some(r) = reason {
                    entry = entry.reason(format!("enrolled without a suitable assessment: {r}"));
                }
                entry
            });
    audit::record_many(&txn, actor, now, entries.collect()).await?;
    txn.commit().await?;
    Ok(written
        .into_iter()
        .zip(warnings)
        .map(|(enrolment, warned)| Enrolled {
            enrolment,
            warnings: warned.into_iter().map(|(_, w)| w).collect(),
        })
        .collect())
}

/// An enrolment made, with anything the officer should know about it.
#[derive(Clone, Debug, Serialize)]
pub struct Enrolled {
    pub enrolment: Enrolment,
    /// Non-associations on the cohort: the software warns, a person decides.
    pub warnings: Vec<String>,
}

/// The men on a cohort (holding a place or waiting), and what their
/// arrests and names say about being arrested together.
struct OnCohort {
    men: Vec<i32>,
    people: std::collections::HashMap<i32, crate::db::people_repo::Person>,
    arrests: std::collections::HashMap<i32, Vec<crate::db::arrests_repo::Arrest>>,
}

impl OnCohort {
    /// The cohort's men, read with `newcomers`' names and arrests too.
    async fn read(
        db: &impl ConnectionTrait,
        cohort_id: i32,
        newcomers: &[i32],
    ) -> AppResult<OnCohort> {
        let mut men: Vec<i32> = enrolments_repo::in_cohort(db, cohort_id)
            .await?
            .into_iter()
            .filter(|e| e.status.holds_place() || e.status == EnrolmentStatus::WaitingList)
            .map(|e| e.person_id)
            .collect();
        men.sort_unstable();
        men.dedup();
        let everyone: Vec<i32> = men.iter().chain(newcomers).copied().collect();
        let people = people_repo::by_ids(db, &everyone).await?;
        let mut arrests: std::collections::HashMap<i32, Vec<_>> = std::collections::HashMap::new();
        for a in crate::db::arrests_repo::for_people(db, &everyone).await? {
            arrests.entry(a.person_id).or_default().push(a);
        }
        Ok(OnCohort {
            men,
            people,
            arrests,
        })
    }

    fn together(&self, a: i32, b: i32) -> bool {
        let facts = |id: i32| -> Vec<ArrestFacts<'_>> {
            self.arrests
                .get(&id)
                .map(|list| {
                    list.iter()
                        .map(|a| ArrestFacts {
                            at: a.arrested_at,
                            location: &a.location,
                            occurrence_reference: a.occurrence_reference.as_deref(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        a != b && any_together(&facts(a), &facts(b))
    }

    fn name(&self, id: i32) -> String {
        self.people
            .get(&id)
            .map(|p| crate::domain::names::listed(&p.surname, &p.forenames))
            .unwrap_or_default()
    }
}

/// Pairs of men on a cohort (holding a place or waiting) who were arrested
/// together, by name.
pub(crate) async fn arrested_together_on(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> AppResult<Vec<((i32, String), (i32, String))>> {
    let on = OnCohort::read(db, cohort_id, &[]).await?;
    let mut pairs = Vec::new();
    for a in on.men.iter().copied() {
        for b in on.men.iter().copied().filter(|b| *b > a) {
            if on.together(a, b) {
                pairs.push(((a, on.name(a)), (b, on.name(b))));
            }
        }
    }
    Ok(pairs)
}

/// For each of `newcomers` joining a cohort in turn, the men he was
/// arrested together with among those on it and the newcomers before him,
/// by name.
async fn joining_together(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    newcomers: &[i32],
) -> AppResult<Vec<Vec<(i32, String)>>> {
    let mut on = OnCohort::read(db, cohort_id, newcomers).await?;
    let mut out = Vec::with_capacity(newcomers.len());
    for n in newcomers {
        let others: Vec<(i32, String)> = on
            .men
            .iter()
            .copied()
            .filter(|b| on.together(*n, *b))
            .map(|b| (b, on.name(b)))
            .collect();
        out.push(others);
        on.men.push(*n);
    }
    Ok(out)
}

async fn full_message(app: &AppState, cohort: &Cohort) -> AppResult<String> {
    let mut open = Vec::new();
    for other in programmes_repo::cohorts(&app.db, None).await? {
        if other.programme_id == cohort.programme_id && other.id != cohort.id {
            let taken = enrolments_repo::places_taken(&app.db, other.id).await?;
            if taken < other.capacity as u64 {
                open.push(format!(
                    "{} ({} of {} places left)",
                    other.code,
                    other.capacity as u64 - taken,
                    other.capacity
                ));
            }
        }
    }
    let elsewhere = if open.is_empty() {
        "No other cohort of this programme has a place: enrol him on the next cohort when it is set up.".to_string()
    } else {
        format!(
            "Cohorts of this programme with places: {}.",
            open.join(", ")
        )
    };
    Ok(format!(
        "Cohort {} is full ({} of {} places taken). {elsewhere} Or put him on this cohort's waiting list: he is offered the next place that comes free.",
        cohort.code, cohort.capacity, cohort.capacity
    ))
}

/// The derived state of one enrolment.
#[derive(Clone, Debug, Serialize)]
pub struct Standing {
    pub figures: Figures,
    pub prompt: Prompt,
}

/// Work out figures and the enforcement prompt of one enrolment from what
/// is stored.
pub(crate) async fn standing(
    db: &impl ConnectionTrait,
    e: &Enrolment,
    programme: &Programme,
    sessions: &[CohortSession],
    today: NaiveDate,
) -> AppResult<Standing> {
    standings(db, std::slice::from_ref(e), programme, sessions, today)
        .await?
        .remove(&e.id)
        .ok_or(AppError::NotFound)
}

/// [`standing`] for several enrolments of one cohort, in three queries
/// whatever their number (the programme's sessions, the marks, the
/// enforcement decisions).
pub(crate) async fn standings(
    db: &impl ConnectionTrait,
    enrolments: &[Enrolment],
    programme: &Programme,
    sessions: &[CohortSession],
    today: NaiveDate,
) -> AppResult<std::collections::HashMap<i32, Standing>> {
    let template = programmes_repo::programme_sessions(db, programme.id).await?;
    standings_by(db, enrolments, programme, &template, sessions, today).await
}

/// [`standings`] with the programme's sessions (its template) already read:
/// a template is written with its programme and never changed, so it may be
/// read before a write turn and used inside it.
pub(crate) async fn standings_by(
    db: &impl ConnectionTrait,
    enrolments: &[Enrolment],
    programme: &Programme,
    template: &[ProgrammeSession],
    sessions: &[CohortSession],
    today: NaiveDate,
) -> AppResult<std::collections::HashMap<i32, Standing>> {
    let template: Vec<(i32, bool)> = template.iter().map(|s| (s.number, s.core)).collect();
    let marks = enrolments_repo::current_marks_of(
        db,
        &sessions.iter().map(|s| s.id).collect::<Vec<_>>(),
        &enrolments.iter().map(|e| e.id).collect::<Vec<_>>(),
    )
    .await?;
    let mut decisions: std::collections::HashMap<i32, Vec<(EnforcementAction, NaiveDate)>> =
        std::collections::HashMap::new();
    for a in
        enrolments_repo::actions_of_many(db, &enrolments.iter().map(|e| e.id).collect::<Vec<_>>())
            .await?
    {
        decisions
            .entry(a.enrolment_id)
            .or_default()
            .push((a.action, a.action_date));
    }
    let mut out = std::collections::HashMap::new();
    for e in enrolments {
        let records: Vec<SessionRecord> = sessions
            .iter()
            .map(|s| SessionRecord {
                number: s.number,
                core: template.iter().any(|(n, core)| *n == s.number && *core),
                date: london_date(s.starts_at),
                counts: s.state.counts(),
                catch_up: s.catch_up,
                outcome: marks.get(&(s.id, e.id)).map(|m| m.outcome),
            })
            .collect();
        let f = figures(&records, &template, programme.rule(), today);
        let failures: Vec<NaiveDate> = records
            .iter()
            .filter(|r| r.counts && r.outcome.is_some_and(|o| o.is_failure()))
            .map(|r| r.date)
            .collect();
        let p = prompt(
            &EnforcementFacts {
                basis: e.legal_basis,
                failures: &failures,
                actions: decisions.get(&e.id).map(Vec::as_slice).unwrap_or_default(),
                deadline: e.deadline,
                completed_on: e.completed_on.or(f.completed_on),
                referred: matches!(
                    e.status,
                    EnrolmentStatus::BreachReferred | EnrolmentStatus::ProsecutionReferred
                ),
            },
            today,
        );
        out.insert(
            e.id,
            Standing {
                figures: f,
                prompt: p,
            },
        );
    }
    Ok(out)
}

/// After a register's save, move each of its men as his marks now say
/// (`awaiting_start` to `on_programme` on his first marked session, then to
/// `completed` once the completion rule is met), all of them together;
/// the enrolments as they now stand, by id.
pub(crate) async fn follow_marks(
    db: &impl ConnectionTrait,
    actor: &Actor,
    marked: Vec<(Enrolment, &Standing)>,
    now: DateTime<Utc>,
) -> AppResult<std::collections::HashMap<i32, Enrolment>> {
    let mut current = marked;
    for (to, note) in [
        (EnrolmentStatus::OnProgramme, "first session marked"),
        (EnrolmentStatus::Completed, "completion rule met"),
    ] {
        let completed_on = |s: &Standing| match to {
            EnrolmentStatus::Completed => s.figures.completed_on,
            _ => None,
        };
        let moving: Vec<usize> = (0..current.len())
            .filter(|i| {
                let (e, s) = &current[*i];
                (to != EnrolmentStatus::Completed || completed_on(s).is_some())
                    && transition(e.status, to).is_some()
            })
            .collect();
        let moves: Vec<(&Enrolment, Move)> = moving
            .iter()
            .map(|i| {
                let (e, s) = &current[*i];
                let m = Move {
                    to,
                    reason: None,
                    completed_on: completed_on(s),
                    note,
                };
                (e, m)
            })
            .collect();
        move_enrolments(db, actor, &moves, now).await?;
        for i in moving {
            let (e, s) = &mut current[i];
            e.status = to;
            e.version += 1;
            e.completed_on = completed_on(s).or(e.completed_on);
        }
    }
    Ok(current.into_iter().map(|(e, _)| (e.id, e)).collect())
}

/// One enrolment with everything probation or its facilitator reads.
#[derive(Clone, Debug, Serialize)]
pub struct EnrolmentDetail {
    pub enrolment: Enrolment,
    pub cohort: Cohort,
    pub programme: Programme,
    pub sessions: Vec<CohortSession>,
    pub marks: Vec<Mark>,
    pub actions: Vec<Action>,
    pub history: Vec<crate::db::entities::enrolment_status_history::Model>,
    /// Names of the users the marks, decisions and history mention.
    pub names: std::collections::HashMap<i32, String>,
    pub person: crate::db::people_repo::Person,
    /// The current rating of each programme aim, by its place in the list.
    pub ratings: std::collections::HashMap<i32, crate::db::entities::aim_ratings::Model>,
    pub standing: Standing,
    pub today: NaiveDate,
}

/// An enrolment's standing: its figures, enforcement prompt and the
/// decisions recorded, without the marks, history, ratings and names its
/// page shows ([`detail`]).
#[derive(Clone, Debug, Serialize)]
pub struct EnrolmentStanding {
    pub enrolment: Enrolment,
    pub cohort: Cohort,
    pub programme: Programme,
    pub sessions: Vec<CohortSession>,
    pub actions: Vec<Action>,
    pub standing: Standing,
    pub today: NaiveDate,
}

/// One enrolment's standing (probation, or a facilitator of its cohort),
/// audited as a consult of the enrolment.
pub async fn standing_of(app: &AppState, actor: &Actor, id: i32) -> AppResult<EnrolmentStanding> {
    let s = read_standing(app, actor, id).await?;
    consulted(app, actor, &s.enrolment).await?;
    Ok(s)
}

/// One enrolment with everything its page shows (probation, or a
/// facilitator of its cohort), audited as a consult of the enrolment.
pub async fn detail(app: &AppState, actor: &Actor, id: i32) -> AppResult<EnrolmentDetail> {
    let EnrolmentStanding {
        enrolment,
        cohort,
        programme,
        sessions,
        actions,
        standing,
        today,
    } = read_standing(app, actor, id).await?;
    let marks = enrolments_repo::marks_of(&app.db, id).await?;
    let history = enrolments_repo::history(&app.db, id).await?;
    let ratings = enrolments_repo::current_ratings(&app.db, id).await?;
    let users: Vec<i32> = marks
        .iter()
        .filter_map(|m| m.recorded_by)
        .chain(actions.iter().filter_map(|a| a.recorded_by))
        .chain(history.iter().filter_map(|h| h.by_user_id))
        .chain(ratings.values().filter_map(|r| r.rated_by))
        .collect();
    let names = crate::db::users_repo::names_for(&app.db, &users).await?;
    let person = people_repo::find(&app.db, enrolment.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    consulted(app, actor, &enrolment).await?;
    Ok(EnrolmentDetail {
        enrolment,
        cohort,
        programme,
        sessions,
        marks,
        actions,
        history,
        names,
        person,
        ratings,
        standing,
        today,
    })
}

/// The enrolment, its cohort and programme, his standing and the decisions
/// recorded, for a caller who may see them (not audited: the callers do).
async fn read_standing(app: &AppState, actor: &Actor, id: i32) -> AppResult<EnrolmentStanding> {
    if !actor.can(Capability::ManageCases) {
        actor.require(Capability::MarkRegister)?;
    }
    let enrolment = enrolments_repo::find(&app.db, id).await?;
    let cohort_id = enrolment.as_ref().map_or(0, |e| e.cohort_id);
    require_cohort_access(app, actor, cohort_id, ("enrolment", id)).await?;
    let enrolment = enrolment.ok_or(AppError::NotFound)?;
    let (cohort, programme, sessions) = cohort_parts(&app.db, enrolment.cohort_id).await?;
    let today = london_date(app.now());
    let standing = standing(&app.db, &enrolment, &programme, &sessions, today).await?;
    let actions = enrolments_repo::actions_of(&app.db, id).await?;
    Ok(EnrolmentStanding {
        enrolment,
        cohort,
        programme,
        sessions,
        actions,
        standing,
        today,
    })
}

async fn consulted(app: &AppState, actor: &Actor, e: &Enrolment) -> AppResult<()> {
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("enrolment", e.id)
            .person(e.person_id),
    )
    .await?;
    Ok(())
}

/// An enforcement decision as entered.
#[derive(Clone, Debug)]
pub struct EnforcementInput {
    pub action: EnforcementAction,
    pub date: NaiveDate,
    pub note: String,
}

/// Record an enforcement decision (probation). A referral moves the
/// enrolment to `breach_referred` or `prosecution_referred`.
pub async fn record_enforcement(
    app: &AppState,
    actor: &Actor,
    enrolment_id: i32,
    input: &EnforcementInput,
) -> AppResult<Action> {
    actor.require(Capability::ManageCases)?;
    let e = enrolments_repo::find(&app.db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let allowed = allowed_actions(e.legal_basis);
    if !allowed.contains(&input.action) {
        errors.add(
            "action",
            format!(
                "Under {} the choices are: {}",
                e.legal_basis.label().to_lowercase(),
                allowed
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let today = london_date(app.now());
    if input.date > today {
        errors.add("date", "The date cannot be in the future");
    } else if input.date < london_date(e.created_at) {
        errors.add("date", "The date cannot be before he was enrolled");
    }
    let note = input.note.trim();
    if note.is_empty() {
        errors.add("note", "Say what was decided and why");
    } else if note.chars().count() > MAX_REASON_CHARS {
        errors.add(
            "note",
            format!("Keep the note under {MAX_REASON_CHARS} characters"),
        );
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let to = match input.action {
        EnforcementAction::BreachReferral => Some(EnrolmentStatus::BreachReferred),
        EnforcementAction::ProsecutionReferral => Some(EnrolmentStatus::ProsecutionReferred),
        _ => None,
    };
    let txn = app.begin_write().await?;
    let action = enrolments_repo::insert_action(
        &txn,
        e.id,
        input.action,
        input.date,
        note,
        actor.user_id(),
        app.now(),
    )
    .await?;
    if let Some(to) = to {
        move_enrolment(
            &txn,
            actor,
            &e,
            Move {
                to,
                reason: None,
                completed_on: None,
                note: input.action.label(),
            },
            app.now(),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Collect)
            .record("enforcement_action", action.id)
            .person(e.person_id)
            .reason(input.action.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(action)
}

/// A man on a cohort, as its page lists him.
#[derive(Clone, Debug, Serialize)]
pub struct CohortMember {
    pub enrolment: Enrolment,
    pub name: String,
    pub reference: String,
    pub standing: Standing,
}

/// The men enrolled on a cohort with their figures (probation; the cohort's
/// facilitators), audited as one consult naming each.
pub async fn for_cohort(
    app: &AppState,
    actor: &Actor,
    cohort_id: i32,
) -> AppResult<Vec<CohortMember>> {
    actor.require(Capability::MarkRegister)?;
    require_cohort_access(app, actor, cohort_id, ("cohort", cohort_id)).await?;
    let (_, programme, sessions) = cohort_parts(&app.db, cohort_id).await?;
    let enrolments = enrolments_repo::in_cohort(&app.db, cohort_id).await?;
    let people = people_repo::by_ids(
        &app.db,
        &enrolments.iter().map(|e| e.person_id).collect::<Vec<_>>(),
    )
    .await?;
    let today = london_date(app.now());
    let mut all = standings(&app.db, &enrolments, &programme, &sessions, today).await?;
    let mut out = Vec::new();
    for e in enrolments {
        let (Some(p), Some(standing)) = (people.get(&e.person_id), all.remove(&e.id)) else {
            continue;
        };
        out.push(CohortMember {
            name: crate::domain::names::listed(&p.surname, &p.forenames),
            reference: p.reference.clone(),
            enrolment: e,
            standing,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("cohort", cohort_id)
            .people(out.iter().map(|m| m.enrolment.person_id)),
    )
    .await?;
    Ok(out)
}

/// End an enrolment early (probation): withdrawn or deselected, with a
/// coded reason and a note; kept in the history.
pub async fn end_early(
    app: &AppState,
    actor: &Actor,
    enrolment_id: i32,
    reason: Option<EndReason>,
    note: &str,
) -> AppResult<()> {
    actor.require(Capability::ManageCases)?;
    let e = enrolments_repo::find(&app.db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if reason.is_none() {
        errors.add("reason", "Choose why the enrolment ends");
    }
    let note = note.trim();
    if note.is_empty() {
        errors.add("note", "Say what happened");
    } else if note.chars().count() > MAX_REASON_CHARS {
        errors.add(
            "note",
            format!("Keep the note under {MAX_REASON_CHARS} characters"),
        );
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let reason =
        reason.ok_or_else(|| AppError::invalid("reason", "Choose why the enrolment ends"))?;
    let txn = app.begin_write().await?;
    move_enrolment(
        &txn,
        actor,
        &e,
        Move {
            to: reason.status(),
            reason: Some(reason),
            completed_on: None,
            note,
        },
        app.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One of a man's enrolments with where it stands.
#[derive(Clone, Debug, Serialize)]
pub struct PersonEnrolment {
    pub enrolment: Enrolment,
    pub cohort: Cohort,
    pub programme: Programme,
    pub standing: Standing,
}

/// A man's enrolments, newest first (probation), audited as a consult.
pub async fn for_person(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<Vec<PersonEnrolment>> {
    actor.require(Capability::ManageCases)?;
    let today = london_date(app.now());
    let mut out = Vec::new();
    for e in enrolments_repo::for_person(&app.db, person_id).await? {
        let (cohort, programme, sessions) = cohort_parts(&app.db, e.cohort_id).await?;
        let standing = standing(&app.db, &e, &programme, &sessions, today).await?;
        out.push(PersonEnrolment {
            enrolment: e,
            cohort,
            programme,
            standing,
        });
    }
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("person_enrolments", person_id)
            .person(person_id),
    )
    .await?;
    Ok(out)
}

/// A cohort one can enrol into, with its places.
#[derive(Clone, Debug, Serialize)]
pub struct CohortChoice {
    pub cohort: Cohort,
    pub programme_name: String,
    pub places_left: i64,
    pub first_session: Option<DateTime<Utc>>,
}

/// Cohorts whose sessions are not all past, with places left (probation).
pub async fn open_cohorts(app: &AppState, actor: &Actor) -> AppResult<Vec<CohortChoice>> {
    actor.require(Capability::ManageCases)?;
    let now = app.now();
    let mut out = Vec::new();
    for c in programmes_repo::cohorts(&app.db, None).await? {
        let sessions = programmes_repo::cohort_sessions(&app.db, c.id).await?;
        if !sessions
            .iter()
            .any(|s| s.state.counts() && s.starts_at > now - chrono::Duration::days(1))
        {
            continue;
        }
        let taken = enrolments_repo::places_taken(&app.db, c.id).await? as i64;
        let programme_name = programmes_repo::find_programme(&app.db, c.programme_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        out.push(CohortChoice {
            places_left: i64::from(c.capacity) - taken,
            first_session: sessions
                .iter()
                .filter(|s| s.state.counts())
                .map(|s| s.starts_at)
                .min(),
            programme_name,
            cohort: c,
        });
    }
    Ok(out)
}

/// Offer a man on a cohort's waiting list the place that came free (probation).
pub async fn offer_place(app: &AppState, actor: &Actor, enrolment_id: i32) -> AppResult<()> {
    actor.require(Capability::ManageCases)?;
    let e = enrolments_repo::find(&app.db, enrolment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if transition(e.status, EnrolmentStatus::AwaitingStart).is_none() {
        return Err(AppError::conflict("He is not on the waiting list"));
    }
    let cohort = programmes_repo::find_cohort(&app.db, e.cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = app.begin_write().await?;
    if programmes_repo::claim_cohort(&txn, &cohort).await? == 0 {
        return Err(AppError::conflict(
            "Someone else changed this cohort at the same moment. Try again.",
        ));
    }
    if enrolments_repo::places_taken(&txn, cohort.id).await? >= cohort.capacity as u64 {
        return Err(AppError::conflict(format!(
            "Cohort {} is still full: a place must come free first",
            cohort.code
        )));
    }
    move_enrolment(
        &txn,
        actor,
        &e,
        Move {
            to: EnrolmentStatus::AwaitingStart,
            reason: None,
            completed_on: None,
            note: "offered a place that came free",
        },
        app.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Pairs of men on a cohort who were arrested together (probation; the
/// cohort's facilitators, who run the group).
pub async fn non_associations(
    app: &AppState,
    actor: &Actor,
    cohort_id: i32,
) -> AppResult<Vec<(String, String)>> {
    actor.require(Capability::MarkRegister)?;
    require_cohort_access(app, actor, cohort_id, ("cohort", cohort_id)).await?;
    Ok(arrested_together_on(&app.db, cohort_id)
        .await?
        .into_iter()
        .map(|((_, a), (_, b))| (a, b))
        .collect())
}

/// A status move as a service asks for it.
pub(crate) struct Move<'a> {
    pub to: EnrolmentStatus,
    pub reason: Option<EndReason>,
    pub completed_on: Option<NaiveDate>,
    pub note: &'a str,
}

/// Move an enrolment inside the caller's transaction, if the move is
/// allowed; the history row and an `alter` audit entry say who, when and why.
pub(crate) async fn move_enrolment(
    db: &impl ConnectionTrait,
    actor: &Actor,
    e: &Enrolment,
    m: Move<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    move_enrolments(db, actor, &[(e, m)], now).await
}

/// Move several enrolments as [`move_enrolment`] moves one, written
/// together: all move or, when any move is not allowed or someone changed
/// one since it was read, the caller's transaction must be dropped.
pub(crate) async fn move_enrolments(
    db: &impl ConnectionTrait,
    actor: &Actor,
    moves: &[(&Enrolment, Move<'_>)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if let Some((e, m)) = moves
        .iter()
        .find(|(e, m)| transition(e.status, m.to).is_none())
    {
        return Err(AppError::conflict(format!(
            "An enrolment that is {} cannot become {}",
            e.status.label().to_lowercase(),
            m.to.label().to_lowercase()
        )));
    }
    let rows: Vec<StatusMove> = moves
        .iter()
        .map(|(e, m)| StatusMove {
            enrolment: e,
            to: m.to,
            reason: m.reason,
            completed_on: m.completed_on,
            note: m.note,
        })
        .collect();
    if enrolments_repo::move_many(db, &rows, actor.user_id(), now).await? != moves.len() as u64 {
        return Err(AppError::conflict(
            "Someone else changed this enrolment at the same moment. Reload and try again.",
        ));
    }
    let entries = moves
        .iter()
        .map(|(e, m)| {
            let entry = AuditEntry::new(AuditAction::Alter)
                .record("enrolment", e.id)
                .person(e.person_id)
                .change("status", e.status, m.to.as_str());
            match m.reason {
                Some(r) => entry.reason(r.as_str()),
                None => entry,
            }
        })
        .collect();
    audit::record_many(db, actor, now, entries).await?;
    Ok(())
}

/// One aim's rating as entered.
#[derive(Clone, Debug)]
pub struct AimRatingInput {
    /// The aim's place in the programme's list, from 0.
    pub aim: usize,
    pub rating: Option<crate::domain::programme::AimRating>,
    pub comment: String,
}

/// Rate his progress against the programme's aims (the cohort's
/// facilitators, probation). Only aims whose rating or comment changed are
/// written; earlier ratings are kept.
pub async fn rate_aims(
    app: &AppState,
    actor: &Actor,
    enrolment_id: i32,
    input: &[AimRatingInput],
) -> AppResult<usize> {
    actor.require(Capability::MarkRegister)?;
    let e = enrolments_repo::find(&app.db, enrolment_id).await?;
    require_cohort_access(
        app,
        actor,
        e.as_ref().map_or(0, |e| e.cohort_id),
        ("enrolment", enrolment_id),
    )
    .await?;
    let e = e.ok_or(AppError::NotFound)?;
    let (_, programme, _) = cohort_parts(&app.db, e.cohort_id).await?;
    let aims = programme.aim_list();
    let current = enrolments_repo::current_ratings(&app.db, e.id).await?;
    let mut errors = FieldErrors::new();
    let mut writes = Vec::new();
    for r in input {
        let field = format!("aim-{}", r.aim);
        let comment = r.comment.trim();
        if r.aim >= aims.len() {
            errors.add(&field, "Rate one of the programme's aims");
            continue;
        }
        if comment.chars().count() > MAX_REASON_CHARS {
            errors.add(
                &format!("{field}-comment"),
                format!("Keep the comment under {MAX_REASON_CHARS} characters"),
            );
            continue;
        }
        let Some(rating) = r.rating else {
            if !comment.is_empty() {
                errors.add(
                    &field,
                    format!("Rate \"{}\" as well as commenting", aims[r.aim]),
                );
            }
            continue;
        };
        let unchanged = current
            .get(&(r.aim as i32))
            .is_some_and(|c| c.rating == rating && c.comment == comment);
        if !unchanged {
            writes.push((r.aim as i32, rating, comment.to_string()));
        }
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let txn = app.begin_write().await?;
    for (aim, rating, comment) in &writes {
        let row = enrolments_repo::insert_rating(
            &txn,
            e.id,
            *aim,
            *rating,
            comment,
            actor.user_id(),
            app.now(),
        )
        .await?;
        audit::record(
            &txn,
            actor,
            app.now(),
            AuditEntry::new(AuditAction::Collect)
                .record("aim_rating", row.id)
                .person(e.person_id)
                .reason(rating.as_str()),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(writes.len())
}
