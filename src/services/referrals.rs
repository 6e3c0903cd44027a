//! The probation referral queue: open referrals, most urgent first, with
//! assignment and a status history.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::arrests_repo::{self, Arrest};
use crate::db::people_repo::{self, ListedMan, Person};
use crate::db::referrals_repo::{self, QueueFilter, Referral};
use crate::db::users_repo;
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::london_date;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::referral::{ReferralStatus, transition};
use crate::domain::roles::{Capability, Role};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// A row of the queue.
#[derive(Clone, Debug, Serialize)]
pub struct QueueRow {
    pub referral: Referral,
    pub person: Option<Person>,
    pub arrest: Option<Arrest>,
    /// Days until due (negative: overdue), from today in London.
    pub days_left: i64,
    pub assigned_name: Option<String>,
}

/// Read the queue's status filter: codes separated by commas (blank: every
/// open status). The one check for the pages and the API.
pub fn status_filter(raw: Option<&str>) -> AppResult<Vec<ReferralStatus>> {
    let mut statuses = Vec::new();
    for code in raw
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match ReferralStatus::parse(code) {
            Some(s) => statuses.push(s),
            None => {
                return Err(AppError::invalid(
                    "status",
                    format!(
                        "Choose a status: {}",
                        ReferralStatus::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
    }
    Ok(statuses)
}

/// The queue (probation) with each referral's man and arrest whole, as the
/// API answers it; audited as one consult.
pub async fn queue(
    app: &AppState,
    actor: &Actor,
    filter: &QueueFilter,
    page: PageRequest,
) -> AppResult<(Vec<QueueRow>, PageInfo)> {
    let total = queue_total(app, actor, filter).await?;
    let rows = referrals_repo::queue(&app.db, filter, page.offset(), page.per_page).await?;
    let people = people_repo::by_ids(
        &app.db,
        &rows.iter().map(|r| r.person_id).collect::<Vec<_>>(),
    )
    .await?;
    let arrests = arrests_repo::by_ids(
        &app.db,
        &rows.iter().map(|r| r.arrest_id).collect::<Vec<_>>(),
    )
    .await?;
    let shown = Shown::new(app, &rows).await?;
    let out: Vec<QueueRow> = rows
        .into_iter()
        .map(|r| QueueRow {
            days_left: shown.days_left(&r),
            person: people.get(&r.person_id).cloned(),
            assigned_name: shown.assigned_name(&r),
            arrest: arrests.get(&r.arrest_id).cloned(),
            referral: r,
        })
        .collect();
    shown.audit(app, actor, total).await?;
    Ok((out, PageInfo::new(page, total)))
}

/// A row of the queue page: what its table prints and no more.
#[derive(Clone, Debug)]
pub struct QueueLine {
    pub referral: Referral,
    pub man: Option<ListedMan>,
    pub arrested_at: Option<DateTime<Utc>>,
    /// Days until due (negative: overdue), from today in London.
    pub days_left: i64,
    pub assigned_name: Option<String>,
}

/// The queue as the page lists it: the same referrals in the same order as
/// [`queue`], each with its man's name and the arrest's time read in one
/// statement; audited the same way.
pub async fn queue_lines(
    app: &AppState,
    actor: &Actor,
    filter: &QueueFilter,
    page: PageRequest,
) -> AppResult<(Vec<QueueLine>, PageInfo)> {
    let total = queue_total(app, actor, filter).await?;
    let rows = referrals_repo::queue_listed(&app.db, filter, page.offset(), page.per_page).await?;
    let referrals: Vec<&Referral> = rows.iter().map(|r| &r.referral).collect();
    let shown = Shown::new(app, referrals).await?;
    let out: Vec<QueueLine> = rows
        .into_iter()
        .map(|r| QueueLine {
            days_left: shown.days_left(&r.referral),
            assigned_name: shown.assigned_name(&r.referral),
            man: r.man,
            arrested_at: r.arrested_at,
            referral: r.referral,
        })
        .collect();
    shown.audit(app, actor, total).await?;
    Ok((out, PageInfo::new(page, total)))
}

/// The guard and the count both forms of the queue share: only probation
/// sees it, and its total is kept between views.
async fn queue_total(app: &AppState, actor: &Actor, filter: &QueueFilter) -> AppResult<u64> {
    actor.require(Capability::ManageCases)?;
    app.list_counts
        .get_or_count(app, format!("referrals {filter:?}"), async {
            Ok(referrals_repo::queue_count(&app.db, filter).await?)
        })
        .await
}

/// What both forms of the queue add to the referrals they show: today's
/// count of days left, the assigned officers' names, and the one consult
/// entry naming every man shown.
struct Shown {
    today: chrono::NaiveDate,
    names: std::collections::HashMap<i32, String>,
    people: Vec<i32>,
}

impl Shown {
    async fn new<'a>(
        app: &AppState,
        referrals: impl IntoIterator<Item = &'a Referral>,
    ) -> AppResult<Self> {
        let (people, officers): (Vec<i32>, Vec<Option<i32>>) = referrals
            .into_iter()
            .map(|r| (r.person_id, r.assigned_to))
            .unzip();
        let officers: Vec<i32> = officers.into_iter().flatten().collect();
        Ok(Self {
            today: london_date(app.now()),
            names: users_repo::names_for(&app.db, &officers).await?,
            people,
        })
    }

    fn days_left(&self, r: &Referral) -> i64 {
        (r.due_date - self.today).num_days()
    }

    fn assigned_name(&self, r: &Referral) -> Option<String> {
        r.assigned_to.and_then(|a| self.names.get(&a).cloned())
    }

    async fn audit(self, app: &AppState, actor: &Actor, total: u64) -> AppResult<()> {
        audit::record_alone(
            app,
            actor,
            app.now(),
            AuditEntry::new(AuditAction::Consult)
                .record("referral_queue", "page")
                .reason(format!(
                    "queue showed {} of {} referrals",
                    self.people.len(),
                    total
                ))
                .people(self.people),
        )
        .await?;
        Ok(())
    }
}

/// Move a referral to a new status inside the caller's transaction, if the
/// move is allowed; the history row says who and why. Answers the referral
/// as it now stands. The one-referral case of [`move_referrals`].
pub(crate) async fn move_referral(
    db: &impl ConnectionTrait,
    actor: &Actor,
    r: &Referral,
    to: ReferralStatus,
    assigned_to: Option<i32>,
    note: &str,
    now: DateTime<chrono::Utc>,
) -> AppResult<Referral> {
    let mut moved = move_referrals(db, actor, &[(r, to, assigned_to)], note, now).await?;
    moved.pop().ok_or(AppError::NotFound)
}

/// Move referrals `(referral, to, assigned to)` together inside the caller's
/// transaction, each only if its move is allowed, with one history row and
/// one audit entry each; answers them as they now stand, in order. Nothing
/// may be kept when one is refused: the caller drops its transaction.
pub(crate) async fn move_referrals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    moves: &[(&Referral, ReferralStatus, Option<i32>)],
    note: &str,
    now: DateTime<chrono::Utc>,
) -> AppResult<Vec<Referral>> {
    let mut rows = Vec::with_capacity(moves.len());
    for (r, to, assigned_to) in moves {
        let from = r.status;
        let t = transition(from, *to).ok_or_else(|| {
            AppError::conflict(format!(
                "A referral that is {} cannot become {}",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ))
        })?;
        rows.push(referrals_repo::Move {
            referral: r,
            to: *to,
            assigned_to: *assigned_to,
            note: format!("{}: {note}", t.description),
        });
    }
    if referrals_repo::move_many(db, &rows, actor.user_id(), now).await? != rows.len() as u64 {
        return Err(AppError::conflict(
            "Someone else changed this referral at the same moment. Reload and try again.",
        ));
    }
    let entries = moves.iter().map(|(r, to, assigned_to)| {
        AuditEntry::new(AuditAction::Alter)
            .record("referral", r.id)
            .person(r.person_id)
            .change("status", r.status, to.as_str())
            .change("assigned_to", r.assigned_to, *assigned_to)
    });
    audit::record_many(db, actor, now, entries.collect()).await?;
    Ok(moves
        .iter()
        .map(|(r, to, assigned_to)| Referral {
            status: *to,
            assigned_to: *assigned_to,
            version: r.version + 1,
            ..(*r).clone()
        })
        .collect())
}

/// Assign a referral to a probation officer (or take it yourself).
/// `read_version` is the referral's version when the officer read it: if
/// someone has moved or assigned it since, this is a conflict and theirs
/// stands (two officers assigning at once never silently overwrite).
pub async fn assign(
    app: &AppState,
    actor: &Actor,
    referral_id: i32,
    officer_id: i32,
    read_version: Option<i32>,
) -> AppResult<()> {
    actor.require(Capability::ManageCases)?;
    let r = referrals_repo::find(&app.db, referral_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if read_version.is_some_and(|v| v != r.version) {
        return Err(AppError::conflict(
            "Someone else changed this referral after you opened it. Reload it to see their change, then assign it again if you still need to.",
        ));
    }
    let officer_roles = users_repo::roles_of(&app.db, officer_id).await?;
    if !officer_roles.contains(&Role::Probation) {
        return Err(AppError::invalid(
            "officer_id",
            "Choose a probation officer",
        ));
    }
    let from = r.status;
    let to = if from == ReferralStatus::New {
        ReferralStatus::Allocated
    } else {
        from
    };
    let txn = app.begin_write().await?;
    move_referral(&txn, actor, &r, to, Some(officer_id), "assigned", app.now()).await?;
    txn.commit().await?;
    Ok(())
}

/// A referral with its history.
#[derive(Clone, Debug, Serialize)]
pub struct ReferralDetail {
    pub referral: Referral,
    pub person: Person,
    pub arrest: Option<Arrest>,
    pub history: Vec<crate::db::entities::referral_status_history::Model>,
    /// Names of the users the history mentions.
    pub names: std::collections::HashMap<i32, String>,
    /// The probation officers it can be assigned to.
    pub officers: Vec<(i32, String)>,
}

/// One referral with its history (probation).
pub async fn detail(app: &AppState, actor: &Actor, referral_id: i32) -> AppResult<ReferralDetail> {
    actor.require(Capability::ManageCases)?;
    let referral = referrals_repo::find(&app.db, referral_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = referrals_repo::history(&app.db, referral_id).await?;
    let ids: Vec<i32> = history
        .iter()
        .filter_map(|h| h.by_user_id)
        .chain(history.iter().filter_map(|h| h.assigned_to))
        .collect();
    let names = users_repo::names_for(&app.db, &ids).await?;
    let person = people_repo::find(&app.db, referral.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let arrest = arrests_repo::find(&app.db, referral.arrest_id).await?;
    let officers = users_repo::with_role(&app.db, Role::Probation)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("referral", referral_id)
            .person(referral.person_id),
    )
    .await?;
    Ok(ReferralDetail {
        referral,
        person,
        arrest,
        history,
        names,
        officers,
    })
}

/// A man's referrals, newest first (probation): for choosing the one an
/// enrolment answers. The page that shows them audits the consult of his record.
pub async fn for_person(app: &AppState, actor: &Actor, person_id: i32) -> AppResult<Vec<Referral>> {
    actor.require(Capability::ManageCases)?;
    Ok(referrals_repo::for_person(&app.db, person_id).await?)
}
