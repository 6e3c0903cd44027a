//! The one problem format of the API: every error answer, whatever its
//! status, is `{"error": {"code", "message", "fields"?}}`. `web/errors.rs`
//! writes these types, so the document cannot describe another shape.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::arrest_import::RowError;

/// An error answer.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"error": {
    "code": "validation_failed",
    "message": "Check the form and try again.",
    "fields": {"date_of_birth": "Date of birth must be in the past"}
}}))]
pub struct Problem {
    pub error: ProblemDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ProblemDetail {
    /// A stable code: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `conflict`, `payload_too_large`,
    /// `unsupported_media_type`, `validation_failed`, `too_many_requests`,
    /// `internal_error` or `unavailable`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// For 422 (and a body that could not be read): a message for each
    /// field, keyed by its name (`body` for the body as a whole; a dotted
    /// path such as `ogrs3.total_sanctions` inside an object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

/// The 422 of an import: the problem, and every row's problems (absent
/// when what was wrong is a parameter, not the file).
#[derive(Serialize, ToSchema)]
pub struct ImportProblem {
    pub error: ProblemDetail,
    /// Each problem found, by row and column; nothing was imported.
    #[schema(required = false)]
    pub errors: Vec<RowError>,
}
