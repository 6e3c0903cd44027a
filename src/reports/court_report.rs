//! What a court report says (../shared/domain/reports.md, "Court report"),
//! as data: [`content`] turns the facts Kerbside holds and the officer's
//! written part into the eight sections, in order. Nothing here reads the
//! database or the clock, so the content is tested without a PDF.
//!
//! Domestic abuse is put in a form fit for court: whether he is known to
//! MARAC, the number of police call-outs recorded, and the concerns the
//! assessment wrote "in words fit for a court report". The DASH answers,
//! the needs notes and the suitability rationale are never printed.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Block, Report, Stamp, Table};
use crate::domain::court_report::{Sections, WrittenPart};
use crate::domain::london_time::format_date;
use crate::domain::ogrs3::Ogrs3Result;
use crate::domain::rosh::{RoshGroup, RoshRatings};

/// The man, as the court knows him.
#[derive(Clone, Debug)]
pub struct Defendant {
    pub name: String,
    pub date_of_birth: NaiveDate,
    /// Address and postcode, or empty when none is recorded.
    pub address: String,
    pub reference: String,
    pub pnc_id: Option<String>,
}

/// One arrest, as the report tells it.
#[derive(Clone, Debug)]
pub struct ArrestFacts {
    pub date: NaiveDate,
    /// "22:40": London time.
    pub time: String,
    pub location: String,
    pub offence: String,
    pub disposal: String,
    pub vehicle: Option<String>,
}

/// The latest completed assessment's findings that a court may read.
#[derive(Clone, Debug)]
pub struct RiskFacts {
    pub completed_on: NaiveDate,
    pub ogrs3: Option<Ogrs3Result>,
    /// The number of sanctions counted for OGRS3, when given.
    pub sanctions: Option<i64>,
    pub rosh: Option<RoshRatings>,
    pub known_to_marac: Option<bool>,
    pub marac_date: Option<NaiveDate>,
    pub police_callouts: Option<u32>,
    /// The assessment's domestic-abuse concerns, written for court.
    pub concerns: Option<String>,
    /// The suitability decision's label.
    pub suitability: Option<String>,
}

/// His programme so far, when he is enrolled.
#[derive(Clone, Debug)]
pub struct AttendanceFacts {
    pub programme: String,
    pub cohort: String,
    pub status: String,
    pub held: u32,
    pub attended: u32,
    pub acceptable_absences: u32,
    pub unacceptable_absences: u32,
    pub sessions_remaining: u32,
    /// Enforcement decisions: date, decision, note.
    pub enforcement: Vec<(NaiveDate, String, String)>,
}

/// The version a correction replaces.
#[derive(Clone, Debug)]
pub struct Replaced {
    pub reference: String,
    pub submitted_on: Option<NaiveDate>,
}

/// Everything a court report is made from.
#[derive(Clone, Debug)]
pub struct CourtFacts {
    pub reference: String,
    pub defendant: Defendant,
    pub court: String,
    pub hearing_date: NaiveDate,
    pub arrest: ArrestFacts,
    /// His other arrests in Kerbside, before this one, newest first.
    pub previous_arrests: Vec<ArrestFacts>,
    /// His arrests since this one, newest first.
    pub later_arrests: Vec<ArrestFacts>,
    pub risk: Option<RiskFacts>,
    pub attendance: Option<AttendanceFacts>,
    pub written: WrittenPart,
    pub author: String,
    pub submitted_on: Option<NaiveDate>,
    pub replaces: Option<Replaced>,
    pub generated_at: DateTime<Utc>,
}

/// What stands in for a section the officer has not written yet.
pub const NOT_WRITTEN: &str = "[Not yet written]";

fn pairs(rows: Vec<(&str, String)>) -> Block {
    Block::Table(Table {
        header: vec!["Item".into(), "Detail".into()],
        widths: vec![1.0, 2.2],
        rows: rows
            .into_iter()
            .map(|(k, v)| vec![k.to_string(), v])
            .collect(),
    })
}

fn written(text: &str) -> Vec<Block> {
    let paragraphs: Vec<Block> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph(p.to_string()))
        .collect();
    if paragraphs.is_empty() {
        vec![Block::Paragraph(NOT_WRITTEN.into())]
    } else {
        paragraphs
    }
}

fn arrest_line(a: &ArrestFacts) -> String {
    let vehicle = a
        .vehicle
        .as_deref()
        .map(|v| format!(", in vehicle {v}"))
        .unwrap_or_default();
    format!(
        "{} at {}, {}{}: {}. Disposal: {}.",
        format_date(a.date),
        a.time,
        a.location,
        vehicle,
        a.offence,
        a.disposal
    )
}

fn arrests_table(arrests: &[ArrestFacts]) -> Block {
    Block::Table(Table {
        header: vec![
            "Date".into(),
            "Offence".into(),
            "Place".into(),
            "Disposal".into(),
        ],
        widths: vec![1.2, 1.8, 1.8, 1.6],
        rows: arrests
            .iter()
            .map(|a| {
                vec![
                    format_date(a.date),
                    a.offence.clone(),
                    a.location.clone(),
                    a.disposal.clone(),
                ]
            })
            .collect(),
    })
}

fn sources(f: &CourtFacts) -> Block {
    let mut rows = vec![(
        "Police arrest record",
        format!("Arrest of {}", format_date(f.arrest.date)),
    )];
    rows.push((
        "Previous arrests",
        format!(
            "Kerbside's records, checked {}",
            format_date(crate::domain::london_time::london_date(f.generated_at))
        ),
    ));
    if let Some(r) = &f.risk {
        rows.push((
            "Risk assessment",
            format!("Completed {}", format_date(r.completed_on)),
        ));
        if let Some(n) = r.sanctions {
            rows.push((
                "Previous convictions",
                format!("{n} sanctions counted for OGRS3, as at the assessment"),
            ));
        }
        rows.push((
            "Domestic-abuse checks",
            format!("As at the assessment of {}", format_date(r.completed_on)),
        ));
        if r.known_to_marac == Some(true) {
            rows.push((
                "MARAC",
                r.marac_date
                    .map(|d| format!("Discussed at MARAC on {}", format_date(d)))
                    .unwrap_or_else(|| "Known to MARAC (date not recorded)".into()),
            ));
        }
    }
    if let Some(d) = f.written.interview_date {
        rows.push(("Interview", format!("Interviewed on {}", format_date(d))));
    }
    let other = f.written.other_sources.trim();
    if !other.is_empty() {
        rows.push(("Other", other.to_string()));
    }
    Block::Table(Table {
        header: vec!["Source".into(), "Detail and date".into()],
        widths: vec![1.0, 2.2],
        rows: rows
            .into_iter()
            .map(|(k, v)| vec![k.to_string(), v])
            .collect(),
    })
}

fn risk(f: &CourtFacts) -> Vec<Block> {
    let Some(r) = &f.risk else {
        return vec![Block::Paragraph(
            "No completed risk assessment is recorded for him: likelihood of reoffending and risk of serious harm have not been assessed."
                .into(),
        )];
    };
    let mut blocks = vec![Block::Paragraph(match &r.ogrs3 {
        Some(o) => {
            let mut s = format!(
                "Likelihood of reoffending: {}: {}% within one year and {}% within two years ({} band), from the assessment completed {}.",
                o.label,
                o.one_year_percent,
                o.two_year_percent,
                o.band.label().to_lowercase(),
                format_date(r.completed_on)
            );
            for note in &o.notes {
                s.push_str(&format!(" Note: {note}."));
            }
            s.push_str(" OGRS3 is a statistical estimate for a group of offenders like him, not a prediction for him alone.");
            s
        }
        None => "Likelihood of reoffending: no OGRS3 score was recorded in the assessment.".into(),
    })];
    if let Some(rosh) = &r.rosh {
        let mut rows: Vec<Vec<String>> = RoshGroup::ALL
            .iter()
            .map(|g| vec![g.label().to_string(), rosh.get(*g).label().to_string()])
            .collect();
        rows.push(vec!["Overall".into(), rosh.overall().label().to_string()]);
        blocks.push(Block::Paragraph("Risk of serious harm, by group:".into()));
        blocks.push(Block::Table(Table {
            header: vec!["Group".into(), "Risk of serious harm".into()],
            widths: vec![1.5, 1.5],
            rows,
        }));
    }
    let marac = match (r.known_to_marac, r.marac_date) {
        (Some(true), Some(d)) => format!("He is known to MARAC (discussed {}).", format_date(d)),
        (Some(true), None) => "He is known to MARAC.".into(),
        (Some(false), _) => "He is not known to MARAC.".into(),
        (None, _) => "Whether he is known to MARAC was not recorded.".into(),
    };
    let callouts = match r.police_callouts {
        Some(0) => " No police call-outs for domestic abuse are recorded.".to_string(),
        Some(1) => " One police call-out for domestic abuse is recorded.".to_string(),
        Some(n) => format!(" {n} police call-outs for domestic abuse are recorded."),
        None => String::new(),
    };
    blocks.push(Block::Paragraph(format!(
        "Domestic abuse: {marac}{callouts}"
    )));
    if let Some(c) = r
        .concerns
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        blocks.push(Block::Paragraph(format!(
            "Concerns recorded in the assessment: {c}"
        )));
    }
    blocks.push(Block::Paragraph("Commentary:".into()));
    blocks.extend(written(&f.written.sections.risk_commentary));
    blocks
}

fn programme(f: &CourtFacts) -> Vec<Block> {
    let mut blocks = Vec::new();
    if let Some(s) = f.risk.as_ref().and_then(|r| r.suitability.as_deref()) {
        blocks.push(Block::Paragraph(format!(
            "Suitability for the awareness programme: {s}."
        )));
    }
    match &f.attendance {
        None => blocks.push(Block::Paragraph(
            "He is not enrolled on a programme.".into(),
        )),
        Some(a) => {
            blocks.push(pairs(vec![
                ("Programme", a.programme.clone()),
                ("Cohort", a.cohort.clone()),
                ("Status", a.status.clone()),
                ("Sessions held", a.held.to_string()),
                ("Attended", a.attended.to_string()),
                ("Acceptable absences", a.acceptable_absences.to_string()),
                ("Unacceptable absences", a.unacceptable_absences.to_string()),
                (
                    "Sessions still to complete",
                    a.sessions_remaining.to_string(),
                ),
            ]));
            if a.enforcement.is_empty() {
                blocks.push(Block::Paragraph(
                    "No enforcement action has been taken.".into(),
                ));
            } else {
                blocks.push(Block::Table(Table {
                    header: vec!["Date".into(), "Enforcement".into(), "Note".into()],
                    widths: vec![1.2, 1.4, 3.6],
                    rows: a
                        .enforcement
                        .iter()
                        .map(|(d, what, note)| vec![format_date(*d), what.clone(), note.clone()])
                        .collect(),
                }));
            }
        }
    }
    blocks
}

/// The court report, section by section. A draft (no `submitted_on`) is
/// stamped DRAFT.
pub fn content(f: &CourtFacts) -> Report {
    let d = &f.defendant;
    let sections: &Sections = &f.written.sections;
    let mut blocks = Vec::new();
    if let Some(r) = &f.replaces {
        blocks.push(Block::Paragraph(format!(
            "This version corrects and replaces {}{}.",
            r.reference,
            r.submitted_on
                .map(|d| format!(", submitted {}", format_date(d)))
                .unwrap_or_default()
        )));
    }
    blocks.push(Block::Heading("1. Defendant details".into()));
    blocks.push(pairs(vec![
        ("Name", d.name.clone()),
        ("Date of birth", format_date(d.date_of_birth)),
        (
            "Address",
            if d.address.is_empty() {
                "Not recorded".into()
            } else {
                d.address.clone()
            },
        ),
        ("Kerbside reference", d.reference.clone()),
        (
            "PNC ID",
            d.pnc_id.clone().unwrap_or_else(|| "Not recorded".into()),
        ),
        ("Court", f.court.clone()),
        ("Hearing date", format_date(f.hearing_date)),
        ("Offence", f.arrest.offence.clone()),
    ]));
    blocks.push(Block::Heading("2. Sources of information".into()));
    blocks.push(sources(f));
    blocks.push(Block::Heading("3. Offence analysis".into()));
    blocks.push(Block::Paragraph(format!(
        "The current offence: {}",
        arrest_line(&f.arrest)
    )));
    blocks.extend(written(&sections.offence_analysis));
    if f.previous_arrests.is_empty() {
        blocks.push(Block::Paragraph(
            "Pattern of offending: no earlier arrest is recorded in Kerbside.".into(),
        ));
    } else {
        blocks.push(Block::Paragraph(format!(
            "Pattern of offending: {} earlier arrest{} recorded in Kerbside:",
            f.previous_arrests.len(),
            if f.previous_arrests.len() == 1 {
                ""
            } else {
                "s"
            }
        )));
        blocks.push(arrests_table(&f.previous_arrests));
    }
    if !f.later_arrests.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Arrested again since this offence: {} time{}:",
            f.later_arrests.len(),
            if f.later_arrests.len() == 1 { "" } else { "s" }
        )));
        blocks.push(arrests_table(&f.later_arrests));
    }
    blocks.push(Block::Heading("4. Assessment of the defendant".into()));
    blocks.extend(written(&sections.defendant_assessment));
    blocks.push(Block::Heading("5. Risk analysis".into()));
    blocks.extend(risk(f));
    blocks.push(Block::Heading(
        "6. Programme suitability and attendance so far".into(),
    ));
    blocks.extend(programme(f));
    blocks.push(Block::Heading("7. Sentencing proposal".into()));
    blocks.extend(written(&sections.proposal));
    blocks.push(Block::Heading("8. Completion details".into()));
    blocks.push(pairs(vec![
        ("Author", f.author.clone()),
        ("Role", "Probation officer".into()),
        (
            "Date submitted",
            f.submitted_on
                .map(format_date)
                .unwrap_or_else(|| "Not submitted: this is a draft".into()),
        ),
    ]));
    Report {
        title: format!("Court report: {}", d.name),
        reference: f.reference.clone(),
        author: f.author.clone(),
        generated_at: f.generated_at,
        stamp: f.submitted_on.is_none().then_some(Stamp::Draft),
        blocks,
    }
}

/// A submitted report as it stands once a correction has replaced it: the
/// same content, stamped SUPERSEDED and saying which version replaced it.
pub fn superseded(mut report: Report, by: &str) -> Report {
    report.stamp = Some(Stamp::Superseded);
    report.blocks.insert(
        0,
        Block::Paragraph(format!(
            "This version has been replaced by {by}: do not rely on it."
        )),
    );
    report
}

#[cfg(test)]
#[path = "court_report_tests.rs"]
mod tests;
