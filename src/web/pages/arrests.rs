//! The arrests list (filters, sorting, pagination, CSV export) and one arrest.

use rocket::{FromForm, Route, State, get, routes};
use rocket_dyn_templates::Template;
use serde_json::{Value, json};

use crate::auth::guards::{Can, cap};
use crate::db::arrests_repo::{self, ArrestFilter, ArrestSort};
use crate::db::settings_repo;
use crate::domain::arrest::Disposal;
use crate::domain::london_time::from_london;
use crate::domain::pagination::PageRequest;
use crate::error::AppResult;
use crate::services::arrests;
use crate::state::AppState;
use crate::web::shell::{Shell, render};
use crate::web::{csv, present};

type Viewer = Can<cap::ViewPeople>;

#[derive(FromForm, Default, Clone, serde::Serialize)]
struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    area: Option<String>,
    operation: Option<String>,
    disposal: Option<String>,
    mine: Option<bool>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<u64>,
}

fn day(s: &Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = crate::domain::dates::parse_iso_date(s.as_deref()?, "date").ok()?;
    Some(from_london(d.and_hms_opt(0, 0, 0)?))
}

fn nonblank(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl ListQuery {
    fn filter(&self, me: Option<i32>) -> ArrestFilter {
        ArrestFilter {
            from: day(&self.from),
            to: day(&self.to).map(|t| t + chrono::Duration::days(1)),
            area: nonblank(&self.area),
            operation: nonblank(&self.operation),
            disposal: nonblank(&self.disposal),
            officer_user_id: if self.mine == Some(true) { me } else { None },
            person_id: None,
        }
    }

    fn sort(&self) -> (ArrestSort, bool) {
        let sort = match self.sort.as_deref() {
            Some("area") => ArrestSort::Area,
            Some("disposal") => ArrestSort::Disposal,
            Some("offence") => ArrestSort::Offence,
            _ => ArrestSort::ArrestedAt,
        };
        let desc = match self.dir.as_deref() {
            Some("asc") => false,
            Some("desc") => true,
            _ => sort == ArrestSort::ArrestedAt,
        };
        (sort, desc)
    }

    fn query_string(&self, without_sort: bool) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("area", &self.area),
            ("operation", &self.operation),
            ("disposal", &self.disposal),
        ] {
            if let Some(v) = nonblank(v) {
                parts.push(format!("{k}={}", super::urlencode(&v)));
            }
        }
        if self.mine == Some(true) {
            parts.push("mine=true".into());
        }
        if !without_sort {
            for (k, v) in [("sort", &self.sort), ("dir", &self.dir)] {
                if let Some(v) = nonblank(v) {
                    parts.push(format!("{k}={}", super::urlencode(&v)));
                }
            }
        }
        parts.join("&")
    }
}

#[get("/arrests?<q..>")]
async fn list_arrests(
    app: &State<AppState>,
    user: Viewer,
    shell: Shell,
    q: ListQuery,
) -> AppResult<Template> {
    let (sort, desc) = q.sort();
    let (rows, info) = arrests::list(
        app,
        user.actor(),
        &q.filter(user.actor().user_id()),
        sort,
        desc,
        PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut v = json!(present::arrest(&r.arrest));
            v["person"] = json!(r.person.as_ref().map(present::person));
            v
        })
        .collect();
    let qs = q.query_string(false);
    let filters_only = q.query_string(true);
    let areas = settings_repo::areas(&app.db).await?;
    let operations = arrests_repo::operations(&app.db).await?;
    let sort_key = q.sort.clone().unwrap_or_else(|| "arrested_at".into());
    let columns: Vec<Value> = [("arrested_at", "Arrested"), ("area", "Area"), ("offence", "Offence"), ("disposal", "Disposal")]
        .iter()
        .map(|(key, label)| {
            let current = sort_key == *key;
            let next_dir = if current && desc { "asc" } else { "desc" };
            let sep = if filters_only.is_empty() { "" } else { "&" };
            json!({
                "label": label,
                "href": format!("/arrests?{filters_only}{sep}sort={key}&dir={next_dir}"),
                "aria_sort": if current { if desc { "descending" } else { "ascending" } } else { "none" },
            })
        })
        .collect();
    let mut area_options = vec![json!({"value": "", "label": "Any area"})];
    area_options.extend(areas.iter().map(|a| json!({"value": a, "label": a})));
    let mut operation_options = vec![json!({"value": "", "label": "Any operation"})];
    operation_options.extend(operations.iter().map(|a| json!({"value": a, "label": a})));
    let mut disposal_options = vec![json!({"value": "", "label": "Any disposal"})];
    disposal_options.extend(
        Disposal::ALL
            .iter()
            .map(|d| json!({"value": d.as_str(), "label": d.label()})),
    );
    Ok(render(
        "arrests",
        &shell,
        json!({
            "arrests": items, "pagination": info, "query": q, "columns": columns,
            "base": if qs.is_empty() { "/arrests?".to_string() } else { format!("/arrests?{qs}&") },
            "export_query": qs, "area_options": area_options, "operation_options": operation_options,
            "disposal_options": disposal_options, "can_record": user.actor().can(crate::domain::roles::Capability::RecordArrests),
        }),
    ))
}

#[get("/arrests.csv?<q..>")]
async fn export_arrests(
    app: &State<AppState>,
    user: Viewer,
    q: ListQuery,
) -> AppResult<csv::CsvDownload> {
    let (sort, desc) = q.sort();
    let rows = arrests::export(
        app,
        user.actor(),
        &q.filter(user.actor().user_id()),
        sort,
        desc,
    )
    .await?;
    let mut body = csv::line(&[
        "occurrence_reference",
        "person_reference",
        "surname",
        "forenames",
        "date_of_birth",
        "arrested_at",
        "location",
        "area",
        "operation",
        "vehicle_registration",
        "offence",
        "disposal",
        "course_deadline",
        "court",
        "first_hearing_date",
        "officer_collar_number",
    ]);
    for r in rows {
        let a = &r.arrest;
        let p = r.person.as_ref();
        body.push_str(&csv::line(&[
            a.occurrence_reference.clone().unwrap_or_default(),
            p.map(|p| p.reference.clone()).unwrap_or_default(),
            p.map(|p| p.surname.clone()).unwrap_or_default(),
            p.map(|p| p.forenames.clone()).unwrap_or_default(),
            p.map(|p| p.date_of_birth.to_string()).unwrap_or_default(),
            a.arrested_at.to_rfc3339(),
            a.location.clone(),
            a.area.clone(),
            a.operation.clone().unwrap_or_default(),
            present::vehicle_display(a.vehicle_registration.as_deref()).unwrap_or_default(),
            a.offence.to_string(),
            a.disposal.to_string(),
            a.course_deadline.map(|d| d.to_string()).unwrap_or_default(),
            a.court.clone().unwrap_or_default(),
            a.first_hearing_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            a.collar_number.clone().unwrap_or_default(),
        ]));
    }
    let stamp = app.now().format("%Y%m%d-%H%M%S");
    Ok(csv::CsvDownload::new("arrests", stamp, body))
}

#[get("/arrests/<id>")]
async fn show_arrest(
    app: &State<AppState>,
    user: Viewer,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let r = arrests::show(app, user.actor(), id).await?;
    Ok(render(
        "arrest",
        &shell,
        json!({
            "arrest": present::arrest(&r.arrest), "person": present::person(&r.person),
            "others": r.others.iter().map(present::arrest).collect::<Vec<_>>(),
            "referrals": r.referrals.iter().map(present::referral).collect::<Vec<_>>(),
            "officer_name": r.officer_name,
            "can_edit": user.actor().can(crate::domain::roles::Capability::RecordArrests),
            "hearings": if user.actor().can(crate::domain::roles::Capability::ManageCases) { crate::db::hearings_repo::for_arrest(&app.db, id).await?.iter().map(present::hearing).collect::<Vec<_>>() } else { Vec::new() },
            "can_record_hearing": user.actor().can(crate::domain::roles::Capability::ManageCases) && r.arrest.disposal == crate::domain::arrest::Disposal::Charged,
        }),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![list_arrests, export_arrests, show_arrest]
}
