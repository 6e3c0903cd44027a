//! Retention review: the list of records due, one man's review, and the
//! decision to retain or dispose of his record.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::people::{SubnavItem, subnav};
use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_date_parts;
use crate::domain::london_time::{format_date, format_datetime, london_date};
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::retention::{self, Review};
use crate::state::AppState;
use crate::web::present::{self, PersonView};
use crate::web::shell::{Shell, render};

type ReviewRetention = Can<cap::ReviewRetention>;

#[derive(Serialize)]
struct DueView {
    id: i32,
    reference: String,
    name: String,
    date_of_birth: String,
    last_activity: String,
    retained_until: Option<String>,
}

#[derive(Serialize)]
struct DuePage {
    rows: Vec<DueView>,
    pagination: PageInfo,
    years: u32,
}

#[get("/retention?<page>")]
async fn due_list(
    app: &State<AppState>,
    user: ReviewRetention,
    shell: Shell,
    page: Option<u64>,
) -> AppResult<HtmlPage> {
    let (rows, info, rule) =
        retention::due(app, user.actor(), PageRequest::new(page, Some(50))).await?;
    let rows = rows
        .into_iter()
        .map(|r| DueView {
            id: r.id,
            reference: r.reference,
            name: format!("{}, {}", r.surname.to_uppercase(), r.forenames),
            date_of_birth: format_date(r.date_of_birth),
            last_activity: format_date(london_date(r.last_at)),
            retained_until: r.review_date.map(format_date),
        })
        .collect();
    Ok(render(
        "retention",
        &shell,
        DuePage {
            rows,
            pagination: info,
            years: rule.years,
        },
    ))
}

#[derive(FromForm, Serialize, Default)]
struct RetainForm {
    #[field(default = String::new())]
    rationale: String,
    #[field(default = String::new())]
    next_review_date_day: String,
    #[field(default = String::new())]
    next_review_date_month: String,
    #[field(default = String::new())]
    next_review_date_year: String,
}

#[derive(Serialize)]
struct DecisionView {
    decision: &'static str,
    at: String,
    rationale: Option<String>,
    next_review: Option<String>,
}

#[derive(Serialize)]
struct ReviewPage<'a> {
    person: PersonView,
    subnav: Vec<SubnavItem>,
    years: u32,
    last_activity: Option<String>,
    review_date: String,
    review_text: String,
    due: bool,
    blockers: Vec<&'static str>,
    decisions: Vec<DecisionView>,
    values: &'a RetainForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
    dispose_error: Option<String>,
}

fn review_page(
    r: &Review,
    shell: &Shell,
    values: &RetainForm,
    errors: Option<&FieldErrors>,
    dispose_error: Option<String>,
    actor: &crate::auth::Actor,
) -> HtmlPage {
    render(
        "retention_review",
        shell,
        ReviewPage {
            person: present::person(&r.person),
            subnav: subnav(actor, r.person.id, "retention"),
            years: r.rule.years,
            last_activity: r.last_activity.map(format_date),
            review_date: format_date(r.review_date),
            review_text: if r.due {
                format!("{} (due now)", format_date(r.review_date))
            } else {
                format_date(r.review_date)
            },
            due: r.due,
            blockers: r.blockers.iter().map(|b| b.message()).collect(),
            decisions: r
                .decisions
                .iter()
                .map(|d| DecisionView {
                    decision: d.decision.label(),
                    at: format_datetime(d.decided_at),
                    rationale: d.rationale.clone(),
                    next_review: d.next_review_date.map(format_date),
                })
                .collect(),
            values,
            errors: errors.map(errors_json),
            dispose_error,
        },
    )
}

#[get("/people/<id>/retention")]
async fn review(
    app: &State<AppState>,
    user: ReviewRetention,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let r = retention::review(app, user.actor(), id).await?;
    Ok(review_page(
        &r,
        &shell,
        &RetainForm::default(),
        None,
        None,
        user.actor(),
    ))
}

#[post("/people/<id>/retention/retain", data = "<form>")]
async fn retain(
    app: &State<AppState>,
    user: ReviewRetention,
    shell: Shell,
    id: i32,
    form: Form<RetainForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let date = parse_date_parts(
        &f.next_review_date_day,
        &f.next_review_date_month,
        &f.next_review_date_year,
        "the next review date",
    );
    let outcome = retention::retain(app, user.actor(), id, &f.rationale, date)
        .await
        .map(|_| ());
    match outcome {
        Ok(()) => Ok(FormOutcome::done(
            "/retention",
            "Record retained until its next review",
        )),
        Err(AppError::Invalid(e)) => {
            let r = retention::review(app, user.actor(), id).await?;
            Ok(FormOutcome::again(review_page(
                &r,
                &shell,
                &f,
                Some(&e),
                None,
                user.actor(),
            )))
        }
        Err(e) => Err(e),
    }
}

#[derive(FromForm)]
struct DisposeForm {
    #[field(default = false)]
    confirm: bool,
}

#[post("/people/<id>/retention/dispose", data = "<form>")]
async fn dispose(
    app: &State<AppState>,
    user: ReviewRetention,
    shell: Shell,
    id: i32,
    form: Form<DisposeForm>,
) -> AppResult<FormOutcome> {
    let refused = if !form.confirm {
        Some("Tick the box to confirm that this record is to be disposed of".to_string())
    } else {
        match retention::dispose(app, user.actor(), id).await {
            Ok(d) => {
                return Ok(FormOutcome::done(
                    "/retention",
                    format!(
                        "Record disposed of: its personal data erased on {}",
                        format_datetime(d.disposed_at)
                    ),
                ));
            }
            Err(AppError::Conflict(message)) => Some(message),
            Err(e) => return Err(e),
        }
    };
    let r = retention::review(app, user.actor(), id).await?;
    Ok(FormOutcome::Again((
        Status::Conflict,
        review_page(
            &r,
            &shell,
            &RetainForm::default(),
            None,
            refused,
            user.actor(),
        ),
    )))
}

pub fn routes() -> Vec<Route> {
    routes![due_list, review, retain, dispose]
}
