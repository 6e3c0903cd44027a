//! PDF downloads.

use rocket::http::Header;

/// A PDF download, named by the report's reference (never the man's name).
#[derive(rocket::Responder)]
#[response(content_type = "application/pdf")]
pub struct PdfDownload {
    body: Vec<u8>,
    disposition: Header<'static>,
}

impl PdfDownload {
    /// The report file as an attachment.
    pub fn new(file: crate::services::reports::ReportFile) -> PdfDownload {
        PdfDownload {
            body: file.bytes,
            disposition: Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
        }
    }
}
