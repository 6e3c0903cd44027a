//! First-run setup: the one-time link printed by `kerbside serve` when there
//! are no accounts.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::{FormOutcome, errors_json};
use crate::error::{AppError, AppResult};
use crate::services::setup;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

#[derive(FromForm)]
struct SetupForm {
    username: String,
    display_name: String,
    password: String,
}

/// What the form holds (never the password).
#[derive(Serialize, Default)]
struct SetupValues {
    username: String,
    display_name: String,
}

#[derive(Serialize)]
struct SetupPage<'a> {
    token: &'a str,
    values: SetupValues,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

#[get("/setup/<token>")]
async fn new_setup(app: &State<AppState>, shell: Shell, token: &str) -> AppResult<HtmlPage> {
    if !setup::link_is_live(app, token).await? {
        return Err(AppError::NotFound);
    }
    Ok(render(
        "setup",
        &shell,
        SetupPage {
            token,
            values: SetupValues::default(),
            errors: None,
        },
    ))
}

#[post("/setup/<token>", data = "<form>")]
async fn create_setup(
    app: &State<AppState>,
    shell: Shell,
    token: &str,
    form: Form<SetupForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    match setup::create_first_admin(app, token, &f.username, &f.display_name, &f.password).await {
        Ok(()) => Ok(FormOutcome::done(
            "/sign-in",
            "Administrator created. Sign in with the username and password you chose.",
        )),
        Err(AppError::Invalid(errors)) => Ok(FormOutcome::again(render(
            "setup",
            &shell,
            SetupPage {
                token,
                values: SetupValues {
                    username: f.username,
                    display_name: f.display_name,
                },
                errors: Some(errors_json(&errors)),
            },
        ))),
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![new_setup, create_setup]
}
