//! HTML pages, one module per feature, each with its own `routes()`.

mod about;
mod account;
mod admin;
mod arrests;
mod assessments;
mod cohorts;
mod court_reports;
mod dashboard;
mod enrolments;
mod hearings;
mod home;
mod people;
mod person_programme;
mod programmes;
mod referrals;
mod register;
mod report_view;
mod retention;
mod session;
mod setup;
mod statistics;
mod subject_access;
mod two_step;

use crate::web::shell::HtmlPage;
use rocket::Route;
use rocket::response::Redirect;

use crate::domain::validation::FieldErrors;

/// Every page route.
pub fn routes() -> Vec<Route> {
    let mut r = Vec::new();
    r.extend(home::routes());
    r.extend(session::routes());
    r.extend(setup::routes());
    r.extend(account::routes());
    r.extend(two_step::routes());
    r.extend(admin::routes());
    r.extend(people::routes());
    r.extend(person_programme::routes());
    r.extend(programmes::routes());
    r.extend(arrests::routes());
    r.extend(referrals::routes());
    r.extend(assessments::routes());
    r.extend(hearings::routes());
    r.extend(retention::routes());
    r.extend(about::routes());
    r.extend(subject_access::routes());
    r.extend(register::routes());
    r.extend(report_view::routes());
    r.extend(cohorts::routes());
    r.extend(enrolments::routes());
    r.extend(court_reports::routes());
    r.extend(statistics::routes());
    r.extend(dashboard::routes());
    r
}

/// A local path that is safe to send the user back to after signing in:
/// printable ASCII only (a tab, newline, space or non-ASCII character would
/// fail in the redirect header after the session was already made).
pub fn is_safe_return_path(path: &str) -> bool {
    path.chars().all(|c| c.is_ascii_graphic())
        && path.starts_with('/')
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
    Page(HtmlPage),
    Redirect(Redirect),
}

/// What a form POST answers: a redirect with a notice on success, or the form
/// again (422) with the typed values and the errors.
#[allow(clippy::large_enum_variant)]
#[derive(rocket::Responder)]
pub enum FormOutcome {
    Done(NoticeRedirect),
    Again((rocket::http::Status, HtmlPage)),
}

/// A redirect carrying a one-off notice for the next page. The notice travels
/// in an encrypted, HttpOnly cookie (see [`crate::web::shell::NOTICE_COOKIE`]),
/// never readable by scripts or anyone holding the browser: notices can name a
/// man ("Arrest recorded for ...").
pub struct NoticeRedirect {
    to: String,
    message: String,
}

impl<'r> rocket::response::Responder<'r, 'static> for NoticeRedirect {
    fn respond_to(self, req: &'r rocket::Request<'_>) -> rocket::response::Result<'static> {
        crate::web::shell::leave_notice(req, &self.message);
        Redirect::to(self.to).respond_to(req)
    }
}

impl FormOutcome {
    /// Success: go to `to` and show `message` there.
    pub fn done(to: impl Into<String>, message: impl Into<String>) -> FormOutcome {
        FormOutcome::Done(NoticeRedirect {
            to: to.into(),
            message: message.into(),
        })
    }

    /// Show the form again.
    pub fn again(page: HtmlPage) -> FormOutcome {
        FormOutcome::Again((rocket::http::Status::UnprocessableEntity, page))
    }
}

/// The field errors as a JSON object for templates.
pub fn errors_json(errors: &FieldErrors) -> serde_json::Value {
    serde_json::to_value(errors).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::is_safe_return_path;

    #[test]
    fn only_plain_local_paths_are_returned_to() {
        for good in ["/", "/people/3", "/arrests?page=2"] {
            assert!(is_safe_return_path(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/people\t/3",
            "/people\n/3",
            "/people /3",
            "/café",
            "people",
            "/sign-in",
        ] {
            assert!(!is_safe_return_path(bad), "{bad:?}");
        }
    }
}
