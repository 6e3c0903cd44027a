//! Administrators' settings: the list of areas / beats, and the rules that
//! change without a restart (`domain::adjustable`).

use std::collections::HashMap;

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use crate::auth::guards::{Can, cap};
use crate::domain::adjustable::{Adjustable, NUMBERS, TWO_STEP_KEY};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::settings;
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::present::Choice;
use crate::web::shell::{Shell, render};

type ManageUsers = Can<cap::ManageUsers>;

/// One numeric rule on the page.
#[derive(Serialize)]
struct NumberField {
    key: &'static str,
    label: &'static str,
    hint: String,
    value: String,
}

#[derive(Serialize)]
struct SettingsPage<'a> {
    areas: &'a str,
    numbers: Vec<NumberField>,
    two_step: &'a str,
    two_step_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// What the rules form holds: the typed numbers by key, and the two-step rule.
struct RulesTyped<'a> {
    numbers: HashMap<&'static str, String>,
    two_step: &'a str,
}

impl RulesTyped<'_> {
    fn of(a: &Adjustable) -> RulesTyped<'static> {
        RulesTyped {
            numbers: NUMBERS
                .iter()
                .map(|n| (n.key, n.of(a).to_string()))
                .collect(),
            two_step: if a.two_step_for_everyone {
                "everyone"
            } else {
                "administrators"
            },
        }
    }
}

fn page(shell: &Shell, areas: &str, rules: &RulesTyped, errors: Option<&FieldErrors>) -> HtmlPage {
    render(
        "admin_settings",
        shell,
        SettingsPage {
            areas,
            numbers: NUMBERS
                .iter()
                .map(|n| NumberField {
                    key: n.key,
                    label: n.label,
                    hint: format!("From {} to {}.", n.min, n.max),
                    value: rules.numbers.get(n.key).cloned().unwrap_or_default(),
                })
                .collect(),
            two_step: rules.two_step,
            two_step_options: vec![
                Choice {
                    value: "administrators",
                    label: "Administrators and auditors (others may choose to)",
                },
                Choice {
                    value: "everyone",
                    label: "Everyone",
                },
            ],
            errors: errors.map(errors_json),
        },
    )
}

#[get("/admin/settings")]
async fn edit_settings(
    app: &State<AppState>,
    _admin: ManageUsers,
    shell: Shell,
) -> AppResult<HtmlPage> {
    let areas = settings::areas(app).await?;
    let rules = settings::refresh(app).await?;
    Ok(page(
        &shell,
        &areas.join("\n"),
        &RulesTyped::of(&rules),
        None,
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
    admin: ManageUsers,
    shell: Shell,
    form: Form<AreasForm>,
) -> AppResult<FormOutcome> {
    match settings::set_areas(app, admin.actor(), &form.areas).await {
        Ok(a) => Ok(FormOutcome::done(
            "/admin/settings",
            format!("{} areas saved", a.len()),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(page(
            &shell,
            &form.areas,
            &RulesTyped::of(&app.adjustable()),
            Some(&e),
        ))),
        Err(e) => Err(e),
    }
}

#[derive(FromForm)]
struct RulesForm {
    #[field(default = String::new())]
    dash_escalation_incidents: String,
    #[field(default = String::new())]
    dash_escalation_months: String,
    #[field(default = String::new())]
    retention_years: String,
    #[field(default = String::new())]
    idle_timeout_minutes: String,
    #[field(default = String::new())]
    two_step_for_everyone: String,
}

#[post("/admin/settings/rules", data = "<form>")]
async fn update_rules(
    app: &State<AppState>,
    admin: ManageUsers,
    shell: Shell,
    form: Form<RulesForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let typed: HashMap<&str, &str> = [
        (
            "dash_escalation_incidents",
            f.dash_escalation_incidents.as_str(),
        ),
        ("dash_escalation_months", f.dash_escalation_months.as_str()),
        ("retention_years", f.retention_years.as_str()),
        ("idle_timeout_minutes", f.idle_timeout_minutes.as_str()),
        (TWO_STEP_KEY, f.two_step_for_everyone.as_str()),
    ]
    .into_iter()
    .collect();
    match settings::set_adjustable(app, admin.actor(), &typed).await {
        Ok(_) => Ok(FormOutcome::done("/admin/settings", "Rules saved")),
        Err(AppError::Invalid(e)) => {
            let areas = settings::areas(app).await?;
            let rules = RulesTyped {
                numbers: NUMBERS
                    .iter()
                    .map(|n| (n.key, typed.get(n.key).copied().unwrap_or("").to_string()))
                    .collect(),
                two_step: &f.two_step_for_everyone,
            };
            Ok(FormOutcome::again(page(
                &shell,
                &areas.join("\n"),
                &rules,
                Some(&e),
            )))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![edit_settings, update_areas, update_rules]
}
