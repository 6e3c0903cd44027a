//! The statistics pages for managers and probation: the dashboard of a
//! period (headline counts, arrests per month, the pipeline, attendance per
//! cohort: each picture with its table), and the community meeting's view
//! by area and month with small numbers hidden, printable and as CSV. No
//! personal data on any of them.

use crate::web::shell::HtmlPage;
use chrono::NaiveDate;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, routes};
use serde::Serialize;

use super::errors_json;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_optional_date_parts;
use crate::domain::london_time::{format_date, london_date};
use crate::domain::suppression::HIDDEN;
use crate::domain::validation::FieldErrors;
use crate::error::AppResult;
use crate::services::dashboard::{self, CommunityTable, Dashboard, Period};
use crate::state::AppState;
use crate::web::charts;
use crate::web::csv::{self, CsvDownload};
use crate::web::shell::{Shell, render};

type ViewStatistics = Can<cap::ViewStatistics>;

/// The period as typed; empty means the last twelve months.
#[derive(FromForm, Serialize, Default, Clone)]
struct PeriodForm {
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
}

impl PeriodForm {
    fn period(&self, today: NaiveDate) -> Result<Period, FieldErrors> {
        let mut e = FieldErrors::new();
        let from = e
            .check(
                "from",
                parse_optional_date_parts(
                    &self.from_day,
                    &self.from_month,
                    &self.from_year,
                    "the start of the period",
                ),
            )
            .flatten();
        let to = e
            .check(
                "to",
                parse_optional_date_parts(
                    &self.to_day,
                    &self.to_month,
                    &self.to_year,
                    "the end of the period",
                ),
            )
            .flatten();
        e.into_result()?;
        Period::or_last_year(from, to, today)
    }

    fn of(p: &Period) -> PeriodForm {
        let part = |d: NaiveDate, f: &str| d.format(f).to_string();
        PeriodForm {
            from_day: part(p.from, "%-d"),
            from_month: part(p.from, "%-m"),
            from_year: part(p.from, "%Y"),
            to_day: part(p.to, "%-d"),
            to_month: part(p.to, "%-m"),
            to_year: part(p.to, "%Y"),
        }
    }

    fn query(p: &Period) -> String {
        let f = PeriodForm::of(p);
        format!(
            "from_day={}&from_month={}&from_year={}&to_day={}&to_month={}&to_year={}",
            f.from_day, f.from_month, f.from_year, f.to_day, f.to_month, f.to_year
        )
    }
}

/// Each month's counts for each of `series` (0 where a month had none), in
/// that order: the columns of a stacked chart and the rows of its table.
fn per_month<K: PartialEq, S: PartialEq<K>>(
    d: &Dashboard,
    series: &[S],
    counts: impl Fn(&dashboard::Month) -> &[(K, u64)],
) -> Vec<(String, Vec<u64>)> {
    d.months
        .iter()
        .map(|m| {
            let of = counts(m);
            let row = series
                .iter()
                .map(|x| of.iter().find(|(y, _)| x == y).map_or(0, |(_, n)| *n))
                .collect();
            (m.month.clone(), row)
        })
        .collect()
}

fn percent(x: Option<f64>) -> String {
    x.map_or("None expected".into(), |x| format!("{:.0}%", x * 100.0))
}

#[derive(Serialize)]
struct Headline {
    label: &'static str,
    value: u64,
}

#[derive(Serialize)]
struct DashboardPage<'a> {
    period: PeriodForm,
    described: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
    headlines: Vec<Headline>,
    months_chart: String,
    month_header: Vec<&'static str>,
    month_rows: Vec<Vec<String>>,
    areas: Vec<(String, u64)>,
    area_chart: String,
    area_header: Vec<&'a str>,
    area_rows: Vec<Vec<String>>,
    funnel_chart: String,
    funnel_rows: Vec<Vec<String>>,
    cohort_chart: String,
    cohort_rows: Vec<Vec<String>>,
    query: String,
}

fn dashboard_page(
    shell: &Shell,
    form: PeriodForm,
    d: Option<&Dashboard>,
    errors: Option<&FieldErrors>,
) -> HtmlPage {
    let empty = DashboardPage {
        period: form.clone(),
        described: String::new(),
        errors: errors.map(errors_json),
        headlines: Vec::new(),
        months_chart: String::new(),
        month_header: Vec::new(),
        month_rows: Vec::new(),
        areas: Vec::new(),
        area_chart: String::new(),
        area_header: Vec::new(),
        area_rows: Vec::new(),
        funnel_chart: String::new(),
        funnel_rows: Vec::new(),
        cohort_chart: String::new(),
        cohort_rows: Vec::new(),
        query: String::new(),
    };
    let Some(d) = d else {
        return render("statistics", shell, empty);
    };
    let disposals = dashboard::used_disposals(d);
    let columns = per_month(d, &disposals, |m| &m.by_disposal);
    let names: Vec<&str> = disposals.iter().map(|x| x.label()).collect();
    let months_chart =
        charts::stacked_columns("months", "Arrests per month, by disposal", &columns, &names);
    let month_rows = columns
        .iter()
        .map(|(m, v)| {
            let mut row = vec![m.clone()];
            row.extend(v.iter().map(|n| n.to_string()));
            row.push(v.iter().sum::<u64>().to_string());
            row
        })
        .collect();
    let mut month_header = vec!["Month"];
    month_header.extend(names.iter().copied());
    month_header.push("All arrests");
    let area_names: Vec<&str> = d.areas.iter().map(|(a, _)| a.as_str()).collect();
    let by_area = per_month(d, &area_names, |m| &m.by_area);
    let area_chart =
        charts::stacked_columns("areas", "Arrests per month, by area", &by_area, &area_names);
    let mut area_header = vec!["Month"];
    area_header.extend(area_names.iter().copied());
    let area_rows = by_area
        .iter()
        .map(|(m, v)| {
            std::iter::once(m.clone())
                .chain(v.iter().map(|n| n.to_string()))
                .collect()
        })
        .collect();
    let top = d.funnel.first().map_or(0.0, |s| s.men as f64);
    let funnel_rows: Vec<Vec<String>> = d
        .funnel
        .iter()
        .map(|s| {
            vec![
                s.label.to_string(),
                s.men.to_string(),
                s.conversion
                    .map_or("".into(), |c| format!("{:.0}%", c * 100.0)),
            ]
        })
        .collect();
    let funnel_chart = charts::horizontal_bars(
        "funnel",
        "Men arrested in the period, and how far they have gone",
        &d.funnel
            .iter()
            .map(|s| {
                (
                    s.label.to_string(),
                    s.men as f64,
                    match s.conversion {
                        Some(c) => format!("{} ({:.0}% of the step before)", s.men, c * 100.0),
                        None => s.men.to_string(),
                    },
                )
            })
            .collect::<Vec<_>>(),
        top,
    );
    let cohort_chart = charts::horizontal_bars(
        "cohorts",
        "Attendance rate per cohort in the period",
        &d.cohorts
            .iter()
            .map(|c| (c.code.clone(), c.rate.unwrap_or(0.0), percent(c.rate)))
            .collect::<Vec<_>>(),
        1.0,
    );
    let cohort_rows = d
        .cohorts
        .iter()
        .map(|c| {
            vec![
                c.code.clone(),
                c.attended.to_string(),
                c.expected.to_string(),
                percent(c.rate),
            ]
        })
        .collect();
    render(
        "statistics",
        shell,
        DashboardPage {
            described: format!(
                "From {} to {}.",
                format_date(d.period.from),
                format_date(d.period.to)
            ),
            headlines: vec![
                Headline {
                    label: "Arrests",
                    value: d.arrests,
                },
                Headline {
                    label: "Repeat arrests",
                    value: d.repeat_arrests,
                },
                Headline {
                    label: "Referrals to probation",
                    value: d.referrals,
                },
                Headline {
                    label: "Assessments completed",
                    value: d.assessments,
                },
                Headline {
                    label: "Enrolments",
                    value: d.enrolments,
                },
                Headline {
                    label: "Programmes completed",
                    value: d.completions,
                },
                Headline {
                    label: "Enforcement decisions waiting today",
                    value: d.open_enforcement,
                },
            ],
            months_chart,
            month_header,
            month_rows,
            areas: d.areas.clone(),
            area_chart,
            area_header,
            area_rows,
            funnel_chart,
            funnel_rows,
            cohort_chart,
            cohort_rows,
            query: PeriodForm::query(&d.period),
            ..empty
        },
    )
}

#[get("/statistics?<period..>")]
async fn statistics(
    app: &State<AppState>,
    user: ViewStatistics,
    shell: Shell,
    period: PeriodForm,
) -> AppResult<(Status, HtmlPage)> {
    let p = match period.period(london_date(app.now())) {
        Ok(p) => p,
        Err(e) => {
            return Ok((
                Status::UnprocessableEntity,
                dashboard_page(&shell, period, None, Some(&e)),
            ));
        }
    };
    let d = dashboard::dashboard(app, user.actor(), p).await?;
    Ok((
        Status::Ok,
        dashboard_page(&shell, PeriodForm::of(&p), Some(&d), None),
    ))
}

#[derive(Serialize)]
struct CommunityView {
    measure: &'static str,
    months: Vec<String>,
    rows: Vec<(String, Vec<String>, String)>,
    totals: Vec<String>,
    total: String,
}

fn community_view(t: &CommunityTable) -> CommunityView {
    let p = &t.published;
    CommunityView {
        measure: t.measure,
        months: t.months.clone(),
        rows: t
            .areas
            .iter()
            .zip(&p.cells)
            .zip(&p.row_totals)
            .map(|((a, cells), total)| {
                (
                    a.clone(),
                    cells.iter().map(|c| c.text()).collect(),
                    total.text(),
                )
            })
            .collect(),
        totals: p.column_totals.iter().map(|c| c.text()).collect(),
        total: p.total.text(),
    }
}

#[derive(Serialize)]
struct CommunityPage {
    period: PeriodForm,
    described: String,
    hidden: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
    tables: Vec<CommunityView>,
    query: String,
}

#[get("/statistics/community?<period..>")]
async fn community(
    app: &State<AppState>,
    user: ViewStatistics,
    shell: Shell,
    period: PeriodForm,
) -> AppResult<(Status, HtmlPage)> {
    let p = match period.period(london_date(app.now())) {
        Ok(p) => p,
        Err(e) => {
            let page = CommunityPage {
                period,
                described: String::new(),
                hidden: HIDDEN,
                errors: Some(errors_json(&e)),
                tables: Vec::new(),
                query: String::new(),
            };
            return Ok((
                Status::UnprocessableEntity,
                render("community", &shell, page),
            ));
        }
    };
    let tables = dashboard::community(app, user.actor(), p).await?;
    Ok((
        Status::Ok,
        render(
            "community",
            &shell,
            CommunityPage {
                period: PeriodForm::of(&p),
                described: format!("From {} to {}.", format_date(p.from), format_date(p.to)),
                hidden: HIDDEN,
                errors: None,
                tables: tables.iter().map(community_view).collect(),
                query: PeriodForm::query(&p),
            },
        ),
    ))
}

#[get("/statistics/community.csv?<period..>")]
async fn community_csv(
    app: &State<AppState>,
    user: ViewStatistics,
    period: PeriodForm,
) -> AppResult<CsvDownload> {
    let p = period
        .period(london_date(app.now()))
        .map_err(crate::error::AppError::Invalid)?;
    let tables = dashboard::community(app, user.actor(), p).await?;
    let mut body = csv::line(&["measure", "area", "month", "count"]);
    for t in &tables {
        let v = community_view(t);
        for (area, cells, total) in &v.rows {
            for (month, c) in v.months.iter().zip(cells) {
                body.push_str(&csv::line(&[v.measure, area, month, c]));
            }
            body.push_str(&csv::line(&[v.measure, area, "all months", total]));
        }
        for (month, c) in v.months.iter().zip(&v.totals) {
            body.push_str(&csv::line(&[v.measure, "all areas", month, c]));
        }
        body.push_str(&csv::line(&[
            v.measure,
            "all areas",
            "all months",
            &v.total,
        ]));
    }
    Ok(CsvDownload::new(
        "community",
        format!("{}-{}", p.from.format("%Y%m%d"), p.to.format("%Y%m%d")),
        body,
    ))
}

#[get("/statistics/board-report?<period..>")]
async fn board_report(
    app: &State<AppState>,
    user: ViewStatistics,
    shell: Shell,
    period: PeriodForm,
) -> AppResult<HtmlPage> {
    let p = period
        .period(london_date(app.now()))
        .map_err(crate::error::AppError::Invalid)?;
    let r = dashboard::board_report(app, user.actor(), p).await?;
    let query = PeriodForm::query(&p);
    Ok(render(
        "report",
        &shell,
        super::report_view::report_page(
            r,
            format!("/statistics/board-report.pdf?{query}"),
            format!("/statistics?{query}"),
        ),
    ))
}

#[get("/statistics/board-report.pdf?<period..>")]
async fn board_report_pdf(
    app: &State<AppState>,
    user: ViewStatistics,
    period: PeriodForm,
) -> AppResult<crate::web::pdf::PdfDownload> {
    let p = period
        .period(london_date(app.now()))
        .map_err(crate::error::AppError::Invalid)?;
    let file = dashboard::board_report_pdf(app, user.actor(), p).await?;
    Ok(crate::web::pdf::PdfDownload::new(file))
}

/// Every table of the dashboard as one CSV, a section per table.
#[get("/statistics.csv?<period..>")]
async fn statistics_csv(
    app: &State<AppState>,
    user: ViewStatistics,
    period: PeriodForm,
) -> AppResult<CsvDownload> {
    let p = period
        .period(london_date(app.now()))
        .map_err(crate::error::AppError::Invalid)?;
    let d = dashboard::dashboard(app, user.actor(), p).await?;
    let mut body = csv::line(&["table", "row", "column", "value"]);
    let mut put = |table: &str, row: &str, column: &str, value: String| {
        body.push_str(&csv::line(&[table, row, column, &value]));
    };
    for (label, value) in [
        ("arrests", d.arrests),
        ("repeat arrests", d.repeat_arrests),
        ("referrals", d.referrals),
        ("assessments completed", d.assessments),
        ("enrolments", d.enrolments),
        ("completions", d.completions),
        ("enforcement decisions waiting today", d.open_enforcement),
    ] {
        put("period", label, "count", value.to_string());
    }
    for m in &d.months {
        for (disposal, n) in &m.by_disposal {
            put(
                "arrests per month",
                &m.month,
                disposal.as_str(),
                n.to_string(),
            );
        }
        put("arrests per month", &m.month, "all", m.arrests.to_string());
    }
    for (area, n) in &d.areas {
        put("arrests by area", area, "arrests", n.to_string());
    }
    for s in &d.funnel {
        put(
            "from arrest to completion",
            s.label,
            "men",
            s.men.to_string(),
        );
    }
    for c in &d.cohorts {
        put(
            "attendance per cohort",
            &c.code,
            "attended",
            c.attended.to_string(),
        );
        put(
            "attendance per cohort",
            &c.code,
            "expected",
            c.expected.to_string(),
        );
    }
    Ok(CsvDownload::new(
        "statistics",
        format!("{}-{}", p.from.format("%Y%m%d"), p.to.format("%Y%m%d")),
        body,
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        statistics,
        statistics_csv,
        community,
        community_csv,
        board_report,
        board_report_pdf
    ]
}
