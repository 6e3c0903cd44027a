//! Recording a court hearing for a charged arrest.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_date_parts;
use crate::domain::hearing::HearingOutcome;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::hearings::{self, HearingInput};
use crate::state::AppState;
use crate::web::present::{self, ArrestView, Choice, PersonView, choices};
use crate::web::shell::{Shell, render};

type ManageCases = Can<cap::ManageCases>;

#[derive(FromForm, Serialize, Default)]
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

#[derive(Serialize)]
struct HearingPage<'a> {
    arrest: ArrestView,
    person: PersonView,
    values: &'a HearingForm,
    outcome_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn page(
    f: &hearings::HearingFor,
    shell: &Shell,
    values: &HearingForm,
    errors: Option<&FieldErrors>,
) -> HtmlPage {
    render(
        "hearing_new",
        shell,
        HearingPage {
            arrest: present::arrest(&f.arrest),
            person: present::person(&f.person),
            values,
            outcome_options: choices::<HearingOutcome>(),
            errors: errors.map(errors_json),
        },
    )
}

#[get("/arrests/<id>/hearings/new")]
async fn new_hearing(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let f = hearings::form_for(app, user.actor(), id).await?;
    let values = HearingForm {
        court: f.arrest.court.clone().unwrap_or_default(),
        ..Default::default()
    };
    Ok(page(&f, &shell, &values, None))
}

#[post("/arrests/<id>/hearings", data = "<form>")]
async fn create_hearing(
    app: &State<AppState>,
    user: ManageCases,
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
        Err(AppError::Invalid(e)) => {
            let context = hearings::form_for(app, user.actor(), id).await?;
            Ok(FormOutcome::again(page(&context, &shell, &f, Some(&e))))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![new_hearing, create_hearing]
}
