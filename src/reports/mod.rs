//! Reports as PDF. What a report says ([`Report`]: headings, paragraphs,
//! tables) is assembled by the services from the data, and can be tested as
//! data; how it is drawn on A4 pages is [`layout::render`]'s alone.
//!
//! Every page carries the OFFICIAL-SENSITIVE marking top and bottom, the
//! report's reference, when it was generated (London time) and "Page X of
//! Y"; a draft is stamped DRAFT on every page. The text is set in DejaVu
//! Sans, embedded, so any Latin, Greek or Cyrillic name prints.

pub mod court_report;
pub mod layout;
pub mod subject_access;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A report's content, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The document's title (also its PDF title).
    pub title: String,
    /// The report's reference, printed on every page and used for the file
    /// name (never the man's name).
    pub reference: String,
    /// Who generated it (the PDF's author).
    pub author: String,
    pub generated_at: DateTime<Utc>,
    /// A word stamped across every page (DRAFT, SUPERSEDED), if any.
    pub stamp: Option<Stamp>,
    pub blocks: Vec<Block>,
}

/// One piece of a report, in reading order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// A section heading (kept with what follows it).
    Heading(String),
    /// A paragraph, wrapped to the page width.
    Paragraph(String),
    /// A table whose header repeats on each page; a row is never split.
    Table(Table),
    /// Horizontal bars drawn as vector graphics, kept whole on one page.
    Bars(Bars),
    /// Step lines of a share over days (Kaplan-Meier curves), kept whole.
    Curves(Curves),
    /// Start a new page.
    PageBreak,
}

/// A bar chart: a title, and one bar per row (label, value, what the value
/// says in words at the bar's end); `max` is the full length.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bars {
    pub title: String,
    pub rows: Vec<(String, f64, String)>,
    pub max: f64,
}

/// A table: column headings, each column's share of the width, and rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub header: Vec<String>,
    /// Relative widths (any positive numbers; they are scaled to the page).
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

/// Step lines: each series is (day, share from 0 to 1) points, the share
/// holding until the next point; `days` is the width of the x axis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    pub title: String,
    pub days: i64,
    pub series: Vec<(String, Vec<(i64, f64)>)>,
}

/// The word stamped across every page of a report that is not final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stamp {
    /// Not yet submitted: it may still change.
    Draft,
    /// Replaced by a later version: not to be relied on.
    Superseded,
}

impl Stamp {
    /// The word printed.
    pub fn word(self) -> &'static str {
        match self {
            Stamp::Draft => "DRAFT",
            Stamp::Superseded => "SUPERSEDED",
        }
    }
}
