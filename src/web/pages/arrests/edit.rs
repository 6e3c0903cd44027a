//! Correcting an arrest's details (not its disposal, which stays as recorded).

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::form::{ArrestChoices, ArrestFields};
use crate::auth::guards::{Can, cap};
use crate::db::arrests_repo::Arrest;
use crate::domain::london_time::to_london;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::{arrests, settings};
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::present::{self, ArrestView, PersonView};
use crate::web::shell::{Shell, render};

type RecordArrests = Can<cap::RecordArrests>;

/// The edit form's values from a stored arrest (London date and time).
fn fields_of(a: &Arrest) -> ArrestFields {
    let local = to_london(a.arrested_at);
    ArrestFields {
        arrested_at_day: local.format("%-d").to_string(),
        arrested_at_month: local.format("%-m").to_string(),
        arrested_at_year: local.format("%Y").to_string(),
        arrested_at_time: local.format("%H:%M").to_string(),
        location: a.location.clone(),
        area: a.area.clone(),
        operation: a.operation.clone().unwrap_or_default(),
        vehicle_registration: present::vehicle_display(a.vehicle_registration.as_deref())
            .unwrap_or_default(),
        offence: a.offence.as_str().into(),
        collar_number: a.collar_number.clone().unwrap_or_default(),
        occurrence_reference: a.occurrence_reference.clone().unwrap_or_default(),
        notes: a.notes.clone().unwrap_or_default(),
        ..Default::default()
    }
}

#[derive(Serialize)]
struct ArrestEditPage<'a> {
    person: PersonView,
    arrest: ArrestView,
    version: i32,
    values: &'a ArrestFields,
    #[serde(flatten)]
    choices: ArrestChoices,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn edit_page(
    app: &AppState,
    police: &RecordArrests,
    shell: &Shell,
    id: i32,
    values: Option<&ArrestFields>,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let record = arrests::show(app, police.actor(), id).await?;
    let stored = fields_of(&record.arrest);
    Ok(render(
        "arrest_edit",
        shell,
        ArrestEditPage {
            person: present::person(&record.person),
            arrest: present::arrest(&record.arrest),
            version: record.arrest.version,
            values: values.unwrap_or(&stored),
            choices: ArrestChoices::new(&settings::areas(app).await?),
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/arrests/<id>/edit", rank = 2)]
async fn edit_arrest(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    edit_page(app, &police, &shell, id, None, None).await
}

#[derive(FromForm)]
struct EditForm {
    version: i32,
    arrest: ArrestFields,
}

#[post("/arrests/<id>", data = "<form>")]
async fn update_arrest(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    id: i32,
    form: Form<EditForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let (input, date_errors) = f.arrest.input();
    match arrests::update(app, police.actor(), id, f.version, &input, date_errors).await {
        Ok(_) => Ok(FormOutcome::done(
            format!("/arrests/{id}"),
            "Arrest details corrected",
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            edit_page(app, &police, &shell, id, Some(&f.arrest), Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![edit_arrest, update_arrest]
}
