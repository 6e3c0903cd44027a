//! People: record a man, find him despite typos, show and correct his record.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::auth::secrets::random_bytes;
use crate::db::arrests_repo::{self, Arrest};
use crate::db::assessments_repo;
use crate::db::hearings_repo::{self, Hearing};
use crate::db::people_repo::{self, CandidateKeys, Person};
use crate::db::referrals_repo::{self, Referral};
use crate::domain::assessment::Suitability;
use crate::domain::audit_action::AuditAction;
use crate::domain::identifiers::{
    looks_like_reference, make_reference, parse_pnc_id, parse_vehicle_reg,
};
use crate::domain::london_time::london_date;
use crate::domain::name_keys::query_keys;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::person::{PersonInput, ValidPerson, validate_person};
use crate::domain::person_match::{self, Recorded, Wanted};
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::state::AppState;

/// `count` person references not yet taken (and different from each other).
pub(crate) async fn fresh_references(
    db: &impl ConnectionTrait,
    count: usize,
) -> AppResult<Vec<String>> {
    let mut chosen: Vec<String> = Vec::with_capacity(count);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20 {
        if chosen.len() == count {
            return Ok(chosen);
        }
        let candidates: Vec<String> = (0..(count - chosen.len()))
            .map(|_| make_reference("KC", &random_bytes::<6>()))
            .filter(|r| seen.insert(r.clone()))
            .collect();
        let taken = people_repo::taken_references(db, &candidates).await?;
        chosen.extend(candidates.into_iter().filter(|r| !taken.contains(r)));
    }
    if chosen.len() == count {
        Ok(chosen)
    } else {
        Err(AppError::internal("could not find free person references"))
    }
}

/// Store a checked person with a fresh reference, audited as `collect`.
pub(crate) async fn insert_person(
    db: &impl ConnectionTrait,
    actor: &Actor,
    p: &ValidPerson,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Person> {
    let reference = fresh_references(db, 1)
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("no reference"))?;
    let person = people_repo::insert(db, p, &reference, actor.user_id(), now).await?;
    audit::record(
        db,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("person", person.id)
            .person(person.id),
    )
    .await?;
    Ok(person)
}

/// Record a man (police, probation).
pub async fn create_person(
    app: &AppState,
    actor: &Actor,
    input: &PersonInput,
    dob_error: Option<String>,
) -> AppResult<Person> {
    actor.require(Capability::ViewPeople)?;
    let now = app.now();
    let valid = validate_person(input, london_date(now), dob_error).map_err(AppError::Invalid)?;
    let txn = app.begin_write().await?;
    let person = insert_person(&txn, actor, &valid, now).await?;
    txn.commit().await?;
    Ok(person)
}

/// What to search for. `text` may be a name, a reference, a PNC ID or a
/// vehicle registration; the other fields narrow or add to it.
#[derive(Clone, Debug, Default)]
pub struct PersonSearch {
    pub text: String,
    pub surname: String,
    pub forenames: String,
    pub date_of_birth: Option<NaiveDate>,
    pub pnc_id: String,
    pub vehicle_registration: String,
}

impl PersonSearch {
    /// Is there anything to search for?
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.surname.trim().is_empty()
            && self.forenames.trim().is_empty()
            && self.date_of_birth.is_none()
            && self.pnc_id.trim().is_empty()
            && self.vehicle_registration.trim().is_empty()
    }
}

/// A possible match, best first.
#[derive(Clone, Debug, Serialize)]
pub struct PersonMatch {
    pub person: Person,
    /// 0-1: how likely this is the man searched for.
    pub score: f64,
    /// What matched, in words ("same date of birth", "same PNC ID").
    pub reasons: Vec<&'static str>,
}

/// A search read from the box and fields: a reference finds one man alone;
/// anything else is what the scoring wants.
struct Criteria {
    reference: Option<String>,
    wanted: Wanted,
    /// The order of the names is known ("Smith, John" or separate fields),
    /// so they are not also tried the other way round.
    ordered: bool,
}

fn read_criteria(q: &PersonSearch) -> Criteria {
    let mut reference = None;
    let mut ordered = false;
    let mut c = Wanted {
        date_of_birth: q.date_of_birth,
        ..Wanted::default()
    };
    let text = q.text.trim();
    if let Some(r) = looks_like_reference(text) {
        reference = Some(r);
    } else if text.contains('/') && parse_pnc_id(text).is_ok() {
        c.pnc_id = parse_pnc_id(text).ok();
    } else if text.chars().any(|ch| ch.is_ascii_digit()) {
        c.vehicle = parse_vehicle_reg(text).ok().map(|v| v.normalised);
    } else if !text.is_empty() {
        if let Some((s, f)) = text.split_once(',') {
            ordered = true;
            c.surname = Some(s.trim().to_string());
            c.forenames = Some(f.trim().to_string()).filter(|f| !f.is_empty());
        } else {
            let words: Vec<&str> = text.split_whitespace().collect();
            if let Some((last, rest)) = words.split_last() {
                c.surname = Some(last.to_string());
                c.forenames = (!rest.is_empty()).then(|| rest.join(" "));
            }
        }
    }
    if !q.surname.trim().is_empty() {
        ordered = true;
        c.surname = Some(q.surname.trim().to_string());
    }
    if !q.forenames.trim().is_empty() {
        c.forenames = Some(q.forenames.trim().to_string());
    }
    if !q.pnc_id.trim().is_empty() {
        c.pnc_id = parse_pnc_id(&q.pnc_id)
            .ok()
            .or(Some(q.pnc_id.trim().to_uppercase()));
    }
    if !q.vehicle_registration.trim().is_empty() {
        c.vehicle = parse_vehicle_reg(&q.vehicle_registration)
            .ok()
            .map(|v| v.normalised);
    }
    Criteria {
        reference,
        wanted: c,
        ordered,
    }
}

/// Most name candidates read for one search: far more than any one-mistake
/// search of a real name returns (tens at 100,000 men).
const NAME_CANDIDATES: u64 = 2000;

/// The ids of the men whose names could be the one typed: holding one of
/// the name-and-initial pairs (in either order unless the order is known),
/// or, when no forename was typed or the pairs find nobody (a forename
/// typed wholly wrong), a surname key.
async fn name_candidate_ids(
    db: &impl ConnectionTrait,
    w: &Wanted,
    ordered: bool,
) -> AppResult<Vec<i32>> {
    let Some(s) = &w.surname else {
        return Ok(Vec::new());
    };
    let f = w.forenames.as_deref();
    let keys = query_keys(s, f);
    let mut ids = people_repo::name_candidates(db, &keys.pairs, NAME_CANDIDATES).await?;
    if let Some(f) = f
        && !ordered
    {
        // typed the other way round: "Smith John"
        let swapped = query_keys(f, Some(s));
        ids.extend(people_repo::name_candidates(db, &swapped.pairs, NAME_CANDIDATES).await?);
    }
    if ids.is_empty() {
        ids.extend(people_repo::name_candidates(db, &keys.surname, NAME_CANDIDATES).await?);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Score men against a search, best first, keeping those worth showing.
pub(crate) fn rank(w: &Wanted, men: Vec<Person>, in_vehicle: &[i32]) -> Vec<PersonMatch> {
    let mut matches: Vec<PersonMatch> = men
        .into_iter()
        .map(|person| {
            let (score, reasons) = person_match::score(
                w,
                &Recorded {
                    surname: &person.surname,
                    forenames: &person.forenames,
                    date_of_birth: person.date_of_birth,
                    pnc_id: person.pnc_id.as_deref(),
                    in_vehicle: in_vehicle.contains(&person.id),
                },
            );
            PersonMatch {
                person,
                score,
                reasons,
            }
        })
        .filter(|m| m.score >= person_match::SHOW_FROM)
        .collect();
    matches.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.person.surname_folded.cmp(&b.person.surname_folded))
            .then(a.person.id.cmp(&b.person.id))
    });
    matches
}

/// Candidates for a search, best first, scored in memory from what the
/// indexes returned (never from the whole table).
pub async fn find_matches(
    db: &impl ConnectionTrait,
    q: &PersonSearch,
) -> AppResult<Vec<PersonMatch>> {
    let Criteria {
        reference,
        wanted,
        ordered,
    } = read_criteria(q);
    if let Some(r) = &reference {
        return Ok(people_repo::find_by_reference(db, r)
            .await?
            .map(|person| PersonMatch {
                person,
                score: 1.0,
                reasons: vec!["same reference"],
            })
            .into_iter()
            .collect());
    }
    let in_vehicle = match &wanted.vehicle {
        Some(v) => arrests_repo::person_ids_with_vehicle(db, v).await?,
        None => Vec::new(),
    };
    let keys = CandidateKeys {
        date_of_birth: wanted.date_of_birth,
        pnc_id: wanted.pnc_id.clone(),
        person_ids: in_vehicle.clone(),
    };
    let mut found: Vec<Person> = people_repo::candidates(db, &keys, 3000).await?;
    let mut by_name = name_candidate_ids(db, &wanted, ordered).await?;
    let have: std::collections::HashSet<i32> = found.iter().map(|p| p.id).collect();
    by_name.retain(|id| !have.contains(id));
    found.extend(people_repo::by_ids(db, &by_name).await?.into_values());
    Ok(rank(&wanted, found, &in_vehicle))
}

/// Search people (police, probation); the search is audited as a consult.
pub async fn search(
    app: &AppState,
    actor: &Actor,
    q: &PersonSearch,
    page: PageRequest,
) -> AppResult<(Vec<PersonMatch>, PageInfo)> {
    actor.require(Capability::ViewPeople)?;
    if q.is_empty() {
        return Ok((Vec::new(), PageInfo::new(page, 0)));
    }
    let all = find_matches(&app.db, q).await?;
    let info = PageInfo::new(page, all.len() as u64);
    let shown: Vec<PersonMatch> = all
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .collect();
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("person_search", "results")
            .people(shown.iter().map(|m| m.person.id))
            .reason(format!(
                "search listed {} of {} people",
                shown.len(),
                info.total
            )),
    )
    .await?;
    Ok((shown, info))
}

/// A man's record as the actor may see it: the one answer both the person
/// page and `GET /api/v1/people/{id}` render.
#[derive(Clone, Debug, Serialize)]
pub struct PersonRecord {
    pub person: Person,
    /// His arrests, newest first.
    pub arrests: Vec<Arrest>,
    /// His referrals to probation, newest first (police see their status).
    pub referrals: Vec<Referral>,
    /// His court hearings: probation's record, empty for anyone else.
    pub hearings: Vec<Hearing>,
    /// The decision of his current completed assessment: the only part of
    /// an assessment that police are told.
    pub suitability: Option<Suitability>,
    /// His known reoffences (re-arrests and what checks found), newest first.
    pub reoffences: Vec<crate::db::reoffences_repo::Reoffence>,
}

impl PersonRecord {
    /// Arrested more than once: say so before anything else.
    pub fn is_repeat(&self) -> bool {
        self.arrests.len() > 1
    }
}

/// The man alone, for the identity bar of a page about him: audited as a
/// consult of his record like [`show`].
pub async fn identity(app: &AppState, actor: &Actor, id: i32) -> AppResult<Person> {
    actor.require(Capability::ViewPeople)?;
    let person = people_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit_consult(app, actor, id).await?;
    Ok(person)
}

async fn audit_consult(app: &AppState, actor: &Actor, id: i32) -> AppResult<()> {
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("person", id)
            .person(id),
    )
    .await?;
    Ok(())
}

/// Show a man's record (police, probation), cut to what the actor may see.
pub async fn show(app: &AppState, actor: &Actor, id: i32) -> AppResult<PersonRecord> {
    actor.require(Capability::ViewPeople)?;
    let read = app.begin_read().await?;
    let person = people_repo::find(&read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let arrests = arrests_repo::for_person(&read, id).await?;
    let referrals = referrals_repo::for_person(&read, id).await?;
    let hearings = if actor.can(Capability::ManageCases) {
        hearings_repo::for_person(&read, id).await?
    } else {
        Vec::new()
    };
    let suitability = assessments_repo::current_summaries_of(&read, &[id])
        .await?
        .remove(&id)
        .and_then(|a| a.suitability);
    let reoffences = crate::db::reoffences_repo::for_person(&read, id).await?;
    read.commit().await?;
    audit_consult(app, actor, id).await?;
    Ok(PersonRecord {
        person,
        arrests,
        referrals,
        hearings,
        suitability,
        reoffences,
    })
}

/// Correct a man's details. `version` is what the editor saw: if someone
/// else saved in between, the change is refused with a conflict.
pub async fn update(
    app: &AppState,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &PersonInput,
    dob_error: Option<String>,
) -> AppResult<Person> {
    actor.require(Capability::ViewPeople)?;
    let now = app.now();
    let old = people_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let valid = validate_person(input, london_date(now), dob_error).map_err(AppError::Invalid)?;
    let txn = app.begin_write().await?;
    if people_repo::update(&txn, id, version, &valid, actor.user_id(), now).await? == 0 {
        return Err(AppError::conflict(
            "Someone else changed this record while you were editing it. Reload the page to see their changes, then make yours again.",
        ));
    }
    let mut entry = AuditEntry::new(AuditAction::Alter)
        .record("person", id)
        .person(id);
    let pairs: [(&str, Option<String>, Option<String>); 10] = [
        (
            "surname",
            Some(old.surname.clone()),
            Some(valid.surname.clone()),
        ),
        (
            "forenames",
            Some(old.forenames.clone()),
            Some(valid.forenames.clone()),
        ),
        (
            "date_of_birth",
            Some(old.date_of_birth.to_string()),
            Some(valid.date_of_birth.to_string()),
        ),
        (
            "sex",
            Some(old.sex.as_str().to_string()),
            Some(valid.sex.as_str().to_string()),
        ),
        ("address", old.address.clone(), valid.address.clone()),
        ("postcode", old.postcode.clone(), valid.postcode.clone()),
        ("phone", old.phone.clone(), valid.phone.clone()),
        ("pnc_id", old.pnc_id.clone(), valid.pnc_id.clone()),
        (
            "contact_preference",
            old.contact_preference.map(|c| c.as_str().to_string()),
            valid.contact_preference.map(|c| c.as_str().to_string()),
        ),
        (
            "category",
            Some(old.category.as_str().to_string()),
            Some(valid.category.as_str().to_string()),
        ),
    ];
    for (field, before, after) in pairs {
        if before != after {
            entry = entry.change(field, before, after);
        }
    }
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    people_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a facilitator may know of a man on one of his cohorts.
#[derive(Clone, Debug, Serialize)]
pub struct CohortMan {
    pub id: i32,
    pub name: String,
    pub reference: String,
    /// "suitable, no contact issues" and the like: never the assessment itself.
    pub summary: String,
    /// His enrolments on the facilitator's cohorts: (cohort code, status).
    pub cohorts: Vec<(String, crate::domain::enrolment::EnrolmentStatus)>,
}

/// A man as his facilitator may see him: only if he is enrolled on one of
/// the facilitator's cohorts, and only the few fields the room needs.
/// Anyone else is refused as if he did not exist (audited).
pub async fn for_facilitator(app: &AppState, actor: &Actor, id: i32) -> AppResult<CohortMan> {
    actor.require(Capability::MarkRegister)?;
    let mine: Vec<crate::db::programmes_repo::Cohort> =
        crate::db::programmes_repo::cohorts(&app.db, Some(actor.user_id().unwrap_or(0))).await?;
    let enrolments: Vec<_> = crate::db::enrolments_repo::for_person(&app.db, id)
        .await?
        .into_iter()
        .filter_map(|e| {
            mine.iter()
                .find(|c| c.id == e.cohort_id)
                .map(|c| (c.code.clone(), e.status))
        })
        .collect();
    let found = people_repo::find(&app.db, id).await?;
    let person = match found {
        Some(p) if !enrolments.is_empty() => p,
        other => {
            let mut entry = AuditEntry::new(AuditAction::Refused)
                .record("person", id)
                .reason("not on one of the facilitator's cohorts");
            if other.is_some() {
                entry = entry.person(id);
            }
            audit::record_alone(app, actor, app.now(), entry).await?;
            return Err(AppError::NotFound);
        }
    };
    let summary = crate::services::assessments::facilitator_summary_of(&app.db, id).await?;
    audit_consult(app, actor, id).await?;
    Ok(CohortMan {
        id,
        name: crate::domain::names::listed(&person.surname, &person.forenames),
        reference: person.reference,
        summary,
        cohorts: enrolments,
    })
}
