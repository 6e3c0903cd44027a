//! Queries on `people`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QuerySelect, Select, Set, TryInsertResult,
};

use super::entities::people;
use super::entities::person_name_keys;
use crate::domain::name_keys::stored_keys;
use crate::domain::names::fold;
use crate::domain::person::ValidPerson;

pub use people::Model as Person;

/// A new man's row.
fn new_row(
    p: &ValidPerson,
    reference: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> people::ActiveModel {
    people::ActiveModel {
        reference: Set(reference.to_string()),
        surname: Set(p.surname.clone()),
        forenames: Set(p.forenames.clone()),
        surname_folded: Set(fold(&p.surname)),
        forenames_folded: Set(fold(&p.forenames)),
        date_of_birth: Set(p.date_of_birth),
        sex: Set(p.sex),
        address: Set(p.address.clone()),
        postcode: Set(p.postcode.clone()),
        phone: Set(p.phone.clone()),
        pnc_id: Set(p.pnc_id.clone()),
        contact_preference: Set(p.contact_preference),
        category: Set(p.category),
        review_date: Set(None),
        created_at: Set(now),
        created_by: Set(by),
        updated_at: Set(now),
        updated_by: Set(by),
        version: Set(1),
        ..Default::default()
    }
}

/// Store a new person.
pub async fn insert(
    db: &impl ConnectionTrait,
    p: &ValidPerson,
    reference: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Person, DbErr> {
    let person = new_row(p, reference, by, now).insert(db).await?;
    add_name_keys(db, &[(person.id, &person.surname, &person.forenames)]).await?;
    Ok(person)
}

/// Men written together (an import), [`MEN_IN_ONE_STATEMENT`] to a
/// statement, with their name keys; each man's id in the order given, or
/// `None` for a man whose reference another transaction took after it was
/// chosen (two imports writing at once): he is not written, and the caller
/// chooses him another. On PostgreSQL a reference taken by a transaction
/// still open waits for its end.
///
/// The men are written in the order of their references, whatever the
/// order given: two imports that chose each other's references then take
/// them in the same order, so one waits for the other instead of each
/// holding one the other waits for (a deadlock that ended one of them).
pub async fn insert_many(
    db: &impl ConnectionTrait,
    men: &[(&ValidPerson, &str)],
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<Option<i32>>, DbErr> {
    let mut in_order = men.to_vec();
    in_order.sort_unstable_by_key(|(_, reference)| *reference);
    let mut id_of = std::collections::HashMap::with_capacity(men.len());
    for chunk in in_order.chunks(MEN_IN_ONE_STATEMENT) {
        let rows = chunk.iter().map(|(p, r)| new_row(p, r, by, now));
        let written = match people::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([people::Column::Reference])
            .exec_with_returning_many(db)
            .await?
        {
            TryInsertResult::Inserted(written) => written,
            TryInsertResult::Empty | TryInsertResult::Conflicted => Vec::new(),
        };
        let keys: Vec<(i32, &str, &str)> = written
            .iter()
            .map(|m| (m.id, m.surname.as_str(), m.forenames.as_str()))
            .collect();
        add_name_keys(db, &keys).await?;
        // RETURNING promises no order: match each row to its reference
        id_of.extend(written.iter().map(|m| (m.reference.clone(), m.id)));
    }
    Ok(men.iter().map(|(_, r)| id_of.get(*r).copied()).collect())
}

/// Men in one multi-row insert: 20 columns each, well under SQLite's
/// 32,766 and PostgreSQL's 65,535 parameters to a statement.
const MEN_IN_ONE_STATEMENT: usize = 500;

/// Replace the indexed name keys of these men (id, surname, forenames).
pub async fn store_name_keys(
    db: &impl ConnectionTrait,
    men: &[(i32, &str, &str)],
) -> Result<(), DbErr> {
    if men.is_empty() {
        return Ok(());
    }
    for chunk in men.chunks(500) {
        person_name_keys::Entity::delete_many()
            .filter(person_name_keys::Column::PersonId.is_in(chunk.iter().map(|m| m.0)))
            .exec(db)
            .await?;
    }
    add_name_keys(db, men).await
}

/// The name keys of men who have none yet (new men; men recorded before
/// name keys existed): added, with no look for old keys to delete (a read
/// of the keys per 500 men that found nothing; at 100,000 men on
/// PostgreSQL, without statistics, 118 ms each).
async fn add_name_keys(db: &impl ConnectionTrait, men: &[(i32, &str, &str)]) -> Result<(), DbErr> {
    let rows: Vec<person_name_keys::ActiveModel> = men
        .iter()
        .flat_map(|(id, surname, forenames)| {
            stored_keys(surname, forenames).into_iter().map(move |key| {
                person_name_keys::ActiveModel {
                    key: Set(key),
                    person_id: Set(*id),
                }
            })
        })
        .collect();
    for chunk in rows.chunks(2000) {
        person_name_keys::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Give name keys to men recorded before name keys existed (at start-up).
pub async fn key_unkeyed_names(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let unkeyed: Vec<(i32, String, String)> = people::Entity::find()
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::Surname,
            people::Column::Forenames,
        ])
        // NOT EXISTS, an anti-join on the index: `NOT IN (subquery)` made
        // PostgreSQL compare every man with every key (a minute at 10,000
        // men, and it runs whenever the app or a command starts).
        .filter(
            Expr::exists(
                sea_orm::sea_query::Query::select()
                    .expr(Expr::val(1))
                    .from(person_name_keys::Entity)
                    .and_where(
                        Expr::col((person_name_keys::Entity, person_name_keys::Column::PersonId))
                            .equals((people::Entity, people::Column::Id)),
                    )
                    .to_owned(),
            )
            .not(),
        )
        // a disposed record has no name to key
        .filter(people::Column::DisposedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let men: Vec<(i32, &str, &str)> = unkeyed
        .iter()
        .map(|(id, s, f)| (*id, s.as_str(), f.as_str()))
        .collect();
    add_name_keys(db, &men).await?;
    Ok(men.len())
}

/// Replace a person's fields if nobody changed them since `version`; the
/// count is 0 when someone did.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i32,
    version: i32,
    p: &ValidPerson,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let r = people::Entity::update_many()
        .col_expr(people::Column::Surname, Expr::val(p.surname.clone()))
        .col_expr(people::Column::Forenames, Expr::val(p.forenames.clone()))
        .col_expr(people::Column::SurnameFolded, Expr::val(fold(&p.surname)))
        .col_expr(
            people::Column::ForenamesFolded,
            Expr::val(fold(&p.forenames)),
        )
        .col_expr(people::Column::DateOfBirth, Expr::val(p.date_of_birth))
        .col_expr(people::Column::Sex, Expr::val(p.sex.as_str()))
        .col_expr(people::Column::Address, Expr::val(p.address.clone()))
        .col_expr(people::Column::Postcode, Expr::val(p.postcode.clone()))
        .col_expr(people::Column::Phone, Expr::val(p.phone.clone()))
        .col_expr(people::Column::PncId, Expr::val(p.pnc_id.clone()))
        .col_expr(
            people::Column::ContactPreference,
            Expr::val(p.contact_preference),
        )
        .col_expr(people::Column::Category, Expr::val(p.category.as_str()))
        .col_expr(people::Column::UpdatedAt, Expr::val(now))
        .col_expr(people::Column::UpdatedBy, Expr::val(by))
        .col_expr(
            people::Column::Version,
            Expr::col(people::Column::Version).add(1),
        )
        .filter(people::Column::Id.eq(id))
        .filter(people::Column::Version.eq(version))
        .exec(db)
        .await?;
    if r.rows_affected > 0 {
        store_name_keys(db, &[(id, &p.surname, &p.forenames)]).await?;
    }
    Ok(r.rows_affected)
}

/// One person.
/// A man whose record is held: a record disposed of under the retention
/// rule is not found (its row stays only for the statistics).
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Person>, DbErr> {
    people::Entity::find_by_id(id)
        .filter(people::Column::DisposedAt.is_null())
        .one(db)
        .await
}

/// A man as a list's row names him: none of the rest of his record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedMan {
    pub id: i32,
    pub reference: String,
    pub surname: String,
    pub forenames: String,
}

impl ListedMan {
    /// The man from a left join's columns: `None` if his row was not found.
    pub fn joined(
        id: i32,
        reference: Option<String>,
        surname: Option<String>,
        forenames: Option<String>,
    ) -> Option<ListedMan> {
        Some(ListedMan {
            id,
            reference: reference?,
            surname: surname?,
            forenames: forenames?,
        })
    }
}

/// `q` with the man its `person_id` column names, as lists name him, in
/// the columns `man_reference`, `man_surname` and `man_forenames` (a left
/// join: all three are NULL if his row is gone; [`ListedMan::joined`]
/// reads them back).
pub(super) fn with_listed_man<E: EntityTrait>(q: Select<E>, person_id: E::Column) -> Select<E> {
    q.column_as(people::Column::Reference, "man_reference")
        .column_as(people::Column::Surname, "man_surname")
        .column_as(people::Column::Forenames, "man_forenames")
        .join(
            JoinType::LeftJoin,
            E::belongs_to(people::Entity)
                .from(person_id)
                .to(people::Column::Id)
                .into(),
        )
}

/// Several people by id.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<HashMap<i32, Person>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(people::Entity::find()
        .filter(people::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Which of `ids` are men still recorded (not disposed of), in queries of
/// up to [`IDS_IN_ONE_QUERY`](super::arrests_repo::IDS_IN_ONE_QUERY).
pub async fn recorded_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<std::collections::HashSet<i32>, DbErr> {
    let mut recorded = std::collections::HashSet::new();
    for chunk in ids.chunks(super::arrests_repo::IDS_IN_ONE_QUERY) {
        let found: Vec<i32> = people::Entity::find()
            .select_only()
            .column(people::Column::Id)
            .filter(people::Column::Id.is_in(chunk.iter().copied()))
            .filter(people::Column::DisposedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        recorded.extend(found);
    }
    Ok(recorded)
}

/// The person with this reference.
pub async fn find_by_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<Person>, DbErr> {
    people::Entity::find()
        .filter(people::Column::Reference.eq(reference))
        .filter(people::Column::DisposedAt.is_null())
        .one(db)
        .await
}

/// A person whose folded names and date of birth match exactly (import reuse).
pub async fn find_exact(
    db: &impl ConnectionTrait,
    surname: &str,
    forenames: &str,
    dob: NaiveDate,
) -> Result<Option<Person>, DbErr> {
    people::Entity::find()
        .filter(people::Column::SurnameFolded.eq(fold(surname)))
        .filter(people::Column::ForenamesFolded.eq(fold(forenames)))
        .filter(people::Column::DateOfBirth.eq(dob))
        .one(db)
        .await
}

/// What a candidate search may match on (each through an index).
#[derive(Clone, Debug, Default)]
pub struct CandidateKeys {
    pub date_of_birth: Option<NaiveDate>,
    pub pnc_id: Option<String>,
    pub person_ids: Vec<i32>,
}

/// People matching any of the exact keys (date of birth, PNC ID, ids), at
/// most `limit`. Fetched apart from the name candidates so that a common
/// surname's many relatives can never crowd out the man with the right date
/// of birth.
pub async fn candidates(
    db: &impl ConnectionTrait,
    keys: &CandidateKeys,
    limit: u64,
) -> Result<Vec<Person>, DbErr> {
    let mut exact = Condition::any();
    let mut any_exact = false;
    if let Some(d) = keys.date_of_birth {
        exact = exact.add(people::Column::DateOfBirth.eq(d));
        any_exact = true;
    }
    if let Some(p) = &keys.pnc_id {
        exact = exact.add(people::Column::PncId.eq(p.clone()));
        any_exact = true;
    }
    if !keys.person_ids.is_empty() {
        exact = exact.add(people::Column::Id.is_in(keys.person_ids.iter().copied()));
        any_exact = true;
    }
    if !any_exact {
        return Ok(Vec::new());
    }
    people::Entity::find()
        .filter(exact)
        .filter(people::Column::DisposedAt.is_null())
        .limit(limit)
        .all(db)
        .await
}

/// Ids of the men holding any of these name keys (`domain::name_keys`), at
/// most `limit`: one read of the `(key, person_id)` primary key.
pub async fn name_candidates(
    db: &impl ConnectionTrait,
    keys: &[String],
    limit: u64,
) -> Result<Vec<i32>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    person_name_keys::Entity::find()
        .select_only()
        .column(person_name_keys::Column::PersonId)
        .distinct()
        .filter(person_name_keys::Column::Key.is_in(keys.iter().cloned()))
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// How many people are recorded.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    people::Entity::find().count(db).await
}

/// People born on any of these dates (for matching an import against the
/// people already recorded in a few queries).
pub async fn born_on(db: &impl ConnectionTrait, dates: &[NaiveDate]) -> Result<Vec<Person>, DbErr> {
    let mut out = Vec::new();
    for chunk in dates.chunks(500) {
        out.extend(
            people::Entity::find()
                .filter(people::Column::DateOfBirth.is_in(chunk.iter().copied()))
                .filter(people::Column::DisposedAt.is_null())
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// People holding any of these PNC IDs.
pub async fn holding_pnc_ids(
    db: &impl ConnectionTrait,
    pnc_ids: &[String],
) -> Result<Vec<Person>, DbErr> {
    let mut out = Vec::new();
    for chunk in pnc_ids.chunks(500) {
        out.extend(
            people::Entity::find()
                .filter(people::Column::PncId.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Which of these references are taken.
pub async fn taken_references(
    db: &impl ConnectionTrait,
    refs: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    let mut taken = std::collections::HashSet::new();
    for chunk in refs.chunks(500) {
        let rows: Vec<String> = people::Entity::find()
            .select_only()
            .column(people::Column::Reference)
            .filter(people::Column::Reference.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        taken.extend(rows);
    }
    Ok(taken)
}
