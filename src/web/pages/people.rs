//! People: search (typo-tolerant), a man's record and its tabs, correcting
//! his details. Each page renders one typed context; what the actor may see is
//! decided by the services.

use crate::web::shell::HtmlPage;
use rocket::form::Form;
use rocket::{FromForm, Route, State, get, post, routes};
use serde::Serialize;

use super::arrests::form::{PersonChoices, PersonFields};
use super::{FormOutcome, errors_json};
use crate::auth::Actor;
use crate::auth::guards::{Can, CanEither, cap};
use crate::db::people_repo::Person;
use crate::domain::dates::{parse_date_parts, parse_optional_date_parts};
use crate::domain::london_time::{format_date, format_datetime, london_date};
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::reoffending::{ReoffenceInput, ReoffenceOutcome, check_reoffence};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::people::{self, PersonSearch};
use crate::services::{assessments, audit, reoffences};
use crate::state::AppState;
use crate::web::present::{self, ArrestView, HearingView, PersonView, ReferralView, Tag};
use crate::web::shell::{Shell, render};

type ViewPeople = Can<cap::ViewPeople>;
type ManageCases = Can<cap::ManageCases>;

#[derive(FromForm, Default, Serialize)]
struct SearchQuery {
    q: Option<String>,
    date_of_birth_day: Option<String>,
    date_of_birth_month: Option<String>,
    date_of_birth_year: Option<String>,
}

/// One search result.
#[derive(Serialize)]
struct SearchResult {
    person: PersonView,
    /// 0-100.
    score: f64,
    reasons: Vec<&'static str>,
}

#[derive(Serialize)]
struct SearchPage<'a> {
    values: &'a SearchQuery,
    searched: bool,
    results: Vec<SearchResult>,
    total: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// The search page. Searches are POSTed so that names and dates of birth
/// never appear in addresses, histories or server logs.
#[get("/people")]
async fn people_page(_user: ViewPeople, shell: Shell) -> HtmlPage {
    let empty = SearchQuery::default();
    render(
        "people",
        &shell,
        SearchPage {
            values: &empty,
            searched: false,
            results: Vec::new(),
            total: 0,
            errors: None,
        },
    )
}

#[post("/people/search", data = "<q>")]
async fn search_people(
    app: &State<AppState>,
    user: ViewPeople,
    shell: Shell,
    q: Form<SearchQuery>,
) -> AppResult<HtmlPage> {
    let q = q.into_inner();
    let mut page = SearchPage {
        values: &q,
        searched: false,
        results: Vec::new(),
        total: 0,
        errors: None,
    };
    let dob = match parse_optional_date_parts(
        q.date_of_birth_day.as_deref().unwrap_or_default(),
        q.date_of_birth_month.as_deref().unwrap_or_default(),
        q.date_of_birth_year.as_deref().unwrap_or_default(),
        "the date of birth",
    ) {
        Ok(d) => d,
        Err(message) => {
            let mut e = FieldErrors::new();
            e.add("date_of_birth", message);
            page.errors = Some(errors_json(&e));
            return Ok(render("people", &shell, page));
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
        page.results = matches
            .iter()
            .map(|m| SearchResult {
                person: present::person(&m.person),
                score: (m.score * 100.0).round(),
                reasons: m.reasons.clone(),
            })
            .collect();
        page.total = info.total;
        page.searched = true;
    }
    Ok(render("people", &shell, page))
}

/// A link of the sub-navigation inside a man's record.
#[derive(Serialize)]
pub(super) struct SubnavItem {
    key: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// The sub-navigation of a man's record, by what the user may see.
pub(super) fn subnav(actor: &Actor, person_id: i32, current: &str) -> Vec<SubnavItem> {
    let mut items = vec![("overview", "Overview", format!("/people/{person_id}"))];
    if actor.can(Capability::ManageCases) {
        items.push((
            "assessments",
            "Assessments",
            format!("/people/{person_id}/assessments"),
        ));
        items.push((
            "programme",
            "Programme",
            format!("/people/{person_id}/programme"),
        ));
        items.push((
            "court_reports",
            "Court reports",
            format!("/people/{person_id}/court-reports"),
        ));
        items.push(("history", "History", format!("/people/{person_id}/history")));
    }
    if actor.can(Capability::ExportSubjectData) {
        items.push((
            "subject_access",
            "Subject access",
            format!("/people/{person_id}/subject-access"),
        ));
    }
    if actor.can(Capability::ReviewRetention) {
        items.push((
            "retention",
            "Retention",
            format!("/people/{person_id}/retention"),
        ));
    }
    items
        .into_iter()
        .map(|(key, label, href)| SubnavItem {
            key,
            label,
            href,
            current: key == current,
        })
        .collect()
}

#[derive(Serialize)]
struct PersonPage {
    person: PersonView,
    arrests: Vec<ArrestView>,
    /// Arrested more than once: the page says so first.
    repeat_arrest: bool,
    referrals: Vec<ReferralView>,
    hearings: Vec<HearingView>,
    suitability: Option<&'static str>,
    can_record: bool,
    can_assess: bool,
    subnav: Vec<SubnavItem>,
    reoffences: Vec<ReoffenceRow>,
    /// The form to enter a reoffence found by a check, as typed.
    reoffence_form: ReoffenceForm,
    outcome_options: Vec<present::Choice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

/// One known reoffence, as his record lists it.
#[derive(Serialize)]
struct ReoffenceRow {
    offence: String,
    outcome: &'static str,
    outcome_date: String,
    source: String,
}

/// A reoffence found by a check, as typed.
#[derive(FromForm, Serialize, Default)]
struct ReoffenceForm {
    #[field(default = String::new())]
    offence_date_day: String,
    #[field(default = String::new())]
    offence_date_month: String,
    #[field(default = String::new())]
    offence_date_year: String,
    #[field(default = String::new())]
    outcome: String,
    #[field(default = String::new())]
    outcome_date_day: String,
    #[field(default = String::new())]
    outcome_date_month: String,
    #[field(default = String::new())]
    outcome_date_year: String,
    #[field(default = String::new())]
    source: String,
}

/// What a facilitator sees of a man on one of his cohorts.
#[derive(Serialize)]
struct CohortManPage {
    name: String,
    reference: String,
    summary: String,
    places: Vec<(String, &'static str)>,
}

#[get("/people/<id>")]
async fn show_person(
    app: &State<AppState>,
    user: CanEither<cap::ViewPeople, cap::MarkRegister>,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    if !user.actor().can(Capability::ViewPeople) {
        let m = people::for_facilitator(app, user.actor(), id).await?;
        return Ok(render(
            "person_cohort_man",
            &shell,
            CohortManPage {
                name: m.name,
                reference: m.reference,
                summary: m.summary,
                places: m
                    .cohorts
                    .into_iter()
                    .map(|(code, status)| (code, status.label()))
                    .collect(),
            },
        ));
    }
    person_page(
        app,
        user.actor(),
        &shell,
        id,
        ReoffenceForm::default(),
        None,
    )
    .await
}

async fn person_page(
    app: &AppState,
    actor: &Actor,
    shell: &Shell,
    id: i32,
    reoffence_form: ReoffenceForm,
    errors: Option<&FieldErrors>,
) -> AppResult<HtmlPage> {
    let record = people::show(app, actor, id).await?;
    Ok(render(
        "person",
        shell,
        PersonPage {
            person: present::person(&record.person),
            arrests: record.arrests.iter().map(present::arrest).collect(),
            repeat_arrest: record.is_repeat(),
            referrals: record.referrals.iter().map(present::referral).collect(),
            hearings: record.hearings.iter().map(present::hearing).collect(),
            suitability: record.suitability.map(|s| s.label()),
            can_record: actor.can(Capability::RecordArrests),
            can_assess: actor.can(Capability::ManageCases),
            subnav: subnav(actor, id, "overview"),
            reoffences: record
                .reoffences
                .iter()
                .map(|r| ReoffenceRow {
                    offence: format_date(r.offence_date),
                    outcome: r.outcome.label(),
                    outcome_date: format_date(r.outcome_date),
                    source: r.source.clone(),
                })
                .collect(),
            reoffence_form,
            // a re-arrest records itself: a check finds a caution or conviction
            outcome_options: present::choices::<ReoffenceOutcome>()
                .into_iter()
                .filter(|c| c.value != ReoffenceOutcome::Arrest.as_str())
                .collect(),
            errors: errors.map(errors_json),
        },
    ))
}

/// Enter a reoffence found by a check (police, probation).
#[post("/people/<id>/reoffences", data = "<form>")]
async fn record_reoffence(
    app: &State<AppState>,
    user: Can<cap::ViewPeople>,
    shell: Shell,
    id: i32,
    form: Form<ReoffenceForm>,
) -> AppResult<FormOutcome> {
    let f = form.into_inner();
    let mut unreadable = FieldErrors::new();
    let offence_date = unreadable.check(
        "offence_date",
        parse_date_parts(
            &f.offence_date_day,
            &f.offence_date_month,
            &f.offence_date_year,
            "the offence date",
        ),
    );
    let outcome_date = unreadable.check(
        "outcome_date",
        parse_date_parts(
            &f.outcome_date_day,
            &f.outcome_date_month,
            &f.outcome_date_year,
            "the outcome date",
        ),
    );
    let input = ReoffenceInput {
        offence_date,
        outcome: f.outcome.parse::<ReoffenceOutcome>().ok(),
        outcome_date,
        source: f.source.clone(),
    };
    let result = if unreadable.is_empty() {
        reoffences::record(app, user.actor(), Some(id), &input).await
    } else {
        {
            // name every problem at once: the dates that could not be read
            // and whatever else the rules find
            let mut e = unreadable;
            if let Err(found) = check_reoffence(&input, london_date(app.now())) {
                for (k, m) in found.iter() {
                    if e.get(k).is_none() {
                        e.add(k, m);
                    }
                }
            }
            Err(AppError::Invalid(e))
        }
    };
    match result {
        Ok(r) => Ok(FormOutcome::done(
            format!("/people/{id}#reoffences"),
            format!("{} recorded", r.outcome.label()),
        )),
        Err(AppError::Invalid(e)) => Ok(FormOutcome::again(
            person_page(app, user.actor(), &shell, id, f, Some(&e)).await?,
        )),
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct AssessmentRow {
    id: i32,
    version: i32,
    status_text: &'static str,
    status_tag: Tag,
    suitability: Option<&'static str>,
    rosh_overall: Option<&'static str>,
    ogrs3: Option<i32>,
    indicative: bool,
    author: Option<String>,
    updated_at: String,
}

#[derive(Serialize)]
struct PersonAssessmentsPage {
    person: PersonView,
    assessments: Vec<AssessmentRow>,
    subnav: Vec<SubnavItem>,
}

#[get("/people/<id>/assessments")]
async fn person_assessments(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let person = people::identity(app, user.actor(), id).await?;
    let list = assessments::for_person(app, user.actor(), id).await?;
    let rows = list
        .into_iter()
        .map(|l| {
            let a = l.assessment;
            AssessmentRow {
                id: a.id,
                version: a.version_number,
                status_text: a.status.label(),
                status_tag: present::assessment_status_tag(a.status),
                suitability: a.suitability.map(|s| s.label()),
                rosh_overall: a.rosh_overall.map(|r| r.label()),
                ogrs3: a.ogrs3_two_year_percent,
                indicative: l.ogrs3_indicative,
                author: l.author_name,
                updated_at: format_datetime(a.updated_at),
            }
        })
        .collect();
    Ok(render(
        "person_assessments",
        &shell,
        PersonAssessmentsPage {
            person: present::person(&person),
            assessments: rows,
            subnav: subnav(user.actor(), id, "assessments"),
        },
    ))
}

#[derive(Serialize)]
struct HistoryEntry {
    at: String,
    who: String,
    /// What happened, in words ("Consult", "Alter").
    action: &'static str,
    what: Option<String>,
    record_id: Option<String>,
    reason: Option<String>,
    recipient: Option<String>,
}

#[derive(Serialize)]
struct PersonHistoryPage {
    person: PersonView,
    entries: Vec<HistoryEntry>,
    pagination: PageInfo,
    base: String,
    views: bool,
    subnav: Vec<SubnavItem>,
}

#[get("/people/<id>/history?<views>&<page>")]
async fn person_history(
    app: &State<AppState>,
    user: ManageCases,
    shell: Shell,
    id: i32,
    views: Option<bool>,
    page: Option<u64>,
) -> AppResult<HtmlPage> {
    let person = people::identity(app, user.actor(), id).await?;
    let views = views == Some(true);
    let (rows, info) = audit::person_timeline(
        app,
        user.actor(),
        id,
        views,
        PageRequest::new(page, Some(50)),
    )
    .await?;
    let entries = rows
        .into_iter()
        .map(|r| HistoryEntry {
            at: format_datetime(r.at),
            who: r.actor_username,
            action: r.action.label(),
            what: r.record_type.map(|t| t.replace('_', " ")),
            record_id: r.record_id,
            reason: r.reason,
            recipient: r.recipient,
        })
        .collect();
    let base = format!(
        "/people/{id}/history?{}",
        if views { "views=true&" } else { "" }
    );
    Ok(render(
        "person_history",
        &shell,
        PersonHistoryPage {
            person: present::person(&person),
            entries,
            pagination: info,
            base,
            views,
            subnav: subnav(user.actor(), id, "history"),
        },
    ))
}

/// The person fields as the form shows them, from his record.
fn fields_of(p: &Person) -> PersonFields {
    PersonFields {
        surname: p.surname.clone(),
        forenames: p.forenames.clone(),
        date_of_birth_day: p.date_of_birth.format("%-d").to_string(),
        date_of_birth_month: p.date_of_birth.format("%-m").to_string(),
        date_of_birth_year: p.date_of_birth.format("%Y").to_string(),
        sex: p.sex.as_str().into(),
        address: p.address.clone().unwrap_or_default(),
        postcode: p.postcode.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        pnc_id: p.pnc_id.clone().unwrap_or_default(),
        contact_preference: p
            .contact_preference
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        category: p.category.as_str().into(),
    }
}

#[derive(Serialize)]
struct PersonEditPage<'a> {
    person: PersonView,
    values: &'a PersonFields,
    version: i32,
    #[serde(flatten)]
    choices: PersonChoices,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

fn edit_page(
    shell: &Shell,
    person: &Person,
    values: &PersonFields,
    version: i32,
    errors: Option<&FieldErrors>,
) -> HtmlPage {
    render(
        "person_edit",
        shell,
        PersonEditPage {
            person: present::person(person),
            values,
            version,
            choices: PersonChoices::new(),
            errors: errors.map(errors_json),
        },
    )
}

#[get("/people/<id>/edit")]
async fn edit_person(
    app: &State<AppState>,
    user: ViewPeople,
    shell: Shell,
    id: i32,
) -> AppResult<HtmlPage> {
    let person = people::identity(app, user.actor(), id).await?;
    Ok(edit_page(
        &shell,
        &person,
        &fields_of(&person),
        person.version,
        None,
    ))
}

#[derive(FromForm)]
struct EditForm {
    version: i32,
    person: PersonFields,
}

#[post("/people/<id>", data = "<form>")]
async fn update_person(
    app: &State<AppState>,
    user: ViewPeople,
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
            let person = people::identity(app, user.actor(), id).await?;
            Ok(FormOutcome::again(edit_page(
                &shell,
                &person,
                &f.person,
                f.version,
                Some(&e),
            )))
        }
        Err(e) => Err(e),
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        people_page,
        search_people,
        show_person,
        record_reoffence,
        person_assessments,
        person_history,
        edit_person,
        update_person
    ]
}
