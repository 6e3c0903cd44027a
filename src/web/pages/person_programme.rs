//! A man's "Programme" tab: his enrolments with attendance and enforcement
//! at a glance, and enrolling him on a cohort (probation).

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::people::{SubnavItem, subnav};
use super::{FormOutcome, errors_json};
use crate::auth::Actor;
use crate::auth::guards::{Can, cap};
use crate::domain::dates::parse_optional_date_parts;
use crate::domain::enrolment::LegalBasis;
use crate::domain::london_time::{format_date, format_datetime};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::enrolments::{self, EnrolmentInput};
use crate::services::{people, referrals};
use crate::state::AppState;
use crate::web::present::{self, Choice, PersonView, choices_or_none};
use crate::web::shell::{Shell, render};

type ManageCases = Can<cap::ManageCases>;

#[derive(Serialize)]
struct EnrolmentRow {
    id: i32,
    cohort: String,
    programme: String,
    basis: &'static str,
    status: &'static str,
    attended: String,
    prompt: Option<&'static str>,
}

/// A choice with a label made at run time.
#[derive(Serialize)]
struct Pick {
    value: String,
    label: String,
}

#[derive(Serialize, Default, FromForm)]
struct EnrolForm {
    #[field(default = String::new())]
    cohort_id: String,
    #[field(default = String::new())]
    referral_id: String,
    #[field(default = String::new())]
    legal_basis: String,
    #[field(default = String::new())]
    deadline_day: String,
    #[field(default = String::new())]
    deadline_month: String,
    #[field(default = String::new())]
    deadline_year: String,
    #[field(default = String::new())]
    override_reason: String,
    #[field(default = false)]
    waiting_list: bool,
}

#[derive(Serialize)]
struct ProgrammePage<'a> {
    person: PersonView,
    subnav: Vec<SubnavItem>,
    enrolments: Vec<EnrolmentRow>,
    cohort_options: Vec<Pick>,
    referral_options: Vec<Pick>,
    basis_options: Vec<Choice>,
    values: &'a EnrolForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn page(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    id: i32,
    values: &EnrolForm,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let person = people::identity(app, actor, id).await?;
    let enrolments = enrolments::for_person(app, actor, id).await?;
    let cohorts = enrolments::open_cohorts(app, actor).await?;
    let referrals = referrals::for_person(app, actor, id).await?;
    Ok(render(
        "person_programme",
        shell,
        ProgrammePage {
            person: present::person(&person),
            subnav: subnav(actor, id, "programme"),
            enrolments: enrolments
                .into_iter()
                .map(|e| EnrolmentRow {
                    id: e.enrolment.id,
                    cohort: e.cohort.code,
                    programme: e.programme.name,
                    basis: e.enrolment.legal_basis.label(),
                    status: e.enrolment.status.label(),
                    attended: format!(
                        "{} of {}",
                        e.standing.figures.attended, e.standing.figures.held
                    ),
                    prompt: e
                        .standing
                        .prompt
                        .is_open()
                        .then(|| e.standing.prompt.kind.label()),
                })
                .collect(),
            cohort_options: std::iter::once(Pick {
                value: String::new(),
                label: "Choose a cohort".into(),
            })
            .chain(cohorts.into_iter().map(|c| Pick {
                value: c.cohort.id.to_string(),
                label: format!(
                    "{} ({}), {}; {} place{} left",
                    c.cohort.code,
                    c.programme_name,
                    c.first_session.map(format_datetime).unwrap_or_default(),
                    c.places_left.max(0),
                    if c.places_left == 1 { "" } else { "s" }
                ),
            }))
            .collect(),
            referral_options: std::iter::once(Pick {
                value: String::new(),
                label: "None".into(),
            })
            .chain(referrals.into_iter().map(|r| Pick {
                value: r.id.to_string(),
                label: format!(
                    "{} referral, due {}",
                    r.reason.label(),
                    format_date(r.due_date)
                ),
            }))
            .collect(),
            basis_options: choices_or_none::<LegalBasis>("Choose the legal basis"),
            values,
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/people/<id>/programme")]
async fn person_programme(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    page(app, user.actor(), &shell, id, &EnrolForm::default(), None).await
}

#[post("/people/<id>/enrolments", data = "<form>")]
async fn enrol(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    form: Form<EnrolForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut errors = FieldErrors::new();
    let cohort_id = f.cohort_id.parse::<i32>().ok();
    if cohort_id.is_none() {
        errors.add("cohort_id", "Choose a cohort");
    }
    let legal_basis = LegalBasis::parse(&f.legal_basis);
    if legal_basis.is_none() {
        errors.add("legal_basis", "Choose the legal basis of his attendance");
    }
    let deadline = errors
        .check(
            "deadline",
            parse_optional_date_parts(
                &f.deadline_day,
                &f.deadline_month,
                &f.deadline_year,
                "the deadline",
            ),
        )
        .flatten();
    let result = match (cohort_id, legal_basis) {
        (Some(cohort_id), Some(legal_basis)) if errors.is_empty() => {
            enrolments::enrol(
                app,
                user.actor(),
                &EnrolmentInput {
                    person_id: id,
                    cohort_id,
                    referral_id: f.referral_id.parse::<i32>().ok(),
                    legal_basis,
                    deadline,
                    override_reason: Some(f.override_reason.clone()),
                    waiting_list: f.waiting_list,
                },
            )
            .await
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(e) => Ok(FormOutcome::done(
            format!("/enrolments/{}", e.enrolment.id),
            std::iter::once(format!(
                "{}: enrolment recorded.",
                e.enrolment.status.label()
            ))
            .chain(e.warnings)
            .collect::<Vec<_>>()
            .join(" "),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            page(app, user.actor(), &shell, id, &f, Some(&e)).await?,
        )),
        Err(AppError::Conflict(message)) => {
            let e = FieldErrors::one("cohort_id", message);
            Ok(FormOutcome::Again((
                rocket::http::Status::Conflict,
                page(app, user.actor(), &shell, id, &f, Some(&e)).await?,
            )))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![person_programme, enrol]
}
