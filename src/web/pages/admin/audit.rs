//! The audit log for administrators: search by user, action, record, person
//! and date; export as CSV (itself recorded as a disclosure).

use crate::web::shell::HtmlPage;
use rocket::{FromForm, Route, State, get, routes};
use serde::Serialize;

use crate::auth::guards::{Can, cap};
use crate::db::audit_repo::AuditFilter;
use crate::domain::audit_action::AuditAction;
use crate::domain::dates::filter_period;
use crate::domain::london_time::format_datetime;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::audit;
use crate::state::AppState;
use crate::web::csv;
use crate::web::pages::{errors_json, urlencode};
use crate::web::present::{Choice, choices_or_none};
use crate::web::shell::{Shell, render};

type ViewAuditLog = Can<cap::ViewAuditLog>;

#[derive(FromForm, Default, Clone, Serialize)]
struct AuditQuery {
    user: Option<String>,
    action: Option<String>,
    record_type: Option<String>,
    record_id: Option<String>,
    person_id: Option<i32>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
}

fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl AuditQuery {
    /// The filter, or the field errors of one typed wrong.
    fn filter(&self) -> Result<AuditFilter, FieldErrors> {
        let (from, to) = filter_period(self.from.as_deref(), self.to.as_deref())?;
        let action = match blank_to_none(&self.action) {
            None => None,
            Some(a) => match AuditAction::parse(&a) {
                Some(a) => Some(a),
                None => {
                    let mut e = FieldErrors::new();
                    e.add("action", "Choose an action from the list");
                    return Err(e);
                }
            },
        };
        Ok(AuditFilter {
            actor_username: blank_to_none(&self.user).map(|u| u.to_lowercase()),
            action,
            person_id: self.person_id,
            record_type: blank_to_none(&self.record_type),
            record_id: blank_to_none(&self.record_id),
            from,
            to,
        })
    }

    fn query_string(&self) -> String {
        let mut parts = Vec::new();
        let mut push = |k: &str, v: &Option<String>| {
            if let Some(v) = blank_to_none(v) {
                parts.push(format!("{k}={}", urlencode(&v)));
            }
        };
        push("user", &self.user);
        push("action", &self.action);
        push("record_type", &self.record_type);
        push("record_id", &self.record_id);
        push("from", &self.from);
        push("to", &self.to);
        if let Some(p) = self.person_id {
            parts.push(format!("person_id={p}"));
        }
        parts.join("&")
    }
}

/// One audit entry as the log shows it.
#[derive(Serialize)]
struct EntryRow {
    id: i64,
    at: String,
    who: String,
    token: Option<i32>,
    action: AuditAction,
    record_type: Option<String>,
    record_id: Option<String>,
    person_id: Option<i32>,
    changes: Option<String>,
    recipient: Option<String>,
    reason: Option<String>,
}

#[derive(Serialize)]
struct AuditPage<'a> {
    entries: Vec<EntryRow>,
    pagination: PageInfo,
    base: String,
    query: &'a AuditQuery,
    export_query: String,
    action_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

#[get("/admin/audit?<q..>")]
async fn list_audit(
    app: &State<AppState>,
    admin: ViewAuditLog,
    shell: Shell,
    q: AuditQuery,
) -> AppResult<HtmlPage> {
    let (rows, info, errors) = match q.filter() {
        Ok(filter) => {
            let (rows, info) = audit::search(
                app,
                admin.actor(),
                &filter,
                PageRequest::new(q.page, Some(50)),
            )
            .await?;
            (rows, info, None)
        }
        Err(e) => (
            Vec::new(),
            PageInfo::new(PageRequest::new(None, Some(50)), 0),
            Some(errors_json(&e)),
        ),
    };
    let entries = rows
        .into_iter()
        .map(|r| EntryRow {
            id: r.id,
            at: format_datetime(r.at),
            who: r.actor_username,
            token: r.api_token_id,
            action: r.action,
            record_type: r.record_type,
            record_id: r.record_id,
            person_id: r.person_id,
            changes: r.changes,
            recipient: r.recipient,
            reason: r.reason,
        })
        .collect();
    let qs = q.query_string();
    let base = if qs.is_empty() {
        "/admin/audit?".to_string()
    } else {
        format!("/admin/audit?{qs}&")
    };
    Ok(render(
        "admin_audit",
        &shell,
        AuditPage {
            entries,
            pagination: info,
            base,
            query: &q,
            export_query: qs,
            action_options: choices_or_none::<AuditAction>("Any action"),
            errors,
        },
    ))
}

#[get("/admin/audit.csv?<q..>")]
async fn export_audit(
    app: &State<AppState>,
    admin: ViewAuditLog,
    q: AuditQuery,
) -> AppResult<csv::CsvDownload> {
    let filter = q.filter().map_err(AppError::Invalid)?;
    let rows = audit::export(app, admin.actor(), &filter).await?;
    let mut body = csv::line(&[
        "id",
        "at_utc",
        "user",
        "api_token_id",
        "action",
        "record_type",
        "record_id",
        "person_id",
        "changes",
        "recipient",
        "reason",
    ]);
    for r in rows {
        body.push_str(&csv::line(&[
            r.id.to_string(),
            r.at.to_rfc3339(),
            r.actor_username,
            r.api_token_id.map(|t| t.to_string()).unwrap_or_default(),
            r.action.to_string(),
            r.record_type.unwrap_or_default(),
            r.record_id.unwrap_or_default(),
            r.person_id.map(|p| p.to_string()).unwrap_or_default(),
            r.changes.unwrap_or_default(),
            r.recipient.unwrap_or_default(),
            r.reason.unwrap_or_default(),
        ]));
    }
    let stamp = app.now().format("%Y%m%d-%H%M%S");
    Ok(csv::CsvDownload::new("audit", stamp, body))
}

pub fn routes() -> Vec<Route> {
    routes![list_audit, export_audit]
}
