//! Reports as printable pages: the same content as the PDF (the services'
//! `Report`), drawn as HTML with a print stylesheet, for those who read in
//! the browser or print from it.

use crate::web::shell::HtmlPage;
use rocket::{Route, State, get, routes};
use serde::Serialize;

use crate::auth::guards::{Can, cap};
use crate::domain::london_time::format_datetime;
use crate::error::AppResult;
use crate::reports::{Block, Report};
use crate::services::reports;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

/// One block, tagged for the template.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum BlockView {
    Heading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A chart: drawn as SVG, with its numbers as a table beneath.
    Bars {
        svg: String,
        rows: Vec<Vec<String>>,
    },
    PageBreak,
}

/// A report drawn as a page; other pages extend it (the court report adds
/// its own actions).
#[derive(Serialize)]
pub(super) struct ReportPage {
    title: String,
    reference: String,
    generated: String,
    /// The stamp's word (DRAFT, SUPERSEDED), if any.
    stamp: Option<&'static str>,
    blocks: Vec<BlockView>,
    /// Where the PDF of the same report is.
    pdf: String,
    back: String,
}

/// The page of a report, with where its PDF is and where to go back to.
pub(super) fn report_page(r: Report, pdf: String, back: String) -> ReportPage {
    ReportPage {
        title: r.title,
        reference: r.reference,
        generated: format_datetime(r.generated_at),
        stamp: r.stamp.map(|s| s.word()),
        blocks: r
            .blocks
            .into_iter()
            .enumerate()
            .map(|(i, b)| match b {
                Block::Heading(text) => BlockView::Heading { text },
                Block::Paragraph(text) => BlockView::Paragraph { text },
                Block::Table(t) => BlockView::Table {
                    header: t.header,
                    rows: t.rows,
                },
                Block::Bars(b) => BlockView::Bars {
                    svg: crate::web::charts::horizontal_bars(
                        &format!("chart-{i}"),
                        &b.title,
                        &b.rows,
                        b.max,
                    ),
                    rows: b
                        .rows
                        .into_iter()
                        .map(|(label, _, said)| vec![label, said])
                        .collect(),
                },
                Block::Curves(c) => {
                    let steps: Vec<Vec<crate::domain::statistics::Step>> = c
                        .series
                        .iter()
                        .map(|(_, points)| {
                            points
                                .iter()
                                .map(|(day, share)| crate::domain::statistics::Step {
                                    day: *day,
                                    at_risk: 0,
                                    events: 0,
                                    survival: 1.0 - share,
                                    ci95: None,
                                })
                                .collect()
                        })
                        .collect();
                    let curves: Vec<crate::web::charts::Curve<'_>> = c
                        .series
                        .iter()
                        .zip(&steps)
                        .map(|((label, _), steps)| crate::web::charts::Curve { label, steps })
                        .collect();
                    BlockView::Bars {
                        svg: crate::web::charts::kaplan_meier(
                            &format!("chart-{i}"),
                            &c.title,
                            &curves,
                            c.days,
                        ),
                        rows: c
                            .series
                            .iter()
                            .map(|(label, points)| {
                                vec![
                                    label.clone(),
                                    points
                                        .iter()
                                        .map(|(d, s)| format!("day {d}: {:.0}%", s * 100.0))
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                ]
                            })
                            .collect(),
                    }
                }
                Block::PageBreak => BlockView::PageBreak,
            })
            .collect(),
        pdf,
        back,
    }
}

#[get("/enrolments/<id>/progress-report")]
async fn progress_report(
    app: &State<AppState>,
    user: Can<cap::MarkRegister>,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let r = reports::progress_view(app, user.actor(), id).await?;
    Ok(render(
        "report",
        &shell,
        report_page(
            r,
            format!("/enrolments/{id}/progress-report.pdf"),
            format!("/enrolments/{id}"),
        ),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![progress_report]
}
