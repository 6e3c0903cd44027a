//! Subject access: find the man by the reference a request quotes (or come
//! from his record), name the recipient, and download everything held about
//! him as a PDF or JSON.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::http::{Header, Status};
use rocket::response::Redirect;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::errors_json;
use super::people::{SubnavItem, subnav};
use crate::auth::guards::{Can, cap};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::subject_access::{self, Format};
use crate::state::AppState;
use crate::web::pdf::PdfDownload;
use crate::web::present::{self, Choice, PersonView};
use crate::web::shell::{Shell, render};

type ExportSubjectData = Can<cap::ExportSubjectData>;

#[derive(Serialize)]
struct FindPage<'a> {
    reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

#[derive(rocket::Responder)]
enum Found {
    Go(Redirect),
    Page((Status, HtmlPage)),
}

#[get("/subject-access?<reference>")]
async fn find(
    app: &State<AppState>,
    user: ExportSubjectData,
    shell: Shell,
    reference: Option<String>,
) -> AppResult<Found> {
    let Some(typed) = reference else {
        return Ok(Found::Page((
            Status::Ok,
            render(
                "subject_access_find",
                &shell,
                FindPage {
                    reference: "",
                    errors: None,
                },
            ),
        )));
    };
    match subject_access::find_reference(app, user.actor(), &typed).await {
        Ok(id) => Ok(Found::Go(Redirect::to(format!(
            "/people/{id}/subject-access"
        )))),
        Err(AppError::Invalid(e)) => Ok(Found::Page((
            Status::UnprocessableEntity,
            render(
                "subject_access_find",
                &shell,
                FindPage {
                    reference: &typed,
                    errors: Some(errors_json(&e)),
                },
            ),
        ))),
        Err(e) => Err(e),
    }
}

#[derive(FromForm, Serialize, Default)]
struct ExportForm {
    #[field(default = String::new())]
    recipient: String,
    #[field(default = String::new())]
    format: String,
}

#[derive(Serialize)]
struct ExportPage<'a> {
    person: PersonView,
    subnav: Vec<SubnavItem>,
    values: &'a ExportForm,
    format_options: Vec<Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn export_page(
    app: &AppState,
    user: &ExportSubjectData,
    shell: &Shell,
    id: i32,
    values: &ExportForm,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let person = subject_access::subject(app, user.actor(), id).await?;
    let subnav = if user.actor().can(Capability::ViewPeople) {
        subnav(user.actor(), id, "subject_access")
    } else {
        Vec::new()
    };
    Ok(render(
        "subject_access",
        shell,
        ExportPage {
            person: present::person(&person),
            subnav,
            values,
            format_options: vec![
                Choice {
                    value: "pdf",
                    label: "PDF, to read or print",
                },
                Choice {
                    value: "json",
                    label: "JSON, for another system",
                },
            ],
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/people/<id>/subject-access")]
async fn page(
    app: &State<AppState>,
    user: ExportSubjectData,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let values = ExportForm {
        format: "pdf".into(),
        ..Default::default()
    };
    export_page(app, &user, &shell, id, &values, None).await
}

/// A JSON file to save (not to show in the browser).
#[derive(rocket::Responder)]
#[response(content_type = "json")]
struct JsonDownload {
    body: Vec<u8>,
    disposition: Header<'static>,
}

#[derive(rocket::Responder)]
enum Exported {
    Pdf(PdfDownload),
    Json(JsonDownload),
    Again((Status, HtmlPage)),
}

#[post("/people/<id>/subject-access", data = "<form>")]
async fn download(
    app: &State<AppState>,
    user: ExportSubjectData,
    shell: Shell,
    id: i32,
    form: Form<ExportForm>,
) -> AppResult<Exported> {
    let f = form.into_inner();
    let format = match f.format.as_str() {
        "pdf" => Format::Pdf,
        "json" => Format::Json,
        _ => {
            let e = FieldErrors::one("format", "Choose PDF or JSON");
            let page = export_page(app, &user, &shell, id, &f, Some(&e)).await?;
            return Ok(Exported::Again((Status::UnprocessableEntity, page)));
        }
    };
    let recipient = Some(f.recipient.as_str());
    match subject_access::export(app, user.actor(), id, recipient, format).await {
        Ok((_, file)) => Ok(match format {
            Format::Pdf => Exported::Pdf(PdfDownload::new(file)),
            Format::Json => Exported::Json(JsonDownload {
                disposition: Header::new(
                    "Content-Disposition",
                    format!("attachment; filename=\"{}\"", file.file_name),
                ),
                body: file.bytes,
            }),
        }),
        Err(AppError::Invalid(e)) => {
            let page = export_page(app, &user, &shell, id, &f, Some(&e)).await?;
            Ok(Exported::Again((Status::UnprocessableEntity, page)))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![find, page, download]
}
