//! Reports made from what Kerbside already holds, and their downloads: each
//! download is audited as a `disclose`, with the recipient when given. The
//! file name carries the report's reference, never the man's name.

use serde::Serialize;

use crate::auth::Actor;
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::{format_date, format_datetime, london_date};
use crate::error::{AppError, AppResult};
use crate::reports::{Block, Report, Table, layout};
use crate::services::audit::{self, AuditEntry};
use crate::services::enrolments::{self, EnrolmentDetail};
use crate::services::programmes;
use crate::state::AppState;

/// PDFs being drawn at once. Drawing is CPU work holding about 12 MB while
/// it runs, so one per core draws and the rest wait their turn: sixteen
/// downloads at once took the server from 118 MB to 317 MB, and could not
/// finish sooner than the cores allow anyway (benches/RESULTS.md).
static DRAWING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Draw a report as PDF bytes off the async workers, one per core at a time.
pub(crate) async fn render_pdf(report: Report) -> AppResult<Vec<u8>> {
    let _turn = DRAWING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || layout::render(&report))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// The longest recipient named on a download.
pub const MAX_RECIPIENT_CHARS: usize = 200;

/// The recipient named for a download, trimmed (none when blank), or 422
/// when it is too long.
pub fn check_recipient(recipient: Option<&str>) -> AppResult<Option<&str>> {
    // the limit is on what was sent, spaces and all, as the API document says
    if recipient.is_some_and(|r| r.chars().count() > MAX_RECIPIENT_CHARS) {
        return Err(AppError::invalid(
            "recipient",
            format!("Keep the recipient under {MAX_RECIPIENT_CHARS} characters"),
        ));
    }
    Ok(recipient.map(str::trim).filter(|r| !r.is_empty()))
}

/// A report file ready to send.
#[derive(Clone, Debug, Serialize)]
pub struct ReportFile {
    pub file_name: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// The progress report's reference: the enrolment and the day it was made.
pub fn progress_reference(enrolment_id: i32, at: chrono::DateTime<chrono::Utc>) -> String {
    format!("PR-{enrolment_id:05}-{}", london_date(at).format("%Y%m%d"))
}

/// The progress report's content (reports.md, "Progress report"): who and
/// which programme, attendance session by session with totals, enforcement,
/// the programme's aims, and the outcome.
pub fn progress_content(
    d: &EnrolmentDetail,
    facilitators: &[String],
    author: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Report {
    let e = &d.enrolment;
    let f = &d.standing.figures;
    let name = crate::domain::names::listed(&d.person.surname, &d.person.forenames);
    let mut blocks = vec![
        Block::Heading("1. Participant and programme".into()),
        Block::Table(Table {
            header: vec!["Item".into(), "Detail".into()],
            widths: vec![1.0, 2.0],
            rows: [
                ("Name", name.clone()),
                ("Reference", d.person.reference.clone()),
                ("Programme", d.programme.name.clone()),
                ("Cohort", format!("{}, {}", d.cohort.code, d.cohort.venue)),
                ("Facilitators", facilitators.join(", ")),
                ("Legal basis", e.legal_basis.label().to_string()),
                (
                    "Deadline",
                    e.deadline.map(format_date).unwrap_or_else(|| "None".into()),
                ),
                ("Status", e.status.label().to_string()),
            ]
            .into_iter()
            .map(|(k, v)| vec![k.to_string(), v])
            .collect(),
        }),
        Block::Heading("2. Attendance".into()),
    ];
    let rows = d
        .sessions
        .iter()
        .map(|s| {
            let mark = d
                .marks
                .iter()
                .rev()
                .find(|m| m.session_id == s.id && m.enrolment_id == e.id);
            let outcome = match (s.state.counts(), mark) {
                (false, _) => format!("{} (not counted)", s.state.label()),
                (true, Some(m)) => m.outcome.label().to_string(),
                (true, None) if london_date(s.starts_at) > london_date(now) => "To come".into(),
                (true, None) => "Not marked".into(),
            };
            vec![
                format!(
                    "{}{}",
                    s.number,
                    if s.catch_up { " (catch-up)" } else { "" }
                ),
                format_date(london_date(s.starts_at)),
                s.title.clone(),
                outcome,
                mark.and_then(|m| m.minutes_late)
                    .filter(|l| *l > 0)
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        header: vec![
            "No.".into(),
            "Date".into(),
            "Session".into(),
            "Outcome".into(),
            "Minutes late".into(),
        ],
        widths: vec![0.6, 1.4, 2.0, 2.0, 0.9],
        rows,
    }));
    blocks.push(Block::Paragraph(format!(
        "Sessions held: {}. Attended: {}. Acceptable absences: {}. Unacceptable absences: {}. Attendance rate: {}. Sessions still to complete: {}.",
        f.held,
        f.attended,
        f.acceptable_absences,
        f.unacceptable_absences,
        f.attendance_rate.map_or("not yet known".into(), |r| format!("{:.0}% of the sessions expected of him", r * 100.0)),
        f.sessions_remaining
    )));
    blocks.push(Block::Heading("3. Enforcement".into()));
    if d.actions.is_empty() {
        blocks.push(Block::Paragraph(
            "No enforcement decision has been recorded.".into(),
        ));
    } else {
        blocks.push(Block::Table(Table {
            header: vec!["Date".into(), "Decision".into(), "Note".into()],
            widths: vec![1.2, 1.3, 4.0],
            rows: d
                .actions
                .iter()
                .map(|a| {
                    vec![
                        format_date(a.action_date),
                        a.action.label().into(),
                        a.note.clone(),
                    ]
                })
                .collect(),
        }));
    }
    if d.standing.prompt.is_open() {
        blocks.push(Block::Paragraph(format!(
            "Awaiting a decision: {}.",
            d.standing.prompt.kind.label()
        )));
    }
    blocks.push(Block::Heading(
        "4. Progress against the programme's aims".into(),
    ));
    let aims = d.programme.aim_list();
    if aims.is_empty() {
        blocks.push(Block::Paragraph("The programme states no aims.".into()));
    } else {
        blocks.push(Block::Table(Table {
            header: vec![
                "Aim".into(),
                "Rating".into(),
                "Facilitator's comment".into(),
            ],
            widths: vec![3.0, 1.3, 3.0],
            rows: aims
                .into_iter()
                .enumerate()
                .map(|(i, a)| match d.ratings.get(&(i as i32)) {
                    Some(r) => vec![a, r.rating.label().into(), r.comment.clone()],
                    None => vec![a, "Not yet rated".into(), String::new()],
                })
                .collect(),
        }));
    }
    blocks.push(Block::Heading("5. Outcome".into()));
    blocks.push(Block::Paragraph(match (e.completed_on, e.end_reason) {
        (Some(on), _) => format!(
            "Completed on {}, by the programme's rule ({}).",
            format_date(on),
            d.programme.rule().describe()
        ),
        (None, Some(reason)) => format!("Not completed: {}.", reason.label()),
        (None, None) => format!(
            "Not yet completed: {} to go ({}).",
            f.sessions_remaining,
            d.programme.rule().describe()
        ),
    }));
    Report {
        title: format!("Progress report: {name}"),
        reference: progress_reference(e.id, now),
        author: author.to_string(),
        generated_at: now,
        stamp: None,
        blocks,
    }
}

/// The progress report's content for reading in the browser (the printable
/// view): audited as a consult of the enrolment, not a disclosure.
pub async fn progress_view(app: &AppState, actor: &Actor, enrolment_id: i32) -> AppResult<Report> {
    let d = enrolments::detail(app, actor, enrolment_id).await?;
    let facilitators = programmes::cohort(app, actor, d.cohort.id)
        .await?
        .facilitators;
    Ok(progress_content(
        &d,
        &facilitators,
        actor.display_name(),
        app.now(),
    ))
}

/// The progress report of one enrolment (probation; the cohort's
/// facilitators), audited as a disclosure to `recipient` when given.
pub async fn progress_report(
    app: &AppState,
    actor: &Actor,
    enrolment_id: i32,
    recipient: Option<&str>,
) -> AppResult<ReportFile> {
    let recipient = check_recipient(recipient)?;
    let d = enrolments::detail(app, actor, enrolment_id).await?;
    let facilitators = programmes::cohort(app, actor, d.cohort.id)
        .await?
        .facilitators;
    let now = app.now();
    let report = progress_content(&d, &facilitators, actor.display_name(), now);
    let reference = report.reference.clone();
    let bytes = render_pdf(report).await?;
    let mut entry = AuditEntry::new(AuditAction::Disclose)
        .record("progress_report", enrolment_id)
        .person(d.enrolment.person_id)
        .reason(format!("{reference}, generated {}", format_datetime(now)));
    if let Some(r) = recipient {
        entry = entry.recipient(r);
    }
    audit::record_alone(app, actor, now, entry).await?;
    Ok(ReportFile {
        file_name: format!("progress-report-{reference}.pdf"),
        bytes,
    })
}
