//! Importing a force export from the pages: upload, see every problem (or a
//! summary of what will happen), confirm, and watch the progress.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::FormOutcome;
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::db::imports_repo;
use crate::domain::arrest_import::{COLUMNS, REQUIRED_COLUMNS};
use crate::error::{AppError, AppResult};
use crate::services::import;
use crate::state::AppState;
use crate::web::shell::{Shell, render};

type Police = Can<cap::RecordArrests>;

fn columns() -> Vec<serde_json::Value> {
    COLUMNS
        .iter()
        .map(|c| json!({"name": c, "required": REQUIRED_COLUMNS.contains(c)}))
        .collect()
}

#[get("/arrests/import")]
fn new_import(_police: Police, shell: Shell) -> Template {
    render("arrest_import", &shell, json!({ "columns": columns() }))
}

#[derive(FromForm)]
struct Upload {
    file: String,
}

#[post("/arrests/import", data = "<form>")]
async fn check_import(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    form: Form<Upload>,
) -> AppResult<(rocket::http::Status, Template)> {
    let text = form.into_inner().file;
    if text.trim().is_empty() {
        let page = render(
            "arrest_import",
            &shell,
            json!({ "columns": columns(), "errors": {"file": "Choose a CSV file to upload"} }),
        );
        return Ok((rocket::http::Status::UnprocessableEntity, page));
    }
    match import::import_csv(app, police.actor(), &text, "upload", true, None).await? {
        Err(problems) => {
            let page = render(
                "arrest_import",
                &shell,
                json!({ "columns": columns(), "problems": problems, "errors": {"file": format!("The file has {} problem(s): nothing was imported. Correct them and upload it again.", problems.len())} }),
            );
            Ok((rocket::http::Status::UnprocessableEntity, page))
        }
        Ok(summary) => {
            let run = imports_repo::insert(
                &app.db,
                "upload",
                summary.rows as i32,
                &text,
                police.actor().user_id(),
                app.now(),
            )
            .await?;
            Ok((
                rocket::http::Status::Ok,
                render(
                    "arrest_import_check",
                    &shell,
                    json!({ "summary": summary, "run_id": run.id }),
                ),
            ))
        }
    }
}

async fn owned_run(app: &AppState, actor: &Actor, id: i32) -> AppResult<imports_repo::ImportRun> {
    let run = imports_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.created_by != actor.user_id() {
        return Err(AppError::NotFound);
    }
    Ok(run)
}

async fn run_import(app: AppState, actor: Actor, id: i32, text: String) {
    let progress = app.import_progress.clone();
    let report = move |done: usize, total: usize| {
        if let Ok(mut p) = progress.lock() {
            p.insert(id, (done, total));
        }
    };
    let result = import::import_csv(
        &app,
        &actor,
        &text,
        &format!("upload {id}"),
        false,
        Some(&report),
    )
    .await;
    let now = app.now();
    let _ = match result {
        Ok(Ok(s)) => {
            imports_repo::finish(
                &app.db,
                id,
                crate::domain::arrest_import::ImportStatus::Done,
                s.imported as i32,
                s.skipped_existing as i32,
                None,
                now,
            )
            .await
        }
        Ok(Err(problems)) => {
            imports_repo::finish(
                &app.db,
                id,
                crate::domain::arrest_import::ImportStatus::Failed,
                0,
                0,
                Some(format!(
                    "{} problem(s) appeared since the check: nothing was imported",
                    problems.len()
                )),
                now,
            )
            .await
        }
        Err(e) => {
            crate::web::request_log::error(format!("import {id} failed: {e}"));
            imports_repo::finish(&app.db, id, crate::domain::arrest_import::ImportStatus::Failed, 0, 0, Some("The import failed and nothing was imported. Upload the file again; if it fails again, tell your administrator.".into()), now).await
        }
    };
    if let Ok(mut p) = app.import_progress.lock() {
        p.remove(&id);
    }
}

#[post("/arrests/import/<id>/run")]
async fn start_import(app: &State<AppState>, police: Police, id: i32) -> AppResult<FormOutcome> {
    let run = owned_run(app, police.actor(), id).await?;
    if !imports_repo::claim(&app.db, id).await? {
        return Ok(FormOutcome::done(
            format!("/arrests/import/{id}"),
            "This file is already being imported",
        ));
    }
    let text = run.content.unwrap_or_default();
    rocket::tokio::spawn(run_import(
        app.inner().clone(),
        police.actor().clone(),
        id,
        text,
    ));
    Ok(FormOutcome::done(
        format!("/arrests/import/{id}"),
        "Import started",
    ))
}

#[get("/arrests/import/<id>")]
async fn show_import(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let run = owned_run(app, police.actor(), id).await?;
    let progress = app
        .import_progress
        .lock()
        .ok()
        .and_then(|p| p.get(&id).copied());
    Ok(render(
        "arrest_import_status",
        &shell,
        json!({
            "run": {"id": run.id, "rows": run.rows, "imported": run.imported, "skipped_existing": run.skipped_existing, "status": run.status, "error": run.error, "finished_at": run.finished_at},
            "done": progress.map(|p| p.0), "total": progress.map(|p| p.1),
            "refresh": run.status.in_progress(),
        }),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![new_import, check_import, start_import, show_import]
}
