//! People: search (typo-tolerant), a man's record, correcting his details.

use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use rocket_dyn_templates::Template;
use serde_json::{Value, json};

use super::arrest_form::{PersonFields, options};
use super::{FormOutcome, errors_json};
use crate::auth::guards::{Can, cap};
use crate::db::{assessments_repo, hearings_repo, referrals_repo, settings_repo};
use crate::domain::dates::parse_date_parts;
use crate::domain::london_time::format_datetime;
use crate::domain::pagination::PageRequest;
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::assessments;
use crate::services::people::{self, PersonSearch};
use crate::state::AppState;
use crate::web::present;
use crate::web::shell::{Shell, render};

type Viewer = Can<cap::ViewPeople>;

#[derive(FromForm, Default, serde::Serialize)]
struct SearchQuery {
    q: Option<String>,
    date_of_birth_day: Option<String>,
    date_of_birth_month: Option<String>,
    date_of_birth_year: Option<String>,
}

/// The search page. Searches are POSTed so that names and dates of birth
/// never appear in addresses, histories or server logs.
#[get("/people")]
async fn people_page(user: Viewer, shell: Shell) -> AppResult<Template> {
    let _ = user;
    Ok(render(
        "people",
        &shell,
        json!({ "values": {}, "results": [], "searched": false }),
    ))
}

#[post("/people/search", data = "<q>")]
async fn search_people(
    app: &State<AppState>,
    user: Viewer,
    shell: Shell,
    q: Form<SearchQuery>,
) -> AppResult<Template> {
    let q = q.into_inner();
    let (d, m, y) = (
        q.date_of_birth_day.clone().unwrap_or_default(),
        q.date_of_birth_month.clone().unwrap_or_default(),
        q.date_of_birth_year.clone().unwrap_or_default(),
    );
    let mut data = json!({ "values": q, "results": [], "searched": false });
    let dob = if d.trim().is_empty() && m.trim().is_empty() && y.trim().is_empty() {
        None
    } else {
        match parse_date_parts(&d, &m, &y, "the date of birth") {
            Ok(v) => Some(v),
            Err(e) => {
                data["errors"] = json!({ "date_of_birth": e });
                return Ok(render("people", &shell, data));
            }
        }
    };
    let search = PersonSearch {
        text: q.q.clone().unwrap_or_default(),
        date_of_birth: dob,
        ..Default::default()
    };
    if !search.is_empty() {
        let (matches, info) = people::search(
            app,
            user.actor(),
            &search,
            PageRequest::new(Some(1), Some(50)),
        )
        .await?;
        data["results"] = Value::Array(matches.iter().map(|m| json!({ "person": present::person(&m.person), "score": (m.score * 100.0).round(), "reasons": m.reasons })).collect());
        data["total"] = json!(info.total);
        data["searched"] = json!(true);
    }
    Ok(render("people", &shell, data))
}

/// The sub-navigation of a man's record, by what the user may see.
pub(super) fn subnav(actor: &crate::auth::Actor, person_id: i32, current: &str) -> Value {
    let mut items = vec![("overview", "Overview", format!("/people/{person_id}"))];
    if actor.can(Capability::ManageCases) {
        items.push((
            "assessments",
            "Assessments",
            format!("/people/{person_id}/assessments"),
        ));
        items.push(("history", "History", format!("/people/{person_id}/history")));
    }
    Value::Array(
        items
            .into_iter()
            .map(|(k, l, h)| json!({"key": k, "label": l, "href": h, "current": k == current}))
            .collect(),
    )
}

#[get("/people/<id>")]
async fn show_person(
    app: &State<AppState>,
    user: Viewer,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let record = people::show(app, user.actor(), id).await?;
    let referrals = referrals_repo::for_person(&app.db, id).await?;
    // hearings are probation's record; police see the referral status and suitability only
    let hearings = if user.actor().can(Capability::ManageCases) {
        hearings_repo::for_person(&app.db, id).await?
    } else {
        Vec::new()
    };
    // police see the suitability outcome only
    let suitability = assessments_repo::current_completed(&app.db, id)
        .await?
        .and_then(|a| a.suitability)
        .map(|s| s.label());
    Ok(render(
        "person",
        &shell,
        json!({
            "person": present::person(&record.person),
            "arrests": record.arrests.iter().map(present::arrest).collect::<Vec<_>>(),
            "referrals": referrals.iter().map(present::referral).collect::<Vec<_>>(),
            "hearings": hearings.iter().map(present::hearing).collect::<Vec<_>>(),
            "suitability": suitability,
            "can_record": user.actor().can(Capability::RecordArrests),
            "can_assess": user.actor().can(Capability::ManageCases),
            "subnav": subnav(user.actor(), id, "overview"),
        }),
    ))
}

#[get("/people/<id>/assessments")]
async fn person_assessments(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let record = people::show(app, user.actor(), id).await?;
    let list = assessments::for_person(app, user.actor(), id).await?;
    let names = crate::db::users_repo::names_for(
        &app.db,
        &list.iter().map(|a| a.author_id).collect::<Vec<_>>(),
    )
    .await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|a| json!({
            "id": a.id, "version": a.version_number, "status": a.status,
            "status_text": a.status.label(),
            "suitability": a.suitability.map(|s| s.label()),
            "rosh_overall": a.rosh_overall.map(|r| r.label()),
            "ogrs3": a.ogrs3_two_year_percent,
                    "indicative": serde_json::from_str::<crate::domain::assessment::AssessmentInput>(&a.content).ok().and_then(|i| i.ogrs3).and_then(|o| o.current_sanction).as_deref() == Some("caution"), "author": names.get(&a.author_id),
            "updated_at": format_datetime(a.updated_at),
        }))
        .collect();
    Ok(render(
        "person_assessments",
        &shell,
        json!({"person": present::person(&record.person), "assessments": rows, "subnav": subnav(user.actor(), id, "assessments")}),
    ))
}

#[get("/people/<id>/history?<views>&<page>")]
async fn person_history(
    app: &State<AppState>,
    user: Can<cap::ManageCases>,
    shell: Shell,
    id: i32,
    views: Option<bool>,
    page: Option<u64>,
) -> AppResult<Template> {
    let record = people::show(app, user.actor(), id).await?;
    let (rows, info) = crate::services::audit::person_timeline(
        app,
        user.actor(),
        id,
        views == Some(true),
        PageRequest::new(page, Some(50)),
    )
    .await?;
    let entries: Vec<Value> = rows
        .iter()
        .map(|r| json!({
            "at": format_datetime(r.at), "who": r.actor_username, "action": r.action,
            "what": r.record_type.as_deref().map(|t| t.replace('_', " ")), "record_id": r.record_id,
            "reason": r.reason, "recipient": r.recipient,
        }))
        .collect();
    let base = format!(
        "/people/{id}/history?{}",
        if views == Some(true) {
            "views=true&"
        } else {
            ""
        }
    );
    Ok(render(
        "person_history",
        &shell,
        json!({"person": present::person(&record.person), "entries": entries, "pagination": info, "base": base, "views": views == Some(true), "subnav": subnav(user.actor(), id, "history")}),
    ))
}

fn fields_of(p: &crate::db::people_repo::Person) -> Value {
    json!({
        "surname": p.surname, "forenames": p.forenames,
        "date_of_birth_day": p.date_of_birth.format("%-d").to_string(),
        "date_of_birth_month": p.date_of_birth.format("%-m").to_string(),
        "date_of_birth_year": p.date_of_birth.format("%Y").to_string(),
        "sex": p.sex, "address": p.address, "postcode": p.postcode, "phone": p.phone, "pnc_id": p.pnc_id,
        "contact_preference": p.contact_preference.map(|c| c.as_str()).unwrap_or_default(), "category": p.category,
    })
}

async fn edit_page(
    app: &AppState,
    shell: &Shell,
    person: &crate::db::people_repo::Person,
    values: Value,
    version: i32,
    errors: Option<Value>,
) -> AppResult<Template> {
    let mut data = options(&settings_repo::areas(&app.db).await?);
    data["person"] = json!(present::person(person));
    data["values"] = values;
    data["version"] = json!(version);
    data["errors"] = errors.unwrap_or(Value::Null);
    Ok(render("person_edit", shell, data))
}

#[get("/people/<id>/edit")]
async fn edit_person(
    app: &State<AppState>,
    user: Viewer,
    shell: Shell,
    id: i32,
) -> AppResult<Template> {
    let record = people::show(app, user.actor(), id).await?;
    edit_page(
        app,
        &shell,
        &record.person,
        fields_of(&record.person),
        record.person.version,
        None,
    )
    .await
}

#[derive(FromForm)]
struct EditForm {
    version: i32,
    person: PersonFields,
}

#[post("/people/<id>", data = "<form>")]
async fn update_person(
    app: &State<AppState>,
    user: Viewer,
    shell: Shell,
    id: i32,
    form: Form<EditForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let (input, dob_error) = f.person.input();
    match people::update(app, user.actor(), id, f.version, &input, dob_error).await {
        Ok(p) => Ok(FormOutcome::done(
            format!("/people/{}", p.id),
            "Details updated",
        )),
        Err(AppError::Invalid(e)) => {
            let record = people::show(app, user.actor(), id).await?;
            let values = serde_json::to_value(&f.person).unwrap_or_default();
            Ok(FormOutcome::again(
                edit_page(
                    app,
                    &shell,
                    &record.person,
                    values,
                    f.version,
                    Some(errors_json(&e)),
                )
                .await?,
            ))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        people_page,
        search_people,
        show_person,
        person_assessments,
        person_history,
        edit_person,
        update_person
    ]
}
