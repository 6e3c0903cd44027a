//! Queries on `people`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};

use super::entities::people;
use crate::domain::names::{fold, forename_key, surname_key};
use crate::domain::person::ValidPerson;

pub use people::Model as Person;

/// Store a new person.
pub async fn insert(
    db: &impl ConnectionTrait,
    p: &ValidPerson,
    reference: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Person, DbErr> {
    people::ActiveModel {
        reference: Set(reference.to_string()),
        surname: Set(p.surname.clone()),
        forenames: Set(p.forenames.clone()),
        surname_folded: Set(fold(&p.surname)),
        forenames_folded: Set(fold(&p.forenames)),
        surname_key: Set(surname_key(&p.surname)),
        forename_key: Set(forename_key(&p.forenames)),
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
    .insert(db)
    .await
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
        .col_expr(
            people::Column::SurnameKey,
            Expr::val(surname_key(&p.surname)),
        )
        .col_expr(
            people::Column::ForenameKey,
            Expr::val(forename_key(&p.forenames)),
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
    Ok(r.rows_affected)
}

/// One person.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Person>, DbErr> {
    people::Entity::find_by_id(id).one(db).await
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

/// The person with this reference.
pub async fn find_by_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<Person>, DbErr> {
    people::Entity::find()
        .filter(people::Column::Reference.eq(reference))
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
    pub surname_key: Option<String>,
    pub forename_key: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub pnc_id: Option<String>,
    pub person_ids: Vec<i32>,
}

/// People matching any of the keys, at most `limit`.
pub async fn candidates(
    db: &impl ConnectionTrait,
    keys: &CandidateKeys,
    limit: u64,
) -> Result<Vec<Person>, DbErr> {
    // Exact keys (date of birth, PNC ID, vehicle) are fetched on their own so
    // that a common surname's many phonetic relatives can never crowd the
    // man with the right date of birth out of the candidate list.
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
    let mut found = if any_exact {
        people::Entity::find()
            .filter(exact)
            .limit(limit)
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let mut phonetic = Condition::any();
    let mut any_phonetic = false;
    if let Some(k) = &keys.surname_key {
        phonetic = phonetic.add(people::Column::SurnameKey.eq(k.clone()));
        any_phonetic = true;
    }
    if let (Some(k), Some(d)) = (&keys.forename_key, keys.date_of_birth) {
        phonetic = phonetic.add(
            Condition::all()
                .add(people::Column::ForenameKey.eq(k.clone()))
                .add(people::Column::DateOfBirth.eq(d)),
        );
        any_phonetic = true;
    }
    if any_phonetic {
        found.extend(
            people::Entity::find()
                .filter(phonetic)
                .limit(limit)
                .all(db)
                .await?,
        );
    }
    found.sort_by_key(|p| p.id);
    found.dedup_by_key(|p| p.id);
    Ok(found)
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
