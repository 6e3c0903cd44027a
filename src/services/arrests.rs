//! Recording arrests (with their effects: a referral to probation for a
//! conditional caution or a charge), listing, showing and exporting them.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::arrests_repo::{self, Arrest, ArrestFilter, ArrestSort, ListedArrest};
use crate::db::enrolments_repo;
use crate::db::people_repo::{self, Person};
use crate::db::referrals_repo::{self, Referral};
use crate::db::settings_repo;
use crate::domain::arrest::{ArrestInput, DateErrors, Disposal, ValidArrest, validate_arrest};
use crate::domain::audit_action::AuditAction;
use crate::domain::enrolment::{CourseCondition, course_condition};
use crate::domain::london_time::london_date;
use crate::domain::pagination::{PageInfo, PageRequest};
use crate::domain::person::{PersonInput, validate_person};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::services::people::insert_person;
use crate::state::AppState;

/// Each arrest has its own occurrence reference; this is the answer when
/// the one typed is already on another arrest.
const ALREADY_RECORDED: &str = "An arrest with this occurrence reference is already recorded";

/// Who the arrest is of: a man already recorded, or a new one.
#[derive(Clone, Debug)]
pub enum ArrestedPerson {
    Existing(i32),
    New {
        input: Box<PersonInput>,
        dob_error: Option<String>,
    },
}

/// What recording an arrest produced.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedArrest {
    pub arrest: Arrest,
    pub person: Person,
    /// His arrests before this one, newest first.
    pub previous: Vec<Arrest>,
    pub referral: Option<Referral>,
}

/// Store a checked arrest for a person inside the caller's transaction, with
/// the referral its disposal makes and the reoffence if it is a re-arrest.
/// Returns the audit entries to write (`collect` for each record).
pub(crate) async fn insert_arrest_unaudited(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_id: i32,
    a: &ValidArrest,
    now: DateTime<Utc>,
) -> AppResult<(Arrest, Option<Referral>, Vec<AuditEntry>)> {
    let (mut stored, mut entries) =
        insert_arrests_before_reoffences(db, actor, &[(person_id, a)], now).await?;
    let (arrest, referral) = stored
        .pop()
        .ok_or_else(|| AppError::internal("the arrest was not stored"))?;
    entries.extend(crate::services::reoffences::after_arrest(db, actor, person_id, now).await?);
    Ok((arrest, referral, entries))
}

/// Arrests stored for their men, each with the referral its disposal
/// makes, with the audit entries to write (`collect` for each record).
pub(crate) type Stored = (Vec<(Arrest, Option<Referral>)>, Vec<AuditEntry>);

/// [`insert_arrest_unaudited`] for many arrests, (man, arrest), without the
/// reoffences: an import stores its rows a few statements at a time and
/// makes the reoffences of all its men at once when every row is in
/// (`reoffences::after_arrests`). Answered in the order given.
pub(crate) async fn insert_arrests_before_reoffences(
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: &[(i32, &ValidArrest)],
    now: DateTime<Utc>,
) -> AppResult<Stored> {
    let arrests = arrests_repo::insert_many(db, new, actor.user_id(), now)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                AppError::invalid("occurrence_reference", ALREADY_RECORDED)
            }
            _ => AppError::Database(e),
        })?;
    let wanted: Vec<(usize, referrals_repo::NewReferral)> = new
        .iter()
        .zip(&arrests)
        .enumerate()
        .filter_map(|(i, ((_, a), arrest))| {
            let due = a.referral_due().filter(|_| a.disposal.creates_referral())?;
            Some((
                i,
                referrals_repo::NewReferral {
                    person_id: arrest.person_id,
                    arrest_id: arrest.id,
                    reason: a.disposal,
                    due,
                },
            ))
        })
        .collect();
    let opened = referrals_repo::insert_many(
        db,
        &wanted.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        actor.user_id(),
        now,
    )
    .await?;
    let mut referral_of: Vec<Option<Referral>> = vec![None; arrests.len()];
    for ((i, _), r) in wanted.iter().zip(opened) {
        referral_of[*i] = Some(r);
    }
    let mut entries = Vec::with_capacity(arrests.len() + wanted.len());
    for (arrest, referral) in arrests.iter().zip(&referral_of) {
        entries.push(
            AuditEntry::new(AuditAction::Collect)
                .record("arrest", arrest.id)
                .person(arrest.person_id),
        );
        if let Some(r) = referral {
            entries.push(
                AuditEntry::new(AuditAction::Collect)
                    .record("referral", r.id)
                    .person(r.person_id),
            );
        }
    }
    Ok((arrests.into_iter().zip(referral_of).collect(), entries))
}

/// Store a checked arrest (and its referral) and audit them.
pub(crate) async fn insert_arrest(
    db: &impl ConnectionTrait,
    actor: &Actor,
    person_id: i32,
    a: &ValidArrest,
    now: DateTime<Utc>,
) -> AppResult<(Arrest, Option<Referral>)> {
    let (arrest, referral, entries) = insert_arrest_unaudited(db, actor, person_id, a, now).await?;
    audit::record_many(db, actor, now, entries).await?;
    Ok((arrest, referral))
}

/// Record an arrest (police). The arrest, a new person if any and the
/// referral are written together or not at all.
pub async fn record(
    app: &AppState,
    actor: &Actor,
    who: ArrestedPerson,
    input: &ArrestInput,
    date_errors: DateErrors,
) -> AppResult<RecordedArrest> {
    actor.require(Capability::RecordArrests)?;
    let now = app.now();
    let areas = settings_repo::areas(&app.db).await?;
    let mut errors = FieldErrors::new();
    let (existing, new_person) = match &who {
        ArrestedPerson::Existing(id) => (
            Some(
                people_repo::find(&app.db, *id)
                    .await?
                    .ok_or_else(|| AppError::invalid("person_id", "No person with that id"))?,
            ),
            None,
        ),
        ArrestedPerson::New { input, dob_error } => {
            match validate_person(input.as_ref(), london_date(now), dob_error.clone()) {
                Ok(p) => (None, Some(p)),
                Err(e) => {
                    for (f, m) in e.iter() {
                        errors.add(f, m);
                    }
                    (None, None)
                }
            }
        }
    };
    let dob = existing
        .as_ref()
        .map(|p| p.date_of_birth)
        .or(new_person.as_ref().map(|p| p.date_of_birth));
    let arrest = match validate_arrest(input, date_errors, dob, now, &areas) {
        Ok(a) => Some(a),
        Err(e) => {
            for (f, m) in e.iter() {
                errors.add(f, m);
            }
            None
        }
    };
    if let Some(Some(occ)) = arrest.as_ref().map(|a| a.occurrence_reference.clone())
        && !arrests_repo::existing_occurrences(&app.db, std::slice::from_ref(&occ))
            .await?
            .is_empty()
    {
        errors.add("occurrence_reference", ALREADY_RECORDED);
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let Some(arrest) = arrest else {
        return Err(AppError::internal("arrest missing after validation"));
    };
    let txn = app.begin_write().await?;
    let person = match (existing, new_person) {
        (Some(p), _) => p,
        (None, Some(p)) => insert_person(&txn, actor, &p, now).await?,
        (None, None) => return Err(AppError::internal("person missing after validation")),
    };
    let previous = arrests_repo::for_person(&txn, person.id).await?;
    let (saved, referral) = insert_arrest(&txn, actor, person.id, &arrest, now).await?;
    txn.commit().await?;
    Ok(RecordedArrest {
        arrest: saved,
        person,
        previous,
        referral,
    })
}

/// Correct an arrest's details (police). The disposal and what it set in
/// motion (the referral, its due date) are not changed here. `version` is
/// what the editor saw; a later save by someone else answers a conflict.
pub async fn update(
    app: &AppState,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &ArrestInput,
    date_errors: DateErrors,
) -> AppResult<Arrest> {
    actor.require(Capability::RecordArrests)?;
    let old = arrests_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = people_repo::find(&app.db, old.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let areas = settings_repo::areas(&app.db).await?;
    // the disposal and its conditions stay as recorded
    let kept = ArrestInput {
        disposal: old.disposal.as_str().to_string(),
        course_deadline: old.course_deadline,
        course_condition: None,
        court: old.court.clone().unwrap_or_default(),
        first_hearing_date: old.first_hearing_date,
        ..input.clone()
    };
    let mut areas_allowed = areas;
    if !areas_allowed.contains(&old.area) {
        areas_allowed.push(old.area.clone());
    }
    let valid = validate_arrest(
        &kept,
        date_errors,
        Some(person.date_of_birth),
        app.now(),
        &areas_allowed,
    )
    .map_err(AppError::Invalid)?;
    if let Some(occ) = valid
        .occurrence_reference
        .clone()
        .filter(|o| Some(o) != old.occurrence_reference.as_ref())
        && !arrests_repo::existing_occurrences(&app.db, &[occ])
            .await?
            .is_empty()
    {
        return Err(AppError::invalid("occurrence_reference", ALREADY_RECORDED));
    }
    let now = app.now();
    let txn = app.begin_write().await?;
    if arrests_repo::update_details(&txn, id, version, &valid).await? == 0 {
        return Err(AppError::conflict(
            "Someone else changed this arrest while you were editing it. Reload the page to see their changes, then make yours again.",
        ));
    }
    let mut entry = AuditEntry::new(AuditAction::Alter)
        .record("arrest", id)
        .person(old.person_id);
    let pairs: [(&str, Option<String>, Option<String>); 9] = [
        (
            "arrested_at",
            Some(old.arrested_at.to_rfc3339()),
            Some(valid.arrested_at.to_rfc3339()),
        ),
        (
            "location",
            Some(old.location.clone()),
            Some(valid.location.clone()),
        ),
        ("area", Some(old.area.clone()), Some(valid.area.clone())),
        ("operation", old.operation.clone(), valid.operation.clone()),
        (
            "vehicle_registration",
            old.vehicle_registration.clone(),
            valid.vehicle_registration.clone(),
        ),
        (
            "offence",
            Some(old.offence.as_str().to_string()),
            Some(valid.offence.as_str().to_string()),
        ),
        (
            "collar_number",
            old.collar_number.clone(),
            valid.collar_number.clone(),
        ),
        (
            "occurrence_reference",
            old.occurrence_reference.clone(),
            valid.occurrence_reference.clone(),
        ),
        ("notes", old.notes.clone(), valid.notes.clone()),
    ];
    for (field, before, after) in pairs {
        if before != after {
            entry = entry.change(field, before, after);
        }
    }
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    arrests_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An arrest with its man and what followed from it.
#[derive(Clone, Debug, Serialize)]
pub struct ArrestRecord {
    pub arrest: Arrest,
    pub person: Person,
    /// His other arrests, newest first.
    pub others: Vec<Arrest>,
    pub referrals: Vec<Referral>,
    pub officer_name: Option<String>,
    /// The arrest's court hearings: probation's record, empty for anyone else.
    pub hearings: Vec<crate::db::hearings_repo::Hearing>,
    /// The actor may record a hearing: probation, on an arrest that went to court.
    pub may_record_hearing: bool,
    /// A conditional caution's course condition: met, failed or open.
    pub course_condition: Option<CourseCondition>,
}

/// Show one arrest (police, probation), audited as a consult.
pub async fn show(app: &AppState, actor: &Actor, id: i32) -> AppResult<ArrestRecord> {
    actor.require(Capability::ViewPeople)?;
    let arrest = arrests_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = people_repo::find(&app.db, arrest.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let others = arrests_repo::for_person(&app.db, person.id)
        .await?
        .into_iter()
        .filter(|a| a.id != id)
        .collect();
    let referrals = referrals_repo::for_arrest(&app.db, id).await?;
    let officer_name = match arrest.officer_user_id {
        Some(uid) => crate::db::users_repo::names_for(&app.db, &[uid])
            .await?
            .remove(&uid),
        None => None,
    };
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("arrest", id)
            .person(person.id),
    )
    .await?;
    let probation = actor.can(Capability::ManageCases);
    let hearings = if probation {
        crate::db::hearings_repo::for_arrest(&app.db, id).await?
    } else {
        Vec::new()
    };
    let may_record_hearing = probation && arrest.disposal.goes_to_court();
    let course_condition = if arrest.disposal == Disposal::ConditionalCaution {
        Some(course_condition_of(&app.db, &arrest, &referrals, london_date(app.now())).await?)
    } else {
        None
    };
    Ok(ArrestRecord {
        arrest,
        person,
        others,
        referrals,
        officer_name,
        hearings,
        may_record_hearing,
        course_condition,
    })
}

/// The course condition of a cautioned arrest, from the enrolment made for
/// its referral (the latest, if there were several).
async fn course_condition_of(
    db: &impl ConnectionTrait,
    arrest: &Arrest,
    referrals: &[Referral],
    today: chrono::NaiveDate,
) -> AppResult<CourseCondition> {
    let enrolment = enrolments_repo::for_person(db, arrest.person_id)
        .await?
        .into_iter()
        .find(|e| {
            e.referral_id
                .is_some_and(|r| referrals.iter().any(|x| x.id == r))
        });
    let state = match enrolment {
        Some(e) => {
            let changed = enrolments_repo::history(db, e.id)
                .await?
                .last()
                .map_or(london_date(e.created_at), |h| london_date(h.at));
            Some((e.status, e.completed_on, changed))
        }
        None => None,
    };
    Ok(course_condition(state, arrest.course_deadline, today))
}

/// One row of the arrests list.
#[derive(Clone, Debug, Serialize)]
pub struct ArrestRow {
    pub arrest: Arrest,
    pub person: Option<Person>,
}

async fn with_people(db: &impl ConnectionTrait, rows: Vec<Arrest>) -> AppResult<Vec<ArrestRow>> {
    let ids: Vec<i32> = rows.iter().map(|a| a.person_id).collect();
    let people = people_repo::by_ids(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|arrest| {
            let person = people.get(&arrest.person_id).cloned();
            ArrestRow { arrest, person }
        })
        .collect())
}

/// A man who may be the one arrested, with his arrest history in brief: what
/// the officer sees before choosing "This is him".
#[derive(Clone, Debug)]
pub struct Candidate {
    pub found: crate::services::people::PersonMatch,
    /// How many times he has been arrested before.
    pub arrest_count: usize,
    /// His latest arrest.
    pub last_arrest: Option<Arrest>,
}

/// Search for the man being arrested (audited like any search), with each
/// candidate's previous arrests counted in one query.
pub async fn candidates(
    app: &AppState,
    actor: &Actor,
    search: &crate::services::people::PersonSearch,
    page: crate::domain::pagination::PageRequest,
) -> AppResult<Vec<Candidate>> {
    actor.require(Capability::RecordArrests)?;
    let (matches, _) = crate::services::people::search(app, actor, search, page).await?;
    let ids: Vec<i32> = matches.iter().map(|m| m.person.id).collect();
    let mut by_person: std::collections::HashMap<i32, Vec<Arrest>> =
        std::collections::HashMap::new();
    for a in arrests_repo::for_people(&app.db, &ids).await? {
        by_person.entry(a.person_id).or_default().push(a);
    }
    Ok(matches
        .into_iter()
        .map(|found| {
            let arrests = by_person.remove(&found.person.id).unwrap_or_default();
            Candidate {
                arrest_count: arrests.len(),
                last_arrest: arrests.into_iter().next(),
                found,
            }
        })
        .collect())
}

/// The operation names arrests have been recorded under, for a filter.
pub async fn operations(app: &AppState, actor: &Actor) -> AppResult<Vec<String>> {
    actor.require(Capability::ViewPeople)?;
    Ok(arrests_repo::operations(&app.db).await?)
}

/// Read a list's disposal filter: a disposal code, or blank for any. The one
/// check for the pages and the API.
pub fn disposal_filter(raw: Option<&str>) -> AppResult<Option<Disposal>> {
    match raw.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(code) => Disposal::parse(code).map(Some).ok_or_else(|| {
            AppError::invalid(
                "disposal",
                format!(
                    "Choose a disposal: {}",
                    Disposal::ALL
                        .iter()
                        .map(|d| d.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }),
    }
}

/// A page of arrests (police, probation), audited as one consult.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    f: &ArrestFilter,
    sort: ArrestSort,
    descending: bool,
    page: PageRequest,
) -> AppResult<(Vec<ArrestRow>, PageInfo)> {
    let total = list_total(app, actor, f).await?;
    let rows = arrests_repo::list(&app.db, f, sort, descending, page).await?;
    let rows = with_people(&app.db, rows).await?;
    list_shown(app, actor, rows.iter().map(|r| r.arrest.person_id), total).await?;
    Ok((rows, PageInfo::new(page, total)))
}

/// The arrests list as its page prints it: the same arrests in the same
/// order as [`list`], each with its man's name, read in one statement of
/// the columns the page shows; audited the same way.
pub async fn list_lines(
    app: &AppState,
    actor: &Actor,
    f: &ArrestFilter,
    sort: ArrestSort,
    descending: bool,
    page: PageRequest,
) -> AppResult<(Vec<ListedArrest>, PageInfo)> {
    let total = list_total(app, actor, f).await?;
    let rows = arrests_repo::list_listed(&app.db, f, sort, descending, page).await?;
    list_shown(app, actor, rows.iter().map(|r| r.person_id), total).await?;
    Ok((rows, PageInfo::new(page, total)))
}

/// The guard and the kept count both forms of the list share.
async fn list_total(app: &AppState, actor: &Actor, f: &ArrestFilter) -> AppResult<u64> {
    actor.require(Capability::ViewPeople)?;
    app.list_counts
        .get_or_count(app, format!("arrests {f:?}"), async {
            Ok(arrests_repo::count(&app.db, f).await?)
        })
        .await
}

/// The one consult entry naming every man a page of the list showed.
async fn list_shown(
    app: &AppState,
    actor: &Actor,
    men: impl ExactSizeIterator<Item = i32>,
    total: u64,
) -> AppResult<()> {
    let shown = men.len();
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("arrest_list", "page")
            .people(men)
            .reason(format!("list showed {shown} of {total} arrests")),
    )
    .await?;
    Ok(())
}

/// Every matching arrest for a CSV download, audited as a disclosure.
pub async fn export(
    app: &AppState,
    actor: &Actor,
    f: &ArrestFilter,
    sort: ArrestSort,
    descending: bool,
) -> AppResult<Vec<ArrestRow>> {
    actor.require(Capability::ViewPeople)?;
    let rows = arrests_repo::all_matching(&app.db, f, sort, descending).await?;
    let rows = with_people(&app.db, rows).await?;
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Disclose)
            .record("arrest_list", "csv")
            .recipient("downloaded by the user")
            .people(rows.iter().map(|r| r.arrest.person_id))
            .reason(format!("{} arrests exported as CSV", rows.len())),
    )
    .await?;
    Ok(rows)
}
