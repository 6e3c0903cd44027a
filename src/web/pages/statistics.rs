//! The reoffending page (managers, probation): the question as a form
//! (GET, so a page of figures can be bookmarked and shared), each group's
//! figures with their intervals, and the Kaplan-Meier curves drawn as SVG
//! with their numbers in a table beneath. No personal data.

use crate::web::shell::HtmlPage;
use rocket::{FromForm, Route, State, get, routes};
use serde::Serialize;

use super::errors_json;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_optional_date_parts;
use crate::domain::london_time::{format_date, london_date};
use crate::domain::reoffending::{Figures, Group, GroupFigures, IndexKind, Question, SMALL_GROUP};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::statistics;
use crate::state::AppState;
use crate::web::charts::{self, Curve};
use crate::web::csv::{self, CsvDownload};
use crate::web::present::{self, Choice};
use crate::web::shell::{Shell, render};

/// The question as typed; every field may be left empty for its default.
#[derive(FromForm, Serialize, Default, Clone)]
struct Ask {
    #[field(default = String::new())]
    index: String,
    #[field(default = String::new())]
    from_day: String,
    #[field(default = String::new())]
    from_month: String,
    #[field(default = String::new())]
    from_year: String,
    #[field(default = String::new())]
    to_day: String,
    #[field(default = String::new())]
    to_month: String,
    #[field(default = String::new())]
    to_year: String,
    #[field(default = String::new())]
    window_days: String,
    #[field(default = String::new())]
    waiting_days: String,
    #[field(default = String::new())]
    as_of_day: String,
    #[field(default = String::new())]
    as_of_month: String,
    #[field(default = String::new())]
    as_of_year: String,
}

impl Ask {
    /// The question, or what is wrong with it. Defaults: index dates in the
    /// three years before the "as of" date, which defaults to today.
    fn question(&self, today: chrono::NaiveDate) -> Result<Question, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut date = |name: &str, d: &str, m: &str, y: &str, what: &str| {
            e.check(name, parse_optional_date_parts(d, m, y, what))
                .flatten()
        };
        let as_of = date(
            "as_of",
            &self.as_of_day,
            &self.as_of_month,
            &self.as_of_year,
            "the as-of date",
        )
        .unwrap_or(today);
        let from = date(
            "from",
            &self.from_day,
            &self.from_month,
            &self.from_year,
            "the first index date",
        );
        let to = date(
            "to",
            &self.to_day,
            &self.to_month,
            &self.to_year,
            "the last index date",
        );
        let mut days = |name: &str, raw: &str| match raw.trim() {
            "" => None,
            t => t.parse::<i64>().map(Some).unwrap_or_else(|_| {
                e.add(name, "Enter a whole number of days");
                None
            }),
        };
        let window_days = days("window_days", &self.window_days);
        let waiting_days = days("waiting_days", &self.waiting_days);
        let index = self.index.parse::<IndexKind>().ok();
        e.into_result()?;
        Ok(Question::with_defaults(
            index,
            from,
            to,
            window_days,
            waiting_days,
            Some(as_of),
            today,
        ))
    }

    /// The question as a query string (for links to its CSV files).
    fn query(&self) -> String {
        [
            ("index", &self.index),
            ("from_day", &self.from_day),
            ("from_month", &self.from_month),
            ("from_year", &self.from_year),
            ("to_day", &self.to_day),
            ("to_month", &self.to_month),
            ("to_year", &self.to_year),
            ("window_days", &self.window_days),
            ("waiting_days", &self.waiting_days),
            ("as_of_day", &self.as_of_day),
            ("as_of_month", &self.as_of_month),
            ("as_of_year", &self.as_of_year),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", super::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The form filled with a question's values.
    fn from_question(q: &Question) -> Ask {
        let parts = |d: chrono::NaiveDate| {
            (
                d.format("%-d").to_string(),
                d.format("%-m").to_string(),
                d.format("%Y").to_string(),
            )
        };
        let ((fd, fm, fy), (td, tm, ty), (ad, am, ay)) =
            (parts(q.from), parts(q.to), parts(q.as_of));
        Ask {
            index: q.index.as_str().to_string(),
            from_day: fd,
            from_month: fm,
            from_year: fy,
            to_day: td,
            to_month: tm,
            to_year: ty,
            window_days: q.window_days.to_string(),
            waiting_days: q.waiting_days.to_string(),
            as_of_day: ad,
            as_of_month: am,
            as_of_year: ay,
        }
    }
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// One group as the page shows it.
#[derive(Serialize)]
struct GroupView {
    label: &'static str,
    cohort_size: u64,
    eligible: u64,
    excluded: u64,
    without_index_date: u64,
    reoffenders: u64,
    rate: String,
    interval: String,
    per_reoffender: String,
    median: String,
    small: bool,
}

fn group_view(g: &GroupFigures) -> GroupView {
    GroupView {
        label: g.group.label(),
        cohort_size: g.cohort_size,
        eligible: g.eligible,
        excluded: g.excluded_not_yet_eligible,
        without_index_date: g.without_index_date,
        reoffenders: g.reoffenders,
        rate: g.rate.map_or("No data".into(), |r| percent(r.rate)),
        interval: g.rate.map_or("No data".into(), |r| {
            format!("{} to {}", percent(r.low), percent(r.high))
        }),
        per_reoffender: g
            .reoffences_per_reoffender
            .map_or("None".into(), |v| format!("{v:.2}")),
        median: g
            .median_days
            .map_or("Not reached".into(), |d| format!("{d} days")),
        small: g.small,
    }
}

/// One row of the curves' table.
#[derive(Serialize)]
struct StepRow {
    group: &'static str,
    day: i64,
    at_risk: u64,
    events: u64,
    reoffended: String,
    interval: String,
}

#[derive(Serialize)]
struct Page {
    ask: Ask,
    /// The question as a query string, for the CSV links.
    query: String,
    /// Probation may download a group's identifiers for the Justice Data Lab.
    can_list_men: bool,
    index_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
    label: &'static str,
    note: &'static str,
    small_group: u64,
    described: String,
    groups: Vec<GroupView>,
    difference: Option<String>,
    chart: String,
    steps: Vec<StepRow>,
}

fn page(
    shell: &Shell,
    can_list_men: bool,
    ask: Ask,
    f: Option<&Figures>,
    errors: Option<&FieldErrors>,
) -> HtmlPage {
    let query = f
        .map(|f| Ask::from_question(&f.question).query())
        .unwrap_or_default();
    let groups = f
        .map(|f| f.groups.iter().map(group_view).collect())
        .unwrap_or_default();
    let (chart, steps, described, difference) = match f {
        None => (String::new(), Vec::new(), String::new(), None),
        Some(f) => {
            let q = &f.question;
            let curves: Vec<Curve<'_>> = f
                .groups
                .iter()
                .map(|g| Curve {
                    label: g.group.label(),
                    steps: &g.kaplan_meier,
                })
                .collect();
            let chart = charts::kaplan_meier(
                "km",
                "Cumulative known reoffending by days since the index date",
                &curves,
                q.window_days,
            );
            let steps = f
                .groups
                .iter()
                .flat_map(|g| {
                    g.kaplan_meier.iter().map(|s| StepRow {
                        group: g.group.label(),
                        day: s.day,
                        at_risk: s.at_risk,
                        events: s.events,
                        reoffended: percent(1.0 - s.survival),
                        interval: s.ci95.map_or("Not available".into(), |[lo, hi]| {
                            format!("{} to {}", percent(1.0 - hi), percent(1.0 - lo))
                        }),
                    })
                })
                .collect();
            let described = format!(
                "Index: {}. Index dates from {} to {}; follow-up {} days, waiting period {} days, as of {}.",
                q.index.label().to_lowercase(),
                format_date(q.from),
                format_date(q.to),
                q.window_days,
                q.waiting_days,
                format_date(q.as_of)
            );
            let difference = f.difference_completed_minus_not_completed.map(|d| {
                format!(
                    "{:+.1} percentage points (95% interval {:+.1} to {:+.1})",
                    d.estimate * 100.0,
                    d.low * 100.0,
                    d.high * 100.0
                )
            });
            (chart, steps, described, difference)
        }
    };
    render(
        "reoffending",
        shell,
        Page {
            ask,
            query,
            can_list_men,
            index_options: present::choices::<IndexKind>(),
            errors: errors.map(errors_json),
            label: crate::domain::reoffending::LABEL,
            note: crate::domain::reoffending::UNMATCHED_NOTE,
            small_group: SMALL_GROUP,
            described,
            groups,
            difference,
            chart,
            steps,
        },
    )
}

#[get("/statistics/reoffending?<ask..>")]
async fn reoffending(
    app: &State<AppState>,
    user: Can<cap::ViewStatistics>,
    shell: Shell,
    ask: Ask,
) -> AppResult<(rocket::http::Status, HtmlPage)> {
    let today = london_date(app.now());
    let can_list_men = user
        .actor()
        .can(crate::domain::roles::Capability::ManageCases);
    let q = match ask.question(today) {
        Ok(q) => q,
        Err(e) => {
            return Ok((
                rocket::http::Status::UnprocessableEntity,
                page(&shell, can_list_men, ask, None, Some(&e)),
            ));
        }
    };
    match statistics::reoffending(app, user.actor(), &q).await {
        Ok(f) => Ok((
            rocket::http::Status::Ok,
            page(&shell, can_list_men, Ask::from_question(&q), Some(&f), None),
        )),
        Err(AppError::Invalid(e)) => Ok((
            rocket::http::Status::UnprocessableEntity,
            page(&shell, can_list_men, ask, None, Some(&e)),
        )),
        Err(e) => Err(e),
    }
}

/// The figures and the curves' steps as CSV.
#[get("/statistics/reoffending.csv?<ask..>")]
async fn reoffending_csv(
    app: &State<AppState>,
    user: Can<cap::ViewStatistics>,
    ask: Ask,
) -> AppResult<CsvDownload> {
    let q = ask
        .question(london_date(app.now()))
        .map_err(AppError::Invalid)?;
    let f = statistics::reoffending(app, user.actor(), &q).await?;
    let mut body = csv::line(&[f.label, f.note]);
    body.push_str(&csv::line(&[
        "group",
        "men with an index date in the period",
        "eligible",
        "not yet eligible",
        "no index date",
        "reoffenders",
        "rate",
        "ci95 low",
        "ci95 high",
        "reoffences per reoffender",
        "median days",
    ]));
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.6}"));
    for g in &f.groups {
        body.push_str(&csv::line(&[
            g.group.as_str().to_string(),
            g.cohort_size.to_string(),
            g.eligible.to_string(),
            g.excluded_not_yet_eligible.to_string(),
            g.without_index_date.to_string(),
            g.reoffenders.to_string(),
            opt(g.rate.map(|r| r.rate)),
            opt(g.rate.map(|r| r.low)),
            opt(g.rate.map(|r| r.high)),
            opt(g.reoffences_per_reoffender),
            g.median_days.map_or(String::new(), |d| d.to_string()),
        ]));
    }
    body.push_str(&csv::line(&[
        "group",
        "day",
        "at risk",
        "events",
        "survival",
        "ci95 low",
        "ci95 high",
    ]));
    for g in &f.groups {
        for s in &g.kaplan_meier {
            body.push_str(&csv::line(&[
                g.group.as_str().to_string(),
                s.day.to_string(),
                s.at_risk.to_string(),
                s.events.to_string(),
                format!("{:.6}", s.survival),
                opt(s.ci95.map(|c| c[0])),
                opt(s.ci95.map(|c| c[1])),
            ]));
        }
    }
    Ok(CsvDownload::new(
        "reoffending",
        q.as_of.format("%Y%m%d"),
        body,
    ))
}

/// One group's men for the Justice Data Lab (probation): surname,
/// forenames, date of birth, sex, index date; audited as a disclosure.
#[get("/statistics/reoffending/justice-data-lab.csv?<group>&<ask..>")]
async fn justice_data_lab(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    group: Option<String>,
    ask: Ask,
) -> AppResult<CsvDownload> {
    let group = group
        .as_deref()
        .and_then(|g| g.parse::<Group>().ok())
        .ok_or_else(|| AppError::invalid("group", "Choose a group"))?;
    let q = ask
        .question(london_date(app.now()))
        .map_err(AppError::Invalid)?;
    let men = statistics::justice_data_lab(app, user.actor(), &q, group).await?;
    let mut body = csv::line(&["surname", "forenames", "date_of_birth", "sex", "index_date"]);
    for m in &men {
        body.push_str(&csv::line(&[
            m.surname.clone(),
            m.forenames.clone(),
            m.date_of_birth.to_string(),
            m.sex.to_string(),
            m.index_date.to_string(),
        ]));
    }
    Ok(CsvDownload::new(
        &format!("justice-data-lab-{}", group.as_str()),
        q.as_of.format("%Y%m%d"),
        body,
    ))
}

pub fn routes() -> Vec<Route> {
    routes![reoffending, reoffending_csv, justice_data_lab]
}
