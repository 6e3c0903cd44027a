//! Entering an arrest: search for the man first, then record the arrest
//! against him (his previous arrests shown before the disposal is chosen), or
//! create a new person and the arrest together.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::{Value, json};

use super::arrest_form::{ArrestFields, PersonFields, options};
use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::db::{arrests_repo, people_repo, settings_repo};
use crate::domain::dates::parse_date_parts;
use crate::domain::london_time::london_date;
use crate::error::{AppError, AppResult};
use crate::services::arrests::{self, ArrestedPerson};
use crate::services::people::{self, PersonSearch};
use crate::state::AppState;
use crate::web::present;
use crate::web::shell::{Shell, render};

type Police = Can<cap::RecordArrests>;

#[derive(FromForm, Default, serde::Serialize)]
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

/// The search that starts an arrest. Searches are POSTed so that names and
/// dates of birth never appear in addresses, histories or server logs.
#[get("/arrests/new")]
async fn new_arrest(app: &State<AppState>, police: Police, shell: Shell) -> AppResult<Template> {
    search_page(app, &police, &shell, Lookup::default()).await
}

#[post("/arrests/new", data = "<q>")]
async fn search_for_man(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    q: Form<Lookup>,
) -> AppResult<Template> {
    search_page(app, &police, &shell, q.into_inner()).await
}

async fn search_page(
    app: &AppState,
    police: &Police,
    shell: &Shell,
    q: Lookup,
) -> AppResult<Template> {
    let searched = [
        &q.surname,
        &q.forenames,
        &q.date_of_birth_year,
        &q.pnc_id,
        &q.vehicle_registration,
    ]
    .iter()
    .any(|v| v.as_deref().is_some_and(|x| !x.trim().is_empty()));
    let mut data = json!({ "values": q, "searched": searched, "candidates": [] });
    if searched {
        let dob = if s(&q.date_of_birth_day).is_empty()
            && s(&q.date_of_birth_month).is_empty()
            && s(&q.date_of_birth_year).is_empty()
        {
            None
        } else {
            match parse_date_parts(
                &s(&q.date_of_birth_day),
                &s(&q.date_of_birth_month),
                &s(&q.date_of_birth_year),
                "the date of birth",
            ) {
                Ok(d) => Some(d),
                Err(e) => {
                    data["errors"] = json!({ "date_of_birth": e });
                    return Ok(render("arrest_new", shell, data));
                }
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
        let (matches, _) = people::search(
            app,
            police.actor(),
            &search,
            crate::domain::pagination::PageRequest::new(Some(1), Some(10)),
        )
        .await?;
        let mut rows = Vec::new();
        for m in &matches {
            let arrests = arrests_repo::for_person(&app.db, m.person.id).await?;
            rows.push(json!({
                "person": present::person(&m.person), "score": (m.score * 100.0).round(), "reasons": m.reasons,
                "arrest_count": arrests.len(), "last_arrest": arrests.first().map(present::arrest),
            }));
        }
        data["candidates"] = Value::Array(rows);
    }
    Ok(render("arrest_new", shell, data))
}

async fn form_page(
    app: &AppState,
    shell: &Shell,
    person: Option<&people_repo::Person>,
    values: Value,
    errors: Option<Value>,
) -> AppResult<Template> {
    let areas = settings_repo::areas(&app.db).await?;
    let previous = match person {
        Some(p) => arrests_repo::for_person(&app.db, p.id)
            .await?
            .iter()
            .map(present::arrest)
            .collect::<Vec<_>>(),
        None => Vec::new(),
    };
    let mut data = options(&areas);
    data["values"] = values;
    data["person"] = json!(person.map(present::person));
    data["previous"] = json!(previous);
    data["errors"] = errors.unwrap_or(Value::Null);
    Ok(render("arrest_form", shell, data))
}

fn today_values(app: &AppState, extra: Value) -> Value {
    let today = london_date(app.now());
    let mut v = json!({
        "arrested_at_day": today.format("%-d").to_string(),
        "arrested_at_month": today.format("%-m").to_string(),
        "arrested_at_year": today.format("%Y").to_string(),
        "category": "suspect",
        "course_condition": true,
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    v
}

#[get("/arrests/new/for/<person_id>")]
async fn new_arrest_for(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    person_id: i32,
) -> AppResult<Template> {
    arrest_for_page(app, &police, &shell, person_id, None).await
}

/// "This is him" from the search: carries the vehicle typed there.
#[post("/arrests/new/for/<person_id>", data = "<q>")]
async fn choose_man(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    person_id: i32,
    q: Form<Lookup>,
) -> AppResult<Template> {
    arrest_for_page(
        app,
        &police,
        &shell,
        person_id,
        q.into_inner().vehicle_registration,
    )
    .await
}

async fn arrest_for_page(
    app: &AppState,
    police: &Police,
    shell: &Shell,
    person_id: i32,
    vehicle_registration: Option<String>,
) -> AppResult<Template> {
    let record = people::show(app, police.actor(), person_id).await?;
    let values = today_values(
        app,
        json!({ "person_id": person_id, "vehicle_registration": vehicle_registration.unwrap_or_default() }),
    );
    form_page(app, shell, Some(&record.person), values, None).await
}

#[get("/arrests/new/person")]
async fn new_arrest_new_person(
    app: &State<AppState>,
    _police: Police,
    shell: Shell,
) -> AppResult<Template> {
    form_page(app, &shell, None, today_values(app, json!({})), None).await
}

/// "None of these": a new person, prefilled from the search.
#[post("/arrests/new/person", data = "<q>")]
async fn new_person_from_search(
    app: &State<AppState>,
    _police: Police,
    shell: Shell,
    q: Form<Lookup>,
) -> AppResult<Template> {
    let values = today_values(
        app,
        serde_json::to_value(q.into_inner()).unwrap_or_default(),
    );
    form_page(app, &shell, None, values, None).await
}

#[derive(FromForm, Default)]
struct ArrestForm {
    person_id: Option<i32>,
    person: PersonFields,
    arrest: ArrestFields,
}

fn flatten(person_id: Option<i32>, p: &PersonFields, a: &ArrestFields) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let (Some(o), Ok(Value::Object(extra))) = (v.as_object_mut(), serde_json::to_value(a)) {
        o.extend(extra);
        o.insert("person_id".into(), json!(person_id));
    }
    v
}

#[post("/arrests", data = "<form>")]
async fn create_arrest(
    app: &State<AppState>,
    police: Police,
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
        Ok(r) => {
            let mut msg = format!(
                "Arrest recorded for {} {} ({}).",
                r.person.forenames, r.person.surname, r.person.reference
            );
            if !r.previous.is_empty() {
                msg.push_str(&format!(
                    " He has {} previous arrest(s) in Kerbside.",
                    r.previous.len()
                ));
            }
            if let Some(ref_) = &r.referral {
                msg.push_str(&format!(
                    " A referral to probation was made, due {}.",
                    crate::domain::london_time::format_date(ref_.due_date)
                ));
            }
            Ok(FormOutcome::done(format!("/arrests/{}", r.arrest.id), msg))
        }
        Err(AppError::Invalid(e)) => {
            let person = match f.person_id {
                Some(id) => people_repo::find(&app.db, id).await?,
                None => None,
            };
            let values = flatten(f.person_id, &f.person, &f.arrest);
            Ok(FormOutcome::again(
                form_page(app, &shell, person.as_ref(), values, Some(errors_json(&e))).await?,
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

/// The edit form's values from a stored arrest (London date and time).
fn fields_of(a: &crate::db::arrests_repo::Arrest) -> Value {
    let local = crate::domain::london_time::to_london(a.arrested_at);
    json!({
        "arrested_at_day": local.format("%-d").to_string(),
        "arrested_at_month": local.format("%-m").to_string(),
        "arrested_at_year": local.format("%Y").to_string(),
        "arrested_at_time": local.format("%H:%M").to_string(),
        "location": a.location, "area": a.area, "operation": a.operation,
        "vehicle_registration": present::vehicle_display(a.vehicle_registration.as_deref()),
        "offence": a.offence, "collar_number": a.collar_number,
        "occurrence_reference": a.occurrence_reference, "notes": a.notes,
    })
}

async fn edit_page(
    app: &AppState,
    police: &Police,
    shell: &Shell,
    id: i32,
    values: Option<Value>,
    errors: Option<Value>,
) -> AppResult<Template> {
    let record = arrests::show(app, police.actor(), id).await?;
    let mut data = options(&settings_repo::areas(&app.db).await?);
    data["person"] = json!(present::person(&record.person));
    data["arrest"] = json!(present::arrest(&record.arrest));
    data["version"] = json!(record.arrest.version);
    data["values"] = values.unwrap_or_else(|| fields_of(&record.arrest));
    data["errors"] = errors.unwrap_or(Value::Null);
    Ok(render("arrest_edit", shell, data))
}

#[get("/arrests/<id>/edit", rank = 2)]
async fn edit_arrest(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    edit_page(app, &police, &shell, id, None, None).await
}

#[derive(FromForm)]
struct EditForm {
    version: i32,
    arrest: ArrestFields,
}

#[post("/arrests/<id>", data = "<form>")]
async fn update_arrest(
    app: &State<AppState>,
    police: Police,
    shell: Shell,
    id: i32,
    form: Form<EditForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let (input, date_errors) = f.arrest.input();
    match arrests::update(app, police.actor(), id, f.version, &input, date_errors).await {
        Ok(_) => Ok(FormOutcome::done(
            format!("/arrests/{id}"),
            "Arrest details corrected",
        )),
        Err(AppError::Invalid(e)) => {
            let values = serde_json::to_value(&f.arrest).unwrap_or_default();
            Ok(FormOutcome::again(
                edit_page(
                    app,
                    &police,
                    &shell,
                    id,
                    Some(values),
                    Some(errors_json(&e)),
                )
                .await?,
            ))
        }
        Err(e) => Err(e),
    }
}

/// Routes for correcting an arrest.
pub fn edit_routes() -> Vec<Route> {
    routes![edit_arrest, update_arrest]
}
