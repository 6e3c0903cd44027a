//! Recording a court hearing for a charged arrest.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::db::arrests_repo;
use crate::domain::dates::parse_date_parts;
use crate::domain::hearing::HearingOutcome;
use crate::error::{AppError, AppResult};
use crate::services::hearings::{self, HearingInput};
use crate::state::AppState;
use crate::web::present;
use crate::web::shell::{Shell, render};

type Probation = Can<cap::ManageCases>;

#[derive(FromForm, serde::Serialize, Default)]
struct HearingForm {
    #[field(default = String::new())]
    hearing_date_day: String,
    #[field(default = String::new())]
    hearing_date_month: String,
    #[field(default = String::new())]
    hearing_date_year: String,
    #[field(default = String::new())]
    court: String,
    #[field(default = String::new())]
    outcome: String,
    #[field(default = String::new())]
    notes: String,
}

async fn page(
    app: &AppState,
    actor: &crate::auth::Actor,
    shell: &Shell,
    arrest_id: i32,
    values: serde_json::Value,
    errors: Option<serde_json::Value>,
) -> AppResult<Template> {
    let arrest = arrests_repo::find(&app.db, arrest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // showing the man is a consult, audited by the service
    let person = crate::services::people::show(app, actor, arrest.person_id)
        .await?
        .person;
    let outcomes: Vec<_> = HearingOutcome::ALL
        .iter()
        .map(|o| json!({"value": o.as_str(), "label": o.label()}))
        .collect();
    Ok(render(
        "hearing_new",
        shell,
        json!({"arrest": present::arrest(&arrest), "person": present::person(&person), "values": values, "errors": errors, "outcome_options": outcomes}),
    ))
}

#[get("/arrests/<id>/hearings/new")]
async fn new_hearing(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let arrest = arrests_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    page(
        app,
        user.actor(),
        &shell,
        id,
        json!({"court": arrest.court}),
        None,
    )
    .await
}

#[post("/arrests/<id>/hearings", data = "<form>")]
async fn create_hearing(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
    form: Form<HearingForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let (date, date_error) = match parse_date_parts(
        &f.hearing_date_day,
        &f.hearing_date_month,
        &f.hearing_date_year,
        "the hearing date",
    ) {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(e)),
    };
    let input = HearingInput {
        hearing_date: date,
        date_error,
        court: f.court.clone(),
        outcome: f.outcome.clone(),
        notes: f.notes.clone(),
    };
    match hearings::record(app, user.actor(), id, &input).await {
        Ok(_) => Ok(FormOutcome::done(
            format!("/arrests/{id}"),
            "Hearing recorded",
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            page(
                app,
                user.actor(),
                &shell,
                id,
                serde_json::to_value(&f).unwrap_or_default(),
                Some(errors_json(&e)),
            )
            .await?,
        )),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![new_hearing, create_hearing]
}
