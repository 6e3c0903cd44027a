//! Queries for the retention review: each man's last activity, the records
//! due for review, decisions, and the statements that dispose of a record.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, Set, Statement, Value,
};

use super::entities::retention_decisions;
use crate::domain::retention::RetentionDecision;

pub use retention_decisions::Model as Decision;

/// What counts as activity on a man's record: (rows, when, whose). His
/// arrests, his programme activity (enrolled, status moves, attendance) and
/// the court reports written about him; for a man with no arrest, when he
/// was recorded. (Not when an arrest was typed in: a man imported today for
/// an arrest in 2018 was last active in 2018.)
const ACTIVITY: &[(&str, &str, &str)] = &[
    (
        "people x WHERE NOT EXISTS (SELECT 1 FROM arrests y WHERE y.person_id = x.id)",
        "x.created_at",
        "x.id",
    ),
    ("arrests x", "x.arrested_at", "x.person_id"),
    ("enrolments x", "x.created_at", "x.person_id"),
    (
        "enrolment_status_history h JOIN enrolments x ON x.id = h.enrolment_id",
        "h.at",
        "x.person_id",
    ),
    (
        "attendance_marks m JOIN enrolments x ON x.id = m.enrolment_id",
        "m.recorded_at",
        "x.person_id",
    ),
    ("court_reports x", "x.updated_at", "x.person_id"),
];

/// `?` placeholders as the backend wants them.
fn numbered(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, numbered(backend, sql), values)
}

/// The union of activity rows, each `(person_id, at)`, filtered by `filter`
/// (a condition on the branch's person column, `{}` standing for it).
fn activity_union(filter: Option<&str>) -> String {
    ACTIVITY
        .iter()
        .map(|(from, at, who)| {
            let joiner = if from.contains(" WHERE ") {
                " AND "
            } else {
                " WHERE "
            };
            let cond = filter.map_or(String::new(), |f| {
                format!("{joiner}{}", f.replace("{}", who))
            });
            format!("SELECT {who} AS person_id, {at} AS at FROM {from}{cond}")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

#[derive(FromQueryResult)]
struct LastAt {
    last_at: Option<DateTime<Utc>>,
}

/// When a man's record last saw activity.
pub async fn last_activity(
    db: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let backend = db.get_database_backend();
    let union = activity_union(Some("{} = ?"));
    let sql = format!("SELECT MAX(a.at) AS last_at FROM ({union}) a");
    let values = vec![Value::from(person_id); ACTIVITY.len()];
    let row = LastAt::find_by_statement(statement(backend, &sql, values))
        .one(db)
        .await?;
    Ok(row.and_then(|r| r.last_at))
}

/// A record due for review.
#[derive(Clone, Debug, FromQueryResult)]
pub struct DueRow {
    pub id: i32,
    pub reference: String,
    pub surname: String,
    pub forenames: String,
    pub date_of_birth: NaiveDate,
    pub review_date: Option<NaiveDate>,
    pub last_at: DateTime<Utc>,
}

fn due_from(union: &str) -> String {
    format!(
        "FROM people p JOIN (SELECT a.person_id, MAX(a.at) AS last_at FROM ({union}) a
                             GROUP BY a.person_id) la ON la.person_id = p.id
         WHERE p.disposed_at IS NULL AND la.last_at < ?
           AND (p.review_date IS NULL OR p.review_date <= ?)"
    )
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Records held whose last activity is before `cutoff` and whose retention
/// (if any was decided) has run out by `today`: oldest activity first.
pub async fn due(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    today: NaiveDate,
    offset: u64,
    limit: u64,
) -> Result<(Vec<DueRow>, u64), DbErr> {
    let backend = db.get_database_backend();
    let from = due_from(&activity_union(None));
    let rows = DueRow::find_by_statement(statement(
        backend,
        &format!(
            "SELECT p.id, p.reference, p.surname, p.forenames, p.date_of_birth, p.review_date,
                    la.last_at {from} ORDER BY la.last_at, p.id LIMIT ? OFFSET ?"
        ),
        vec![
            cutoff.into(),
            today.into(),
            (limit as i64).into(),
            (offset as i64).into(),
        ],
    ))
    .all(db)
    .await?;
    let total = Count::find_by_statement(statement(
        backend,
        &format!("SELECT COUNT(*) AS n {from}"),
        vec![cutoff.into(), today.into()],
    ))
    .one(db)
    .await?
    .map_or(0, |c| c.n.max(0) as u64);
    Ok((rows, total))
}

/// Record a decision (append-only) and, for a retention, the next review.
pub async fn decide(
    db: &impl ConnectionTrait,
    person_id: i32,
    decision: RetentionDecision,
    rationale: Option<&str>,
    next_review: Option<NaiveDate>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Decision, DbErr> {
    let row = retention_decisions::ActiveModel {
        person_id: Set(person_id),
        decision: Set(decision),
        rationale: Set(rationale.map(str::to_string)),
        next_review_date: Set(next_review),
        decided_at: Set(now),
        decided_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if let Some(next) = next_review {
        db.execute_raw(statement(
            db.get_database_backend(),
            "UPDATE people SET review_date = ? WHERE id = ?",
            vec![next.into(), person_id.into()],
        ))
        .await?;
    }
    Ok(row)
}

/// A man's decisions, newest first.
pub async fn decisions(db: &impl ConnectionTrait, person_id: i32) -> Result<Vec<Decision>, DbErr> {
    retention_decisions::Entity::find()
        .filter(retention_decisions::Column::PersonId.eq(person_id))
        .order_by_desc(retention_decisions::Column::Id)
        .all(db)
        .await
}

/// Erase a man's personal data and every narrative about him, keeping the
/// rows (ids, dates, codes, outcomes) the statistics count. His date of birth
/// keeps only its year; his reference becomes `DISPOSED-<id>` so documents
/// that carry the old one no longer lead back to the row. Returns how many
/// rows each statement touched, for the audit entry.
pub async fn erase_person(
    db: &impl ConnectionTrait,
    person_id: i32,
    date_of_birth: NaiveDate,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let year_only = NaiveDate::from_ymd_opt(date_of_birth.year(), 1, 1).unwrap_or(date_of_birth);
    let id = Value::from(person_id);
    let mut touched = Vec::new();
    let person = db
        .execute_raw(statement(
            backend,
            "UPDATE people SET reference = ?, surname = 'Disposed', forenames = 'record',
                    surname_folded = '', forenames_folded = '', date_of_birth = ?,
                    address = NULL, postcode = NULL, phone = NULL, pnc_id = NULL,
                    contact_preference = NULL, review_date = NULL, disposed_at = ?,
                    updated_at = ?, updated_by = ?, version = version + 1
              WHERE id = ? AND disposed_at IS NULL",
            vec![
                format!("DISPOSED-{person_id}").into(),
                year_only.into(),
                now.into(),
                now.into(),
                by.into(),
                id.clone(),
            ],
        ))
        .await?;
    touched.push(("people", person.rows_affected()));
    const OF_HIS_ENROLMENTS: &str =
        "enrolment_id IN (SELECT id FROM enrolments WHERE person_id = ?)";
    let statements: [(&'static str, String); 11] = [
        (
            "person_name_keys",
            "DELETE FROM person_name_keys WHERE person_id = ?".into(),
        ),
        (
            "arrests",
            "UPDATE arrests SET location = '', vehicle_registration = NULL,
                    occurrence_reference = NULL, notes = NULL, version = version + 1
              WHERE person_id = ?"
                .into(),
        ),
        (
            "referral_status_history",
            "UPDATE referral_status_history SET note = NULL
              WHERE note IS NOT NULL
                AND referral_id IN (SELECT id FROM referrals WHERE person_id = ?)"
                .into(),
        ),
        (
            "court_hearings",
            "UPDATE court_hearings SET notes = NULL WHERE person_id = ?".into(),
        ),
        (
            "assessments",
            "UPDATE assessments SET content = '{}' WHERE person_id = ?".into(),
        ),
        (
            "enrolments",
            "UPDATE enrolments SET override_reason = NULL WHERE person_id = ?".into(),
        ),
        (
            "enrolment_status_history",
            format!(
                "UPDATE enrolment_status_history SET note = NULL
                  WHERE note IS NOT NULL AND {OF_HIS_ENROLMENTS}"
            ),
        ),
        (
            "attendance_marks",
            format!(
                "UPDATE attendance_marks SET note = NULL, correction_reason = NULL
                  WHERE (note IS NOT NULL OR correction_reason IS NOT NULL) AND {OF_HIS_ENROLMENTS}"
            ),
        ),
        (
            "enforcement_actions",
            format!("UPDATE enforcement_actions SET note = '' WHERE {OF_HIS_ENROLMENTS}"),
        ),
        (
            "aim_ratings",
            format!("UPDATE aim_ratings SET comment = '' WHERE {OF_HIS_ENROLMENTS}"),
        ),
        (
            "court_reports",
            "UPDATE court_reports SET content = '', snapshot = NULL WHERE person_id = ?".into(),
        ),
    ];
    for (table, sql) in statements {
        let done = db
            .execute_raw(statement(backend, &sql, vec![id.clone()]))
            .await?;
        touched.push((table, done.rows_affected()));
    }
    Ok(touched)
}
