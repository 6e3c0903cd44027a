//! Administrators' settings: the list of areas / beats.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::error::{AppError, AppResult};
use crate::services::settings;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

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
        json!({ "values": {"areas": areas.join("\n")} }),
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
            json!({ "values": {"areas": form.areas}, "errors": errors_json(&e) }),
        ))),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![edit_settings, update_areas]
}
