//! The register: one page per session listing the men enrolled in its
//! cohort with their current marks, saved whole in one transaction. A save
//! made from an older version of the register is a conflict (nothing is
//! overwritten); changing a saved mark needs a reason and keeps the old row.

use std::collections::HashMap;

use serde::Serialize;

use crate::auth::Actor;
use crate::db::enrolments_repo::{self, Enrolment, Mark, NewMark};
use crate::db::people_repo::ListedMan;
use crate::db::programmes_repo::{self, Cohort, CohortSession, Programme, ProgrammeSession};
use crate::domain::attendance::{MAX_NOTE_CHARS, MarkInput, check_mark, differs};
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::london_date;
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::assessments::facilitator_summaries_of;
use crate::services::audit::{self, AuditEntry};
use crate::services::enrolments::{follow_marks, standings_by};
use crate::services::programmes::require_session_access;
use crate::state::AppState;

/// A man on the register: only what the room needs.
#[derive(Clone, Debug, Serialize)]
pub struct RegisterLine {
    pub enrolment: Enrolment,
    pub name: String,
    pub reference: String,
    /// "suitable, no contact issues" and the like.
    pub summary: String,
    pub mark: Option<Mark>,
}

/// One session's register.
#[derive(Clone, Debug, Serialize)]
pub struct Register {
    pub session: CohortSession,
    pub cohort: Cohort,
    pub programme: Programme,
    pub lines: Vec<RegisterLine>,
    /// The programme's sessions, for each man's standing after a save.
    #[serde(skip)]
    template: Vec<ProgrammeSession>,
}

impl Register {
    /// How many men have each outcome, and how many are unmarked.
    pub fn counts(&self) -> (HashMap<&'static str, usize>, usize) {
        let mut by = HashMap::new();
        let mut unmarked = 0;
        for l in &self.lines {
            match &l.mark {
                Some(m) => *by.entry(m.outcome.as_str()).or_insert(0) += 1,
                None => unmarked += 1,
            }
        }
        (by, unmarked)
    }
}

async fn load(app: &AppState, session_id: i32) -> AppResult<Register> {
    // The marks are read before the session row: a save writes its marks and
    // bumps the register's version in one transaction, so a version read
    // after the marks is never older than them (a stale version with fresh
    // marks would pass the version check and misreport the other save).
    let marks = enrolments_repo::current_marks(&app.db, &[session_id]).await?;
    let (session, cohort, programme, template) =
        programmes_repo::find_session_with_cohort(&app.db, session_id)
            .await?
            .ok_or(AppError::NotFound)?;
    // A catch-up is for the men who have not yet done that session number.
    let done_already: Vec<i32> = if session.catch_up {
        let same_number: Vec<i32> = programmes_repo::cohort_sessions(&app.db, cohort.id)
            .await?
            .iter()
            .filter(|s| s.id != session.id && s.number == session.number && s.state.counts())
            .map(|s| s.id)
            .collect();
        enrolments_repo::current_marks(&app.db, &same_number)
            .await?
            .values()
            .filter(|m| m.outcome.attended() && m.outcome.complied())
            .map(|m| m.enrolment_id)
            .collect()
    } else {
        Vec::new()
    };
    // Each man with his name, in the one read.
    let enrolments: Vec<(Enrolment, ListedMan)> =
        enrolments_repo::in_cohort_listed(&app.db, cohort.id)
            .await?
            .into_iter()
            .filter(|(e, _)| {
                marks.contains_key(&(session.id, e.id))
                    || (e.status.holds_place() && !done_already.contains(&e.id))
            })
            .filter_map(|(e, man)| Some((e, man?)))
            .collect();
    let mut summaries = facilitator_summaries_of(
        &app.db,
        &enrolments
            .iter()
            .map(|(e, _)| e.person_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut lines = Vec::new();
    for (e, p) in enrolments {
        let summary = summaries.remove(&p.id).unwrap_or_default();
        lines.push(RegisterLine {
            name: crate::domain::names::listed(&p.surname, &p.forenames),
            reference: p.reference,
            summary,
            mark: marks.get(&(session.id, e.id)).cloned(),
            enrolment: e,
        });
    }
    lines.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Register {
        session,
        cohort,
        programme,
        lines,
        template,
    })
}

async fn guarded(app: &AppState, actor: &Actor, session_id: i32) -> AppResult<()> {
    actor.require(Capability::MarkRegister)?;
    require_session_access(app, actor, session_id).await
}

/// A session's register (the cohort's facilitators, probation), audited.
pub async fn register(app: &AppState, actor: &Actor, session_id: i32) -> AppResult<Register> {
    guarded(app, actor, session_id).await?;
    let r = load(app, session_id).await?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("register", session_id)
            .people(r.lines.iter().map(|l| l.enrolment.person_id)),
    )
    .await?;
    Ok(r)
}

/// One man's mark as submitted.
#[derive(Clone, Debug)]
pub struct MarkEntry {
    pub enrolment_id: i32,
    pub mark: MarkInput,
    pub correction_reason: Option<String>,
}

/// What a save did.
#[derive(Clone, Debug, Serialize)]
pub struct Saved {
    /// Marks written (new or corrected).
    pub written: usize,
    /// Marks sent that matched what was saved.
    pub unchanged: usize,
    pub register_version: i32,
}

/// Someone saved the register since it was read: nothing was written.
#[derive(Clone, Debug, Serialize)]
pub struct Conflict {
    pub message: String,
    /// The register as it now stands.
    pub current: Register,
}

/// Save the whole register in one transaction. `version` is the register
/// version the marks were entered against (`None`: the one stored now).
pub async fn save(
    app: &AppState,
    actor: &Actor,
    session_id: i32,
    version: Option<i32>,
    entries: &[MarkEntry],
) -> AppResult<Result<Saved, Conflict>> {
    Ok(
        match save_marks(app, actor, session_id, version, entries, false).await? {
            Ok((saved, _)) => Ok(saved),
            Err(conflict) => Err(conflict),
        },
    )
}

/// Save the register as [`save`] does and answer with the register as it
/// now stands (the API's answer). It is built from the register read before
/// the save and what the save wrote, not read again, and its consult entry
/// is written in the save's own transaction: one turn to write, not two.
pub async fn save_and_show(
    app: &AppState,
    actor: &Actor,
    session_id: i32,
    version: Option<i32>,
    entries: &[MarkEntry],
) -> AppResult<Result<Register, Conflict>> {
    Ok(
        match save_marks(app, actor, session_id, version, entries, true).await? {
            Ok((_, shown)) => Ok(shown),
            Err(conflict) => Err(conflict),
        },
    )
}

async fn save_marks(
    app: &AppState,
    actor: &Actor,
    session_id: i32,
    version: Option<i32>,
    entries: &[MarkEntry],
    show: bool,
) -> AppResult<Result<(Saved, Register), Conflict>> {
    guarded(app, actor, session_id).await?;
    let before = load(app, session_id).await?;
    let session = &before.session;
    if !session.state.counts() {
        return Err(AppError::conflict(format!(
            "This session is {}: its register cannot be changed",
            session.state.label().to_lowercase()
        )));
    }
    let today = london_date(app.now());
    let on = london_date(session.starts_at);
    if on > today {
        return Err(AppError::conflict(format!(
            "This session is on {}: mark its register on the day",
            crate::domain::london_time::format_date(on)
        )));
    }
    let expected = version.unwrap_or(session.register_version);
    if expected != session.register_version {
        return Ok(Err(conflict(before)));
    }
    let mut errors = FieldErrors::new();
    let mut seen = Vec::new();
    let mut writes: Vec<(&MarkEntry, &RegisterLine)> = Vec::new();
    let mut unchanged = 0;
    for (i, entry) in entries.iter().enumerate() {
        let at = |f: &str| format!("marks[{i}].{f}");
        let Some(line) = before
            .lines
            .iter()
            .find(|l| l.enrolment.id == entry.enrolment_id && l.enrolment.status.holds_place())
        else {
            errors.add(&at("enrolment_id"), "Choose a man enrolled in this cohort");
            continue;
        };
        if seen.contains(&entry.enrolment_id) {
            errors.add(
                &at("enrolment_id"),
                format!("{} is marked twice", line.name),
            );
            continue;
        }
        seen.push(entry.enrolment_id);
        if entry
            .correction_reason
            .as_deref()
            .is_some_and(|r| r.trim().chars().count() > MAX_NOTE_CHARS)
        {
            errors.add(
                &at("correction_reason"),
                format!("Keep the reason under {MAX_NOTE_CHARS} characters"),
            );
            continue;
        }
        if let Err((field, message)) = check_mark(&entry.mark) {
            errors.add(&at(field), format!("{}: {message}", line.name));
            continue;
        }
        match &line.mark {
            Some(saved)
                if !differs(&saved_input(saved), &entry.mark) && !adds_note(saved, &entry.mark) =>
            {
                unchanged += 1;
            }
            Some(saved)
                if differs(&saved_input(saved), &entry.mark)
                    && entry
                        .correction_reason
                        .as_deref()
                        .is_none_or(|r| r.trim().is_empty()) =>
            {
                errors.add(
                    &at("correction_reason"),
                    format!(
                        "{}: give a reason for changing the saved mark ({})",
                        line.name,
                        saved.outcome.label().to_lowercase()
                    ),
                );
            }
            _ => writes.push((entry, line)),
        }
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let now = app.now();
    let txn = app.begin_write().await?;
    if programmes_repo::claim_register(&txn, session.id, expected).await? == 0 {
        drop(txn);
        return Ok(Err(conflict(load(app, session_id).await?)));
    }
    let new_marks: Vec<NewMark> = writes
        .iter()
        .map(|(entry, line)| NewMark {
            enrolment_id: entry.enrolment_id,
            mark: &entry.mark,
            replaces: line.mark.as_ref().map(|m| m.id),
            correction_reason: line
                .mark
                .as_ref()
                .filter(|saved| differs(&saved_input(saved), &entry.mark))
                .and(entry.correction_reason.as_ref())
                .map(|r| r.trim().to_string()),
        })
        .collect();
    let rows =
        enrolments_repo::insert_marks(&txn, session.id, &new_marks, actor.user_id(), now).await?;
    let entries = writes.iter().zip(&rows).map(|((_, line), row)| {
        let mut audit_entry = AuditEntry::new(if line.mark.is_some() {
            AuditAction::Alter
        } else {
            AuditAction::Collect
        })
        .record("attendance_mark", row.id)
        .person(line.enrolment.person_id);
        if let Some(old) = &line.mark {
            audit_entry = audit_entry.change("outcome", old.outcome, row.outcome.as_str());
        }
        if row.notify_probation {
            audit_entry = audit_entry.reason("note flagged for probation");
        }
        audit_entry
    });
    audit::record_many(&txn, actor, now, entries.collect()).await?;
    // Each man's standing after the marks, all of them at once (the
    // programme's sessions came with the register: they never change).
    let sessions = programmes_repo::cohort_sessions(&txn, before.cohort.id).await?;
    let marked: Vec<i32> = writes.iter().map(|(_, l)| l.enrolment.id).collect();
    let now_enrolled: Vec<Enrolment> = enrolments_repo::in_cohort(&txn, before.cohort.id)
        .await?
        .into_iter()
        .filter(|e| marked.contains(&e.id))
        .collect();
    if now_enrolled.len() != marked.len() {
        return Err(AppError::NotFound);
    }
    let after = standings_by(
        &txn,
        &now_enrolled,
        &before.programme,
        &before.template,
        &sessions,
        today,
    )
    .await?;
    let marked = now_enrolled
        .into_iter()
        .map(|e| {
            let s = after.get(&e.id).ok_or(AppError::NotFound)?;
            Ok((e, s))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let mut moved = follow_marks(&txn, actor, marked, now).await?;
    let saved = Saved {
        written: writes.len(),
        unchanged,
        register_version: expected + 1,
    };
    let mut written: HashMap<i32, Mark> = rows.into_iter().map(|m| (m.enrolment_id, m)).collect();
    let mut shown = before;
    shown.session.register_version = saved.register_version;
    for line in &mut shown.lines {
        if let Some(mark) = written.remove(&line.enrolment.id) {
            line.mark = Some(mark);
        }
        if let Some(e) = moved.remove(&line.enrolment.id) {
            line.enrolment = e;
        }
    }
    if show {
        audit::record(
            &txn,
            actor,
            now,
            AuditEntry::new(AuditAction::Consult)
                .record("register", session_id)
                .people(shown.lines.iter().map(|l| l.enrolment.person_id)),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Ok((saved, shown)))
}

fn conflict(current: Register) -> Conflict {
    Conflict {
        message: "Someone else saved this register after you opened it. Nothing you entered was saved: the marks below are the ones now saved. Check them and save again.".into(),
        current,
    }
}

/// A saved mark as the input it came from.
pub fn saved_input(m: &Mark) -> MarkInput {
    MarkInput {
        outcome: m.outcome,
        minutes_late: m.minutes_late,
        absence_reason: m.absence_reason,
        note: m.note.clone(),
        notify_probation: m.notify_probation,
    }
}

/// Does the entry add a note (or a flag) the saved mark lacks? Notes are
/// append-only: a new note is a new row, the old one is kept.
fn adds_note(saved: &Mark, new: &MarkInput) -> bool {
    let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    note.is_some() && note != saved.note.as_deref()
        || new.notify_probation && !saved.notify_probation
}
