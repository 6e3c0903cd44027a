//! Court reports in the browser (probation): a man's reports and starting
//! one, the writing form (saves drafts with its buttons; with JavaScript it
//! also saves a few seconds after typing stops), the printable view with
//! the PDF download, submitting, and starting a correction.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::people::{SubnavItem, subnav};
use super::{FormOutcome, errors_json};
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::domain::court_report::{CourtReportInput, CourtReportStatus, Sections, WrittenPart};
use crate::domain::dates::{parse_date_parts, parse_optional_date_parts};
use crate::domain::london_time::{format_date, format_datetime, format_time, london_date};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::court_reports::{self, Saved, Typed};
use crate::state::AppState;
use crate::web::pages::report_view::{ReportPage, report_page};
use crate::web::pdf::PdfDownload;
use crate::web::present::{self, PersonView};
use crate::web::shell::{Shell, render};

type ManageCases = Can<cap::ManageCases>;

/// What the writing form sends. Section fields are named
/// `sections.<field>`, as the API names them, so errors point at them.
#[derive(FromForm, Serialize, Default, Clone)]
struct ReportForm {
    #[field(default = String::new())]
    lock_version: String,
    #[field(default = String::new())]
    court: String,
    #[field(default = String::new())]
    hearing_date_day: String,
    #[field(default = String::new())]
    hearing_date_month: String,
    #[field(default = String::new())]
    hearing_date_year: String,
    #[field(default = String::new())]
    interview_date_day: String,
    #[field(default = String::new())]
    interview_date_month: String,
    #[field(default = String::new())]
    interview_date_year: String,
    #[field(default = String::new())]
    other_sources: String,
    #[field(default = <SectionsForm as Default>::default())]
    sections: SectionsForm,
    /// Which button: `save`, `preview`, `submit`, or `autosave` (the script).
    #[field(default = String::new())]
    action: String,
    /// The start form: the charge.
    #[field(default = String::new())]
    arrest_id: String,
}

#[derive(FromForm, Serialize, Default, Clone)]
struct SectionsForm {
    #[field(default = String::new())]
    offence_analysis: String,
    #[field(default = String::new())]
    defendant_assessment: String,
    #[field(default = String::new())]
    risk_commentary: String,
    #[field(default = String::new())]
    proposal: String,
}

impl ReportForm {
    /// What was typed, as the service takes it.
    fn typed(&self) -> Typed {
        let mut unreadable = FieldErrors::new();
        let hearing_date = unreadable.check(
            "hearing_date",
            parse_date_parts(
                &self.hearing_date_day,
                &self.hearing_date_month,
                &self.hearing_date_year,
                "the hearing date",
            ),
        );
        let interview_date = unreadable
            .check(
                "interview_date",
                parse_optional_date_parts(
                    &self.interview_date_day,
                    &self.interview_date_month,
                    &self.interview_date_year,
                    "the interview date",
                ),
            )
            .flatten();
        let s = &self.sections;
        Typed {
            input: CourtReportInput {
                court: self.court.clone(),
                hearing_date,
                written: WrittenPart {
                    sections: Sections {
                        offence_analysis: s.offence_analysis.clone(),
                        defendant_assessment: s.defendant_assessment.clone(),
                        risk_commentary: s.risk_commentary.clone(),
                        proposal: s.proposal.clone(),
                    },
                    interview_date,
                    other_sources: self.other_sources.clone(),
                },
            },
            unreadable,
        }
    }

    /// The form filled from a saved report.
    fn from_saved(s: &Saved) -> ReportForm {
        let (hd, id) = (s.report.hearing_date, s.written.interview_date);
        let part = |d: Option<chrono::NaiveDate>, f: &str| {
            d.map(|d| d.format(f).to_string()).unwrap_or_default()
        };
        let w = &s.written.sections;
        ReportForm {
            lock_version: s.report.lock_version.to_string(),
            court: s.report.court.clone(),
            hearing_date_day: part(Some(hd), "%-d"),
            hearing_date_month: part(Some(hd), "%-m"),
            hearing_date_year: part(Some(hd), "%Y"),
            interview_date_day: part(id, "%-d"),
            interview_date_month: part(id, "%-m"),
            interview_date_year: part(id, "%Y"),
            other_sources: s.written.other_sources.clone(),
            sections: SectionsForm {
                offence_analysis: w.offence_analysis.clone(),
                defendant_assessment: w.defendant_assessment.clone(),
                risk_commentary: w.risk_commentary.clone(),
                proposal: w.proposal.clone(),
            },
            action: String::new(),
            arrest_id: String::new(),
        }
    }
}

// ---- a man's court reports, and starting one ----

#[derive(Serialize)]
struct ListRow {
    id: i32,
    reference: String,
    status: &'static str,
    court: String,
    hearing: String,
    author: String,
    updated: String,
}

#[derive(Serialize)]
struct Charge {
    value: String,
    label: String,
    hint: Option<String>,
}

#[derive(Serialize)]
struct ListPage<'a> {
    person: PersonView,
    subnav: Vec<SubnavItem>,
    reports: Vec<ListRow>,
    charges: Vec<Charge>,
    values: &'a ReportForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn list_page(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    person_id: i32,
    values: Option<ReportForm>,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let (person, reports) = court_reports::for_person(app, actor, person_id).await?;
    let choices = court_reports::start_choices(app, actor, person_id).await?;
    let values = values.unwrap_or_else(|| {
        // the newest charge, with the court the police recorded
        let newest = choices.charges.first();
        let hearing = newest.and_then(|a| a.first_hearing_date);
        let part = |f: &str| hearing.map(|d| d.format(f).to_string()).unwrap_or_default();
        ReportForm {
            arrest_id: newest.map(|a| a.id.to_string()).unwrap_or_default(),
            court: newest.and_then(|a| a.court.clone()).unwrap_or_default(),
            hearing_date_day: part("%-d"),
            hearing_date_month: part("%-m"),
            hearing_date_year: part("%Y"),
            ..Default::default()
        }
    });
    Ok(render(
        "court_reports",
        shell,
        ListPage {
            person: present::person(&person),
            subnav: subnav(actor, person_id, "court_reports"),
            reports: reports
                .into_iter()
                .map(|r| ListRow {
                    id: r.id,
                    reference: r.reference,
                    status: r.status.label(),
                    court: r.court,
                    hearing: format_date(r.hearing_date),
                    author: r.author_name,
                    updated: format_datetime(r.updated_at),
                })
                .collect(),
            charges: choices
                .charges
                .iter()
                .map(|a| Charge {
                    value: a.id.to_string(),
                    label: format!(
                        "Arrest of {}: {}{}",
                        format_date(london_date(a.arrested_at)),
                        a.offence.label(),
                        a.court
                            .as_deref()
                            .map(|c| format!(", to {c}"))
                            .unwrap_or_default()
                    ),
                    hint: None,
                })
                .collect(),
            values: &values,
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/people/<id>/court-reports")]
async fn person_reports(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    list_page(app, user.actor(), &shell, id, None, None).await
}

#[post("/people/<id>/court-reports", data = "<form>")]
async fn start_report(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<ReportForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let arrest_id = f.arrest_id.trim().parse::<i32>().ok();
    match court_reports::start(app, user.actor(), id, arrest_id, &f.typed()).await {
        Ok(s) => Ok(FormOutcome::done(
            format!("/court-reports/{}/edit", s.report.id),
            format!("Draft {} started", s.reference),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            list_page(app, user.actor(), &shell, id, Some(f), Some(&e)).await?,
        )),
        Err(AppError::Conflict(m)) => {
            let mut e = FieldErrors::new();
            e.add("arrest_id", m);
            Ok(FormOutcome::again(
                list_page(app, user.actor(), &shell, id, Some(f), Some(&e)).await?,
            ))
        }
        Err(e) => Err(e),
    }
}

// ---- writing a draft ----

#[derive(Serialize)]
struct SectionField {
    name: String,
    label: &'static str,
    hint: &'static str,
    value: String,
    error: String,
}

#[derive(Serialize)]
struct EditPage {
    id: i32,
    reference: String,
    person: PersonView,
    values: ReportForm,
    sections: Vec<SectionField>,
    replaces: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// What each section is for, in the officer's words.
const SECTION_TEXT: [(&str, &str, &str); 4] = [
    (
        "offence_analysis",
        "3. Offence analysis",
        "Your analysis of the offence and its pattern. The arrest and his earlier arrests are filled in above it.",
    ),
    (
        "defendant_assessment",
        "4. Assessment of the defendant",
        "Relationships, accommodation, employment, substance misuse, attitudes, motivation to change.",
    ),
    (
        "risk_commentary",
        "5. Risk commentary",
        "OGRS3, risk of serious harm, MARAC and the domestic-abuse concerns are filled in from his assessment. Add what the court should weigh; never the DASH answers.",
    ),
    (
        "proposal",
        "7. Sentencing proposal",
        "The proposal, its rationale and the alternatives.",
    ),
];

fn edit_page(
    shell: &Shell,
    saved: &Saved,
    person: &crate::db::people_repo::Person,
    values: ReportForm,
    errors: Option<&FieldErrors>,
) -> HtmlPage {
    let sections = SECTION_TEXT
        .iter()
        .map(|(field, label, hint)| {
            let name = format!("sections.{field}");
            let value = match *field {
                "offence_analysis" => &values.sections.offence_analysis,
                "defendant_assessment" => &values.sections.defendant_assessment,
                "risk_commentary" => &values.sections.risk_commentary,
                _ => &values.sections.proposal,
            }
            .clone();
            SectionField {
                error: errors
                    .and_then(|e| e.get(&name))
                    .unwrap_or_default()
                    .to_string(),
                name,
                label,
                hint,
                value,
            }
        })
        .collect();
    render(
        "court_report_edit",
        shell,
        EditPage {
            id: saved.report.id,
            reference: saved.reference.clone(),
            person: present::person(person),
            values,
            sections,
            replaces: saved.report.supersedes_id.is_some(),
            errors: errors.map(errors_json),
        },
    )
}

#[get("/court-reports/<id>/edit")]
async fn edit_report(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let (saved, person) = court_reports::editable(app, user.actor(), id).await?;
    let values = ReportForm::from_saved(&saved);
    Ok(edit_page(&shell, &saved, &person, values, None))
}

/// A save made by the page's script: the new lock version, or the problems.
#[derive(Serialize)]
struct AutoSaved {
    lock_version: i32,
    saved_at: String,
}

/// What the writing form's POST answers.
#[allow(clippy::large_enum_variant)]
#[derive(rocket::Responder)]
enum SaveAnswer {
    Form(FormOutcome),
    Auto((Status, Json<serde_json::Value>)),
}

#[post("/court-reports/<id>/edit", data = "<form>")]
async fn save_report(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<ReportForm>,
) -> AppResult<SaveAnswer> {
    let f = form.into_inner();
    let lock = f.lock_version.trim().parse::<i32>().ok();
    let result = court_reports::save(app, user.actor(), id, lock, &f.typed()).await;
    let action = f.action.as_str();
    if matches!(action, "autosave") {
        return Ok(SaveAnswer::Auto(match result {
            Ok(s) => (
                Status::Ok,
                Json(serde_json::json!(AutoSaved {
                    lock_version: s.report.lock_version,
                    saved_at: format_time(s.report.updated_at),
                })),
            ),
            Err(AppError::Invalid(e)) => (Status::UnprocessableEntity, Json(errors_json(&e))),
            Err(AppError::Conflict(m)) => {
                (Status::Conflict, Json(serde_json::json!({ "detail": m })))
            }
            Err(e) => return Err(e),
        }));
    }
    let outcome = match result {
        Ok(s) => match action {
            "preview" => FormOutcome::done(
                format!("/court-reports/{id}"),
                format!("Draft saved at {}", format_time(s.report.updated_at)),
            ),
            "submit" => FormOutcome::done(
                format!("/court-reports/{id}/submit"),
                format!("Draft saved at {}", format_time(s.report.updated_at)),
            ),
            _ => FormOutcome::done(
                format!("/court-reports/{id}/edit"),
                format!("Draft saved at {}", format_time(s.report.updated_at)),
            ),
        },
        Err(AppError::Invalid(e)) => {
            let (saved, person) = court_reports::editable(app, user.actor(), id).await?;
            let mut values = f.clone();
            values.lock_version = saved.report.lock_version.to_string();
            FormOutcome::again(edit_page(&shell, &saved, &person, values, Some(&e)))
        }
        Err(e) => return Err(e),
    };
    Ok(SaveAnswer::Form(outcome))
}

// ---- reading, submitting, correcting, downloading ----

#[derive(Serialize)]
struct Version {
    id: i32,
    reference: String,
    status: &'static str,
}

#[derive(Serialize)]
struct ViewPage {
    id: i32,
    #[serde(flatten)]
    report: ReportPage,
    person: PersonView,
    status: &'static str,
    can_edit: bool,
    can_correct: bool,
    versions: Vec<Version>,
}

#[get("/court-reports/<id>")]
async fn show_report(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let v = court_reports::view(app, user.actor(), id).await?;
    let status = v.saved.report.status;
    Ok(render(
        "court_report",
        &shell,
        ViewPage {
            id,
            report: report_page(
                v.says,
                format!("/court-reports/{id}/pdf"),
                format!("/people/{}/court-reports", v.person.id),
            ),
            person: present::person(&v.person),
            status: status.label(),
            can_edit: status == CourtReportStatus::Draft && v.is_author,
            can_correct: status == CourtReportStatus::Submitted,
            versions: v
                .versions
                .into_iter()
                .map(|(id, reference, status)| Version {
                    id,
                    reference,
                    status: status.label(),
                })
                .collect(),
        },
    ))
}

#[derive(Serialize)]
struct SubmitPage {
    id: i32,
    reference: String,
    court: String,
    hearing: String,
    person: PersonView,
}

#[get("/court-reports/<id>/submit")]
async fn confirm_submit(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let (saved, person) = court_reports::editable(app, user.actor(), id).await?;
    Ok(render(
        "court_report_submit",
        &shell,
        SubmitPage {
            id,
            reference: saved.reference,
            court: saved.report.court.clone(),
            hearing: format_date(saved.report.hearing_date),
            person: present::person(&person),
        },
    ))
}

#[post("/court-reports/<id>/submit")]
async fn submit_report(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<FormOutcome> {
    match court_reports::submit(app, user.actor(), id).await {
        Ok(s) => Ok(FormOutcome::done(
            format!("/court-reports/{id}"),
            format!("{} submitted: it is now locked", s.reference),
        )),
        Err(AppError::Invalid(e)) => {
            let (saved, person) = court_reports::editable(app, user.actor(), id).await?;
            let values = ReportForm::from_saved(&saved);
            Ok(FormOutcome::again(edit_page(
                &shell,
                &saved,
                &person,
                values,
                Some(&e),
            )))
        }
        Err(e) => Err(e),
    }
}

#[post("/court-reports/<id>/corrections")]
async fn correct_report(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
) -> AppResult<FormOutcome> {
    let s = court_reports::correct(app, user.actor(), id).await?;
    Ok(FormOutcome::done(
        format!("/court-reports/{}/edit", s.report.id),
        format!(
            "Correction {} started: change what needs changing, then submit it",
            s.reference
        ),
    ))
}

#[get("/court-reports/<id>/pdf?<recipient>")]
async fn report_pdf(
    app: &State<AppState>,
    user: ManageCases,
    id: i32,
    recipient: Option<String>,
) -> AppResult<PdfDownload> {
    let file = court_reports::pdf(app, user.actor(), id, recipient.as_deref()).await?;
    Ok(PdfDownload::new(file))
}

pub fn routes() -> Vec<Route> {
    routes![
        person_reports,
        start_report,
        edit_report,
        save_report,
        show_report,
        confirm_submit,
        submit_report,
        correct_report,
        report_pdf
    ]
}
