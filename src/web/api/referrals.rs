//! `/api/v1/referrals`: the probation queue.

use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use serde::Serialize;

use super::ListBody;
use crate::auth::guards::{Can, cap};
use crate::db::referrals_repo::QueueFilter;
use crate::domain::pagination::PageRequest;
use crate::error::AppResult;
use crate::services::referrals;
use crate::state::AppState;
use crate::web::present::{self, ArrestView, PersonView, ReferralView};

/// A referral on the queue, with its man and arrest.
#[derive(Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub referral: ReferralView,
    /// Days until due (negative: overdue), from today in London.
    pub days_left: i64,
    pub person: Option<PersonView>,
    pub arrest: Option<ArrestView>,
    pub assigned_name: Option<String>,
}

#[get("/referrals?<status>&<mine>&<page>&<per_page>")]
async fn list_referrals(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    status: Option<String>,
    mine: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
) -> AppResult<Json<ListBody<QueueItem>>> {
    let filter = QueueFilter {
        statuses: referrals::status_filter(status.as_deref())?,
        assigned_to: if mine == Some(true) {
            user.actor().user_id()
        } else {
            None
        },
    };
    let (rows, info) =
        referrals::queue(app, user.actor(), &filter, PageRequest::new(page, per_page)).await?;
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
