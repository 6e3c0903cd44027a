//! Starting an assessment: a draft prefilled from what Kerbside knows of the
//! man (his arrests give OGRS3's sanctions and offence), or made whole from
//! the API's body; the referral it answers moves to "in assessment".

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{AssessmentInput, settings, summary};
use crate::auth::Actor;
use crate::db::assessments_repo::{self, Assessment};
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
use crate::services::referrals::move_referral;
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
    refuse_second_draft(&app.db, person_id, referral_id).await?;
    let author = actor.user_id().ok_or(AppError::Forbidden)?;
    let results = match check {
        Check::Strict => check_draft(input, &settings(app)).map_err(AppError::Invalid)?,
        Check::Prefill => partial_results(input, &settings(app)),
    };
    let now = app.now();
    let txn = app.begin_write().await?;
    let a = write_new(
        &txn,
        actor,
        NewDraft {
            author,
            person_id,
            referral_id,
            supersedes,
            input,
            results: &results,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

/// A man has one draft at a time, and a closed referral takes no new one.
pub(super) async fn refuse_second_draft(
    db: &impl ConnectionTrait,
    person_id: i32,
    referral_id: Option<i32>,
) -> AppResult<()> {
    if let Some(d) = assessments_repo::for_person(db, person_id)
        .await?
        .into_iter()
        .find(|a| a.status == AssessmentStatus::Draft)
    {
        return Err(AppError::conflict(format!(
            "An assessment of this man is already in progress (version {}): continue that one at /assessments/{}",
            d.version_number, d.id
        )));
    }
    if let Some(rid) = referral_id
        && referrals_repo::find(db, rid)
            .await?
            .is_some_and(|r| r.status == ReferralStatus::Closed)
    {
        return Err(AppError::conflict(
            "This referral is closed: start an assessment from the man's record instead",
        ));
    }
    Ok(())
}

/// The man must be recorded, and the referral (if any) his.
pub(super) async fn check_man_and_referral(
    db: &impl ConnectionTrait,
    person_id: i32,
    referral_id: Option<i32>,
) -> AppResult<()> {
    if people_repo::find(db, person_id).await?.is_none() {
        return Err(AppError::invalid("person_id", "No person with that id"));
    }
    if let Some(rid) = referral_id
        && referrals_repo::find(db, rid)
            .await?
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

/// Write a checked draft as the man's next version, audit it, and move the
/// referral it answers to "in assessment", in the caller's transaction.
pub(super) async fn write_new(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    d: NewDraft<'_>,
    now: DateTime<Utc>,
) -> AppResult<Assessment> {
    let next = assessments_repo::for_person(txn, d.person_id)
        .await?
        .first()
        .map(|a| a.version_number + 1)
        .unwrap_or(1);
    let content = serde_json::to_string(d.input).map_err(AppError::internal)?;
    let a = assessments_repo::insert(
        txn,
        d.person_id,
        d.referral_id,
        next,
        d.supersedes,
        d.author,
        &content,
        &summary(d.input, d.results),
        now,
    )
    .await?;
    audit::record(
        txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("assessment", a.id)
            .person(d.person_id),
    )
    .await?;
    if let Some(rid) = d.referral_id
        && let Some(r) = referrals_repo::find(txn, rid).await?
        && matches!(r.status, ReferralStatus::New | ReferralStatus::Allocated)
    {
        move_referral(
            txn,
            actor,
            &r,
            ReferralStatus::InAssessment,
            r.assigned_to.or(Some(d.author)),
            "assessment started",
            now,
        )
        .await?;
    }
    Ok(a)
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
    check_man_and_referral(&app.db, person_id, referral_id).await?;
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
