//! Starting an assessment: a draft prefilled from what Kerbside knows of the
//! man (his arrests give OGRS3's sanctions and offence), or made whole from
//! the API's body; the referral it answers moves to "in assessment".

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, SqlErr};

use super::{AssessmentInput, settings, summary};
use crate::auth::Actor;
use crate::db::assessments_repo::{self, Assessment, NewDraftRow};
use crate::db::referrals_repo::Referral;
use crate::db::{arrests_repo, people_repo, referrals_repo};
use crate::domain::assessment::{
    AssessmentResults, AssessmentStatus, PastArrest, check_draft, ogrs3_prefill, partial_results,
};
use crate::domain::audit_action::AuditAction;
use crate::domain::london_time::london_date;
use crate::domain::referral::ReferralStatus;
use crate::domain::roles::Capability;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditEntry};
use crate::services::referrals::move_referrals;
use crate::state::AppState;

async fn prefill(
    db: &impl ConnectionTrait,
    person_id: i32,
    referral_id: Option<i32>,
) -> AppResult<AssessmentInput> {
    let person = people_repo::find(db, person_id)
        .await?
        .ok_or_else(|| AppError::invalid("person_id", "No person with that id"))?;
    let arrests = arrests_repo::for_person(db, person_id).await?;
    let past: Vec<PastArrest> = arrests
        .iter()
        .map(|a| PastArrest {
            offence: a.offence,
            disposal: a.disposal,
            date: london_date(a.arrested_at),
        })
        .collect();
    let current_arrest_id = match referral_id {
        Some(rid) => referrals_repo::find(db, rid)
            .await?
            .filter(|r| r.person_id == person_id)
            .ok_or_else(|| AppError::invalid("referral_id", "That referral is not this man's"))?
            .arrest_id
            .into(),
        None => arrests.first().map(|a| a.id),
    };
    let current = arrests
        .iter()
        .find(|a| Some(a.id) == current_arrest_id)
        .map(|a| PastArrest {
            offence: a.offence,
            disposal: a.disposal,
            date: london_date(a.arrested_at),
        });
    Ok(AssessmentInput {
        ogrs3: Some(ogrs3_prefill(
            person.sex,
            person.date_of_birth,
            &past,
            current,
        )),
        ..Default::default()
    })
}

/// How strictly a new draft's content is checked: a prefill by Kerbside may
/// be incomplete; what a person sends must be valid where present.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    Prefill,
    Strict,
}

pub(super) async fn insert_new(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
    referral_id: Option<i32>,
    supersedes: Option<i32>,
    input: &AssessmentInput,
    check: Check,
) -> AppResult<Assessment> {
    let author = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    // read in the writer's transaction: on SQLite the turn makes the check
    // and the write one step; on PostgreSQL two starts at once can both pass
    // the check, and the unique (man, version) index refuses the second
    let txn = app.begin_write().await?;
    let man = ManNow::read(&txn, person_id, referral_id).await?;
    check_man_and_referral(&man, person_id, referral_id)?;
    refuse_second_draft(&man)?;
    let results = match check {
        Check::Strict => check_draft(input, &settings(app)).map_err(AppError::Invalid)?,
        Check::Prefill => partial_results(input, &settings(app)),
    };
    let draft = NewDraft {
        author,
        person_id,
        referral_id,
        supersedes,
        input,
        results: &results,
    };
    let (a, _) = begun_at_the_same_moment(write_new(&txn, actor, &[(draft, &man)], now).await)?
        .pop()
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(a)
}

/// On PostgreSQL two starts for one man can both pass the checks: the
/// second's row waits on the unique (man, version) index until the first
/// commits, and is then refused. That is the second-draft conflict (409),
/// not a fault.
fn begun_at_the_same_moment<T>(written: AppResult<T>) -> AppResult<T> {
    match written {
        Err(AppError::Database(e))
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
        {
            Err(AppError::conflict(
                "Someone began an assessment of this man at the same moment: open his record and carry on with theirs",
            ))
        }
        other => other,
    }
}

/// What starting a draft for a man depends on, read together: whether he
/// is recorded, the referral named (if any) and his assessments. One man's
/// for a request; a whole set's in three queries for `record_completed`.
pub(super) struct ManNow {
    pub recorded: bool,
    pub referral: Option<Referral>,
    /// Every version, newest first.
    pub assessments: Vec<Assessment>,
}

impl ManNow {
    pub(super) async fn read(
        db: &impl ConnectionTrait,
        person_id: i32,
        referral_id: Option<i32>,
    ) -> AppResult<ManNow> {
        let mut men = ManNow::read_many(db, &[(person_id, referral_id)]).await?;
        men.pop().ok_or(AppError::NotFound)
    }

    /// Each `(person_id, referral_id)`'s, in the same order.
    pub(super) async fn read_many(
        db: &impl ConnectionTrait,
        men: &[(i32, Option<i32>)],
    ) -> AppResult<Vec<ManNow>> {
        let person_ids: Vec<i32> = men.iter().map(|(p, _)| *p).collect();
        let referral_ids: Vec<i32> = men.iter().filter_map(|(_, r)| *r).collect();
        let recorded = people_repo::recorded_of(db, &person_ids).await?;
        let referrals = referrals_repo::by_ids(db, &referral_ids).await?;
        let assessments = assessments_repo::for_people(db, &person_ids).await?;
        Ok(men
            .iter()
            .map(|(p, r)| ManNow {
                recorded: recorded.contains(p),
                referral: r.and_then(|r| referrals.get(&r).cloned()),
                assessments: assessments.get(p).cloned().unwrap_or_default(),
            })
            .collect())
    }
}

/// A man has one draft at a time, and a closed referral takes no new one.
pub(super) fn refuse_second_draft(man: &ManNow) -> AppResult<()> {
    if let Some(d) = man
        .assessments
        .iter()
        .find(|a| a.status == AssessmentStatus::Draft)
    {
        return Err(AppError::conflict(format!(
            "An assessment of this man is already in progress (version {}): continue that one at /assessments/{}",
            d.version_number, d.id
        )));
    }
    if man
        .referral
        .as_ref()
        .is_some_and(|r| r.status == ReferralStatus::Closed)
    {
        return Err(AppError::conflict(
            "This referral is closed: start an assessment from the man's record instead",
        ));
    }
    Ok(())
}

/// The man must be recorded, and the referral (if one is named) his.
pub(super) fn check_man_and_referral(
    man: &ManNow,
    person_id: i32,
    referral_id: Option<i32>,
) -> AppResult<()> {
    if !man.recorded {
        return Err(AppError::invalid("person_id", "No person with that id"));
    }
    if referral_id.is_some()
        && man
            .referral
            .as_ref()
            .is_none_or(|r| r.person_id != person_id)
    {
        return Err(AppError::invalid(
            "referral_id",
            "That referral is not this man's",
        ));
    }
    Ok(())
}

/// A draft about to be written, its content checked.
pub(super) struct NewDraft<'a> {
    pub author: i32,
    pub person_id: i32,
    pub referral_id: Option<i32>,
    pub supersedes: Option<i32>,
    pub input: &'a AssessmentInput,
    pub results: &'a AssessmentResults,
}

/// Write checked drafts, each as its man's next version (one a man), audit
/// them, and move the referrals they answer to "in assessment", in the
/// caller's transaction. Each `ManNow` was read in that transaction; answers
/// each draft and its referral as it now stands, in order.
pub(super) async fn write_new(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    drafts: &[(NewDraft<'_>, &ManNow)],
    now: DateTime<Utc>,
) -> AppResult<Vec<(Assessment, Option<Referral>)>> {
    let mut rows = Vec::with_capacity(drafts.len());
    for (d, man) in drafts {
        rows.push(NewDraftRow {
            person_id: d.person_id,
            referral_id: d.referral_id,
            version_number: man
                .assessments
                .first()
                .map(|a| a.version_number + 1)
                .unwrap_or(1),
            supersedes_id: d.supersedes,
            author_id: d.author,
            content: serde_json::to_string(d.input).map_err(AppError::internal)?,
            summary: summary(d.input, d.results),
        });
    }
    let written = assessments_repo::insert_many(txn, &rows, now).await?;
    let entries = written.iter().map(|a| {
        AuditEntry::new(AuditAction::Collect)
            .record("assessment", a.id)
            .person(a.person_id)
    });
    audit::record_many(txn, actor, now, entries.collect()).await?;
    let starts = |r: &Referral| matches!(r.status, ReferralStatus::New | ReferralStatus::Allocated);
    let moves: Vec<_> = drafts
        .iter()
        .filter_map(|(d, man)| {
            let r = man.referral.as_ref().filter(|r| starts(r))?;
            Some((
                r,
                ReferralStatus::InAssessment,
                r.assigned_to.or(Some(d.author)),
            ))
        })
        .collect();
    let mut moved = move_referrals(txn, actor, &moves, "assessment started", now)
        .await?
        .into_iter();
    Ok(drafts
        .iter()
        .zip(written)
        .map(|((_, man), a)| {
            let referral = match &man.referral {
                Some(r) if starts(r) => moved.next(),
                other => other.clone(),
            };
            (a, referral)
        })
        .collect())
}

/// Start a draft for a man (from a referral if given), prefilled from what
/// Kerbside knows.
pub async fn start(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
    referral_id: Option<i32>,
) -> AppResult<Assessment> {
    actor.require(Capability::ManageCases)?;
    let input = prefill(&app.db, person_id, referral_id).await?;
    insert_new(
        app,
        actor,
        person_id,
        referral_id,
        None,
        &input,
        Check::Prefill,
    )
    .await
}

/// Create a draft from a whole assessment (the API). RoSH, suitability and
/// the rationale are required here.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
    referral_id: Option<i32>,
    input: &AssessmentInput,
) -> AppResult<Assessment> {
    actor.require(Capability::ManageCases)?;
    require_api_fields(input)?;
    insert_new(
        app,
        actor,
        person_id,
        referral_id,
        None,
        input,
        Check::Strict,
    )
    .await
}

/// The API's required parts of a whole assessment (POST and PUT).
pub fn require_api_fields(input: &AssessmentInput) -> AppResult<()> {
    let mut e = crate::domain::validation::FieldErrors::new();
    if input.rosh.is_none() {
        e.add(
            "rosh",
            "Give rosh with public, known_adult, children and staff",
        );
    }
    if input.suitability.as_deref().is_none_or(str::is_empty) {
        e.add(
            "suitability",
            "Give suitability: suitable, suitable_not_ready or not_suitable",
        );
    }
    if input
        .rationale
        .as_deref()
        .is_none_or(|r| r.trim().is_empty())
    {
        e.add(
            "rationale",
            "Give the rationale for the suitability decision",
        );
    }
    e.into_result().map_err(AppError::Invalid)
}
