//! Drawing a [`Report`] on A4 pages with printpdf 0.12 (no `html` feature):
//! text is measured with the embedded font's own glyph widths and wrapped
//! greedily by words; a table's header is drawn again at the top of each page
//! it continues on, and a row that does not fit moves whole to the next page;
//! the header and footer go on last, when the number of pages is known.
//!
//! Coordinates are PDF points from the bottom-left corner.

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem,
    WindingOrder,
};

use super::{Bars, Block, Curves, Report, Table};
use crate::domain::london_time::format_datetime;

/// A4 width and height in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// Left and right margins (20 mm).
pub const MARGIN: f32 = 56.7;
/// The body's top and bottom edges: the header and footer sit outside them.
pub const BODY_TOP: f32 = PAGE_HEIGHT - 85.0;
pub const BODY_BOTTOM: f32 = 75.0;
/// Type sizes, in points.
pub const BODY_SIZE: f32 = 10.5;
pub const HEADING_SIZE: f32 = 14.0;
pub const TITLE_SIZE: f32 = 18.0;
pub const TABLE_SIZE: f32 = 9.5;
pub const MARKING_SIZE: f32 = 9.0;
pub const STAMP_SIZE: f32 = 110.0;
/// Line height as a multiple of the type size.
pub const LEADING: f32 = 1.35;
/// Padding inside a table cell.
pub const CELL_PADDING: f32 = 4.0;
/// The protective marking on every page.
pub const MARKING: &str = "OFFICIAL-SENSITIVE";

/// A font embedded in the document, with its measurements.
struct Face {
    id: FontId,
    parsed: ParsedFont,
}

impl Face {
    fn load(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| "the report font could not be read".to_string())?;
        let id = doc.add_font(&parsed);
        Ok(Face { id, parsed })
    }

    /// The width of `text` set at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let upm = f32::from(self.parsed.units_per_em.max(1));
        let units: f32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .and_then(|g| self.parsed.get_glyph_width(g))
                    .map_or(upm / 2.0, f32::from)
            })
            .sum();
        units / upm * size
    }

    /// `text` broken into lines no wider than `width` (a word longer than the
    /// line is broken between characters). Newlines in the text are kept.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    let longer = format!("{line}{c}");
                    if !line.is_empty() && self.width(&longer, size) > width {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// Text at a point.
fn text(ops: &mut Vec<Op>, face: &Face, size: f32, x: f32, y: f32, s: &str) {
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(face.id.clone()),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        },
        Op::ShowText {
            items: vec![TextItem::Text(s.to_string())],
        },
        Op::EndTextSection,
    ]);
}

/// A horizontal rule.
fn rule(ops: &mut Vec<Op>, x1: f32, x2: f32, y: f32) {
    ops.extend([
        Op::SetOutlineColor {
            col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
        },
        Op::SetOutlineThickness { pt: Pt(0.5) },
        Op::DrawLine {
            line: Line {
                is_closed: false,
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                ],
            },
        },
    ]);
}

/// A colour as red, green and blue from 0 to 1.
type Rgb3 = (f32, f32, f32);

/// A filled rectangle from its bottom-left corner.
fn filled(ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32, rgb: Rgb3) {
    let corner = |x: f32, y: f32| LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    };
    ops.extend([
        Op::SetFillColor {
            col: Color::Rgb(Rgb::new(rgb.0, rgb.1, rgb.2, None)),
        },
        Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: vec![
                        corner(x, y),
                        corner(x + w, y),
                        corner(x + w, y + h),
                        corner(x, y + h),
                    ],
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        },
        Op::SetFillColor {
            col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
        },
    ]);
}

/// The bars' colour (GOV.UK blue).
const BAR_RGB: Rgb3 = (0.114, 0.439, 0.722);
/// A bar's row height, and the share of the width its label takes.
const BAR_ROW: f32 = 18.0;
const BAR_LABEL_SHARE: f32 = 0.34;

/// A line through `points`, in a colour, solid or dashed.
fn polyline(ops: &mut Vec<Op>, points: &[(f32, f32)], rgb: Rgb3, dash: &[f32]) {
    ops.extend([
        Op::SetOutlineColor {
            col: Color::Rgb(Rgb::new(rgb.0, rgb.1, rgb.2, None)),
        },
        Op::SetOutlineThickness { pt: Pt(1.5) },
        Op::SetLineDashPattern {
            dash: LineDashPattern::new(0.0, dash),
        },
        Op::DrawLine {
            line: Line {
                is_closed: false,
                points: points
                    .iter()
                    .map(|(x, y)| LinePoint {
                        p: Point {
                            x: Pt(*x),
                            y: Pt(*y),
                        },
                        bezier: false,
                    })
                    .collect(),
            },
        },
        Op::SetLineDashPattern {
            dash: LineDashPattern::solid(),
        },
    ]);
}

/// The curves' colours and dashes (blue solid, orange dashed, green dotted),
/// so that they can be told apart on a black-and-white printout too.
const CURVE_STYLES: [(Rgb3, &[f32]); 3] = [
    ((0.114, 0.439, 0.722), &[]),
    ((0.698, 0.302, 0.0), &[6.0, 3.0]),
    ((0.0, 0.439, 0.235), &[1.5, 2.5]),
];
/// A curve chart's plot height.
const CURVE_HEIGHT: f32 = 150.0;

/// The pages being filled, and where the next line goes.
struct Pages<'a> {
    regular: &'a Face,
    bold: &'a Face,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages<'_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Make room for `height` points, on a new page if need be.
    fn room(&mut self, height: f32) {
        if self.pages.is_empty() || (self.y - height < BODY_BOTTOM && self.y < BODY_TOP) {
            self.new_page();
        }
    }

    fn heading(&mut self, s: &str) {
        self.heading_at(s, HEADING_SIZE);
    }

    fn heading_at(&mut self, s: &str, size: f32) {
        let line = size * LEADING;
        let lines = self.bold.wrap(s, size, PAGE_WIDTH - 2.0 * MARGIN);
        // a heading is kept with at least two lines of what follows
        self.room(line * lines.len() as f32 + 6.0 + 2.0 * BODY_SIZE * LEADING);
        self.y -= 6.0;
        for l in lines {
            self.y -= line;
            let (bold, y) = (self.bold, self.y);
            text(self.ops(), bold, size, MARGIN, y, &l);
        }
        self.y -= 4.0;
    }

    fn paragraph(&mut self, s: &str) {
        let line = BODY_SIZE * LEADING;
        for l in self.regular.wrap(s, BODY_SIZE, PAGE_WIDTH - 2.0 * MARGIN) {
            self.room(line);
            self.y -= line;
            let (regular, y) = (self.regular, self.y);
            text(self.ops(), regular, BODY_SIZE, MARGIN, y, &l);
        }
        self.y -= BODY_SIZE * 0.6;
    }

    fn bars(&mut self, b: &Bars) {
        let title = HEADING_SIZE * 0.8 * LEADING;
        self.room(title + BAR_ROW * b.rows.len() as f32 + BODY_SIZE);
        self.y -= title;
        let (bold, regular, y) = (self.bold, self.regular, self.y);
        text(self.ops(), bold, BODY_SIZE, MARGIN, y, &b.title);
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        let label_w = width * BAR_LABEL_SHARE;
        let room = width - label_w - 110.0;
        for (label, value, said) in &b.rows {
            self.y -= BAR_ROW;
            let y = self.y;
            let w = if b.max > 0.0 {
                room * (*value / b.max).clamp(0.0, 1.0) as f32
            } else {
                0.0
            };
            let label = regular
                .wrap(label, TABLE_SIZE, label_w - 8.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            let ops = self.ops();
            text(ops, regular, TABLE_SIZE, MARGIN, y + 4.0, &label);
            filled(
                ops,
                MARGIN + label_w,
                y + 2.0,
                w.max(0.5),
                BAR_ROW - 5.0,
                BAR_RGB,
            );
            text(
                ops,
                regular,
                TABLE_SIZE,
                MARGIN + label_w + w + 5.0,
                y + 4.0,
                said,
            );
        }
        self.y -= BODY_SIZE;
    }

    fn curves(&mut self, c: &Curves) {
        let title = HEADING_SIZE * 0.8 * LEADING;
        let legend = TABLE_SIZE * LEADING * c.series.len() as f32;
        self.room(title + CURVE_HEIGHT + 40.0 + legend);
        self.y -= title;
        let (bold, regular, top) = (self.bold, self.regular, self.y);
        text(self.ops(), bold, BODY_SIZE, MARGIN, top, &c.title);
        let (left, right) = (MARGIN + 34.0, PAGE_WIDTH - MARGIN);
        let bottom = top - 10.0 - CURVE_HEIGHT;
        let days = c.days.max(1) as f32;
        let x = |d: i64| left + (right - left) * (d as f32 / days).clamp(0.0, 1.0);
        let y = |share: f64| bottom + CURVE_HEIGHT * share.clamp(0.0, 1.0) as f32;
        let ops = self.ops();
        for i in 0..=4 {
            let share = i as f64 / 4.0;
            rule(ops, left, right, y(share));
            text(
                ops,
                regular,
                TABLE_SIZE,
                MARGIN,
                y(share) - 3.0,
                &format!("{}%", i * 25),
            );
        }
        for i in 0..=4 {
            let d = (days * i as f32 / 4.0).round() as i64;
            text(
                ops,
                regular,
                TABLE_SIZE,
                x(d) - 6.0,
                bottom - 14.0,
                &d.to_string(),
            );
        }
        text(
            ops,
            regular,
            TABLE_SIZE,
            left,
            bottom - 28.0,
            "Days since the index date; share with a known reoffence",
        );
        for (k, (label, points)) in c.series.iter().enumerate() {
            let (rgb, dash) = CURVE_STYLES[k % CURVE_STYLES.len()];
            let mut line = vec![(x(0), y(0.0))];
            let mut level = 0.0;
            for (d, share) in points {
                line.push((x(*d), y(level)));
                line.push((x(*d), y(*share)));
                level = *share;
            }
            line.push((x(c.days), y(level)));
            polyline(ops, &line, rgb, dash);
            let ly = bottom - 44.0 - TABLE_SIZE * LEADING * k as f32;
            polyline(ops, &[(left, ly + 3.0), (left + 24.0, ly + 3.0)], rgb, dash);
            text(ops, regular, TABLE_SIZE, left + 30.0, ly, label);
        }
        self.y = bottom - 44.0 - legend - BODY_SIZE;
    }

    fn row(&mut self, cells: &[Vec<String>], xs: &[f32], face: &Face) -> f32 {
        let line = TABLE_SIZE * LEADING;
        let height =
            cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * CELL_PADDING;
        let top = self.y;
        for (lines, x) in cells.iter().zip(xs) {
            for (i, l) in lines.iter().enumerate() {
                let y = top - CELL_PADDING - (i as f32 + 1.0) * line + 2.0;
                text(self.ops(), face, TABLE_SIZE, x + CELL_PADDING, y, l);
            }
        }
        self.y -= height;
        let y = self.y;
        rule(self.ops(), MARGIN, PAGE_WIDTH - MARGIN, y);
        height
    }

    fn table(&mut self, t: &Table) {
        let width = PAGE_WIDTH - 2.0 * MARGIN;
        let total: f32 = t
            .widths
            .iter()
            .filter(|w| **w > 0.0)
            .sum::<f32>()
            .max(f32::EPSILON);
        let columns = t.header.len().max(1);
        let shares: Vec<f32> = (0..columns)
            .map(|i| {
                t.widths
                    .get(i)
                    .copied()
                    .filter(|w| *w > 0.0)
                    .unwrap_or(total / columns as f32)
                    / total
            })
            .collect();
        let mut xs = Vec::new();
        let mut x = MARGIN;
        for share in &shares {
            xs.push(x);
            x += share * width;
        }
        let wrap = |face: &Face, cells: &[String]| -> Vec<Vec<String>> {
            (0..columns)
                .map(|i| {
                    let inner = shares[i] * width - 2.0 * CELL_PADDING;
                    face.wrap(cells.get(i).map_or("", String::as_str), TABLE_SIZE, inner)
                })
                .collect()
        };
        let header = wrap(self.bold, &t.header);
        let line = TABLE_SIZE * LEADING;
        let header_height =
            header.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * CELL_PADDING;
        let bold = self.bold;
        let regular = self.regular;
        let draw_header = |pages: &mut Pages<'_>| {
            let y = pages.y;
            rule(pages.ops(), MARGIN, PAGE_WIDTH - MARGIN, y);
            pages.row(&header, &xs, bold);
        };
        let rows: Vec<Vec<Vec<String>>> = t.rows.iter().map(|r| wrap(regular, r)).collect();
        let first = rows.first().map_or(0.0, |r| {
            r.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * CELL_PADDING
        });
        self.room(header_height + first);
        draw_header(self);
        for r in &rows {
            let height =
                r.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * CELL_PADDING;
            if self.y - height < BODY_BOTTOM {
                self.new_page();
                draw_header(self);
            }
            self.row(r, &xs, regular);
        }
        self.y -= BODY_SIZE;
    }
}

/// Draw the report; the PDF's bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    let mut doc = PdfDocument::new(&report.title);
    let regular = Face::load(&mut doc, dejavu::sans::regular())?;
    let bold = Face::load(&mut doc, dejavu::sans::bold())?;
    let mut pages = Pages {
        regular: &regular,
        bold: &bold,
        pages: Vec::new(),
        y: BODY_TOP,
    };
    // the title opens the first page
    pages.heading_at(&report.title, TITLE_SIZE);
    for block in &report.blocks {
        match block {
            Block::Heading(s) => pages.heading(s),
            Block::Paragraph(s) => pages.paragraph(s),
            Block::Table(t) => pages.table(t),
            Block::Bars(b) => pages.bars(b),
            Block::Curves(c) => pages.curves(c),
            Block::PageBreak => pages.new_page(),
        }
    }
    let mut bodies = pages.pages;
    if bodies.is_empty() {
        bodies.push(Vec::new());
    }
    let count = bodies.len();
    let generated = format!(
        "Generated {} (London time)",
        format_datetime(report.generated_at)
    );
    let mut finished = Vec::with_capacity(count);
    for (i, mut ops) in bodies.into_iter().enumerate() {
        let mut page = Vec::new();
        if let Some(stamp) = report.stamp {
            // under everything else, in light grey, shrunk to fit the page
            page.push(Op::SetFillColor {
                col: Color::Rgb(Rgb::new(0.85, 0.85, 0.85, None)),
            });
            let word = stamp.word();
            let room = PAGE_WIDTH - 2.0 * MARGIN;
            let size = STAMP_SIZE.min(STAMP_SIZE * room / bold.width(word, STAMP_SIZE));
            let w = bold.width(word, size);
            text(
                &mut page,
                &bold,
                size,
                (PAGE_WIDTH - w) / 2.0,
                PAGE_HEIGHT / 2.0 - size / 3.0,
                word,
            );
            page.push(Op::SetFillColor {
                col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
            });
        }
        page.append(&mut ops);
        let centre = |s: &str| (PAGE_WIDTH - bold.width(s, MARKING_SIZE)) / 2.0;
        text(
            &mut page,
            &bold,
            MARKING_SIZE,
            centre(MARKING),
            PAGE_HEIGHT - 30.0,
            MARKING,
        );
        text(
            &mut page,
            &regular,
            MARKING_SIZE,
            MARGIN,
            PAGE_HEIGHT - 50.0,
            &report.reference,
        );
        let right = |s: &str| PAGE_WIDTH - MARGIN - regular.width(s, MARKING_SIZE);
        text(
            &mut page,
            &regular,
            MARKING_SIZE,
            right(&generated),
            PAGE_HEIGHT - 50.0,
            &generated,
        );
        rule(&mut page, MARGIN, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 58.0);
        rule(&mut page, MARGIN, PAGE_WIDTH - MARGIN, 55.0);
        let numbering = format!("Page {} of {count}", i + 1);
        text(
            &mut page,
            &regular,
            MARKING_SIZE,
            MARGIN,
            42.0,
            &report.reference,
        );
        text(
            &mut page,
            &regular,
            MARKING_SIZE,
            right(&numbering),
            42.0,
            &numbering,
        );
        text(
            &mut page,
            &bold,
            MARKING_SIZE,
            centre(MARKING),
            24.0,
            MARKING,
        );
        finished.push(PdfPage::new(Mm(210.0), Mm(297.0), page));
    }
    doc.metadata.info.author = report.author.clone();
    doc.metadata.info.creator = "Kerbside".into();
    doc.metadata.info.subject = MARKING.into();
    if let Ok(at) = printpdf::OffsetDateTime::from_unix_timestamp(report.generated_at.timestamp()) {
        doc.metadata.info.creation_date = at;
        doc.metadata.info.modification_date = at;
    }
    let mut warnings = Vec::new();
    Ok(doc
        .with_pages(finished)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
