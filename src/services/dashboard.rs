//! The dashboard (managers and probation) and the community meeting's view:
//! a period's figures, with no personal data. Each figure is a count made
//! from a few period-bounded queries; the community view hides small
//! numbers (`domain::suppression`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::auth::Actor;
use crate::db::statistics_repo;
use crate::domain::arrest::Disposal;
use crate::domain::attendance::Outcome;
use crate::domain::audit_action::AuditAction;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::london_time::{format_date, from_london, london_date};
use crate::domain::reoffending::{
    DEFAULT_WAITING_DAYS, DEFAULT_WINDOW_DAYS, Figures, IndexKind, LABEL, Question, UNMATCHED_NOTE,
};
use crate::domain::roles::Capability;
use crate::domain::suppression::{Published, publish};
use crate::domain::validation::FieldErrors;
use crate::error::AppResult;
use crate::reports::{Bars, Block, Curves, Report, Table};
use crate::services::audit::{self, AuditEntry};
use crate::services::reports::ReportFile;
use crate::services::{actions, statistics};
use crate::state::AppState;

/// The longest period a dashboard covers (ten years).
pub const MAX_PERIOD_DAYS: i64 = 3_660;

/// A period of whole London days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Check a period: in order, and not longer than ten years.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, FieldErrors> {
        if from > to {
            return Err(FieldErrors::one(
                "to",
                "The end of the period cannot be before its start",
            ));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(FieldErrors::one(
                "from",
                "Choose a period of ten years or less",
            ));
        }
        Ok(Period { from, to })
    }

    /// A period from what was given: the end defaults to `today`, the start
    /// to the first day of the month eleven months before the end (twelve
    /// calendar months in all).
    pub fn or_last_year(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Period, FieldErrors> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| {
            to.with_day(1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(11)))
                .unwrap_or(to)
        });
        Period::new(from, to)
    }

    fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |d: NaiveDate| from_london(d.and_hms_opt(0, 0, 0).unwrap_or_default());
        (midnight(self.from), midnight(self.to + Duration::days(1)))
    }

    /// Its months, "2026-11", in order.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut d = self.from.with_day(1).unwrap_or(self.from);
        while d <= self.to {
            out.push(d.format("%Y-%m").to_string());
            d = d
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(self.to + Duration::days(1));
        }
        out
    }
}

/// One step of the pipeline.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    pub label: &'static str,
    pub men: u64,
    /// Share of the step before it.
    pub conversion: Option<f64>,
}

/// One month's arrests by disposal.
#[derive(Clone, Debug, Serialize)]
pub struct Month {
    pub month: String,
    pub arrests: u64,
    pub by_disposal: Vec<(Disposal, u64)>,
    pub by_area: Vec<(String, u64)>,
}

/// One cohort's attendance in the period.
#[derive(Clone, Debug, Serialize)]
pub struct CohortAttendance {
    pub code: String,
    pub attended: u64,
    pub expected: u64,
    pub rate: Option<f64>,
}

/// The dashboard's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Dashboard {
    pub period: Period,
    pub arrests: u64,
    pub repeat_arrests: u64,
    pub referrals: u64,
    pub assessments: u64,
    pub enrolments: u64,
    pub completions: u64,
    pub open_enforcement: u64,
    pub months: Vec<Month>,
    /// Arrests by area, largest first.
    pub areas: Vec<(String, u64)>,
    pub funnel: Vec<Stage>,
    pub cohorts: Vec<CohortAttendance>,
}

fn in_period(p: &Period, d: NaiveDate) -> bool {
    p.from <= d && d <= p.to
}

/// The dashboard for a period (managers, probation): kept until anything is
/// written (`kept_figures`), since working it out reads every arrest of the
/// period and every assessment and enrolment.
pub async fn dashboard(app: &AppState, actor: &Actor, p: Period) -> AppResult<Dashboard> {
    actor.require(Capability::ViewStatistics)?;
    app.dashboards
        .get_or_work_out(app, p, work_out(app, actor, p))
        .await
}

async fn work_out(app: &AppState, actor: &Actor, p: Period) -> AppResult<Dashboard> {
    let db = &app.db;
    let (start, end) = p.bounds();
    let arrests = statistics_repo::arrests_between(db, start, end).await?;
    let ids: Vec<i32> = arrests.iter().map(|a| a.0).collect();
    let repeats = statistics_repo::re_arrests_among(db, &ids).await?;
    let referrals = statistics_repo::referrals_between(db, start, end).await?;
    let assessed: Vec<(i32, DateTime<Utc>)> = statistics_repo::assessed(db)
        .await?
        .into_iter()
        .filter_map(|(person, _, at)| at.map(|at| (person, at)))
        .collect();
    let enrolments = statistics_repo::enrolments(db).await?;
    let months = p.months();
    let mut by_month: BTreeMap<String, BTreeMap<Disposal, u64>> = months
        .iter()
        .map(|m| (m.clone(), BTreeMap::new()))
        .collect();
    let mut areas: HashMap<String, u64> = HashMap::new();
    let mut area_months: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (_, _, at, area, disposal) in &arrests {
        let month = london_date(*at).format("%Y-%m").to_string();
        *area_months
            .entry(month.clone())
            .or_default()
            .entry(area.clone())
            .or_default() += 1;
        *by_month
            .entry(month)
            .or_default()
            .entry(*disposal)
            .or_default() += 1;
        *areas.entry(area.clone()).or_default() += 1;
    }
    let mut areas: Vec<(String, u64)> = areas.into_iter().collect();
    areas.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // the pipeline: the men arrested in the period, and how far each got
    let arrested: HashSet<i32> = arrests.iter().map(|a| a.1).collect();
    let period_arrests: HashSet<i32> = ids.iter().copied().collect();
    let referred: HashSet<i32> = referrals
        .iter()
        .filter(|(_, arrest)| period_arrests.contains(arrest))
        .map(|(person, _)| *person)
        .collect();
    let assessed_men: HashSet<i32> = assessed.iter().map(|(p, _)| *p).collect();
    let enrolled_men: HashSet<i32> = enrolments
        .iter()
        .filter(|e| e.2 != EnrolmentStatus::WaitingList)
        .map(|e| e.1)
        .collect();
    let completed_men: HashSet<i32> = enrolments
        .iter()
        .filter(|e| e.2 == EnrolmentStatus::Completed)
        .map(|e| e.1)
        .collect();
    let stage_assessed: HashSet<i32> = referred.intersection(&assessed_men).copied().collect();
    let stage_enrolled: HashSet<i32> = stage_assessed
        .intersection(&enrolled_men)
        .copied()
        .collect();
    let stage_completed: BTreeSet<i32> = stage_enrolled
        .intersection(&completed_men)
        .copied()
        .collect();
    let counts = [
        ("Arrested", arrested.len()),
        ("Referred to probation", referred.len()),
        ("Assessed", stage_assessed.len()),
        ("Enrolled on a programme", stage_enrolled.len()),
        ("Completed", stage_completed.len()),
    ];
    let funnel = counts
        .iter()
        .enumerate()
        .map(|(i, (label, men))| Stage {
            label,
            men: *men as u64,
            conversion: i
                .checked_sub(1)
                .and_then(|j| counts.get(j))
                .filter(|(_, before)| *before > 0)
                .map(|(_, before)| *men as f64 / *before as f64),
        })
        .collect();
    let mut cohorts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (_, code, outcome, marks) in statistics_repo::cohort_outcomes(db, start, end).await? {
        let entry = cohorts.entry(code).or_default();
        let marks = marks.max(0) as u64;
        if outcome.attended() {
            entry.0 += marks;
        }
        if Outcome::expected(outcome) {
            entry.1 += marks;
        }
    }
    Ok(Dashboard {
        period: p,
        arrests: arrests.len() as u64,
        repeat_arrests: repeats.len() as u64,
        referrals: referrals.len() as u64,
        assessments: assessed
            .iter()
            .filter(|(_, at)| *at >= start && *at < end)
            .count() as u64,
        enrolments: enrolments
            .iter()
            .filter(|e| e.2 != EnrolmentStatus::WaitingList && e.5 >= start && e.5 < end)
            .count() as u64,
        completions: enrolments
            .iter()
            .filter(|e| e.3.is_some_and(|d| in_period(&p, d)))
            .count() as u64,
        open_enforcement: actions::open_prompts(app, actor).await? as u64,
        months: by_month
            .into_iter()
            .filter(|(m, _)| months.contains(m))
            .map(|(month, d)| Month {
                arrests: d.values().sum(),
                by_disposal: d.into_iter().collect(),
                by_area: area_months
                    .remove(&month)
                    .map(|a| a.into_iter().collect())
                    .unwrap_or_default(),
                month,
            })
            .collect(),
        areas,
        funnel,
        cohorts: cohorts
            .into_iter()
            .map(|(code, (attended, expected))| CohortAttendance {
                code,
                attended,
                expected,
                rate: (expected > 0).then(|| attended as f64 / expected as f64),
            })
            .collect(),
    })
}

/// One measure of the community meeting's view: areas by months, published.
#[derive(Clone, Debug, Serialize)]
pub struct CommunityTable {
    pub measure: &'static str,
    pub areas: Vec<String>,
    pub months: Vec<String>,
    pub published: Published,
}

/// The community meeting's view: arrests, repeat arrests, referrals and
/// completions by area (the arrest's) and month, small numbers hidden
/// (managers, probation).
pub async fn community(app: &AppState, actor: &Actor, p: Period) -> AppResult<Vec<CommunityTable>> {
    actor.require(Capability::ViewStatistics)?;
    let db = &app.db;
    let (start, end) = p.bounds();
    let months = p.months();
    let arrests = statistics_repo::arrests_between(db, start, end).await?;
    let ids: Vec<i32> = arrests.iter().map(|a| a.0).collect();
    let repeats = statistics_repo::re_arrests_among(db, &ids).await?;
    let referrals = statistics_repo::referrals_between(db, start, end).await?;
    let enrolments = statistics_repo::enrolments(db).await?;
    // completions: the area of the arrest that led to the enrolment's referral
    let all_arrests: HashMap<i32, (DateTime<Utc>, String)> = statistics_repo::arrest_areas(db)
        .await?
        .into_iter()
        .map(|(id, at, area)| (id, (at, area)))
        .collect();
    let referral_arrest: HashMap<i32, i32> = statistics_repo::referral_arrests(db)
        .await?
        .into_iter()
        .collect();
    let by_arrest: HashMap<i32, &String> = arrests.iter().map(|a| (a.0, &a.3)).collect();
    let month_of = |at: DateTime<Utc>| london_date(at).format("%Y-%m").to_string();
    let mut tally: BTreeMap<&'static str, HashMap<(String, String), u64>> = BTreeMap::new();
    for (id, _, at, area, _) in &arrests {
        let key = (area.clone(), month_of(*at));
        *tally
            .entry("Arrests")
            .or_default()
            .entry(key.clone())
            .or_default() += 1;
        if repeats.contains(id) {
            *tally
                .entry("Repeat arrests")
                .or_default()
                .entry(key)
                .or_default() += 1;
        }
    }
    for (_, arrest) in &referrals {
        if let (Some(area), Some((at, _))) = (by_arrest.get(arrest), all_arrests.get(arrest)) {
            *tally
                .entry("Referrals to probation")
                .or_default()
                .entry(((*area).clone(), month_of(*at)))
                .or_default() += 1;
        }
    }
    for e in enrolments
        .iter()
        .filter(|e| e.2 == EnrolmentStatus::Completed)
    {
        let (Some(done), Some(referral)) = (e.3, e.4) else {
            continue;
        };
        if !in_period(&p, done) {
            continue;
        }
        if let Some((_, area)) = referral_arrest
            .get(&referral)
            .and_then(|a| all_arrests.get(a))
        {
            *tally
                .entry("Completions")
                .or_default()
                .entry((area.clone(), done.format("%Y-%m").to_string()))
                .or_default() += 1;
        }
    }
    let mut areas: BTreeSet<String> = arrests.iter().map(|a| a.3.clone()).collect();
    for t in tally.values() {
        areas.extend(t.keys().map(|(a, _)| a.clone()));
    }
    let areas: Vec<String> = areas.into_iter().collect();
    Ok([
        "Arrests",
        "Repeat arrests",
        "Referrals to probation",
        "Completions",
    ]
    .into_iter()
    .map(|measure| {
        let t = tally.get(measure);
        let counts: Vec<Vec<u64>> = areas
            .iter()
            .map(|a| {
                months
                    .iter()
                    .map(|m| {
                        t.and_then(|t| t.get(&(a.clone(), m.clone())))
                            .copied()
                            .unwrap_or(0)
                    })
                    .collect()
            })
            .collect();
        CommunityTable {
            measure,
            areas: areas.clone(),
            months: months.clone(),
            published: publish(&counts),
        }
    })
    .collect())
}

/// The disposals that happened in the period, in their usual order (a
/// column for each would not fit a page).
pub fn used_disposals(d: &Dashboard) -> Vec<Disposal> {
    Disposal::ALL
        .iter()
        .copied()
        .filter(|x| {
            d.months
                .iter()
                .any(|m| m.by_disposal.iter().any(|(y, n)| y == x && *n > 0))
        })
        .collect()
}

/// The board report's reference: its period.
pub fn board_reference(p: &Period) -> String {
    format!("BR-{}-{}", p.from.format("%Y%m%d"), p.to.format("%Y%m%d"))
}

fn rate(x: Option<f64>) -> String {
    x.map_or("None expected".into(), |x| format!("{:.0}%", x * 100.0))
}

/// The board report's content: the period's figures and charts, and known
/// reoffending of the men whose programme started in the period. No one
/// is named in it.
pub fn board_content(
    d: &Dashboard,
    reoffending: &Figures,
    author: &str,
    now: DateTime<Utc>,
) -> Report {
    let pairs = |rows: Vec<(&str, String)>| {
        Block::Table(Table {
            header: vec!["Figure".into(), "Count".into()],
            widths: vec![3.0, 1.0],
            rows: rows
                .into_iter()
                .map(|(k, v)| vec![k.to_string(), v])
                .collect(),
        })
    };
    let mut blocks = vec![
        Block::Paragraph(format!(
            "Figures for {} to {}, as recorded in Kerbside on {}. Counts only: no one is named in this report.",
            format_date(d.period.from),
            format_date(d.period.to),
            format_date(london_date(now))
        )),
        Block::Heading("1. The period in figures".into()),
        pairs(vec![
            ("Arrests", d.arrests.to_string()),
            (
                "Repeat arrests (men arrested before)",
                d.repeat_arrests.to_string(),
            ),
            ("Referrals to probation", d.referrals.to_string()),
            ("Assessments completed", d.assessments.to_string()),
            ("Enrolments on a programme", d.enrolments.to_string()),
            ("Programmes completed", d.completions.to_string()),
            (
                "Enforcement decisions waiting on the day of this report",
                d.open_enforcement.to_string(),
            ),
        ]),
        Block::Heading("2. Arrests".into()),
        Block::Bars(Bars {
            title: "Arrests per month".into(),
            rows: d
                .months
                .iter()
                .map(|m| (m.month.clone(), m.arrests as f64, m.arrests.to_string()))
                .collect(),
            max: d.months.iter().map(|m| m.arrests).max().unwrap_or(0) as f64,
        }),
    ];
    let disposals = used_disposals(d);
    let mut header = vec!["Month".to_string()];
    header.extend(disposals.iter().map(|x| x.label().to_string()));
    blocks.push(Block::Table(Table {
        widths: std::iter::once(1.2)
            .chain(disposals.iter().map(|_| 1.0))
            .collect(),
        header,
        rows: d
            .months
            .iter()
            .map(|m| {
                std::iter::once(m.month.clone())
                    .chain(disposals.iter().map(|x| {
                        m.by_disposal
                            .iter()
                            .find(|(y, _)| y == x)
                            .map_or(0, |(_, n)| *n)
                            .to_string()
                    }))
                    .collect()
            })
            .collect(),
    }));
    if !d.areas.is_empty() {
        blocks.push(Block::Table(Table {
            header: vec!["Area".into(), "Arrests".into()],
            widths: vec![3.0, 1.0],
            rows: d
                .areas
                .iter()
                .map(|(a, n)| vec![a.clone(), n.to_string()])
                .collect(),
        }));
    }
    blocks.push(Block::Heading("3. From arrest to completion".into()));
    blocks.push(Block::Bars(Bars {
        title: "Men arrested in the period, by how far they have gone".into(),
        rows: d
            .funnel
            .iter()
            .map(|s| {
                (
                    s.label.to_string(),
                    s.men as f64,
                    match s.conversion {
                        Some(c) => format!("{} ({:.0}%)", s.men, c * 100.0),
                        None => s.men.to_string(),
                    },
                )
            })
            .collect(),
        max: d.funnel.first().map_or(0.0, |s| s.men as f64),
    }));
    blocks.push(Block::Heading("4. Attendance".into()));
    if d.cohorts.is_empty() {
        blocks.push(Block::Paragraph(
            "No session was held in the period.".into(),
        ));
    } else {
        blocks.push(Block::Bars(Bars {
            title: "Sessions attended of those expected, per cohort".into(),
            rows: d
                .cohorts
                .iter()
                .map(|c| (c.code.clone(), c.rate.unwrap_or(0.0), rate(c.rate)))
                .collect(),
            max: 1.0,
        }));
    }
    blocks.push(Block::Heading("5. Known reoffending".into()));
    let q = &reoffending.question;
    blocks.push(Block::Paragraph(format!(
        "{}{}: men whose {} fell in the period, followed for {} days with a waiting period of {} days, as of {}. {}",
        LABEL[..1].to_uppercase(),
        &LABEL[1..],
        q.index.label().to_lowercase(),
        q.window_days,
        q.waiting_days,
        format_date(q.as_of),
        UNMATCHED_NOTE
    )));
    blocks.push(Block::Table(Table {
        header: vec![
            "Group".into(),
            "Men".into(),
            "Eligible".into(),
            "Not yet eligible".into(),
            "Reoffended".into(),
            "Rate (95% interval)".into(),
        ],
        widths: vec![2.2, 0.8, 0.9, 1.0, 1.0, 1.8],
        rows: reoffending
            .groups
            .iter()
            .map(|g| {
                vec![
                    format!(
                        "{}{}",
                        g.group.label(),
                        if g.small { " (under 10)" } else { "" }
                    ),
                    g.cohort_size.to_string(),
                    g.eligible.to_string(),
                    g.excluded_not_yet_eligible.to_string(),
                    g.reoffenders.to_string(),
                    g.rate.map_or("No data".into(), |r| {
                        format!(
                            "{:.0}% ({:.0}% to {:.0}%)",
                            r.rate * 100.0,
                            r.low * 100.0,
                            r.high * 100.0
                        )
                    }),
                ]
            })
            .collect(),
    }));
    blocks.push(Block::Curves(Curves {
        title: "Share of men with a known reoffence, by days since the index date".into(),
        days: q.window_days,
        series: reoffending
            .groups
            .iter()
            .map(|g| {
                (
                    g.group.label().to_string(),
                    g.kaplan_meier
                        .iter()
                        .map(|s| (s.day, 1.0 - s.survival))
                        .collect(),
                )
            })
            .collect(),
    }));
    Report {
        title: format!(
            "Board report: {} to {}",
            format_date(d.period.from),
            format_date(d.period.to)
        ),
        reference: board_reference(&d.period),
        author: author.to_string(),
        generated_at: now,
        stamp: None,
        blocks,
    }
}

/// The board report (managers, probation): its content, for the printable
/// page.
pub async fn board_report(app: &AppState, actor: &Actor, p: Period) -> AppResult<Report> {
    let now = app.now();
    let q = Question {
        index: IndexKind::ProgrammeStart,
        from: p.from,
        to: p.to,
        window_days: DEFAULT_WINDOW_DAYS,
        waiting_days: DEFAULT_WAITING_DAYS,
        as_of: london_date(now),
    };
    // the two sets of figures read different tables: read them side by side
    let (d, figures) = tokio::try_join!(
        dashboard(app, actor, p),
        statistics::reoffending(app, actor, &q)
    )?;
    Ok(board_content(&d, &figures, actor.display_name(), now))
}

/// The board report as a PDF, its download audited as a disclosure (it
/// names no one, but it leaves the building marked OFFICIAL-SENSITIVE).
pub async fn board_report_pdf(app: &AppState, actor: &Actor, p: Period) -> AppResult<ReportFile> {
    let report = board_report(app, actor, p).await?;
    let reference = report.reference.clone();
    let bytes = crate::services::reports::render_pdf(report).await?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Disclose)
            .record("board_report", &reference)
            .reason(format!("{reference}: figures only, no one named")),
    )
    .await?;
    Ok(ReportFile {
        file_name: format!("board-report-{reference}.pdf"),
        bytes,
    })
}
