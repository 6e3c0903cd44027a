//! The audit log for administrators: search by user, action, record, person
//! and date; export as CSV (itself recorded as a disclosure).

use chrono::Duration;
use rocket::{FromForm, Route, State, get, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::urlencode;
use crate::auth::guards::{Can, cap};
use crate::db::audit_repo::AuditFilter;
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::{format_datetime, from_london};
use crate::domain::pagination::PageRequest;
use crate::error::AppResult;
use crate::services::audit;
use crate::state::AppState;
use crate::web::csv;
use crate::web::shell::{Shell, render};

#[derive(FromForm, Default, Clone, serde::Serialize)]
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

fn day_start(s: &Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = crate::domain::dates::parse_iso_date(blank_to_none(s)?.as_str(), "date").ok()?;
    Some(from_london(d.and_hms_opt(0, 0, 0)?))
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter {
        AuditFilter {
            actor_username: blank_to_none(&self.user).map(|u| u.to_lowercase()),
            action: blank_to_none(&self.action).filter(|a| AuditAction::parse(a).is_some()),
            person_id: self.person_id,
            record_type: blank_to_none(&self.record_type),
            record_id: blank_to_none(&self.record_id),
            from: day_start(&self.from),
            to: day_start(&self.to).map(|t| t + Duration::days(1)),
        }
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

#[get("/admin/audit?<q..>")]
async fn list_audit(
    app: &State<AppState>,
    admin: Can<cap::ViewAuditLog>,
    shell: Shell,
    q: AuditQuery,
) -> AppResult<Template> {
    let (rows, info) = audit::search(
        app,
        admin.actor(),
        &q.filter(),
        PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let entries: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "at": format_datetime(r.at), "who": r.actor_username, "token": r.api_token_id,
                "action": r.action, "record_type": r.record_type, "record_id": r.record_id,
                "person_id": r.person_id, "changes": r.changes, "recipient": r.recipient, "reason": r.reason,
            })
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
        json!({
            "entries": entries, "pagination": info, "base": base, "query": q, "export_query": qs,
            "action_options": std::iter::once(json!({"value": "", "label": "Any action"}))
                .chain(AuditAction::ALL.iter().map(|a| json!({"value": a.as_str(), "label": a.as_str()})))
                .collect::<Vec<_>>(),
        }),
    ))
}

#[get("/admin/audit.csv?<q..>")]
async fn export_audit(
    app: &State<AppState>,
    admin: Can<cap::ViewAuditLog>,
    q: AuditQuery,
) -> AppResult<csv::CsvDownload> {
    let rows = audit::export(app, admin.actor(), &q.filter()).await?;
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
