//! The referral queue: most urgent first, mine or all, assignment, history,
//! and starting an assessment.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::{Value, json};

use super::FormOutcome;
use crate::auth::guards::{Can, cap};
use crate::db::referrals_repo::QueueFilter;
use crate::db::{arrests_repo, people_repo, users_repo};
use crate::domain::london_time::format_datetime;
use crate::domain::pagination::PageRequest;
use crate::domain::referral::ReferralStatus;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::services::{assessments, referrals};
use crate::state::AppState;
use crate::web::present;
use crate::web::shell::{Shell, render};

type Probation = Can<cap::ManageCases>;

#[get("/referrals?<mine>&<status>&<page>")]
async fn list_referrals(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    mine: Option<bool>,
    status: Option<String>,
    page: Option<u64>,
) -> AppResult<Template> {
    let status = status.filter(|s| ReferralStatus::parse(s).is_some());
    let filter = QueueFilter {
        statuses: status.clone().into_iter().collect(),
        assigned_to: if mine == Some(true) {
            user.actor().user_id()
        } else {
            None
        },
    };
    let (rows, info) =
        referrals::queue(app, user.actor(), &filter, PageRequest::new(page, Some(50))).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "referral": present::referral(&r.referral), "person": r.person.as_ref().map(present::person),
                "arrest": r.arrest.as_ref().map(present::arrest), "days_left": r.days_left,
                "overdue": r.days_left < 0, "overdue_days": -r.days_left, "urgent": (0..=7).contains(&r.days_left), "assigned_name": r.assigned_name,
            })
        })
        .collect();
    let mut base = String::from("/referrals?");
    if mine == Some(true) {
        base.push_str("mine=true&");
    }
    if let Some(s) = &status {
        base.push_str(&format!("status={s}&"));
    }
    let statuses: Vec<Value> = std::iter::once(json!({"value": "", "label": "Any open status"}))
        .chain(
            ReferralStatus::ALL
                .iter()
                .map(|s| json!({"value": s.as_str(), "label": s.label()})),
        )
        .collect();
    Ok(render(
        "referrals",
        &shell,
        json!({ "rows": items, "pagination": info, "base": base, "mine": mine == Some(true), "status": status, "status_options": statuses }),
    ))
}

#[get("/referrals/<id>")]
async fn show_referral(
    app: &State<AppState>,
    user: Probation,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let d = referrals::detail(app, user.actor(), id).await?;
    let person = people_repo::find(&app.db, d.referral.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let arrest = arrests_repo::find(&app.db, d.referral.arrest_id).await?;
    let officers: Vec<Value> = users_repo::with_role(&app.db, Role::Probation)
        .await?
        .iter()
        .map(|u| json!({"value": u.id.to_string(), "label": u.display_name}))
        .collect();
    let history: Vec<Value> = d
        .history
        .iter()
        .map(|h| {
            json!({
                "at": format_datetime(h.at), "to": h.to_status.label(),
                "by": h.by_user_id.and_then(|u| d.names.get(&u).cloned()).unwrap_or_else(|| "Kerbside".into()),
                "assigned": h.assigned_to.and_then(|u| d.names.get(&u).cloned()), "note": h.note,
            })
        })
        .collect();
    Ok(render(
        "referral",
        &shell,
        json!({
            "referral": present::referral(&d.referral), "person": present::person(&person), "arrest": arrest.as_ref().map(present::arrest),
            "history": history, "officer_options": officers, "me": user.actor().user_id().map(|u| u.to_string()),
            "assigned": d.referral.assigned_to.map(|u| u.to_string()),
        }),
    ))
}

#[derive(FromForm)]
struct AssignForm {
    officer_id: i32,
}

#[post("/referrals/<id>/assign", data = "<form>")]
async fn assign_referral(
    app: &State<AppState>,
    user: Probation,
    id: i32,
    form: Form<AssignForm>,
) -> AppResult<FormOutcome> {
    referrals::assign(app, user.actor(), id, form.officer_id).await?;
    Ok(FormOutcome::done(
        format!("/referrals/{id}"),
        "Referral assigned",
    ))
}

#[post("/referrals/<id>/assessments")]
async fn start_assessment(
    app: &State<AppState>,
    user: Probation,
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
