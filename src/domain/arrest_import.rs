//! Reading a force record-system export (CSV) into checked people and
//! arrests. Every problem is reported as row, column and message; the row
//! number is the spreadsheet row (the header is row 1).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::arrest::{ArrestInput, DateErrors, ValidArrest, validate_arrest};
use super::code::coded_enum;
use super::dates::{in_supported_range, parse_iso_date, parse_local_datetime, parse_rfc3339};
use super::london_time::{from_london, london_date};
use super::person::{PersonInput, ValidPerson, validate_person};

coded_enum!(
    /// Where an uploaded file stands.
    ImportStatus {
        /// Checked without errors, waiting for the officer to confirm.
        Checked => "checked", "Ready to import";
        /// Being imported now.
        Running => "running", "Importing";
        /// Imported (every row, or nothing: one transaction).
        Done => "done", "Imported";
        /// The import failed; nothing was imported.
        Failed => "failed", "Failed";
        /// Never confirmed within a day; the file's content was dropped.
        Expired => "expired", "Expired";
    }
);

impl ImportStatus {
    /// Not finished yet (waiting to start, or running): the progress page
    /// keeps refreshing.
    pub fn is_pending(self) -> bool {
        matches!(self, ImportStatus::Checked | ImportStatus::Running)
    }

    /// Ended without importing anything.
    pub fn is_failure(self) -> bool {
        matches!(self, ImportStatus::Failed | ImportStatus::Expired)
    }
}

/// The columns of an import file, in the documented order.
pub const COLUMNS: [&str; 20] = [
    "occurrence_reference",
    "surname",
    "forenames",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "pnc_id",
    "vehicle_registration",
    "arrested_at",
    "location",
    "area",
    "operation",
    "offence",
    "disposal",
    "course_deadline",
    "court",
    "first_hearing_date",
    "officer_collar_number",
    "notes",
];

/// Columns that must be present in the header.
pub const REQUIRED_COLUMNS: [&str; 10] = [
    "occurrence_reference",
    "surname",
    "forenames",
    "date_of_birth",
    "sex",
    "arrested_at",
    "location",
    "area",
    "offence",
    "disposal",
];

/// One problem in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// One checked row.
#[derive(Clone, Debug)]
pub struct ImportRow {
    pub row: usize,
    pub person: ValidPerson,
    pub arrest: ValidArrest,
}

/// A date in `YYYY-MM-DD` or `DD/MM/YYYY`.
fn read_date(raw: &str, what: &str) -> Result<Option<NaiveDate>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%d/%m/%Y") {
        return in_supported_range(d, what).map(Some);
    }
    parse_iso_date(t, what)
        .map(Some)
        .map_err(|_| format!("{what} must be a date like 2026-11-29 or 29/11/2026 (it is '{t}')"))
}

/// An arrest time: RFC 3339, or London local `YYYY-MM-DD HH:MM` / `DD/MM/YYYY HH:MM`.
fn read_datetime(raw: &str) -> Result<Option<DateTime<Utc>>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if DateTime::parse_from_rfc3339(t).is_ok() {
        return parse_rfc3339(t, "arrested_at").map(Some);
    }
    if let Some(local) = parse_local_datetime(t) {
        return Ok(Some(from_london(local)));
    }
    if let Ok(local) = chrono::NaiveDateTime::parse_from_str(t, "%d/%m/%Y %H:%M") {
        in_supported_range(local.date(), "arrested_at")?;
        return Ok(Some(from_london(local)));
    }
    Err(format!(
        "arrested_at must be a date and time like 2026-11-29 23:15 (it is '{t}')"
    ))
}

fn column_for(field: &str) -> &str {
    match field {
        "collar_number" => "officer_collar_number",
        other => other,
    }
}

/// Read and check a whole file. `Ok` only when every row is valid.
pub fn read_file(
    text: &str,
    now: DateTime<Utc>,
    areas: &[String],
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(vec![RowError {
                row: 1,
                column: String::new(),
                message: format!("The file could not be read as CSV: {e}"),
            }]);
        }
    };
    let mut errors = Vec::new();
    for required in REQUIRED_COLUMNS {
        if !headers.iter().any(|h| h == required) {
            errors.push(RowError {
                row: 1,
                column: required.into(),
                message: format!("The header has no '{required}' column"),
            });
        }
    }
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            errors.push(RowError {
                row: 1,
                column: h.clone(),
                message: format!("'{h}' is not a known column (see the list of columns)"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let idx = |name: &str| headers.iter().position(|h| h == name);
    let positions: Vec<Option<usize>> = COLUMNS.iter().map(|c| idx(c)).collect();
    let today = london_date(now);
    let mut rows = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    row,
                    column: String::new(),
                    message: format!("This row could not be read: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| -> String {
            COLUMNS
                .iter()
                .position(|c| *c == name)
                .and_then(|p| positions[p])
                .and_then(|p| record.get(p))
                .unwrap_or("")
                .to_string()
        };
        let mut push = |column: &str, message: String| {
            errors.push(RowError {
                row,
                column: column.to_string(),
                message,
            })
        };
        let (dob, dob_error) = match read_date(&get("date_of_birth"), "date_of_birth") {
            Ok(d) => (d, None),
            Err(m) => (None, Some(m)),
        };
        let person_input = PersonInput {
            surname: get("surname"),
            forenames: get("forenames"),
            date_of_birth: dob,
            sex: get("sex"),
            address: get("address"),
            postcode: get("postcode"),
            pnc_id: get("pnc_id"),
            ..Default::default()
        };
        let mut date_errors = DateErrors::default();
        let arrested_at = read_datetime(&get("arrested_at")).unwrap_or_else(|m| {
            date_errors.arrested_at = Some(m);
            None
        });
        let course_deadline =
            read_date(&get("course_deadline"), "course_deadline").unwrap_or_else(|m| {
                date_errors.course_deadline = Some(m);
                None
            });
        let first_hearing_date = read_date(&get("first_hearing_date"), "first_hearing_date")
            .unwrap_or_else(|m| {
                date_errors.first_hearing_date = Some(m);
                None
            });
        let arrest_input = ArrestInput {
            arrested_at,
            location: get("location"),
            area: get("area"),
            operation: get("operation"),
            vehicle_registration: get("vehicle_registration"),
            offence: get("offence"),
            disposal: get("disposal"),
            course_deadline,
            course_condition: None,
            court: get("court"),
            first_hearing_date,
            collar_number: get("officer_collar_number"),
            occurrence_reference: get("occurrence_reference"),
            notes: get("notes"),
        };
        let person = validate_person(&person_input, today, dob_error);
        let arrest = validate_arrest(&arrest_input, date_errors, dob, now, areas);
        if let Err(e) = &person {
            for (f, m) in e.iter() {
                push(column_for(f), m.to_string());
            }
        }
        if let Err(e) = &arrest {
            for (f, m) in e.iter() {
                push(column_for(f), m.to_string());
            }
        }
        let occ = get("occurrence_reference").trim().to_uppercase();
        if occ.is_empty() {
            push(
                "occurrence_reference",
                "Every row needs the force's occurrence reference".into(),
            );
        } else if let Some(first) = seen.insert(occ.clone(), row) {
            push(
                "occurrence_reference",
                format!("The occurrence reference {occ} is also on row {first}"),
            );
        }
        if let (Ok(person), Ok(arrest)) = (person, arrest) {
            rows.push(ImportRow {
                row,
                person,
                arrest,
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    const HEADER: &str = "occurrence_reference,surname,forenames,date_of_birth,sex,address,postcode,pnc_id,vehicle_registration,arrested_at,location,area,operation,offence,disposal,course_deadline,court,first_hearing_date,officer_collar_number,notes";

    #[test]
    fn a_file_with_a_bom_and_crlf_reads() {
        let text = format!(
            "\u{feff}{HEADER}\r\nOCC-1,Şahin,Emre,1980-02-03,male,,IP1 2AB,,AB12CDE,2026-11-29 23:10,London Road,Central,Op Nightjar,soliciting_s51a_soa2003,conditional_caution,2027-01-31,,,1234,\r\n"
        );
        let rows = read_file(&text, now(), &["Central".into()]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].person.surname, "Şahin");
        assert_eq!(
            rows[0].arrest.referral_due(),
            NaiveDate::from_ymd_opt(2027, 1, 31)
        );
    }

    #[test]
    fn problems_are_reported_by_row_and_column() {
        let text = format!(
            "{HEADER}\nOCC-1,Smith,John,1980-13-03,male,,,,,2026-11-29 23:10,London Road,Central,,soliciting_s51a_soa2003,simple_caution,,,,,\nOCC-1,Smith,John,1980-01-03,male,,,,,2026-11-29 23:10,London Road,Central,,soliciting_s51a_soa2003,simple_caution,,,,,\n"
        );
        let errors = read_file(&text, now(), &[]).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.row == 2 && e.column == "date_of_birth"),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.row == 3 && e.column == "occurrence_reference"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = read_file("surname,forenames\nA,B\n", now(), &[]).unwrap_err();
        assert!(errors.iter().any(|e| e.row == 1 && e.column == "disposal"));
    }
}
