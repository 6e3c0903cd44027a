//! Setting up: a programme template (sessions, aims, completion rule, group
//! size) and a cohort that runs it (code, venue, facilitators, capacity, a
//! schedule from the first session and an interval).

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::{parse_date_parts, parse_time};
use crate::domain::london_time::from_london;
use crate::domain::programme::{CompletionRule, ProgrammeSpec, SessionSpec};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::programmes::{self, CohortInput};
use crate::state::AppState;
use crate::web::shell::{Shell, render};

type ManagePrograms = Can<cap::ManagePrograms>;

/// Session rows the form offers (the API takes up to 52).
pub const FORM_SESSION_ROWS: usize = 12;

#[derive(FromForm, Serialize, Default, Clone)]
struct SessionRow {
    #[field(default = String::new())]
    title: String,
    #[field(default = String::new())]
    minutes: String,
    #[field(default = false)]
    core: bool,
}

#[derive(FromForm, Serialize, Default)]
struct ProgrammeForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    max_group_size: String,
    #[field(default = String::new())]
    rule: String,
    #[field(default = String::new())]
    min_attended: String,
    #[field(default = String::new())]
    aims: String,
    #[field(default = Vec::new())]
    s: Vec<SessionRow>,
}

/// A session row on the page, with its errors.
#[derive(Serialize)]
struct RowView {
    title: String,
    minutes: String,
    core: bool,
    title_error: Option<String>,
    minutes_error: Option<String>,
}

#[derive(Serialize)]
struct ProgrammePage<'a> {
    values: &'a ProgrammeForm,
    rows: Vec<RowView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn programme_page(shell: &Shell, values: &ProgrammeForm, errors: Option<&FieldErrors>) -> HtmlPage {
    let mut rows = values.s.clone();
    rows.resize(
        FORM_SESSION_ROWS.max(rows.len()),
        SessionRow {
            core: true,
            ..Default::default()
        },
    );
    let error = |key: String| errors.and_then(|e| e.get(&key)).map(str::to_string);
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| RowView {
            title_error: error(format!("s-{i}-title")),
            minutes_error: error(format!("s-{i}-minutes")),
            title: r.title,
            minutes: r.minutes,
            core: r.core,
        })
        .collect();
    render(
        "programme_new",
        shell,
        ProgrammePage {
            values,
            rows,
            errors: errors.map(errors_json),
        },
    )
}

#[get("/programmes/new")]
fn new_programme(_user: ManagePrograms, shell: Shell) -> HtmlPage {
    programme_page(&shell, &ProgrammeForm::default(), None)
}

/// The form as a programme; errors keyed by the form's element ids.
fn read_programme(f: &ProgrammeForm) -> Result<(ProgrammeSpec, Vec<usize>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut sessions = Vec::new();
    let mut rows = Vec::new();
    for (i, row) in f.s.iter().enumerate() {
        if row.title.trim().is_empty() && row.minutes.trim().is_empty() {
            continue;
        }
        let Ok(minutes) = row.minutes.trim().parse::<i32>() else {
            errors.add(
                &format!("s-{i}-minutes"),
                "Enter the session's length in minutes, like 120",
            );
            continue;
        };
        rows.push(i);
        sessions.push(SessionSpec {
            number: sessions.len() as i32 + 1,
            title: row.title.clone(),
            minutes,
            core: row.core,
        });
    }
    let number = |field: &str, raw: &str, what: &str, errors: &mut FieldErrors| {
        raw.trim()
            .parse::<i32>()
            .map_err(|_| errors.add(field, format!("Enter {what} as a whole number")))
            .ok()
    };
    let max_group_size = number(
        "max_group_size",
        &f.max_group_size,
        "the largest group",
        &mut errors,
    );
    let rule = match f.rule.as_str() {
        "all_core" => Some(CompletionRule::AllCore),
        "min_attended" => number(
            "min_attended",
            &f.min_attended,
            "the number of sessions to attend",
            &mut errors,
        )
        .map(CompletionRule::MinAttended),
        _ => {
            errors.add("rule", "Choose how a man completes the programme");
            None
        }
    };
    match (max_group_size, rule) {
        (Some(max_group_size), Some(rule)) if errors.is_empty() => Ok((
            ProgrammeSpec {
                name: f.name.clone(),
                sessions,
                aims: f
                    .aims
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
                rule,
                max_group_size,
            },
            rows,
        )),
        _ => Err(errors),
    }
}

/// The domain's field names (`sessions[2].title`) as the form's element ids.
fn on_form(errors: &FieldErrors, rows: &[usize]) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        let mapped = field
            .strip_prefix("sessions[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(i, f)| {
                i.parse::<usize>()
                    .ok()
                    .and_then(|i| rows.get(i))
                    .map(|row| format!("s-{row}-{f}"))
            });
        let key = match field {
            "sessions" => "s-0-title".to_string(),
            "completion_rule.min_attended" => "min_attended".to_string(),
            "completion_rule.all_core" => "rule".to_string(),
            other => mapped.unwrap_or_else(|| other.to_string()),
        };
        out.add(&key, message);
    }
    out
}

#[post("/programmes", data = "<form>")]
async fn create_programme(
    app: &State<AppState>,
    user: ManagePrograms,
    shell: Shell,
    form: Form<ProgrammeForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let result = match read_programme(&f) {
        Ok((spec, rows)) => programmes::create_programme(app, user.actor(), &spec)
            .await
            .map_err(|e| match e {
                AppError::Invalid(errors) => AppError::Invalid(on_form(&errors, &rows)),
                other => other,
            }),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok((p, _)) => Ok(FormOutcome::done(
            format!("/cohorts/new?programme={}", p.id),
            format!(
                "Programme {} created: now set up a cohort to run it",
                p.name
            ),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(programme_page(&shell, &f, Some(&e)))),
        Err(e) => Err(e),
    }
}

/// A choice with a label made at run time.
#[derive(Serialize)]
struct Pick {
    value: String,
    label: String,
}

#[derive(FromForm, Serialize, Default)]
struct CohortForm {
    #[field(default = String::new())]
    programme_id: String,
    #[field(default = String::new())]
    code: String,
    #[field(default = String::new())]
    venue: String,
    #[field(default = String::new())]
    capacity: String,
    #[field(default = Vec::new())]
    facilitators: Vec<String>,
    #[field(default = String::new())]
    first_day: String,
    #[field(default = String::new())]
    first_month: String,
    #[field(default = String::new())]
    first_year: String,
    #[field(default = String::new())]
    time: String,
    #[field(default = String::new())]
    interval_days: String,
}

#[derive(Serialize)]
struct CohortNewPage<'a> {
    values: &'a CohortForm,
    programme_options: Vec<Pick>,
    facilitator_options: Vec<Pick>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn cohort_page(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    values: &CohortForm,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let programmes = programmes::programmes(app, actor).await?;
    let facilitators = programmes::facilitators(app, actor).await?;
    Ok(render(
        "cohort_new",
        shell,
        CohortNewPage {
            values,
            programme_options: std::iter::once(Pick {
                value: String::new(),
                label: "Choose a programme".into(),
            })
            .chain(programmes.into_iter().map(|p| Pick {
                value: p.id.to_string(),
                label: format!("{} (groups of up to {})", p.name, p.max_group_size),
            }))
            .collect(),
            facilitator_options: facilitators
                .into_iter()
                .map(|(username, name)| Pick {
                    label: format!("{name} ({username})"),
                    value: username,
                })
                .collect(),
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/cohorts/new?<programme>")]
async fn new_cohort(
    app: &State<AppState>,
    user: ManagePrograms,
    shell: Shell,
    programme: Option<i32>,
) -> AppResult<HtmlPage> {
    let values = CohortForm {
        programme_id: programme.map(|p| p.to_string()).unwrap_or_default(),
        interval_days: "7".into(),
        time: "19:00".into(),
        ..Default::default()
    };
    cohort_page(app, user.actor(), &shell, &values, None).await
}

fn read_cohort(f: &CohortForm) -> Result<CohortInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let programme_id = f
        .programme_id
        .parse::<i32>()
        .map_err(|_| errors.add("programme_id", "Choose a programme"))
        .ok();
    let capacity = f
        .capacity
        .trim()
        .parse::<i32>()
        .map_err(|_| errors.add("capacity", "Enter the number of places as a whole number"))
        .ok();
    let interval = f
        .interval_days
        .trim()
        .parse::<i32>()
        .map_err(|_| {
            errors.add(
                "interval_days",
                "Enter the days between sessions as a whole number, like 7",
            )
        })
        .ok();
    let date = errors.check(
        "first",
        parse_date_parts(
            &f.first_day,
            &f.first_month,
            &f.first_year,
            "the first session's date",
        ),
    );
    let time = errors.check("time", parse_time(&f.time, "the start time, like 19:00"));
    match (programme_id, capacity, interval, date.zip(time)) {
        (Some(programme_id), Some(capacity), Some(interval_days), Some((d, t)))
            if errors.is_empty() =>
        {
            Ok(CohortInput {
                programme_id,
                code: f.code.clone(),
                venue: f.venue.clone(),
                capacity,
                facilitator_usernames: f.facilitators.clone(),
                first_session_at: from_london(d.and_time(t)),
                interval_days,
            })
        }
        _ => Err(errors),
    }
}

#[post("/cohorts", data = "<form>")]
async fn create_cohort(
    app: &State<AppState>,
    user: ManagePrograms,
    shell: Shell,
    form: Form<CohortForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let result = match read_cohort(&f) {
        Ok(input) => programmes::create_cohort(app, user.actor(), &input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok((c, sessions)) => Ok(FormOutcome::done(
            format!("/cohorts/{}", c.id),
            format!("Cohort {} set up with {} sessions", c.code, sessions.len()),
        )),
        Err(AppError::Invalid(e)) => {
            let mut keyed = FieldErrors::new();
            for (field, message) in e.iter() {
                let key = match field {
                    "first_session_at" => "first",
                    f if f.starts_with("facilitator_usernames") => "facilitators",
                    f => f,
                };
                keyed.add(key, message);
            }
            Ok(FormOutcome::again(
                cohort_page(app, user.actor(), &shell, &f, Some(&keyed)).await?,
            ))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![new_programme, create_programme, new_cohort, create_cohort]
}
