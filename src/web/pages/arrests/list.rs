//! The arrests list (filters, sorting, pagination, CSV export) and one arrest.

use crate::web::shell::HtmlPage;
use rocket::{FromForm, Route, State, get, routes};
use serde::Serialize;

use super::form::AreaChoice;
use crate::auth::guards::{Can, cap};
use crate::db::arrests_repo::{ArrestFilter, ArrestSort};
use crate::domain::arrest::Disposal;
use crate::domain::dates::filter_period;
use crate::domain::london_time::format_datetime;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::{arrests, settings};
use crate::state::AppState;
use crate::web::csv;
use crate::web::pages::{errors_json, urlencode};
use crate::web::present::{
    self, ArrestView, Choice, HearingView, ListedPerson, PersonView, ReferralView,
};
use crate::web::shell::{Shell, render};

type ViewPeople = Can<cap::ViewPeople>;

#[derive(FromForm, Default, Clone, Serialize)]
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

fn nonblank(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The filter, or the field errors of a filter typed wrong (the same
    /// rules as the API's, which answers them with a 422).
    fn filter(&self, me: Option<i32>) -> Result<ArrestFilter, FieldErrors> {
        let (from, to) = filter_period(self.from.as_deref(), self.to.as_deref())?;
        let disposal = arrests::disposal_filter(self.disposal.as_deref()).map_err(|e| match e {
            AppError::Invalid(fields) => fields,
            _ => FieldErrors::new(),
        })?;
        Ok(ArrestFilter {
            from,
            to,
            area: nonblank(&self.area),
            operation: nonblank(&self.operation),
            disposal,
            officer_user_id: if self.mine == Some(true) { me } else { None },
            person_id: None,
        })
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
                parts.push(format!("{k}={}", urlencode(&v)));
            }
        }
        if self.mine == Some(true) {
            parts.push("mine=true".into());
        }
        if !without_sort {
            for (k, v) in [("sort", &self.sort), ("dir", &self.dir)] {
                if let Some(v) = nonblank(v) {
                    parts.push(format!("{k}={}", urlencode(&v)));
                }
            }
        }
        parts.join("&")
    }
}

/// A sortable column heading.
#[derive(Serialize)]
struct SortColumn {
    label: &'static str,
    href: String,
    aria_sort: &'static str,
}

fn columns(q: &ListQuery, desc: bool) -> Vec<SortColumn> {
    let filters_only = q.query_string(true);
    let sort_key = q.sort.clone().unwrap_or_else(|| "arrested_at".into());
    [
        ("arrested_at", "Arrested"),
        ("area", "Area"),
        ("offence", "Offence"),
        ("disposal", "Disposal"),
    ]
    .into_iter()
    .map(|(key, label)| {
        let current = sort_key == key;
        let next_dir = if current && desc { "asc" } else { "desc" };
        let sep = if filters_only.is_empty() { "" } else { "&" };
        SortColumn {
            label,
            href: format!("/arrests?{filters_only}{sep}sort={key}&dir={next_dir}"),
            aria_sort: match (current, desc) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            },
        }
    })
    .collect()
}

/// An arrest in the list, with its man: only what a row shows, so that a
/// page of 50 does not carry every field of every arrest into the template.
#[derive(Serialize)]
struct ListRow {
    id: i32,
    arrested_at_text: String,
    area: String,
    offence_text: &'static str,
    disposal_text: &'static str,
    person: Option<ListedPerson>,
}

#[derive(Serialize)]
struct ArrestsPage<'a> {
    arrests: Vec<ListRow>,
    pagination: PageInfo,
    query: &'a ListQuery,
    columns: Vec<SortColumn>,
    base: String,
    export_query: String,
    area_options: Vec<AreaChoice>,
    operation_options: Vec<AreaChoice>,
    disposal_options: Vec<Choice>,
    can_record: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn any_of(none: &str, values: Vec<String>) -> Vec<AreaChoice> {
    std::iter::once(AreaChoice {
        value: String::new(),
        label: none.into(),
    })
    .chain(values.into_iter().map(|v| AreaChoice {
        value: v.clone(),
        label: v,
    }))
    .collect()
}

#[get("/arrests?<q..>")]
async fn list_arrests(
    app: &State<AppState>,
    user: ViewPeople,
    shell: Shell,
    q: ListQuery,
) -> AppResult<HtmlPage> {
    let (sort, desc) = q.sort();
    let (rows, info, errors) = match q.filter(user.actor().user_id()) {
        Ok(filter) => {
            let (rows, info) = arrests::list_lines(
                app,
                user.actor(),
                &filter,
                sort,
                desc,
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
    let qs = q.query_string(false);
    let page = ArrestsPage {
        arrests: rows
            .into_iter()
            .map(|r| ListRow {
                id: r.id,
                arrested_at_text: format_datetime(r.arrested_at),
                area: r.area,
                offence_text: r.offence.label(),
                disposal_text: r.disposal.label(),
                person: r.man.map(present::listed_man),
            })
            .collect(),
        pagination: info,
        query: &q,
        columns: columns(&q, desc),
        base: if qs.is_empty() {
            "/arrests?".to_string()
        } else {
            format!("/arrests?{qs}&")
        },
        export_query: qs,
        area_options: any_of("Any area", settings::areas(app).await?),
        operation_options: any_of(
            "Any operation",
            arrests::operations(app, user.actor()).await?,
        ),
        disposal_options: present::choices_or_none::<Disposal>("Any disposal"),
        can_record: user.actor().can(Capability::RecordArrests),
        errors,
    };
    Ok(render("arrests", &shell, page))
}

#[get("/arrests.csv?<q..>")]
async fn export_arrests(
    app: &State<AppState>,
    user: ViewPeople,
    q: ListQuery,
) -> AppResult<csv::CsvDownload> {
    let (sort, desc) = q.sort();
    let filter = q
        .filter(user.actor().user_id())
        .map_err(AppError::Invalid)?;
    let rows = arrests::export(app, user.actor(), &filter, sort, desc).await?;
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

#[derive(Serialize)]
struct ArrestPage {
    arrest: ArrestView,
    person: PersonView,
    others: Vec<ArrestView>,
    referrals: Vec<ReferralView>,
    officer_name: Option<String>,
    can_edit: bool,
    hearings: Vec<HearingView>,
    can_record_hearing: bool,
    course_condition: Option<String>,
}

#[get("/arrests/<id>")]
async fn show_arrest(
    app: &State<AppState>,
    user: ViewPeople,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let r = arrests::show(app, user.actor(), id).await?;
    Ok(render(
        "arrest",
        &shell,
        ArrestPage {
            arrest: present::arrest(&r.arrest),
            person: present::person(&r.person),
            others: r.others.iter().map(present::arrest).collect(),
            referrals: r.referrals.iter().map(present::referral).collect(),
            officer_name: r.officer_name,
            can_edit: user.actor().can(Capability::RecordArrests),
            hearings: r.hearings.iter().map(present::hearing).collect(),
            can_record_hearing: r.may_record_hearing,
            course_condition: r.course_condition.map(|c| c.describe()),
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![list_arrests, export_arrests, show_arrest]
}
