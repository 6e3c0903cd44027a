//! HTML pages, one module per feature, each with its own `routes()`.

mod account;
mod admin_audit;
mod admin_settings;
mod admin_users;
mod arrest_entry;
mod arrest_form;
mod arrest_import;
mod arrests;
mod assessment_sections;
mod assessments;
mod hearings;
mod home;
mod people;
mod referrals;
mod session;
mod setup;

use rocket::Route;
use rocket::response::{Flash, Redirect};
use rocket_dyn_templates::Template;

use crate::domain::validation::FieldErrors;

/// Every page route.
pub fn routes() -> Vec<Route> {
    let mut r = Vec::new();
    r.extend(home::routes());
    r.extend(session::routes());
    r.extend(setup::routes());
    r.extend(account::routes());
    r.extend(account::two_step_routes());
    r.extend(admin_users::routes());
    r.extend(admin_audit::routes());
    r.extend(admin_settings::routes());
    r.extend(people::routes());
    r.extend(arrests::routes());
    r.extend(arrest_entry::routes());
    r.extend(arrest_entry::edit_routes());
    r.extend(arrest_import::routes());
    r.extend(referrals::routes());
    r.extend(assessments::routes());
    r.extend(assessment_sections::routes());
    r.extend(hearings::routes());
    r
}

/// A local path that is safe to send the user back to after signing in.
pub fn is_safe_return_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.contains("://")
        && path.len() < 300
        && !path.starts_with("/sign-in")
        && !path.starts_with("/refused")
}

/// Percent-encode a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page, or a redirect elsewhere.
#[allow(clippy::large_enum_variant)]
#[derive(rocket::Responder)]
pub enum PageOrRedirect {
    Page(Template),
    Redirect(Redirect),
}

/// What a form POST answers: a redirect with a notice on success, or the form
/// again (422) with the typed values and the errors.
#[derive(rocket::Responder)]
pub enum FormOutcome {
    Done(Flash<Redirect>),
    Again((rocket::http::Status, Template)),
}

impl FormOutcome {
    /// Success: go to `to` and show `message` there.
    pub fn done(to: impl Into<String>, message: impl Into<String>) -> FormOutcome {
        FormOutcome::Done(Flash::success(Redirect::to(to.into()), message.into()))
    }

    /// Show the form again.
    pub fn again(page: Template) -> FormOutcome {
        FormOutcome::Again((rocket::http::Status::UnprocessableEntity, page))
    }
}

/// The field errors as a JSON object for templates.
pub fn errors_json(errors: &FieldErrors) -> serde_json::Value {
    serde_json::to_value(errors).unwrap_or_default()
}
