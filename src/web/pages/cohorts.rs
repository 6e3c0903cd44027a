//! Cohorts: the list a facilitator or probation officer works from, one
//! cohort's schedule (cancel, reschedule, catch-up) and men, and its
//! sessions as a calendar file.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::Header;
use rocket::{FromForm, Responder, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::{parse_date_parts, parse_time};
use crate::domain::london_time::{format_date, format_datetime, from_london};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::enrolments;
use crate::services::programmes::{self, ScheduleChange};
use crate::state::AppState;
use crate::web::present::Choice;
use crate::web::shell::{Shell, render};

#[derive(Serialize)]
struct CohortRow {
    id: i32,
    code: String,
    venue: String,
    capacity: i32,
}

#[derive(Serialize)]
struct CohortsPage {
    cohorts: Vec<CohortRow>,
    can_set_up: bool,
}

#[get("/cohorts")]
async fn list_cohorts(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    shell: Shell,
) -> AppResult<HtmlPage> {
    let cohorts = programmes::cohorts(app, user.actor()).await?;
    Ok(render(
        "cohorts",
        &shell,
        CohortsPage {
            cohorts: cohorts
                .into_iter()
                .map(|c| CohortRow {
                    id: c.id,
                    code: c.code,
                    venue: c.venue,
                    capacity: c.capacity,
                })
                .collect(),
            can_set_up: user.actor().can(Capability::ManagePrograms),
        },
    ))
}

#[derive(Serialize)]
struct SessionRow {
    id: i32,
    number: i32,
    title: String,
    when: String,
    state: &'static str,
    counts: bool,
    catch_up: bool,
    note: Option<String>,
}

#[derive(Serialize)]
struct MemberRow {
    enrolment_id: i32,
    name: String,
    reference: String,
    status: &'static str,
    attended: u32,
    held: u32,
    prompt: Option<&'static str>,
}

#[derive(Serialize, Default, FromForm)]
struct ScheduleForm {
    #[field(default = String::new())]
    change: String,
    #[field(default = String::new())]
    session_id: String,
    #[field(default = String::new())]
    number: String,
    #[field(default = String::new())]
    date_day: String,
    #[field(default = String::new())]
    date_month: String,
    #[field(default = String::new())]
    date_year: String,
    #[field(default = String::new())]
    time: String,
    #[field(default = String::new())]
    reason: String,
}

/// What the schedule form can do.
const CHANGES: [Choice; 3] = [
    Choice {
        value: "cancel",
        label: "Cancel a session",
    },
    Choice {
        value: "reschedule",
        label: "Move a session to another time (the old one is kept, marked superseded)",
    },
    Choice {
        value: "catch_up",
        label: "Add a catch-up for a session number",
    },
];

#[derive(Serialize)]
struct CohortPage<'a> {
    id: i32,
    code: String,
    venue: String,
    programme: String,
    rule: String,
    capacity: i32,
    places_taken: u64,
    facilitators: String,
    sessions: Vec<SessionRow>,
    members: Vec<MemberRow>,
    /// Men arrested together who share this cohort.
    non_associations: Vec<String>,
    /// Probation sees each man's enrolment page.
    sees_enrolments: bool,
    values: &'a ScheduleForm,
    change_options: [Choice; 3],
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn page(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    id: i32,
    values: &ScheduleForm,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let d = programmes::cohort(app, actor, id).await?;
    let members = enrolments::for_cohort(app, actor, id).await?;
    let non_associations = enrolments::non_associations(app, actor, id)
        .await?
        .into_iter()
        .map(|(a, b)| format!("{a} and {b} were arrested together"))
        .collect();
    Ok(render(
        "cohort",
        shell,
        CohortPage {
            id,
            code: d.cohort.code.clone(),
            venue: d.cohort.venue.clone(),
            rule: d.programme.rule().describe(),
            programme: d.programme.name.clone(),
            capacity: d.cohort.capacity,
            places_taken: d.places_taken,
            facilitators: d.facilitators.join(", "),
            sessions: d
                .sessions
                .iter()
                .map(|s| SessionRow {
                    id: s.id,
                    number: s.number,
                    title: s.title.clone(),
                    when: format_datetime(s.starts_at),
                    state: s.state.label(),
                    counts: s.state.counts(),
                    catch_up: s.catch_up,
                    note: s.cancel_reason.clone(),
                })
                .collect(),
            members: members
                .into_iter()
                .map(|m| MemberRow {
                    enrolment_id: m.enrolment.id,
                    name: m.name,
                    reference: m.reference,
                    status: m.enrolment.status.label(),
                    attended: m.standing.figures.attended,
                    held: m.standing.figures.held,
                    prompt: m
                        .standing
                        .prompt
                        .is_open()
                        .then(|| m.standing.prompt.kind.label()),
                })
                .collect(),
            non_associations,
            sees_enrolments: actor.can(Capability::ManageCases),
            values,
            change_options: CHANGES,
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/cohorts/<id>")]
async fn show_cohort(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    page(
        app,
        user.actor(),
        &shell,
        id,
        &ScheduleForm::default(),
        None,
    )
    .await
}

/// Read the form into a change; a problem is named by its field.
fn read_change(f: &ScheduleForm) -> Result<ScheduleChange, FieldErrors> {
    let mut errors = FieldErrors::new();
    let when = |errors: &mut FieldErrors| {
        let date = errors.check(
            "date",
            parse_date_parts(&f.date_day, &f.date_month, &f.date_year, "the date"),
        );
        let time = errors.check("time", parse_time(&f.time, "the time, like 19:00"));
        date.zip(time).map(|(d, t)| from_london(d.and_time(t)))
    };
    let session = |errors: &mut FieldErrors| {
        let id = f.session_id.parse::<i32>().ok();
        if id.is_none() {
            errors.add("session_id", "Choose the session");
        }
        id
    };
    let change = match f.change.as_str() {
        "cancel" => session(&mut errors).map(|session_id| ScheduleChange::Cancel {
            session_id,
            reason: f.reason.clone(),
        }),
        "reschedule" => {
            let session_id = session(&mut errors);
            let at = when(&mut errors);
            session_id
                .zip(at)
                .map(|(session_id, starts_at)| ScheduleChange::Reschedule {
                    session_id,
                    starts_at,
                    reason: f.reason.clone(),
                })
        }
        "catch_up" => {
            let number = f.number.parse::<i32>().ok();
            if number.is_none() {
                errors.add("number", "Choose the session number to catch up");
            }
            let at = when(&mut errors);
            number
                .zip(at)
                .map(|(number, starts_at)| ScheduleChange::CatchUp { number, starts_at })
        }
        _ => {
            errors.add("change", "Choose what to change");
            None
        }
    };
    match change {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(errors),
    }
}

#[post("/cohorts/<id>/schedule", data = "<form>")]
async fn change_schedule(
    app: &State<AppState>,
    user: Can<cap::ManagePrograms>,
    shell: Shell,
    id: i32,
    form: Form<ScheduleForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let result = match read_change(&f) {
        Ok(change) => programmes::change_schedule(app, user.actor(), id, &change).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(s) => Ok(FormOutcome::done(
            format!("/cohorts/{id}"),
            match f.change.as_str() {
                "cancel" => "Session cancelled".to_string(),
                _ => format!(
                    "Session {} now on {}",
                    s.number,
                    format_date(crate::domain::london_time::london_date(s.starts_at))
                ),
            },
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            page(app, user.actor(), &shell, id, &f, Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

/// A calendar file download.
#[derive(Responder)]
#[response(content_type = "text/calendar; charset=utf-8")]
struct CalendarFile {
    body: String,
    disposition: Header<'static>,
}

#[get("/cohorts/<id>/calendar.ics")]
async fn cohort_calendar(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    id: i32,
) -> AppResult<CalendarFile> {
    let (name, body) = programmes::calendar(app, user.actor(), id).await?;
    Ok(CalendarFile {
        body,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ),
    })
}

pub fn routes() -> Vec<Route> {
    routes![list_cohorts, show_cohort, change_schedule, cohort_calendar]
}
