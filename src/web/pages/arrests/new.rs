//! Recording an arrest: search for the man first, then record the arrest
//! against him (his previous arrests shown before the disposal is chosen), or
//! create a new person and the arrest together.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::form::{ArrestChoices, ArrestFields, PersonFields};
use crate::auth::guards::{Can, cap};
use crate::db::people_repo::Person;
use crate::domain::dates::parse_optional_date_parts;
use crate::domain::london_time::{format_date, london_date};
use crate::domain::pagination::PageRequest;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::arrests::{self, ArrestedPerson, RecordedArrest};
use crate::services::people::{self, PersonSearch};
use crate::services::settings;
use crate::state::AppState;
use crate::web::pages::{FormOutcome, errors_json};
use crate::web::present::{self, ArrestView, PersonView};
use crate::web::shell::{Shell, render};

type RecordArrests = Can<cap::RecordArrests>;

/// What the officer typed to find the man.
#[derive(FromForm, Default, Serialize, Clone)]
struct Lookup {
    surname: Option<String>,
    forenames: Option<String>,
    date_of_birth_day: Option<String>,
    date_of_birth_month: Option<String>,
    date_of_birth_year: Option<String>,
    pnc_id: Option<String>,
    vehicle_registration: Option<String>,
}

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Lookup {
    fn anything_typed(&self) -> bool {
        [
            &self.surname,
            &self.forenames,
            &self.date_of_birth_year,
            &self.pnc_id,
            &self.vehicle_registration,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|x| !x.trim().is_empty()))
    }
}

/// A man who may be the one arrested.
#[derive(Serialize)]
struct CandidateRow {
    person: PersonView,
    /// 0-100.
    score: f64,
    reasons: Vec<&'static str>,
    arrest_count: usize,
    last_arrest: Option<ArrestView>,
}

#[derive(Serialize)]
struct FindPage<'a> {
    values: &'a Lookup,
    searched: bool,
    candidates: Vec<CandidateRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// The search that starts an arrest. Searches are POSTed so that names and
/// dates of birth never appear in addresses, histories or server logs.
#[get("/arrests/new")]
async fn new_arrest(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
) -> AppResult<HtmlPage> {
    find_page(app, &police, &shell, Lookup::default()).await
}

#[post("/arrests/new", data = "<q>")]
async fn search_for_man(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    q: Form<Lookup>,
) -> AppResult<HtmlPage> {
    find_page(app, &police, &shell, q.into_inner()).await
}

async fn find_page(
    app: &AppState,
    police: &RecordArrests,
    shell: &Shell,
    q: Lookup,
) -> AppResult<HtmlPage> {
    let mut page = FindPage {
        values: &q,
        searched: q.anything_typed(),
        candidates: Vec::new(),
        errors: None,
    };
    if !page.searched {
        return Ok(render("arrest_new", shell, page));
    }
    let dob = match parse_optional_date_parts(
        &s(&q.date_of_birth_day),
        &s(&q.date_of_birth_month),
        &s(&q.date_of_birth_year),
        "the date of birth",
    ) {
        Ok(d) => d,
        Err(message) => {
            let mut e = FieldErrors::new();
            e.add("date_of_birth", message);
            page.errors = Some(errors_json(&e));
            page.searched = false;
            return Ok(render("arrest_new", shell, page));
        }
    };
    let search = PersonSearch {
        surname: s(&q.surname),
        forenames: s(&q.forenames),
        date_of_birth: dob,
        pnc_id: s(&q.pnc_id),
        vehicle_registration: s(&q.vehicle_registration),
        ..Default::default()
    };
    page.candidates = arrests::candidates(
        app,
        police.actor(),
        &search,
        PageRequest::new(Some(1), Some(10)),
    )
    .await?
    .into_iter()
    .map(|c| CandidateRow {
        person: present::person(&c.found.person),
        score: (c.found.score * 100.0).round(),
        reasons: c.found.reasons,
        arrest_count: c.arrest_count,
        last_arrest: c.last_arrest.as_ref().map(present::arrest),
    })
    .collect();
    Ok(render("arrest_new", shell, page))
}

/// What the arrest form shows in its fields.
#[derive(Serialize, Default)]
struct FormValues {
    person_id: Option<i32>,
    #[serde(flatten)]
    person: PersonFields,
    #[serde(flatten)]
    arrest: ArrestFields,
}

impl FormValues {
    /// A blank form for today: the arrest's date set, a suspect, and the
    /// course condition ticked (the usual caution).
    fn for_today(app: &AppState) -> FormValues {
        let today = london_date(app.now());
        FormValues {
            person_id: None,
            person: PersonFields {
                category: "suspect".into(),
                ..Default::default()
            },
            arrest: ArrestFields {
                arrested_at_day: today.format("%-d").to_string(),
                arrested_at_month: today.format("%-m").to_string(),
                arrested_at_year: today.format("%Y").to_string(),
                course_condition: true,
                ..Default::default()
            },
        }
    }
}

#[derive(Serialize)]
struct ArrestFormPage<'a> {
    values: &'a FormValues,
    /// The man, when the arrest is for someone already recorded.
    person: Option<PersonView>,
    /// His arrests so far, newest first: shown before the disposal is chosen.
    previous: Vec<ArrestView>,
    #[serde(flatten)]
    choices: ArrestChoices,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

async fn form_page(
    app: &AppState,
    police: &RecordArrests,
    shell: &Shell,
    values: &FormValues,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let (person, previous) = match values.person_id {
        Some(id) => {
            let record = people::show(app, police.actor(), id).await?;
            (Some(record.person), record.arrests)
        }
        None => (None, Vec::new()),
    };
    Ok(render(
        "arrest_form",
        shell,
        ArrestFormPage {
            values,
            person: person.as_ref().map(present::person),
            previous: previous.iter().map(present::arrest).collect(),
            choices: ArrestChoices::new(&settings::areas(app).await?),
            errors: errors.map(errors_json),
        },
    ))
}

#[get("/arrests/new/for/<person_id>")]
async fn new_arrest_for(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    person_id: i32,
) -> AppResult<HtmlPage> {
    let values = FormValues {
        person_id: Some(person_id),
        ..FormValues::for_today(app)
    };
    form_page(app, &police, &shell, &values, None).await
}

/// "This is him" from the search: carries the vehicle typed there.
#[post("/arrests/new/for/<person_id>", data = "<q>")]
async fn choose_man(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    person_id: i32,
    q: Form<Lookup>,
) -> AppResult<HtmlPage> {
    let mut values = FormValues {
        person_id: Some(person_id),
        ..FormValues::for_today(app)
    };
    values.arrest.vehicle_registration = s(&q.vehicle_registration);
    form_page(app, &police, &shell, &values, None).await
}

#[get("/arrests/new/person")]
async fn new_arrest_new_person(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
) -> AppResult<HtmlPage> {
    form_page(app, &police, &shell, &FormValues::for_today(app), None).await
}

/// "None of these": a new person, prefilled from the search.
#[post("/arrests/new/person", data = "<q>")]
async fn new_person_from_search(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    q: Form<Lookup>,
) -> AppResult<HtmlPage> {
    let q = q.into_inner();
    let mut values = FormValues::for_today(app);
    values.person.surname = s(&q.surname);
    values.person.forenames = s(&q.forenames);
    values.person.date_of_birth_day = s(&q.date_of_birth_day);
    values.person.date_of_birth_month = s(&q.date_of_birth_month);
    values.person.date_of_birth_year = s(&q.date_of_birth_year);
    values.person.pnc_id = s(&q.pnc_id);
    values.arrest.vehicle_registration = s(&q.vehicle_registration);
    form_page(app, &police, &shell, &values, None).await
}

#[derive(FromForm, Default)]
struct ArrestForm {
    person_id: Option<i32>,
    person: PersonFields,
    arrest: ArrestFields,
}

/// The notice after recording: who, and what followed from it.
fn recorded_notice(r: &RecordedArrest) -> String {
    let Person {
        forenames,
        surname,
        reference,
        ..
    } = &r.person;
    let mut msg = format!("Arrest recorded for {forenames} {surname} ({reference}).");
    if !r.previous.is_empty() {
        msg.push_str(&format!(
            " He has {} previous arrest(s) in Kerbside.",
            r.previous.len()
        ));
    }
    if let Some(referral) = &r.referral {
        msg.push_str(&format!(
            " A referral to probation was made, due {}.",
            format_date(referral.due_date)
        ));
    }
    msg
}

#[post("/arrests", data = "<form>")]
async fn create_arrest(
    app: &State<AppState>,
    police: RecordArrests,
    shell: Shell,
    form: Form<ArrestForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let who = match f.person_id {
        Some(id) => ArrestedPerson::Existing(id),
        None => {
            let (input, dob_error) = f.person.input();
            ArrestedPerson::New {
                input: Box::new(input),
                dob_error,
            }
        }
    };
    let (input, date_errors) = f.arrest.input();
    match arrests::record(app, police.actor(), who, &input, date_errors).await {
        Ok(r) => Ok(FormOutcome::done(
            format!("/arrests/{}", r.arrest.id),
            recorded_notice(&r),
        )),
        Err(AppError::Invalid(e)) => {
            let values = FormValues {
                person_id: f.person_id,
                person: f.person,
                arrest: f.arrest,
            };
            Ok(FormOutcome::again(
                form_page(app, &police, &shell, &values, Some(&e)).await?,
            ))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        new_arrest,
        search_for_man,
        choose_man,
        new_person_from_search,
        new_arrest_for,
        new_arrest_new_person,
        create_arrest
    ]
}
