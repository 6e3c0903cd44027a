//! `/api/v1/referrals`: the probation queue.

use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde::Serialize;

use super::ListBody;
use super::problem::Problem;
use super::query;
use crate::auth::guards::{Can, cap};
use crate::db::referrals_repo::QueueFilter;
use crate::domain::referral::ReferralStatus;
use crate::error::AppResult;
use crate::services::referrals;
use crate::state::AppState;
use crate::web::present::{self, ArrestView, PersonView, ReferralView};
use utoipa::ToSchema;

/// A referral on the queue, with its man and arrest.
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub referral: ReferralView,
    /// Days until due (negative: overdue), from today in London.
    pub days_left: i64,
    pub person: Option<PersonView>,
    pub arrest: Option<ArrestView>,
    pub assigned_name: Option<String>,
}

/// The probation queue: referrals, most urgent first.
#[utoipa::path(
    tag = "referrals",
    params(
        ("status" = Option<Vec<ReferralStatus>>, Query, style = Form, explode = false, description = "Statuses to show, comma-separated; the open ones when absent"),
        ("mine" = Option<bool>, Query, description = "true: only referrals assigned to the caller"),
        ("page" = Option<u64>, Query, minimum = 1, maximum = 1000000),
        ("per_page" = Option<u64>, Query, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "A page of referrals, most urgent first", body = ListBody<QueueItem>),
        (status = 422, description = "A parameter is wrong: `fields` names it", body = Problem),
    ),
)]
#[get("/referrals?<status>&<mine>&<page>&<per_page>")]
pub(super) async fn list_referrals(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    _once: query::EachOnce,
    status: Option<String>,
    mine: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> AppResult<Json<ListBody<QueueItem>>> {
    let paging = query::page(page.as_deref(), per_page.as_deref())?;
    let mine = query::boolean("mine", mine.as_deref())?;
    let filter = QueueFilter {
        statuses: referrals::status_filter(status.as_deref())?,
        assigned_to: if mine == Some(true) {
            user.actor().user_id()
        } else {
            None
        },
    };
    let (rows, info) = referrals::queue(app, user.actor(), &filter, paging).await?;
    let items = rows
        .into_iter()
        .map(|r| QueueItem {
            referral: present::referral(&r.referral),
            days_left: r.days_left,
            person: r.person.as_ref().map(present::person),
            arrest: r.arrest.as_ref().map(present::arrest),
            assigned_name: r.assigned_name,
        })
        .collect();
    Ok(Json(ListBody::new(items, &info)))
}

pub fn routes() -> Vec<Route> {
    routes![list_referrals]
}
