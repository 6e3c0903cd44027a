//! The referral queue: most urgent first, mine or all, assignment, history,
//! and starting an assessment.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::FormOutcome;
use crate::auth::guards::{Can, cap};
use crate::db::referrals_repo::QueueFilter;
use crate::domain::london_time::format_datetime;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::referral::{ReferralStatus, Urgency, urgency};
use crate::error::AppResult;
use crate::services::{assessments, referrals};
use crate::state::AppState;
use crate::web::present::{self, ArrestView, Choice, ListedPerson, PersonView, ReferralView};
use crate::web::shell::{Shell, render};

type ManageCases = Can<cap::ManageCases>;

/// A referral on the queue.
#[derive(Serialize)]
struct QueueRow {
    referral: ReferralView,
    person: Option<ListedPerson>,
    /// When the arrest behind the referral was made.
    arrested_at_text: Option<String>,
    urgency: Urgency,
    assigned_name: Option<String>,
}

#[derive(Serialize)]
struct QueuePage {
    rows: Vec<QueueRow>,
    pagination: PageInfo,
    base: String,
    mine: bool,
    status: Option<String>,
    status_options: Vec<Choice>,
}

#[get("/referrals?<mine>&<status>&<page>")]
async fn list_referrals(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    mine: Option<bool>,
    status: Option<String>,
    page: Option<u64>,
) -> AppResult<HtmlPage> {
    let mine = mine == Some(true);
    let statuses = referrals::status_filter(status.as_deref())?;
    let filter = QueueFilter {
        statuses: statuses.clone(),
        assigned_to: if mine { user.actor().user_id() } else { None },
    };
    let (rows, info) =
        referrals::queue_lines(app, user.actor(), &filter, PageRequest::new(page, Some(50)))
            .await?;
    let status = statuses.first().map(|s| s.as_str().to_string());
    let mut base = String::from("/referrals?");
    if mine {
        base.push_str("mine=true&");
    }
    if let Some(s) = &status {
        base.push_str(&format!("status={s}&"));
    }
    Ok(render(
        "referrals",
        &shell,
        QueuePage {
            rows: rows
                .into_iter()
                .map(|r| QueueRow {
                    referral: present::referral(&r.referral),
                    person: r.man.map(present::listed_man),
                    arrested_at_text: r.arrested_at.map(format_datetime),
                    urgency: urgency(r.days_left),
                    assigned_name: r.assigned_name,
                })
                .collect(),
            pagination: info,
            base,
            mine,
            status,
            status_options: present::choices_or_none::<ReferralStatus>("Any open status"),
        },
    ))
}

/// A move in the referral's history.
#[derive(Serialize)]
struct HistoryRow {
    at: String,
    to: &'static str,
    by: String,
    assigned: Option<String>,
    note: Option<String>,
}

/// A probation officer the referral can go to.
#[derive(Serialize)]
struct OfficerChoice {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct ReferralPage {
    referral: ReferralView,
    person: PersonView,
    arrest: Option<ArrestView>,
    history: Vec<HistoryRow>,
    officer_options: Vec<OfficerChoice>,
    /// Who the choice starts on: the officer it is assigned to, or the reader.
    selected_officer: Option<String>,
}

#[get("/referrals/<id>")]
async fn show_referral(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let d = referrals::detail(app, user.actor(), id).await?;
    let name_of = |uid: Option<i32>| uid.and_then(|u| d.names.get(&u).cloned());
    let history = d
        .history
        .iter()
        .map(|h| HistoryRow {
            at: format_datetime(h.at),
            to: h.to_status.label(),
            by: name_of(h.by_user_id).unwrap_or_else(|| "Kerbside".into()),
            assigned: name_of(h.assigned_to),
            note: h.note.clone(),
        })
        .collect();
    Ok(render(
        "referral",
        &shell,
        ReferralPage {
            referral: present::referral(&d.referral),
            person: present::person(&d.person),
            arrest: d.arrest.as_ref().map(present::arrest),
            history,
            officer_options: d
                .officers
                .iter()
                .map(|(id, name)| OfficerChoice {
                    value: id.to_string(),
                    label: name.clone(),
                })
                .collect(),
            selected_officer: d
                .referral
                .assigned_to
                .or(user.actor().user_id())
                .map(|u| u.to_string()),
        },
    ))
}

#[derive(FromForm)]
struct AssignForm {
    officer_id: i32,
    /// The referral's version when the page was read: someone else's change
    /// since then makes this one a conflict instead of overwriting theirs.
    version: Option<i32>,
}

#[post("/referrals/<id>/assign", data = "<form>")]
async fn assign_referral(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
    form: Form<AssignForm>,
) -> AppResult<FormOutcome> {
    referrals::assign(app, user.actor(), id, form.officer_id, form.version).await?;
    Ok(FormOutcome::done(
        format!("/referrals/{id}"),
        "Referral assigned",
    ))
}

#[post("/referrals/<id>/assessments")]
async fn start_assessment(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<FormOutcome> {
    let d = referrals::detail(app, user.actor(), id).await?;
    let a = assessments::start(app, user.actor(), d.referral.person_id, Some(id)).await?;
    Ok(FormOutcome::done(
        format!("/assessments/{}", a.id),
        "Assessment started. It is saved as a draft as you complete each section.",
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        list_referrals,
        show_referral,
        assign_referral,
        start_assessment
    ]
}
