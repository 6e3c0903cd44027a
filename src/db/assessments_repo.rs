//! Queries on `assessments`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::assessments;
use crate::domain::assessment::{AssessmentStatus, Suitability};
use crate::domain::rosh::RoshLevel;

pub use assessments::Model as Assessment;

/// Facts kept in columns so that other features can query them.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub suitability: Option<Suitability>,
    pub rosh_overall: Option<RoshLevel>,
    pub ogrs3_two_year_percent: Option<i32>,
    pub known_to_marac: bool,
}

/// A new draft: the man's next version.
pub struct NewDraftRow {
    pub person_id: i32,
    pub referral_id: Option<i32>,
    pub version_number: i32,
    pub supersedes_id: Option<i32>,
    pub author_id: i32,
    pub content: String,
    pub summary: Summary,
}

/// Drafts in one multi-row insert (15 columns each).
const DRAFTS_IN_ONE_STATEMENT: usize = 500;

/// Write new drafts, at most one a man; answers them in the order given.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    drafts: &[NewDraftRow],
    now: DateTime<Utc>,
) -> Result<Vec<Assessment>, DbErr> {
    let mut of_man = HashMap::with_capacity(drafts.len());
    for chunk in drafts.chunks(DRAFTS_IN_ONE_STATEMENT) {
        let rows = chunk.iter().map(|d| assessments::ActiveModel {
            person_id: Set(d.person_id),
            referral_id: Set(d.referral_id),
            version_number: Set(d.version_number),
            supersedes_id: Set(d.supersedes_id),
            status: Set(AssessmentStatus::Draft),
            author_id: Set(d.author_id),
            content: Set(d.content.clone()),
            suitability: Set(d.summary.suitability),
            rosh_overall: Set(d.summary.rosh_overall),
            ogrs3_two_year_percent: Set(d.summary.ogrs3_two_year_percent),
            known_to_marac: Set(d.summary.known_to_marac),
            created_at: Set(now),
            updated_at: Set(now),
            completed_at: Set(None),
            lock_version: Set(1),
            ..Default::default()
        });
        let written = assessments::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        // RETURNING promises no order: match each to its man
        of_man.extend(written.into_iter().map(|a| (a.person_id, a)));
    }
    drafts
        .iter()
        .map(|d| {
            of_man.remove(&d.person_id).ok_or_else(|| {
                DbErr::Custom(format!("man {}'s draft was not written", d.person_id))
            })
        })
        .collect()
}

/// One assessment.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<Assessment>, DbErr> {
    assessments::Entity::find_by_id(id).one(db).await
}

/// Save a draft's content if it is still a draft at `lock_version`; 0 rows
/// when it was completed or changed meanwhile.
pub async fn save_draft(
    db: &impl ConnectionTrait,
    id: i32,
    lock_version: i32,
    content: &str,
    summary: &Summary,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(assessments::Entity::update_many()
        .col_expr(assessments::Column::Content, Expr::val(content))
        .col_expr(
            assessments::Column::Suitability,
            Expr::val(summary.suitability),
        )
        .col_expr(
            assessments::Column::RoshOverall,
            Expr::val(summary.rosh_overall),
        )
        .col_expr(
            assessments::Column::Ogrs3TwoYearPercent,
            Expr::val(summary.ogrs3_two_year_percent),
        )
        .col_expr(
            assessments::Column::KnownToMarac,
            Expr::val(summary.known_to_marac),
        )
        .col_expr(assessments::Column::UpdatedAt, Expr::val(now))
        .col_expr(
            assessments::Column::LockVersion,
            Expr::col(assessments::Column::LockVersion).add(1),
        )
        .filter(assessments::Column::Id.eq(id))
        .filter(assessments::Column::Status.eq(AssessmentStatus::Draft.as_str()))
        .filter(assessments::Column::LockVersion.eq(lock_version))
        .exec(db)
        .await?
        .rows_affected)
}

/// Move assessments from status `from` to `to` (stamping the time, and
/// the completion time when `to` is completed); the count moved, short of
/// the ids given for any that were no longer at `from`.
pub async fn set_status(
    db: &impl ConnectionTrait,
    ids: &[i32],
    from: AssessmentStatus,
    to: AssessmentStatus,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut moved = 0;
    for chunk in ids.chunks(DRAFTS_IN_ONE_STATEMENT) {
        let mut q = assessments::Entity::update_many()
            .col_expr(assessments::Column::Status, Expr::val(to.as_str()))
            .col_expr(assessments::Column::UpdatedAt, Expr::val(now))
            .col_expr(
                assessments::Column::LockVersion,
                Expr::col(assessments::Column::LockVersion).add(1),
            );
        if to == AssessmentStatus::Completed {
            q = q.col_expr(assessments::Column::CompletedAt, Expr::val(Some(now)));
        }
        moved += q
            .filter(assessments::Column::Id.is_in(chunk.iter().copied()))
            .filter(assessments::Column::Status.eq(from.as_str()))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(moved)
}

/// A man's assessments, newest version first.
pub async fn for_person(
    db: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<Assessment>, DbErr> {
    assessments::Entity::find()
        .filter(assessments::Column::PersonId.eq(person_id))
        .order_by_desc(assessments::Column::VersionNumber)
        .all(db)
        .await
}

/// Every version of each of `person_ids`' assessments, newest first, in
/// queries of up to [`IDS_IN_ONE_QUERY`](super::arrests_repo::IDS_IN_ONE_QUERY) men.
pub async fn for_people(
    db: &impl ConnectionTrait,
    person_ids: &[i32],
) -> Result<HashMap<i32, Vec<Assessment>>, DbErr> {
    let mut found: HashMap<i32, Vec<Assessment>> = HashMap::new();
    for chunk in person_ids.chunks(super::arrests_repo::IDS_IN_ONE_QUERY) {
        let rows = assessments::Entity::find()
            .filter(assessments::Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_asc(assessments::Column::PersonId)
            .order_by_desc(assessments::Column::VersionNumber)
            .all(db)
            .await?;
        for a in rows {
            found.entry(a.person_id).or_default().push(a);
        }
    }
    Ok(found)
}

/// The man's current completed assessment, if any.
pub async fn current_completed(
    db: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Option<Assessment>, DbErr> {
    Ok(current_completed_of(db, &[person_id])
        .await?
        .remove(&person_id))
}

/// The newest completed assessment of each of `person_ids` that has one.
///
/// Every version of each man is read (a few each) and the completed ones
/// picked here: with the status in the query, SQLite chose the status index
/// and read every completed assessment in the database (45 ms at 100,000
/// men, against 0.2 ms down the man's own index); PostgreSQL without fresh
/// statistics did the same (3 ms).
pub async fn current_completed_of(
    db: &impl ConnectionTrait,
    person_ids: &[i32],
) -> Result<HashMap<i32, Assessment>, DbErr> {
    Ok(for_people(db, person_ids)
        .await?
        .into_iter()
        .filter_map(|(person_id, versions)| Some((person_id, newest_completed(&versions)?.clone())))
        .collect())
}

/// The [`Summary`] of the assessment in force for each of `person_ids` that
/// has one (the newest completed, by the rule [`newest_completed`] uses), read
/// from the summary's own columns: a page that shows a man's standing need
/// not read every version's whole content to print a word or two.
pub async fn current_summaries_of(
    db: &impl ConnectionTrait,
    person_ids: &[i32],
) -> Result<HashMap<i32, Summary>, DbErr> {
    type Row = (
        i32,
        AssessmentStatus,
        Option<Suitability>,
        Option<RoshLevel>,
        Option<i32>,
        bool,
    );
    let mut found = HashMap::new();
    for chunk in person_ids.chunks(super::arrests_repo::IDS_IN_ONE_QUERY) {
        let rows: Vec<Row> = assessments::Entity::find()
            .select_only()
            .columns([
                assessments::Column::PersonId,
                assessments::Column::Status,
                assessments::Column::Suitability,
                assessments::Column::RoshOverall,
                assessments::Column::Ogrs3TwoYearPercent,
                assessments::Column::KnownToMarac,
            ])
            .filter(assessments::Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_asc(assessments::Column::PersonId)
            .order_by_desc(assessments::Column::VersionNumber)
            .into_tuple()
            .all(db)
            .await?;
        let mut versions: HashMap<i32, Vec<Row>> = HashMap::new();
        for row in rows {
            versions.entry(row.0).or_default().push(row);
        }
        found.extend(versions.into_iter().filter_map(|(person_id, versions)| {
            let (_, _, suitability, rosh_overall, ogrs3, known_to_marac) =
                in_force(versions, |v| v.1)?;
            Some((
                person_id,
                Summary {
                    suitability,
                    rosh_overall,
                    ogrs3_two_year_percent: ogrs3,
                    known_to_marac,
                },
            ))
        }));
    }
    Ok(found)
}

/// The one in force among a man's versions (newest first): the newest
/// completed.
pub fn newest_completed(versions: &[Assessment]) -> Option<&Assessment> {
    in_force(versions, |a| a.status)
}

/// The rule for which of a man's versions is in force, whatever form they
/// were read in: given newest first, the first completed.
fn in_force<T>(
    versions: impl IntoIterator<Item = T>,
    status: impl Fn(&T) -> AssessmentStatus,
) -> Option<T> {
    versions
        .into_iter()
        .find(|v| status(v) == AssessmentStatus::Completed)
}
