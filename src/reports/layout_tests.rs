use chrono::{DateTime, Utc};
use printpdf::{PdfDocument, PdfParseOptions};

use super::*;
use crate::reports::{Bars, Block, Curves, Report, Stamp, Table};

fn report(stamp: Option<Stamp>, rows: usize) -> Report {
    Report {
        title: "Progress report".into(),
        reference: "PR-2026-0001".into(),
        author: "Priya Marsh".into(),
        generated_at: DateTime::parse_from_rfc3339("2026-12-05T07:30:00Z")
            .expect("time")
            .with_timezone(&Utc),
        stamp,
        blocks: vec![
            Block::Heading("Attendance".into()),
            Block::Paragraph(
                "Łukasz Wiśniewski, Δημήτρης Παπαδόπουλος and Дмитрий Иванов attended. ".repeat(12),
            ),
            Block::Table(Table {
                header: vec!["Session".into(), "Date".into(), "Outcome".into()],
                widths: vec![1.0, 1.0, 2.0],
                rows: (1..=rows)
                    .map(|n| {
                        vec![
                            format!("Session {n}"),
                            "7 December 2026".into(),
                            "Attended and complied".into(),
                        ]
                    })
                    .collect(),
            }),
        ],
    }
}

fn pages_of(bytes: &[u8]) -> Vec<String> {
    let mut warnings = Vec::new();
    let doc = PdfDocument::parse(bytes, &PdfParseOptions::default(), &mut warnings).expect("a PDF");
    doc.extract_text()
        .into_iter()
        .map(|page| page.join(" "))
        .collect()
}

#[test]
fn every_page_carries_the_marking_the_reference_and_its_number() {
    let bytes = render(&report(None, 80)).expect("rendered");
    let pages = pages_of(&bytes);
    assert!(pages.len() >= 2, "80 rows need more than one page");
    let n = pages.len();
    for (i, text) in pages.iter().enumerate() {
        assert!(text.contains(MARKING), "page {}: {text}", i + 1);
        assert!(text.contains("PR-2026-0001"), "page {}", i + 1);
        assert!(
            text.contains(&format!("Page {} of {n}", i + 1)),
            "page {}: {text}",
            i + 1
        );
        assert!(
            text.contains("Generated 5 December 2026, 07:30 (London time)"),
            "page {}",
            i + 1
        );
        assert!(!text.contains("DRAFT"), "not a draft");
    }
}

#[test]
fn a_tables_header_repeats_on_each_page_and_no_row_is_split() {
    let bytes = render(&report(None, 80)).expect("rendered");
    let pages = pages_of(&bytes);
    for text in &pages[1..] {
        assert!(
            text.contains("Session Date Outcome")
                || (text.contains("Session") && text.contains("Outcome")),
            "{text}"
        );
    }
    let all = pages.join(" ");
    for n in [1, 40, 80] {
        assert_eq!(
            all.matches(&format!("Session {n} ")).count(),
            1,
            "row {n} appears once, whole"
        );
    }
}

#[test]
fn names_in_any_latin_greek_or_cyrillic_script_print_and_a_draft_is_stamped() {
    let bytes = render(&report(Some(Stamp::Draft), 3)).expect("rendered");
    let pages = pages_of(&bytes);
    let all = pages.join(" ");
    for name in ["Łukasz", "Wiśniewski", "Δημήτρης", "Дмитрий"] {
        assert!(all.contains(name), "{name} missing from: {all}");
    }
    assert!(pages.iter().all(|p| p.contains("DRAFT")));
}

#[test]
fn a_superseded_version_is_stamped_on_every_page() {
    let bytes = render(&report(Some(Stamp::Superseded), 60)).expect("rendered");
    let pages = pages_of(&bytes);
    assert!(pages.len() > 1);
    assert!(pages.iter().all(|p| p.contains("SUPERSEDED")));
    assert!(pages.iter().all(|p| !p.contains("DRAFT")));
}

#[test]
fn a_long_word_is_broken_to_fit_and_lines_never_pass_the_margin() {
    let mut doc = PdfDocument::new("t");
    let face = Face::load(&mut doc, dejavu::sans::regular()).expect("font");
    let width = 100.0;
    let lines = face.wrap(&format!("short {} end", "x".repeat(80)), BODY_SIZE, width);
    assert!(lines.len() > 2);
    for l in &lines {
        assert!(
            face.width(l, BODY_SIZE) <= width + 0.01,
            "{l:?} is too wide"
        );
    }
    assert_eq!(face.wrap("one\ntwo", BODY_SIZE, 500.0), vec!["one", "two"]);
}

/// Writes a sample to `KERBSIDE_SAMPLE_PDF` when set (for looking at it).
#[test]
fn a_sample_can_be_written_for_a_person_to_look_at() {
    let bytes = render(&report(Some(Stamp::Draft), 40)).expect("rendered");
    assert!(bytes.starts_with(b"%PDF-"));
    if let Ok(path) = std::env::var("KERBSIDE_SAMPLE_PDF") {
        std::fs::write(path, &bytes).expect("written");
    }
}

#[test]
fn a_bar_chart_is_drawn_with_its_labels_and_values_in_words() {
    let mut r = report(None, 2);
    r.blocks.push(Block::Bars(Bars {
        title: "Arrests per month".into(),
        rows: vec![
            ("2026-10".into(), 4.0, "4".into()),
            ("2026-11".into(), 9.0, "9 (the most)".into()),
        ],
        max: 9.0,
    }));
    let bytes = render(&r).expect("rendered");
    let text = pages_of(&bytes).join(" ");
    for s in ["Arrests per month", "2026-10", "9 (the most)"] {
        assert!(text.contains(s), "{s} missing from {text}");
    }
}

#[test]
fn curves_are_drawn_with_their_legend_and_keep_the_page_whole() {
    let mut r = report(None, 2);
    r.blocks.push(Block::Curves(Curves {
        title: "Share with a known reoffence".into(),
        days: 365,
        series: vec![
            (
                "Completed the programme".into(),
                vec![(90, 0.1), (200, 0.25)],
            ),
            ("Enrolled but did not complete".into(), vec![(30, 0.2)]),
        ],
    }));
    let bytes = render(&r).expect("rendered");
    let text = pages_of(&bytes).join(" ");
    for s in [
        "Share with a known reoffence",
        "Completed the programme",
        "Enrolled but did not complete",
        "365",
        "100%",
    ] {
        assert!(text.contains(s), "{s} missing from {text}");
    }
}
