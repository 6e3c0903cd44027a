//! The subject access export as a readable document: the same JSON the API
//! answers, one section per kind of record and one table per record (each
//! field and its value), so the PDF holds exactly what the JSON holds.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Block, Report, Table};

/// The export's sections, in reading order: (JSON key, heading).
pub const SECTIONS: &[(&str, &str)] = &[
    ("person", "Personal details"),
    ("arrests", "Arrests"),
    ("referrals", "Referrals to probation"),
    ("referral_history", "Referral history"),
    ("assessments", "Assessments (every version)"),
    ("hearings", "Court hearings"),
    ("enrolments", "Programme places"),
    ("enrolment_history", "Programme place history"),
    (
        "attendance",
        "Attendance (every mark, corrections included)",
    ),
    ("enforcement", "Enforcement decisions"),
    ("aim_ratings", "Progress against the programme's aims"),
    ("court_reports", "Court reports (every version)"),
    ("reoffences", "Known reoffending"),
    ("retention_decisions", "Retention decisions"),
    (
        "audit",
        "Who has recorded, viewed, changed or disclosed his data",
    ),
];

/// "date_of_birth" -> "Date of birth".
fn label(key: &str) -> String {
    let words = key.replace(['_', '.'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Every scalar of `value`, its path joined with dots; empty values left out.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let path = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&path(k), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&path(&(i + 1).to_string()), v, out);
            }
        }
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Bool(b) => out.push((prefix.to_string(), if *b { "Yes" } else { "No" }.into())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
    }
}

fn record_table(value: &Value) -> Block {
    let mut fields = Vec::new();
    flatten("", value, &mut fields);
    Block::Table(Table {
        header: vec!["Field".into(), "Value".into()],
        widths: vec![2.0, 5.0],
        rows: fields
            .into_iter()
            .map(|(k, v)| vec![label(&k), v])
            .collect(),
    })
}

/// The document for `export` (the JSON the API answers).
pub fn content(export: &Value, reference: &str, author: &str, now: DateTime<Utc>) -> Report {
    let mut blocks = vec![
        Block::Heading("About this document".into()),
        Block::Paragraph(
            "Everything Kerbside holds about the person named below, made in answer to a \
             subject access request under the Data Protection Act 2018 (Part 3, section 45). \
             Each section lists one kind of record; each table is one record with every field \
             that holds a value. The same content is available as JSON."
                .into(),
        ),
    ];
    for (key, heading) in SECTIONS {
        blocks.push(Block::Heading((*heading).into()));
        match &export[*key] {
            Value::Array(items) if items.is_empty() => {
                blocks.push(Block::Paragraph("None held.".into()))
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    blocks.push(Block::Paragraph(format!(
                        "{} {} of {}",
                        heading_item(key),
                        i + 1,
                        items.len()
                    )));
                    blocks.push(record_table(item));
                }
            }
            Value::Null => blocks.push(Block::Paragraph("None held.".into())),
            other => blocks.push(record_table(other)),
        }
    }
    Report {
        title: "Subject access export".into(),
        reference: reference.to_string(),
        author: author.to_string(),
        generated_at: now,
        stamp: None,
        blocks,
    }
}

fn heading_item(key: &str) -> &'static str {
    match key {
        "audit" => "Entry",
        "attendance" => "Mark",
        "assessments" | "court_reports" => "Version",
        _ => "Record",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_value_of_a_nested_record_becomes_a_labelled_row() {
        let mut rows = Vec::new();
        flatten(
            "",
            &json!({"surname": "Nowak", "content": {"dash": {"answers": [true, false]}}, "note": null, "phone": ""}),
            &mut rows,
        );
        rows.sort();
        assert_eq!(
            rows,
            vec![
                ("content.dash.answers.1".to_string(), "Yes".to_string()),
                ("content.dash.answers.2".into(), "No".into()),
                ("surname".into(), "Nowak".into()),
            ]
        );
        assert_eq!(label("content.dash.answers.1"), "Content dash answers 1");
    }

    #[test]
    fn an_empty_section_says_none_is_held() {
        let doc = content(
            &json!({"person": {"surname": "Nowak"}, "arrests": []}),
            "SAR-1",
            "A",
            Utc::now(),
        );
        let text = format!("{:?}", doc.blocks);
        assert!(text.contains("Nowak"));
        assert!(text.contains("None held."));
    }
}
