//! Writing CSV for downloads: quoted where needed, and protected against
//! spreadsheet formula injection (a cell starting with = + - @ is prefixed).

use rocket::Responder;
use rocket::http::{ContentType, Header};

/// A CSV file download.
#[derive(Responder)]
pub struct CsvDownload {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

impl CsvDownload {
    /// A download named `kerbside-{what}-{stamp}.csv`.
    pub fn new(what: &str, stamp: impl std::fmt::Display, body: String) -> CsvDownload {
        CsvDownload {
            body,
            content_type: ContentType::CSV,
            disposition: Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"kerbside-{what}-{stamp}.csv\""),
            ),
        }
    }
}

/// One cell, escaped.
pub fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One line of cells, ending in CRLF.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut s = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(line(&["a", "b"]), "a,b\r\n");
    }
}
