//! The home page: what this user can do, by role.

use crate::web::shell::HtmlPage;
use rocket::{Route, State, get, routes};
use serde::Serialize;

use crate::auth::SignedIn;
use crate::db::referrals_repo::QueueFilter;
use crate::domain::london_time::{format_datetime, london_date};
use crate::domain::pagination::PageRequest;
use crate::domain::roles::Capability;
use crate::error::AppResult;
use crate::services::actions::{self, ActionsList};
use crate::services::{programmes, referrals};
use crate::state::AppState;
use crate::web::shell::{Shell, render};

/// Something the user can do from here.
#[derive(Serialize)]
struct Task {
    href: &'static str,
    title: &'static str,
    text: &'static str,
}

/// Every task, with the capability it needs (`None`: everyone).
const TASKS: &[(Option<Capability>, Task)] = &[
    (
        Some(Capability::RecordArrests),
        Task {
            href: "/arrests/new",
            title: "Record an arrest",
            text: "Find the man first: you will see at once whether he has been arrested before.",
        },
    ),
    (
        Some(Capability::RecordArrests),
        Task {
            href: "/arrests/import",
            title: "Import arrests",
            text: "Upload a CSV export from the force record system.",
        },
    ),
    (
        Some(Capability::ManageCases),
        Task {
            href: "/referrals?mine=true",
            title: "My referrals",
            text: "Referrals assigned to you, most urgent first.",
        },
    ),
    (
        Some(Capability::ManageCases),
        Task {
            href: "/referrals",
            title: "Referral queue",
            text: "Every open referral from the police, with due dates and days left.",
        },
    ),
    (
        Some(Capability::ViewPeople),
        Task {
            href: "/people",
            title: "Find a person",
            text: "Search by name (typos are fine), reference, date of birth, vehicle or PNC ID.",
        },
    ),
    (
        Some(Capability::ViewPeople),
        Task {
            href: "/arrests",
            title: "Arrests",
            text: "Filter, sort and export the arrests recorded.",
        },
    ),
    (
        Some(Capability::MarkRegister),
        Task {
            href: "/cohorts",
            title: "Cohorts",
            text: "Each cohort's sessions, registers and men; cancel, move or add a catch-up session.",
        },
    ),
    (
        Some(Capability::ReviewRetention),
        Task {
            href: "/retention",
            title: "Retention review",
            text: "Records due for review: keep each with a reason, or dispose of it.",
        },
    ),
    (
        Some(Capability::ExportSubjectData),
        Task {
            href: "/subject-access",
            title: "Subject access request",
            text: "Find a man by his reference and export everything held about him.",
        },
    ),
    (
        Some(Capability::ManageUsers),
        Task {
            href: "/admin/users",
            title: "Manage users",
            text: "Create accounts, change roles, disable accounts and reset passwords.",
        },
    ),
    (
        Some(Capability::ManageUsers),
        Task {
            href: "/admin/sessions",
            title: "Active sessions",
            text: "See who is signed in and end a session.",
        },
    ),
    (
        Some(Capability::ViewAuditLog),
        Task {
            href: "/admin/audit",
            title: "Audit log",
            text: "Search and export the record of who saw and changed what.",
        },
    ),
    (
        None,
        Task {
            href: "/account",
            title: "Your account",
            text: "Change your password and manage API tokens.",
        },
    ),
];

/// A session on the home page, with the way to its register.
#[derive(Serialize)]
struct SessionLink {
    session_id: i32,
    when: String,
    cohort: String,
    venue: String,
    title: String,
}

#[derive(Serialize)]
struct HomePage {
    tasks: Vec<&'static Task>,
    /// Whether to show the sessions at all (facilitators, probation).
    runs_sessions: bool,
    today: Vec<SessionLink>,
    this_week: Vec<SessionLink>,
    /// Probation: what needs acting on, and his own referrals.
    manages_cases: bool,
    actions: ActionsList,
    my_referrals: Vec<MyReferral>,
    my_referrals_total: u64,
    /// Probation: the court reports he is writing, soonest hearing first.
    my_drafts: Vec<crate::services::court_reports::DraftDue>,
}

/// One of the officer's referrals.
#[derive(Serialize)]
struct MyReferral {
    id: i32,
    name: String,
    days_left: i64,
}

#[get("/")]
async fn show_home(app: &State<AppState>, user: SignedIn, shell: Shell) -> AppResult<HtmlPage> {
    let tasks = TASKS
        .iter()
        .filter(|(cap, _)| cap.is_none_or(|c| user.actor.can(c)))
        .map(|(_, task)| task)
        .collect();
    let runs_sessions = user.actor.can(Capability::MarkRegister);
    let (mut today, mut this_week) = (Vec::new(), Vec::new());
    if runs_sessions {
        let now = london_date(app.now());
        for s in programmes::week_ahead(app, &user.actor).await? {
            let link = SessionLink {
                session_id: s.session.id,
                when: format_datetime(s.session.starts_at),
                cohort: s.cohort.code,
                venue: s.cohort.venue,
                title: format!("Session {}: {}", s.session.number, s.session.title),
            };
            if london_date(s.session.starts_at) == now {
                today.push(link);
            } else {
                this_week.push(link);
            }
        }
    }
    let manages_cases = user.actor.can(Capability::ManageCases);
    let (mut actions, mut my_referrals, mut my_referrals_total, mut my_drafts) =
        (ActionsList::default(), Vec::new(), 0, Vec::new());
    if manages_cases {
        actions = actions::list(app, &user.actor).await?;
        my_drafts = crate::services::court_reports::my_drafts(app, &user.actor).await?;
        let filter = QueueFilter {
            statuses: Vec::new(),
            assigned_to: user.actor.user_id(),
        };
        let (rows, info) = referrals::queue(
            app,
            &user.actor,
            &filter,
            PageRequest::new(Some(1), Some(10)),
        )
        .await?;
        my_referrals_total = info.total;
        my_referrals = rows
            .into_iter()
            .map(|r| MyReferral {
                id: r.referral.id,
                name: r
                    .person
                    .map(|p| crate::domain::names::listed(&p.surname, &p.forenames))
                    .unwrap_or_default(),
                days_left: r.days_left,
            })
            .collect();
    }
    Ok(render(
        "home",
        &shell,
        HomePage {
            tasks,
            runs_sessions,
            today,
            this_week,
            manages_cases,
            actions,
            my_referrals,
            my_referrals_total,
            my_drafts,
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![show_home]
}
