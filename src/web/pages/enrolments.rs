//! One man's enrolment: his figures, the register's marks for him session by
//! session (corrections shown with their reasons), the enforcement prompt
//! with days since the failure and the decision form, and ending early.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_date_parts;
use crate::domain::enforcement::{EnforcementAction, allowed_actions, deadline_at_risk};
use crate::domain::enrolment::{EndReason, EnrolmentStatus};
use crate::domain::london_time::{format_date, format_datetime, london_date};
use crate::domain::programme::AimRating;
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::enrolments::{self, AimRatingInput, EnforcementInput};
use crate::services::reports;
use crate::state::AppState;
use crate::web::present::{Choice, choices, choices_or_none};
use crate::web::shell::{Shell, render};

/// How many days before a caution's deadline it counts as at risk.
pub const DEADLINE_WARNING_DAYS: i64 = 14;

#[derive(Serialize)]
struct SessionLine {
    number: i32,
    title: String,
    when: String,
    state: &'static str,
    counts: bool,
    outcome: Option<&'static str>,
    detail: Vec<String>,
}

#[derive(Serialize)]
struct DecisionLine {
    date: String,
    action: &'static str,
    note: String,
    by: String,
}

#[derive(Serialize)]
struct HistoryLine {
    at: String,
    to: &'static str,
    note: Option<String>,
    by: String,
}

#[derive(Serialize, Default, FromForm)]
struct DecisionForm {
    #[field(default = String::new())]
    action: String,
    #[field(default = String::new())]
    date_day: String,
    #[field(default = String::new())]
    date_month: String,
    #[field(default = String::new())]
    date_year: String,
    #[field(default = String::new())]
    note: String,
}

/// One aim on the page: its rating form and who rated it last.
#[derive(Serialize)]
struct AimLine {
    index: usize,
    aim: String,
    rating: String,
    comment: String,
    rated: Option<String>,
    error: Option<String>,
}

#[derive(Serialize, Default, FromForm, Clone)]
struct AimForm {
    #[field(default = 0)]
    aim: usize,
    #[field(default = String::new())]
    rating: String,
    #[field(default = String::new())]
    comment: String,
}

#[derive(Serialize, Default, FromForm)]
struct AimsForm {
    #[field(default = Vec::new())]
    a: Vec<AimForm>,
}

#[derive(Serialize, Default, FromForm)]
struct EndForm {
    #[field(default = String::new())]
    reason: String,
    #[field(default = String::new())]
    end_note: String,
}

#[derive(Serialize)]
struct EnrolmentPage<'a> {
    id: i32,
    name: String,
    reference: String,
    person_id: i32,
    cohort_id: i32,
    cohort_code: String,
    programme: String,
    basis: &'static str,
    deadline: Option<String>,
    deadline_at_risk: bool,
    status: &'static str,
    completed_on: Option<String>,
    held: u32,
    attended: u32,
    acceptable: u32,
    unacceptable: u32,
    rate: Option<String>,
    remaining: u32,
    prompt: Option<String>,
    sessions: Vec<SessionLine>,
    decisions: Vec<DecisionLine>,
    history: Vec<HistoryLine>,
    manages: bool,
    can_end: bool,
    waiting: bool,
    action_options: Vec<Choice>,
    reason_options: Vec<Choice>,
    decision: &'a DecisionForm,
    ending: &'a EndForm,
    aims: Vec<AimLine>,
    rating_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// What was typed into the forms, to show again with the errors.
#[derive(Default)]
struct Typed<'a> {
    decision: Option<&'a DecisionForm>,
    ending: Option<&'a EndForm>,
    aims: Option<&'a AimsForm>,
}

async fn page(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    id: i32,
    typed: Typed<'_>,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let today_form = DecisionForm::on(london_date(app.now()));
    let decision = typed.decision.unwrap_or(&today_form);
    let no_ending = EndForm::default();
    let ending = typed.ending.unwrap_or(&no_ending);
    let d = enrolments::detail(app, actor, id).await?;
    let name_of = |u: Option<i32>| {
        u.and_then(|u| d.names.get(&u).cloned())
            .unwrap_or_else(|| "Kerbside".into())
    };
    let f = &d.standing.figures;
    let p = &d.standing.prompt;
    let sessions = d
        .sessions
        .iter()
        .map(|s| {
            let marks: Vec<_> = d.marks.iter().filter(|m| m.session_id == s.id).collect();
            let current = marks.last();
            let mut detail = Vec::new();
            for m in &marks {
                if let Some(late) = m.minutes_late.filter(|l| *l > 0) {
                    detail.push(format!("{late} minutes late"));
                }
                if let Some(r) = m.absence_reason {
                    detail.push(format!("Reason: {}", r.label()));
                }
                if let Some(n) = &m.note {
                    detail.push(format!(
                        "Note{}: {n} ({}, {})",
                        if m.notify_probation {
                            " for probation"
                        } else {
                            ""
                        },
                        name_of(m.recorded_by),
                        format_datetime(m.recorded_at)
                    ));
                }
                if let Some(reason) = &m.correction_reason {
                    detail.push(format!(
                        "Corrected to {} by {}: {reason}",
                        m.outcome.label().to_lowercase(),
                        name_of(m.recorded_by)
                    ));
                }
            }
            SessionLine {
                number: s.number,
                title: s.title.clone(),
                when: format_datetime(s.starts_at),
                state: s.state.label(),
                counts: s.state.counts(),
                outcome: current.map(|m| m.outcome.label()),
                detail,
            }
        })
        .collect();
    let basis = d.enrolment.legal_basis;
    let e = &d.enrolment;
    let waiting = e.status == EnrolmentStatus::WaitingList;
    Ok(render(
        "enrolment",
        shell,
        EnrolmentPage {
            id,
            name: crate::domain::names::listed(&d.person.surname, &d.person.forenames),
            reference: d.person.reference.clone(),
            person_id: d.person.id,
            cohort_id: d.cohort.id,
            cohort_code: d.cohort.code.clone(),
            programme: d.programme.name.clone(),
            basis: basis.label(),
            deadline: e.deadline.map(format_date),
            deadline_at_risk: e.status.holds_place()
                && deadline_at_risk(
                    e.deadline,
                    e.completed_on.is_some(),
                    d.today,
                    DEADLINE_WARNING_DAYS,
                ),
            status: e.status.label(),
            completed_on: e.completed_on.map(format_date),
            held: f.held,
            attended: f.attended,
            acceptable: f.acceptable_absences,
            unacceptable: f.unacceptable_absences,
            rate: f.attendance_rate.map(|r| format!("{:.0}%", r * 100.0)),
            remaining: f.sessions_remaining,
            prompt: p.since.filter(|_| p.is_open()).map(|since| {
                let days = p.days_since(d.today).unwrap_or(0);
                format!(
                    "{}: {} day{} since the failure on {}",
                    p.kind.label(),
                    days,
                    if days == 1 { "" } else { "s" },
                    format_date(since)
                )
            }),
            sessions,
            decisions: d
                .actions
                .iter()
                .map(|a| DecisionLine {
                    date: format_date(a.action_date),
                    action: a.action.label(),
                    note: a.note.clone(),
                    by: name_of(a.recorded_by),
                })
                .collect(),
            history: d
                .history
                .iter()
                .map(|h| HistoryLine {
                    at: format_datetime(h.at),
                    to: h.to_status.label(),
                    note: h.note.clone(),
                    by: name_of(h.by_user_id),
                })
                .collect(),
            manages: actor.can(Capability::ManageCases),
            can_end: (e.status.holds_place() || waiting) && e.completed_on.is_none(),
            waiting,
            action_options: allowed_actions(basis)
                .iter()
                .map(|a| Choice {
                    value: a.as_str(),
                    label: a.label(),
                })
                .collect(),
            reason_options: choices_or_none::<EndReason>("Choose a reason"),
            decision,
            ending,
            aims: d
                .programme
                .aim_list()
                .into_iter()
                .enumerate()
                .map(|(index, aim)| {
                    let saved = d.ratings.get(&(index as i32));
                    let typed = typed.aims.and_then(|f| f.a.iter().find(|a| a.aim == index));
                    AimLine {
                        index,
                        aim,
                        rating: typed
                            .map(|t| t.rating.clone())
                            .or_else(|| saved.map(|r| r.rating.as_str().to_string()))
                            .unwrap_or_default(),
                        comment: typed
                            .map(|t| t.comment.clone())
                            .or_else(|| saved.map(|r| r.comment.clone()))
                            .unwrap_or_default(),
                        rated: saved.map(|r| {
                            format!(
                                "Rated by {} on {}",
                                name_of(r.rated_by),
                                format_datetime(r.rated_at)
                            )
                        }),
                        error: errors
                            .and_then(|e| {
                                e.get(&format!("aim-{index}"))
                                    .or_else(|| e.get(&format!("aim-{index}-comment")))
                            })
                            .map(str::to_string),
                    }
                })
                .collect(),
            rating_options: choices::<AimRating>(),
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/enrolments/<id>")]
async fn show_enrolment(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    page(app, user.actor(), &shell, id, Typed::default(), None).await
}

#[post("/enrolments/<id>/enforcement", data = "<form>")]
async fn record_decision(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    shell: Shell,
    id: i32,
    form: Form<DecisionForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut errors = FieldErrors::new();
    let action = EnforcementAction::parse(&f.action);
    if action.is_none() {
        errors.add("action", "Choose the decision");
    }
    let date = errors.check(
        "date",
        parse_date_parts(
            &f.date_day,
            &f.date_month,
            &f.date_year,
            "the date of the decision",
        ),
    );
    let result = match (action, date) {
        (Some(action), Some(date)) if errors.is_empty() => enrolments::record_enforcement(
            app,
            user.actor(),
            id,
            &EnforcementInput {
                action,
                date,
                note: f.note.clone(),
            },
        )
        .await
        .map(|_| "Decision recorded".to_string()),
        _ => Err(AppError::Invalid(errors)),
    };
    let typed = Typed {
        decision: Some(&f),
        ..Typed::default()
    };
    answer(app, user.actor(), &shell, id, result, typed).await
}

#[post("/enrolments/<id>/end", data = "<form>")]
async fn end_enrolment(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    shell: Shell,
    id: i32,
    form: Form<EndForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let result = enrolments::end_early(
        app,
        user.actor(),
        id,
        EndReason::parse(&f.reason),
        &f.end_note,
    )
    .await
    .map(|()| "Enrolment ended".to_string())
    .map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(rename(&errors, "note", "end_note")),
        other => other,
    });
    let typed = Typed {
        ending: Some(&f),
        ..Typed::default()
    };
    answer(app, user.actor(), &shell, id, result, typed).await
}

#[get("/enrolments/<id>/progress-report.pdf?<recipient>")]
async fn progress_report(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    id: i32,
    recipient: Option<String>,
) -> AppResult<crate::web::pdf::PdfDownload> {
    let file = reports::progress_report(app, user.actor(), id, recipient.as_deref()).await?;
    Ok(crate::web::pdf::PdfDownload::new(file))
}

#[post("/enrolments/<id>/aims", data = "<form>")]
async fn rate_aims(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    shell: Shell,
    id: i32,
    form: Form<AimsForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut errors = FieldErrors::new();
    let mut input = Vec::new();
    for a in &f.a {
        let rating = match a.rating.as_str() {
            "" => None,
            code => match AimRating::parse(code) {
                Some(r) => Some(r),
                None => {
                    errors.add(&format!("aim-{}", a.aim), "Choose one of the ratings");
                    continue;
                }
            },
        };
        input.push(AimRatingInput {
            aim: a.aim,
            rating,
            comment: a.comment.clone(),
        });
    }
    let result = if errors.is_empty() {
        enrolments::rate_aims(app, user.actor(), id, &input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    let result = result.map(|n| format!("Aims rated: {n} changed"));
    let typed = Typed {
        aims: Some(&f),
        ..Typed::default()
    };
    answer(app, user.actor(), &shell, id, result, typed).await
}

#[post("/enrolments/<id>/offer")]
async fn offer_place(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    id: i32,
) -> AppResult<FormOutcome> {
    enrolments::offer_place(app, user.actor(), id).await?;
    Ok(FormOutcome::done(
        format!("/enrolments/{id}"),
        "Place offered: he is awaiting the start",
    ))
}

impl DecisionForm {
    /// The form as it opens: dated today.
    fn on(today: chrono::NaiveDate) -> DecisionForm {
        DecisionForm {
            date_day: today.format("%-d").to_string(),
            date_month: today.format("%-m").to_string(),
            date_year: today.format("%Y").to_string(),
            ..Default::default()
        }
    }
}

/// What a form on the enrolment page answers: back to the page with a
/// notice, or the page again (422) with what was typed and the errors.
async fn answer(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    id: i32,
    result: AppResult<String>,
    typed: Typed<'_>,
) -> AppResult<FormOutcome> {
    match result {
        Ok(notice) => Ok(FormOutcome::done(format!("/enrolments/{id}"), notice)),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            page(app, actor, shell, id, typed, Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

/// The service's field name as the form's (two forms on one page each have a note).
fn rename(errors: &FieldErrors, from: &str, to: &str) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        out.add(if field == from { to } else { field }, message);
    }
    out
}

pub fn routes() -> Vec<Route> {
    routes![
        show_enrolment,
        record_decision,
        end_enrolment,
        offer_place,
        progress_report,
        rate_aims
    ]
}
