//! Importing a force export from the pages: upload, see every problem (or a
//! summary of what will happen), confirm, and watch the progress.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use crate::auth::guards::{Can, cap};
use crate::domain::arrest_import::{COLUMNS, ImportStatus, REQUIRED_COLUMNS, RowError};
use crate::domain::validation::FieldErrors;
use crate::error::AppResult;
use crate::services::import::{self, ImportSummary, Started};
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::shell::{Shell, render};

type RecordArrests = Can<cap::RecordArrests>;

/// A column of the file, for the help table.
#[derive(Serialize)]
struct Column {
    name: &'static str,
    required: bool,
}

#[derive(Serialize)]
struct UploadPage<'a> {
    columns: Vec<Column>,
    problems: &'a [RowError],
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn upload_page(shell: &Shell, problems: &[RowError], error: Option<String>) -> HtmlPage {
    let errors = error.map(|message| {
        let mut e = FieldErrors::new();
        e.add("file", message);
        errors_json(&e)
    });
    render(
        "arrest_import",
        shell,
        UploadPage {
            columns: COLUMNS
                .iter()
                .map(|c| Column {
                    name: c,
                    required: REQUIRED_COLUMNS.contains(c),
                })
                .collect(),
            problems,
            errors,
        },
    )
}

#[get("/arrests/import")]
fn new_import(_police: RecordArrests, shell: Shell) -> HtmlPage {
    upload_page(&shell, &[], None)
}

#[derive(FromForm)]
struct Upload {
    file: String,
}

#[derive(Serialize)]
struct CheckPage {
    summary: ImportSummary,
    run_id: i32,
}

#[post("/arrests/import", data = "<form>")]
async fn check_import(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    form: Form<Upload>,
) -> AppResult<(Status, HtmlPage)> {
    let text = form.into_inner().file;
    if text.trim().is_empty() {
        return Ok((
            Status::UnprocessableEntity,
            upload_page(&shell, &[], Some("Choose a CSV file to upload".into())),
        ));
    }
    match import::check_upload(app, police.actor(), &text).await? {
        Err(problems) => {
            let message = format!(
                "The file has {} problem(s): nothing was imported. Correct them and upload it again.",
                problems.len()
            );
            Ok((
                Status::UnprocessableEntity,
                upload_page(&shell, &problems, Some(message)),
            ))
        }
        Ok(checked) => Ok((
            Status::Ok,
            render(
                "arrest_import_check",
                &shell,
                CheckPage {
                    summary: checked.summary,
                    run_id: checked.run_id,
                },
            ),
        )),
    }
}

#[post("/arrests/import/<id>/run")]
async fn start_import(
    app: &State<AppState>,
    police: RecordArrests,
    id: i32,
) -> AppResult<FormOutcome> {
    let message = match import::start_run(app, police.actor(), id).await? {
        Started::Now => "Import started",
        Started::Already => "This file is already being imported",
    };
    Ok(FormOutcome::done(format!("/arrests/import/{id}"), message))
}

/// Where an import stands, as its page says it.
#[derive(Serialize)]
struct RunView {
    id: i32,
    rows: i32,
    imported: i32,
    skipped_existing: i32,
    status: &'static str,
    error: Option<String>,
}

#[derive(Serialize)]
struct StatusPage {
    run: RunView,
    /// Still going: the page refreshes itself.
    importing: bool,
    finished: bool,
    failed: bool,
    done: Option<usize>,
    total: Option<usize>,
}

#[get("/arrests/import/<id>")]
async fn show_import(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let s = import::run_status(app, police.actor(), id).await?;
    let status = s.run.status;
    Ok(render(
        "arrest_import_status",
        &shell,
        StatusPage {
            importing: status.is_pending(),
            finished: status == ImportStatus::Done,
            failed: status.is_failure(),
            done: s.progress.map(|p| p.0),
            total: s.progress.map(|p| p.1),
            run: RunView {
                id: s.run.id,
                rows: s.run.rows,
                imported: s.run.imported,
                skipped_existing: s.run.skipped_existing,
                status: status.label(),
                error: s.run.error,
            },
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![new_import, check_import, start_import, show_import]
}
