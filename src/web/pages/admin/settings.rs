//! Administrators' settings: the list of areas / beats.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde::Serialize;

use crate::auth::guards::{Can, cap};
use crate::error::{AppError, AppResult};
use crate::services::settings;
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::shell::{Shell, render};

#[derive(Serialize)]
struct AreasValues<'a> {
    areas: &'a str,
}

#[derive(Serialize)]
struct SettingsPage<'a> {
    values: AreasValues<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

#[get("/admin/settings")]
async fn edit_settings(
    app: &State<AppState>,
    _admin: Can<cap::ManageUsers>,
    shell: Shell,
) -> AppResult<Template> {
    let areas = settings::areas(app).await?;
    Ok(render(
        "admin_settings",
        &shell,
        SettingsPage {
            values: AreasValues {
                areas: &areas.join("\n"),
            },
            errors: None,
        },
    ))
}

#[derive(FromForm)]
struct AreasForm {
    #[field(default = String::new())]
    areas: String,
}

#[post("/admin/settings/areas", data = "<form>")]
async fn update_areas(
    app: &State<AppState>,
    admin: Can<cap::ManageUsers>,
    shell: Shell,
    form: Form<AreasForm>,
) -> AppResult<FormOutcome> {
    match settings::set_areas(app, admin.actor(), &form.areas).await {
        Ok(a) => Ok(FormOutcome::done(
            "/admin/settings",
            format!("{} areas saved", a.len()),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(render(
            "admin_settings",
            &shell,
            SettingsPage {
                values: AreasValues { areas: &form.areas },
                errors: Some(errors_json(&e)),
            },
        ))),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![edit_settings, update_areas]
}
