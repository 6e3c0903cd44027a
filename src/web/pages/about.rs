//! The privacy notice and the accessibility statement: public pages, linked
//! from every page's footer.

use crate::web::shell::HtmlPage;
use rocket::{Route, State, get, routes};
use serde::Serialize;

use crate::state::AppState;
use crate::web::shell::{Shell, render};

#[derive(Serialize)]
struct PrivacyPage<'a> {
    retention_years: u32,
    contact: &'a str,
}

#[get("/privacy")]
fn privacy(app: &State<AppState>, shell: Shell) -> HtmlPage {
    render(
        "privacy",
        &shell,
        PrivacyPage {
            retention_years: app.adjustable().retention_years,
            contact: &app.settings.data_protection_contact,
        },
    )
}

#[derive(Serialize)]
struct AccessibilityPage<'a> {
    contact: &'a str,
}

#[get("/accessibility")]
fn accessibility(app: &State<AppState>, shell: Shell) -> HtmlPage {
    render(
        "accessibility",
        &shell,
        AccessibilityPage {
            contact: &app.settings.data_protection_contact,
        },
    )
}

pub fn routes() -> Vec<Route> {
    routes![privacy, accessibility]
}
