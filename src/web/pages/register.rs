//! The one-page register: every man enrolled in the session's cohort with a
//! radio set of the six outcomes, minutes late, an acceptable-absence
//! reason, a note and "notify probation"; one submit saves it all. A save
//! from an out-of-date page is shown the marks now saved, with what was
//! typed beside them (409): nothing is overwritten.

use std::collections::BTreeMap;

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::domain::attendance::{AbsenceReason, MarkInput, Outcome};
use crate::domain::london_time::{format_datetime, london_date};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::register::{self, MarkEntry, Register};
use crate::state::AppState;
use crate::web::present::{Choice, choices, choices_or_none};
use crate::web::shell::{Shell, render};

type MarkRegister = Can<cap::MarkRegister>;

/// One man's row as posted: `m[i].outcome` and so on.
#[derive(FromForm, Default, Clone)]
struct RowForm {
    enrolment_id: i32,
    #[field(default = String::new())]
    outcome: String,
    #[field(default = String::new())]
    minutes_late: String,
    #[field(default = String::new())]
    absence_reason: String,
    #[field(default = String::new())]
    note: String,
    #[field(default = false)]
    notify_probation: bool,
}

#[derive(FromForm, Default)]
struct RegisterForm {
    #[field(default = 0)]
    register_version: i32,
    #[field(default = String::new())]
    correction_reason: String,
    #[field(default = Vec::new())]
    m: Vec<RowForm>,
}

/// A man's row on the page.
#[derive(Serialize, Default)]
struct RowView {
    index: usize,
    enrolment_id: i32,
    name: String,
    reference: String,
    summary: String,
    outcome: String,
    minutes_late: String,
    absence_reason: String,
    note: String,
    notify_probation: bool,
    /// The saved mark in words, with when.
    saved: Option<String>,
    /// On a conflict: what this user had entered, when it differs.
    typed: Option<String>,
    errors: BTreeMap<String, String>,
    /// Open the "more" part (late, reason, note) when it holds something.
    open: bool,
}

#[derive(Serialize)]
struct RegisterPage {
    session_id: i32,
    title: String,
    number: i32,
    cohort_code: String,
    venue: String,
    starts_at_text: String,
    state: &'static str,
    can_mark: bool,
    reason_not: Option<String>,
    register_version: i32,
    rows: Vec<RowView>,
    counts: Vec<(String, usize)>,
    unmarked: usize,
    any_saved: bool,
    correction_reason: String,
    outcome_options: Vec<Choice>,
    reason_options: Vec<Choice>,
    conflict: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn saved_rows(r: &Register) -> Vec<RowView> {
    r.lines
        .iter()
        .enumerate()
        .map(|(index, l)| {
            let m = l.mark.as_ref();
            RowView {
                index,
                enrolment_id: l.enrolment.id,
                name: l.name.clone(),
                reference: l.reference.clone(),
                summary: l.summary.clone(),
                outcome: m
                    .map(|m| m.outcome.as_str().to_string())
                    .unwrap_or_default(),
                minutes_late: m
                    .and_then(|m| m.minutes_late)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                absence_reason: m
                    .and_then(|m| m.absence_reason)
                    .map(|a| a.as_str().to_string())
                    .unwrap_or_default(),
                note: String::new(),
                notify_probation: false,
                saved: m.map(|m| {
                    let note = m
                        .note
                        .as_deref()
                        .map(|n| format!(" Note: {n}"))
                        .unwrap_or_default();
                    format!(
                        "Saved: {} ({}).{note}",
                        m.outcome.label(),
                        format_datetime(m.recorded_at)
                    )
                }),
                typed: None,
                errors: BTreeMap::new(),
                open: m.is_some_and(|m| m.minutes_late.is_some() || m.absence_reason.is_some()),
            }
        })
        .collect()
}

fn page(
    app: &AppState,
    r: &Register,
    rows: Vec<RowView>,
    correction_reason: String,
    conflict: Option<String>,
    errors: Option<&FieldErrors>,
) -> RegisterPage {
    let (by, unmarked) = r.counts();
    let today = london_date(app.now());
    let on = london_date(r.session.starts_at);
    let reason_not = if !r.session.state.counts() {
        Some(format!(
            "This session is {}: its register cannot be changed.",
            r.session.state.label().to_lowercase()
        ))
    } else if on > today {
        Some("This session has not happened yet: you can mark it on the day.".to_string())
    } else {
        None
    };
    RegisterPage {
        session_id: r.session.id,
        title: r.session.title.clone(),
        number: r.session.number,
        cohort_code: r.cohort.code.clone(),
        venue: r.cohort.venue.clone(),
        starts_at_text: format_datetime(r.session.starts_at),
        state: r.session.state.label(),
        can_mark: reason_not.is_none(),
        reason_not,
        register_version: r.session.register_version,
        any_saved: r.lines.iter().any(|l| l.mark.is_some()),
        rows,
        counts: Outcome::ALL
            .iter()
            .filter_map(|o| by.get(o.as_str()).map(|n| (o.label().to_string(), *n)))
            .collect(),
        unmarked,
        correction_reason,
        outcome_options: choices::<Outcome>(),
        reason_options: choices_or_none::<AbsenceReason>("Choose a reason"),
        conflict,
        errors: errors.map(errors_json),
    }
}

#[get("/sessions/<id>/register")]
async fn show_register(
    app: &State<AppState>,
    user: MarkRegister,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let r = register::register(app, user.actor(), id).await?;
    let rows = saved_rows(&r);
    Ok(render(
        "register",
        &shell,
        page(app, &r, rows, String::new(), None, None),
    ))
}

/// Read the posted rows into entries; field errors use the row's element ids.
fn read_rows(form: &RegisterForm, errors: &mut FieldErrors) -> (Vec<MarkEntry>, Vec<usize>) {
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    let reason = Some(form.correction_reason.clone()).filter(|r| !r.trim().is_empty());
    for (i, row) in form.m.iter().enumerate() {
        if row.outcome.is_empty() {
            continue;
        }
        let Some(outcome) = Outcome::parse(&row.outcome) else {
            errors.add(&format!("m-{i}-outcome"), "Choose one of the outcomes");
            continue;
        };
        let minutes_late = match row.minutes_late.trim() {
            "" => None,
            text => match text.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add(
                        &format!("m-{i}-minutes_late"),
                        "Enter minutes late as a whole number, like 10",
                    );
                    continue;
                }
            },
        };
        let absence_reason = match row.absence_reason.as_str() {
            "" => None,
            code => match AbsenceReason::parse(code) {
                Some(r) => Some(r),
                None => {
                    errors.add(
                        &format!("m-{i}-absence_reason"),
                        "Choose one of the reasons",
                    );
                    continue;
                }
            },
        };
        entries.push(MarkEntry {
            enrolment_id: row.enrolment_id,
            mark: MarkInput {
                outcome,
                minutes_late,
                absence_reason,
                note: Some(row.note.clone()).filter(|n| !n.trim().is_empty()),
                notify_probation: row.notify_probation,
            },
            correction_reason: reason.clone(),
        });
        rows.push(i);
    }
    (entries, rows)
}

/// `marks[i].field` (the service's names) as the page's element id `m-<row>-field`.
fn on_page(errors: &FieldErrors, rows: &[usize]) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        let mapped = field
            .strip_prefix("marks[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(i, f)| {
                i.parse::<usize>()
                    .ok()
                    .and_then(|i| rows.get(i))
                    .map(|row| (row, f))
            });
        match mapped {
            Some((_, "correction_reason")) => out.add("correction_reason", message),
            Some((row, f)) => out.add(&format!("m-{row}-{f}"), message),
            None => out.add(field, message),
        }
    }
    out
}

/// The rows as typed, to show again beside their errors, and the errors
/// keyed by the rows' places on the page (the form's order can differ if
/// the cohort changed since the page was opened).
fn typed_rows(
    r: &Register,
    form: &RegisterForm,
    errors: &FieldErrors,
) -> (Vec<RowView>, FieldErrors) {
    let mut rows = saved_rows(r);
    let mut keyed = FieldErrors::new();
    if let Some(m) = errors.get("correction_reason") {
        keyed.add("correction_reason", m);
    }
    for row in rows.iter_mut() {
        let Some((fi, t)) = form
            .m
            .iter()
            .enumerate()
            .find(|(_, t)| t.enrolment_id == row.enrolment_id)
        else {
            continue;
        };
        row.outcome = t.outcome.clone();
        row.minutes_late = t.minutes_late.clone();
        row.absence_reason = t.absence_reason.clone();
        row.note = t.note.clone();
        row.notify_probation = t.notify_probation;
        let prefix = format!("m-{fi}-");
        for (field, message) in errors.iter() {
            if let Some(f) = field.strip_prefix(&prefix) {
                row.errors.insert(f.to_string(), message.to_string());
                keyed.add(&format!("m-{}-{f}", row.index), message);
            }
        }
        row.open = row.open
            || !row.minutes_late.is_empty()
            || !row.absence_reason.is_empty()
            || !row.note.is_empty()
            || row.notify_probation
            || row.errors.len() > usize::from(row.errors.contains_key("outcome"));
    }
    for (field, message) in errors.iter() {
        if !field.starts_with("m-") {
            keyed.add(field, message);
        }
    }
    (rows, keyed)
}

#[post("/sessions/<id>/register", data = "<form>")]
async fn save_register(
    app: &State<AppState>,
    user: MarkRegister,
    shell: Shell,
    id: i32,
    form: Form<RegisterForm>,
) -> AppResult<FormOutcome> {
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let (entries, rows) = read_rows(&form, &mut errors);
    let result = if errors.is_empty() {
        register::save(app, user.actor(), id, Some(form.register_version), &entries).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(Ok(saved)) => Ok(FormOutcome::done(
            format!("/sessions/{id}/register"),
            format!(
                "Register saved: {} marks recorded, {} unchanged",
                saved.written, saved.unchanged
            ),
        )),
        Ok(Err(conflict)) => {
            let current = conflict.current;
            let mut shown = saved_rows(&current);
            for row in shown.iter_mut() {
                if let Some(t) = form
                    .m
                    .iter()
                    .find(|t| t.enrolment_id == row.enrolment_id && !t.outcome.is_empty())
                    && t.outcome != row.outcome
                {
                    row.typed = Some(format!(
                        "You entered: {}",
                        Outcome::parse(&t.outcome).map_or("an unknown outcome", |o| o.label())
                    ));
                }
            }
            let p = page(
                app,
                &current,
                shown,
                form.correction_reason.clone(),
                Some(conflict.message),
                None,
            );
            Ok(FormOutcome::Again((
                Status::Conflict,
                render("register", &shell, p),
            )))
        }
        Err(AppError::Invalid(e)) => {
            let e = on_page(&e, &rows);
            let r = register::register(app, user.actor(), id).await?;
            let (shown, keyed) = typed_rows(&r, &form, &e);
            let p = page(
                app,
                &r,
                shown,
                form.correction_reason.clone(),
                None,
                Some(&keyed),
            );
            Ok(FormOutcome::again(render("register", &shell, p)))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![show_register, save_register]
}
