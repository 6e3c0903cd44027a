//! Queries on `arrests`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set, Statement,
};

use sea_orm::sea_query::{Expr, ExprTrait};

use super::entities::arrests;
use super::people_repo::ListedMan;
use crate::domain::arrest::{Disposal, Offence, ValidArrest};
use crate::domain::pagination::PageRequest;

pub use arrests::Model as Arrest;

fn new_row(
    person_id: i32,
    a: &ValidArrest,
    officer: Option<i32>,
    now: DateTime<Utc>,
) -> arrests::ActiveModel {
    arrests::ActiveModel {
        person_id: Set(person_id),
        occurrence_reference: Set(a.occurrence_reference.clone()),
        arrested_at: Set(a.arrested_at),
        location: Set(a.location.clone()),
        area: Set(a.area.clone()),
        operation: Set(a.operation.clone()),
        vehicle_registration: Set(a.vehicle_registration.clone()),
        offence: Set(a.offence),
        disposal: Set(a.disposal),
        course_deadline: Set(a.course_deadline),
        court: Set(a.court.clone()),
        first_hearing_date: Set(a.first_hearing_date),
        officer_user_id: Set(officer),
        collar_number: Set(a.collar_number.clone()),
        notes: Set(a.notes.clone()),
        created_at: Set(now),
        created_by: Set(officer),
        version: Set(1),
        ..Default::default()
    }
}

/// Arrests in one multi-row insert: 18 columns each, well under SQLite's
/// 32,766 and PostgreSQL's 65,535 parameters to a statement.
const ARRESTS_IN_ONE_STATEMENT: usize = 500;

/// What matches a written arrest to the one sent: the man, the reference
/// and what a referral is made from (the disposal and its dates).
type SentKey = (
    i32,
    Option<String>,
    crate::domain::arrest::Disposal,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
);

/// Store new arrests, (man, arrest), several to a statement; answered in
/// the order given.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    new: &[(i32, &ValidArrest)],
    officer: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<Arrest>, DbErr> {
    let mut out = Vec::with_capacity(new.len());
    for chunk in new.chunks(ARRESTS_IN_ONE_STATEMENT) {
        let rows = chunk.iter().map(|(p, a)| new_row(*p, a, officer, now));
        let written = arrests::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        // RETURNING promises no order: each arrest sent takes a written one
        // with the same key. Arrests alike in their key make alike
        // referrals, so which takes which changes nothing.
        let mut by_key: HashMap<SentKey, Vec<Arrest>> = HashMap::new();
        for m in written {
            let key = (
                m.person_id,
                m.occurrence_reference.clone(),
                m.disposal,
                m.course_deadline,
                m.first_hearing_date,
            );
            by_key.entry(key).or_default().push(m);
        }
        for (p, a) in chunk {
            let key = (
                *p,
                a.occurrence_reference.clone(),
                a.disposal,
                a.course_deadline,
                a.first_hearing_date,
            );
            let m = by_key
                .get_mut(&key)
                .and_then(Vec::pop)
                .ok_or_else(|| DbErr::Custom("an arrest sent was not written".into()))?;
            out.push(m);
        }
    }
    Ok(out)
}

/// Correct an arrest's details (not its disposal) if nobody changed it since
/// `version`; 0 rows when someone did.
pub async fn update_details(
    db: &impl ConnectionTrait,
    id: i32,
    version: i32,
    a: &ValidArrest,
) -> Result<u64, DbErr> {
    Ok(arrests::Entity::update_many()
        .col_expr(arrests::Column::ArrestedAt, Expr::val(a.arrested_at))
        .col_expr(arrests::Column::Location, Expr::val(a.location.clone()))
        .col_expr(arrests::Column::Area, Expr::val(a.area.clone()))
        .col_expr(arrests::Column::Operation, Expr::val(a.operation.clone()))
        .col_expr(
            arrests::Column::VehicleRegistration,
            Expr::val(a.vehicle_registration.clone()),
        )
        .col_expr(arrests::Column::Offence, Expr::val(a.offence.as_str()))
        .col_expr(
            arrests::Column::CollarNumber,
            Expr::val(a.collar_number.clone()),
        )
        .col_expr(
            arrests::Column::OccurrenceReference,
            Expr::val(a.occurrence_reference.clone()),
        )
        .col_expr(arrests::Column::Notes, Expr::val(a.notes.clone()))
        .col_expr(
            arrests::Column::Version,
            Expr::col(arrests::Column::Version).add(1),
        )
        .filter(arrests::Column::Id.eq(id))
        .filter(arrests::Column::Version.eq(version))
        .exec(db)
        .await?
        .rows_affected)
}

/// One arrest.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Arrest>, DbErr> {
    arrests::Entity::find_by_id(id).one(db).await
}

/// A man's arrests, newest first.
pub async fn for_person(db: &impl ConnectionTrait, person_id: i32) -> Result<Vec<Arrest>, DbErr> {
    arrests::Entity::find()
        .filter(arrests::Column::PersonId.eq(person_id))
        .order_by_desc(arrests::Column::ArrestedAt)
        .all(db)
        .await
}

/// Ids given in one `IN (...)` list at most.
pub const IDS_IN_ONE_QUERY: usize = 500;

/// Several arrests by id (one query).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<std::collections::HashMap<i32, Arrest>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(arrests::Entity::find()
        .filter(arrests::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// The arrests of several men, newest first, in queries of up to
/// [`IDS_IN_ONE_QUERY`] men.
pub async fn for_people(
    db: &impl ConnectionTrait,
    person_ids: &[i32],
) -> Result<Vec<Arrest>, DbErr> {
    let mut found = Vec::new();
    for chunk in person_ids.chunks(IDS_IN_ONE_QUERY) {
        found.extend(
            arrests::Entity::find()
                .filter(arrests::Column::PersonId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    found.sort_by_key(|a| std::cmp::Reverse(a.arrested_at));
    Ok(found)
}

/// Which of these occurrence references are already recorded.
pub async fn existing_occurrences(
    db: &impl ConnectionTrait,
    refs: &[String],
) -> Result<HashSet<String>, DbErr> {
    let mut found = HashSet::new();
    for chunk in refs.chunks(500) {
        let rows: Vec<String> = arrests::Entity::find()
            .select_only()
            .column(arrests::Column::OccurrenceReference)
            .filter(arrests::Column::OccurrenceReference.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The arrests holding these occurrence references: reference -> (arrest
/// id, person id).
pub async fn by_occurrences(
    db: &impl ConnectionTrait,
    refs: &[String],
) -> Result<HashMap<String, (i32, i32)>, DbErr> {
    let mut found = HashMap::new();
    for chunk in refs.chunks(500) {
        let rows: Vec<(Option<String>, i32, i32)> = arrests::Entity::find()
            .select_only()
            .column(arrests::Column::OccurrenceReference)
            .column(arrests::Column::Id)
            .column(arrests::Column::PersonId)
            .filter(arrests::Column::OccurrenceReference.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found
            .extend(rows.into_iter().filter_map(|(reference, arrest, person)| {
                reference.map(|r| (r, (arrest, person)))
            }));
    }
    Ok(found)
}

/// People arrested in a vehicle with this (normalised) registration.
pub async fn person_ids_with_vehicle(
    db: &impl ConnectionTrait,
    vrm: &str,
) -> Result<Vec<i32>, DbErr> {
    arrests::Entity::find()
        .select_only()
        .column(arrests::Column::PersonId)
        .filter(arrests::Column::VehicleRegistration.eq(vrm))
        .distinct()
        .limit(200)
        .into_tuple()
        .all(db)
        .await
}

/// Filters for the arrests list.
#[derive(Clone, Debug, Default)]
pub struct ArrestFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub area: Option<String>,
    pub operation: Option<String>,
    pub disposal: Option<crate::domain::arrest::Disposal>,
    pub officer_user_id: Option<i32>,
    pub person_id: Option<i32>,
}

/// Columns the list can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrestSort {
    ArrestedAt,
    Area,
    Disposal,
    Offence,
}

fn filtered(f: &ArrestFilter) -> Select<arrests::Entity> {
    let mut q = arrests::Entity::find();
    if let Some(v) = f.from {
        q = q.filter(arrests::Column::ArrestedAt.gte(v));
    }
    if let Some(v) = f.to {
        q = q.filter(arrests::Column::ArrestedAt.lt(v));
    }
    if let Some(v) = &f.area {
        q = q.filter(arrests::Column::Area.eq(v.clone()));
    }
    if let Some(v) = &f.operation {
        q = q.filter(arrests::Column::Operation.eq(v.clone()));
    }
    if let Some(v) = f.disposal {
        q = q.filter(arrests::Column::Disposal.eq(v));
    }
    if let Some(v) = f.officer_user_id {
        q = q.filter(arrests::Column::OfficerUserId.eq(v));
    }
    if let Some(v) = f.person_id {
        q = q.filter(arrests::Column::PersonId.eq(v));
    }
    q
}

fn sorted(
    q: Select<arrests::Entity>,
    sort: ArrestSort,
    descending: bool,
) -> Select<arrests::Entity> {
    let order = if descending { Order::Desc } else { Order::Asc };
    let col = match sort {
        ArrestSort::ArrestedAt => arrests::Column::ArrestedAt,
        ArrestSort::Area => arrests::Column::Area,
        ArrestSort::Disposal => arrests::Column::Disposal,
        ArrestSort::Offence => arrests::Column::Offence,
    };
    q.order_by(col, order)
        .order_by(arrests::Column::Id, Order::Desc)
}

/// A page of arrests.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &ArrestFilter,
    sort: ArrestSort,
    descending: bool,
    page: PageRequest,
) -> Result<Vec<Arrest>, DbErr> {
    sorted(filtered(f), sort, descending)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await
}

/// An arrest as the arrests list prints it, with its man as a list names
/// him, and no more of either.
#[derive(Clone, Debug)]
pub struct ListedArrest {
    pub id: i32,
    pub person_id: i32,
    pub arrested_at: DateTime<Utc>,
    pub area: String,
    pub offence: Offence,
    pub disposal: Disposal,
    /// `None` only if the man's row is gone.
    pub man: Option<ListedMan>,
}

/// One row of [`list_listed`]'s join.
#[derive(FromQueryResult)]
struct ListedArrestRow {
    id: i32,
    person_id: i32,
    arrested_at: DateTime<Utc>,
    area: String,
    offence: Offence,
    disposal: Disposal,
    man_reference: Option<String>,
    man_surname: Option<String>,
    man_forenames: Option<String>,
}

/// A page of arrests as [`list`] filters and orders it, each with its man's
/// name, in one statement of the columns the list prints: 50 rows of 9
/// columns, where [`list`] and the men's whole rows are 50 of 19 and 50 of
/// 21 (benches/RESULTS.md, "Pages read what they show").
pub async fn list_listed(
    db: &impl ConnectionTrait,
    f: &ArrestFilter,
    sort: ArrestSort,
    descending: bool,
    page: PageRequest,
) -> Result<Vec<ListedArrest>, DbErr> {
    let arrests_only = sorted(filtered(f), sort, descending)
        .select_only()
        .columns([
            arrests::Column::Id,
            arrests::Column::PersonId,
            arrests::Column::ArrestedAt,
            arrests::Column::Area,
            arrests::Column::Offence,
            arrests::Column::Disposal,
        ]);
    let rows = super::people_repo::with_listed_man(arrests_only, arrests::Column::PersonId)
        .offset(page.offset())
        .limit(page.per_page)
        .into_model::<ListedArrestRow>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ListedArrest {
            man: ListedMan::joined(r.person_id, r.man_reference, r.man_surname, r.man_forenames),
            id: r.id,
            person_id: r.person_id,
            arrested_at: r.arrested_at,
            area: r.area,
            offence: r.offence,
            disposal: r.disposal,
        })
        .collect())
}

/// How many arrests match.
pub async fn count(db: &impl ConnectionTrait, f: &ArrestFilter) -> Result<u64, DbErr> {
    filtered(f).count(db).await
}

/// Every matching arrest (for export).
pub async fn all_matching(
    db: &impl ConnectionTrait,
    f: &ArrestFilter,
    sort: ArrestSort,
    descending: bool,
) -> Result<Vec<Arrest>, DbErr> {
    sorted(filtered(f), sort, descending).all(db).await
}

/// Operation names for the filter: at most [`OPERATIONS_LISTED`], in order.
///
/// A plain `SELECT DISTINCT` reads the whole operation index, one entry per
/// arrest, on every view of the arrests list. This walks the index instead,
/// one step per name (the smallest name after the one before), so the cost
/// follows the number of operations, not of arrests.
pub async fn operations(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let sql = format!(
        "WITH RECURSIVE named(operation) AS ( \
           SELECT min(operation) FROM arrests \
           UNION ALL \
           SELECT (SELECT min(a.operation) FROM arrests a WHERE a.operation > named.operation) \
           FROM named WHERE named.operation IS NOT NULL \
         ) \
         SELECT operation FROM named WHERE operation IS NOT NULL LIMIT {OPERATIONS_LISTED}"
    );
    db.query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "operation"))
        .collect()
}

/// Operation names offered by the arrests list's filter at most.
pub const OPERATIONS_LISTED: u64 = 200;
