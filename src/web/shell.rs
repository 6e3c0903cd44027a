//! The page shell: what every page template needs besides its own data (who
//! is signed in, the navigation they may see, the CSRF token, the session's
//! expiry, a one-off notification), and the `render` helper with the page it
//! makes.

use rocket::http::{Cookie, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, content::RawHtml};
use serde::Serialize;
use tera::Context;

use crate::auth::identity::Identity;
use crate::auth::request_checks::pre_session_token;
use crate::domain::roles::Capability;
use crate::state::AppState;
use crate::templating::Templates;

/// A navigation link.
#[derive(Clone, Debug, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The notification banner shown once after a redirect.
#[derive(Clone, Debug, Serialize)]
pub struct Notice {
    pub kind: String,
    pub message: String,
}

/// What the base layout needs.
#[derive(Clone, Debug, Serialize)]
pub struct Shell {
    pub signed_in: bool,
    pub user_name: Option<String>,
    pub roles: Vec<&'static str>,
    pub nav: Vec<NavItem>,
    pub csrf_token: String,
    /// Seconds until the session ends if unused.
    pub expires_in: Option<i64>,
    /// Seconds until the timeout warning should show.
    pub warn_in: Option<i64>,
    pub current_path: String,
    pub notice: Option<Notice>,
}

const NAV: &[(&str, &str, Option<Capability>)] = &[
    ("/", "Home", None),
    (
        "/arrests/new",
        "Record an arrest",
        Some(Capability::RecordArrests),
    ),
    ("/people", "People", Some(Capability::ViewPeople)),
    ("/arrests", "Arrests", Some(Capability::ViewPeople)),
    ("/arrests/import", "Import", Some(Capability::RecordArrests)),
    ("/referrals", "Referrals", Some(Capability::ManageCases)),
    ("/cohorts", "Cohorts", Some(Capability::MarkRegister)),
    (
        "/statistics",
        "Statistics",
        Some(Capability::ViewStatistics),
    ),
    ("/retention", "Retention", Some(Capability::ReviewRetention)),
    ("/admin/users", "Users", Some(Capability::ManageUsers)),
    ("/admin/sessions", "Sessions", Some(Capability::ManageUsers)),
    ("/admin/audit", "Audit log", Some(Capability::ViewAuditLog)),
    (
        "/subject-access",
        "Subject access",
        Some(Capability::ManageUsers),
    ),
    ("/admin/settings", "Settings", Some(Capability::ManageUsers)),
    (
        "/account",
        "Your account",
        Some(Capability::ManageOwnAccount),
    ),
];

/// The home page's address.
const HOME: &str = "/";

/// The one navigation link that marks the current page: the longest link
/// that is the path itself or one of its parent folders (so `/arrests/new`
/// marks "Record an arrest", not "Arrests" as well).
pub fn current_nav_href<'a>(hrefs: impl Iterator<Item = &'a str>, path: &str) -> Option<&'a str> {
    hrefs
        .filter(|href| {
            if *href == HOME {
                path == HOME
            } else {
                path == *href
                    || path
                        .strip_prefix(*href)
                        .is_some_and(|rest| rest.starts_with('/'))
            }
        })
        .max_by_key(|href| href.len())
}

impl Shell {
    /// Build the shell for a request (without consuming a notification).
    pub fn for_request(req: &Request<'_>) -> Shell {
        let identity = req.local_cache(|| Identity::Anonymous { ended: None });
        let path = req.uri().path().as_str().to_string();
        let now = req.rocket().state::<AppState>().map(|a| a.now());
        let warning = req
            .rocket()
            .state::<AppState>()
            .map(|a| a.limits().idle_warning.num_seconds())
            .unwrap_or(300);
        match identity {
            Identity::Session(s) => {
                let actor = &s.actor;
                let visible: Vec<_> = NAV
                    .iter()
                    .filter(|(_, _, cap)| cap.is_none_or(|c| actor.can(c)))
                    .filter(|_| !s.must_change_password && !s.needs_two_step_setup)
                    .collect();
                let current = current_nav_href(visible.iter().map(|(href, _, _)| *href), &path);
                let nav = visible
                    .iter()
                    .map(|(href, label, _)| NavItem {
                        href,
                        label,
                        current: current == Some(*href),
                    })
                    .collect();
                let expires_in = now.map(|n| (s.expires_at - n).num_seconds().max(0));
                Shell {
                    signed_in: true,
                    user_name: Some(actor.display_name().to_string()),
                    roles: actor.roles().roles().iter().map(|r| r.label()).collect(),
                    nav,
                    csrf_token: s.csrf_token.clone(),
                    expires_in,
                    warn_in: expires_in.map(|e| (e - warning).max(0)),
                    current_path: path,
                    notice: None,
                }
            }
            _ => Shell {
                signed_in: false,
                user_name: None,
                roles: Vec::new(),
                nav: Vec::new(),
                csrf_token: pre_session_token(req.cookies()),
                expires_in: None,
                warn_in: None,
                current_path: path,
                notice: None,
            },
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Shell {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let mut shell = Shell::for_request(req);
        if let Some(c) = req.cookies().get_private(NOTICE_COOKIE) {
            shell.notice = Some(Notice {
                kind: "success".into(),
                message: c.value().to_string(),
            });
            req.cookies()
                .remove_private(Cookie::build(NOTICE_COOKIE).path("/"));
        }
        Outcome::Success(shell)
    }
}

/// The cookie that carries a one-off notice to the next page: encrypted with
/// the server's secret key and HttpOnly, because a notice may name a man.
pub const NOTICE_COOKIE: &str = "kerbside_notice";

/// Leave a notice for the next page this browser shows.
pub fn leave_notice(req: &Request<'_>, message: &str) {
    let https = req
        .rocket()
        .state::<AppState>()
        .is_some_and(|a| a.settings.https);
    req.cookies().add_private(
        Cookie::build((NOTICE_COOKIE, message.to_string()))
            .path("/")
            .http_only(true)
            .secure(https)
            .same_site(SameSite::Strict)
            .max_age(rocket::time::Duration::minutes(5))
            .build(),
    );
}

/// Render a page: the page's own data with `shell` added beside it. The data
/// becomes JSON once, here, and Tera's context takes that JSON as it is; the
/// template is rendered when the page is sent (see [`HtmlPage`]).
pub fn render(template: &'static str, shell: &Shell, data: impl Serialize) -> HtmlPage {
    let mut value = serde_json::to_value(data).unwrap_or_else(|_| serde_json::json!({}));
    if !value.is_object() {
        value = serde_json::json!({ "data": value });
    }
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "shell".into(),
            serde_json::to_value(shell).unwrap_or_default(),
        );
    }
    HtmlPage { template, value }
}

/// A page to render: the template's name and its data.
pub struct HtmlPage {
    template: &'static str,
    value: serde_json::Value,
}

impl<'r> Responder<'r, 'static> for HtmlPage {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let templates = req.rocket().state::<Templates>().ok_or_else(|| {
            crate::web::request_log::error("templates were not loaded");
            Status::InternalServerError
        })?;
        let html = Context::from_value(self.value)
            .map_err(|e| e.to_string())
            .and_then(|context| templates.render(self.template, &context))
            .map_err(|e| {
                crate::web::request_log::error(format!("page {}: {e}", self.template));
                Status::InternalServerError
            })?;
        RawHtml(html).respond_to(req)
    }
}

#[cfg(test)]
mod tests {
    use super::current_nav_href;

    const HREFS: &[&str] = &[
        "/",
        "/arrests/new",
        "/people",
        "/arrests",
        "/arrests/import",
    ];

    #[test]
    fn one_link_marks_the_current_page() {
        let current = |path| current_nav_href(HREFS.iter().copied(), path);
        assert_eq!(current("/arrests/new"), Some("/arrests/new"));
        assert_eq!(current("/arrests"), Some("/arrests"));
        assert_eq!(current("/arrests/42"), Some("/arrests"));
        assert_eq!(current("/arrests/import/7"), Some("/arrests/import"));
        assert_eq!(current("/people/3/edit"), Some("/people"));
        assert_eq!(current("/"), Some("/"));
        assert_eq!(current("/peoplex"), None);
        assert_eq!(current("/account"), None);
    }
}
