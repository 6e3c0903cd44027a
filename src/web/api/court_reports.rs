//! `/api/v1/court-reports`: start, change, submit and correct a court
//! report, read it, and download it as a PDF (probation).

use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::ApiJson;
use super::problem::Problem;
use super::schema;
use crate::auth::guards::{Can, cap};
use crate::domain::court_report::{CourtReportInput, CourtReportStatus, Sections, WrittenPart};
use crate::domain::dates::parse_iso_date;
use crate::domain::validation::FieldErrors;
use crate::error::AppResult;
use crate::services::court_reports::{self, Saved, Typed};
use crate::state::AppState;
use crate::web::pdf::PdfDownload;

type ManageCases = Can<cap::ManageCases>;

/// The sections the officer writes.
#[derive(Deserialize, Serialize, ToSchema, Default)]
pub(super) struct SectionsBody {
    /// Section 3: the officer's analysis of the offence and its pattern.
    #[schema(schema_with = schema::report_section)]
    offence_analysis: Option<String>,
    /// Section 4: relationships, accommodation, employment, substance
    /// misuse, attitudes, motivation to change.
    #[schema(schema_with = schema::report_section)]
    defendant_assessment: Option<String>,
    /// Section 5: commentary on the risks, including domestic-abuse
    /// concerns put in a form fit for court.
    #[schema(schema_with = schema::report_section)]
    risk_commentary: Option<String>,
    /// Section 7: the proposal, its rationale and the alternatives.
    #[schema(schema_with = schema::report_section)]
    proposal: Option<String>,
}

/// The part of a court report the officer sets out.
#[derive(Deserialize, ToSchema)]
pub(super) struct ReportBody {
    #[schema(schema_with = schema::title)]
    court: String,
    #[schema(schema_with = schema::date)]
    hearing_date: String,
    #[serde(default)]
    sections: SectionsBody,
    /// When he was interviewed for the report.
    #[schema(schema_with = schema::optional_date)]
    interview_date: Option<String>,
    /// Other sources used, with their dates.
    #[schema(schema_with = schema::notes)]
    other_sources: Option<String>,
}

/// A new court report.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "person_id": 12, "arrest_id": 40, "court": "Ipswich Magistrates' Court", "hearing_date": "2027-01-20",
    "sections": {"offence_analysis": "He accepts that he stopped to solicit a woman on London Road."}
}))]
pub(super) struct NewReportBody {
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    person_id: Option<i32>,
    /// The charge the report is for (an arrest of his whose disposal is `charged`).
    #[schema(required = true, value_type = i32, minimum = 1)]
    #[serde(default, deserialize_with = "super::json_body::whole_id")]
    arrest_id: Option<i32>,
    #[serde(flatten)]
    report: ReportBody,
}

/// A change to a draft.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "court": "Ipswich Magistrates' Court", "hearing_date": "2027-01-20", "lock_version": 1,
    "sections": {"offence_analysis": "...", "defendant_assessment": "...", "risk_commentary": "...", "proposal": "..."}
}))]
pub(super) struct ChangeReportBody {
    /// The `lock_version` the client read: when given, a save from an
    /// out-of-date copy answers 409 instead of overwriting a newer change.
    #[schema(value_type = Option<i32>)]
    #[serde(default, deserialize_with = "super::json_body::whole")]
    lock_version: Option<i32>,
    #[serde(flatten)]
    report: ReportBody,
}

fn typed(b: ReportBody) -> Typed {
    let mut unreadable = FieldErrors::new();
    let hearing_date = unreadable.check(
        "hearing_date",
        parse_iso_date(&b.hearing_date, "the hearing date"),
    );
    let interview_date = b
        .interview_date
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| unreadable.check("interview_date", parse_iso_date(d, "the interview date")));
    let s = b.sections;
    Typed {
        input: CourtReportInput {
            court: b.court,
            hearing_date,
            written: WrittenPart {
                sections: Sections {
                    offence_analysis: s.offence_analysis.unwrap_or_default(),
                    defendant_assessment: s.defendant_assessment.unwrap_or_default(),
                    risk_commentary: s.risk_commentary.unwrap_or_default(),
                    proposal: s.proposal.unwrap_or_default(),
                },
                interview_date,
                other_sources: b.other_sources.unwrap_or_default(),
            },
        },
        unreadable,
    }
}

/// A court report as the API gives it.
#[derive(Serialize, ToSchema)]
pub struct CourtReportOut {
    pub id: i32,
    /// `CR-00042-v2`: the series and version; the PDF's file name carries it.
    pub reference: String,
    pub version: i32,
    pub status: CourtReportStatus,
    pub person_id: i32,
    pub arrest_id: i32,
    pub court: String,
    pub hearing_date: NaiveDate,
    #[schema(value_type = SectionsBody)]
    pub sections: Sections,
    pub interview_date: Option<NaiveDate>,
    pub other_sources: String,
    /// The version this one corrects.
    pub supersedes_id: Option<i32>,
    pub lock_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl From<Saved> for CourtReportOut {
    fn from(s: Saved) -> CourtReportOut {
        let r = s.report;
        CourtReportOut {
            id: r.id,
            reference: s.reference,
            version: r.version_number,
            status: r.status,
            person_id: r.person_id,
            arrest_id: r.arrest_id,
            court: r.court,
            hearing_date: r.hearing_date,
            sections: s.written.sections,
            interview_date: s.written.interview_date,
            other_sources: s.written.other_sources,
            supersedes_id: r.supersedes_id,
            lock_version: r.lock_version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_at: r.submitted_at,
        }
    }
}

/// Start a court report for a man's charge (probation): a draft, whose
/// author is the caller.
#[utoipa::path(
    tag = "court reports",
    request_body = NewReportBody,
    responses(
        (status = 201, description = "The draft", body = CourtReportOut),
        (status = 409, description = "A draft for this charge is already open", body = Problem),
        (status = 422, description = "A field is wrong, or the arrest is not his or not a charge", body = Problem),
    ),
)]
#[post("/court-reports", data = "<body>")]
pub(super) async fn create_court_report(
    app: &State<AppState>,
    user: ManageCases,
    body: ApiJson<NewReportBody>,
) -> AppResult<(Status, Json<CourtReportOut>)> {
    let b = body.into_inner();
    let person_id = b.person_id.unwrap_or_default();
    let saved =
        court_reports::start(app, user.actor(), person_id, b.arrest_id, &typed(b.report)).await?;
    Ok((Status::Created, Json(saved.into())))
}

/// A court report (probation), audited as a consult.
#[utoipa::path(
    tag = "court reports",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 200, description = "The report", body = CourtReportOut),
        (status = 404, description = "No such report", body = Problem),
    ),
)]
#[get("/court-reports/<id>")]
pub(super) async fn show_court_report(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<Json<CourtReportOut>> {
    Ok(Json(
        court_reports::view(app, user.actor(), id)
            .await?
            .saved
            .into(),
    ))
}

/// Change a draft (its author): the body replaces the court, hearing date
/// and written part. 409 once submitted.
#[utoipa::path(
    tag = "court reports",
    params(("id" = i32, Path, minimum = 1)),
    request_body = ChangeReportBody,
    responses(
        (status = 200, description = "The draft as saved", body = CourtReportOut),
        (status = 403, description = "Only the report's author changes a draft", body = Problem),
        (status = 404, description = "No such report", body = Problem),
        (status = 409, description = "Submitted and locked, or changed since `lock_version`", body = Problem),
        (status = 422, description = "A field is wrong", body = Problem),
    ),
)]
#[put("/court-reports/<id>", data = "<body>")]
pub(super) async fn change_court_report(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
    body: ApiJson<ChangeReportBody>,
) -> AppResult<Json<CourtReportOut>> {
    let b = body.into_inner();
    let saved =
        court_reports::save(app, user.actor(), id, b.lock_version, &typed(b.report)).await?;
    Ok(Json(saved.into()))
}

/// Submit a draft (its author): every section must be written. It is then
/// locked, and what it says is frozen as it stands now.
#[utoipa::path(
    tag = "court reports",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 200, description = "Submitted", body = CourtReportOut),
        (status = 403, description = "Only the report's author submits it", body = Problem),
        (status = 404, description = "No such report", body = Problem),
        (status = 409, description = "Already submitted", body = Problem),
        (status = 422, description = "A section is not written yet", body = Problem),
    ),
)]
#[post("/court-reports/<id>/submit")]
pub(super) async fn submit_court_report(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<Json<CourtReportOut>> {
    Ok(Json(
        court_reports::submit(app, user.actor(), id).await?.into(),
    ))
}

/// Start a correction of a submitted report: a new draft version with the
/// same text that names the version it replaces (which stays in force
/// until the correction is submitted).
#[utoipa::path(
    tag = "court reports",
    params(("id" = i32, Path, minimum = 1)),
    responses(
        (status = 201, description = "The correction, a draft", body = CourtReportOut),
        (status = 404, description = "No such report", body = Problem),
        (status = 409, description = "Still a draft, already replaced, or a correction is already open", body = Problem),
    ),
)]
#[post("/court-reports/<id>/corrections")]
pub(super) async fn correct_court_report(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<(Status, Json<CourtReportOut>)> {
    let saved = court_reports::correct(app, user.actor(), id).await?;
    Ok((Status::Created, Json(saved.into())))
}

/// The court report as a PDF (probation); a draft is stamped DRAFT. Every
/// download is audited as a disclosure, to the recipient when one is named.
#[utoipa::path(
    tag = "court reports",
    params(
        ("id" = i32, Path, minimum = 1),
        ("recipient" = Option<String>, Query, max_length = 200, description = "Who it is for, e.g. Ipswich Magistrates' Court (recorded in the audit log)"),
    ),
    responses(
        (status = 200, description = "The PDF, named by the report's reference", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such report", body = Problem),
    ),
)]
#[get("/court-reports/<id>/pdf?<recipient>")]
pub(super) async fn court_report_pdf(
    app: &State<AppState>,
    user: ManageCases,
    _once: super::query::EachOnce,
    id: i32,
    recipient: Option<String>,
) -> AppResult<PdfDownload> {
    let file = court_reports::pdf(app, user.actor(), id, recipient.as_deref()).await?;
    Ok(PdfDownload::new(file))
}

pub fn routes() -> Vec<Route> {
    routes![
        create_court_report,
        show_court_report,
        change_court_report,
        submit_court_report,
        correct_court_report,
        court_report_pdf
    ]
}
