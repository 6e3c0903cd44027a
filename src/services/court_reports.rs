//! Court reports (probation only): start a draft for a man's charge, save
//! it as often as needed (its author only), preview it stamped DRAFT,
//! submit it (locked, and what it says frozen), correct it with a new
//! version that names the one it replaces. Every view is audited as a
//! consult, every download as a disclosure to the recipient given. The
//! rules are `domain::court_report`; what the report says is
//! `reports::court_report`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::auth::Actor;
use crate::db::arrests_repo::{self, Arrest};
use crate::db::court_reports_repo::{self, CourtReport, NewDraft};
use crate::db::people_repo::{self, Person};
use crate::db::{assessments_repo, enrolments_repo, users_repo};
use crate::domain::assessment::{AssessmentInput, partial_results};
use crate::domain::audit_action::AuditAction;
use crate::domain::court_report::{
    CourtReportInput, CourtReportStatus, WrittenPart, check_draft, check_submit, reference,
};
use crate::domain::london_time::{format_datetime, london_date};
use crate::domain::roles::Capability;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::reports::Report;
use crate::reports::court_report::{
    self as content, ArrestFacts, AttendanceFacts, CourtFacts, Defendant, Replaced, RiskFacts,
};
use crate::services::audit::{self, AuditEntry};
use crate::services::enrolments;
use crate::services::reports::{ReportFile, check_recipient};
use crate::state::AppState;

/// Section texts are case data that administrators (who read the audit
/// log) must not see: a change names the section, never its words.
const REDACTED: &str = "[report text: not copied to the audit log]";

/// A report as typed: what could be read, and what could not (a date
/// whose parts make no date), so that every problem is named at once.
#[derive(Clone, Debug)]
pub struct Typed {
    pub input: CourtReportInput,
    pub unreadable: FieldErrors,
}

/// A report with its reference.
#[derive(Clone, Debug, Serialize)]
pub struct Saved {
    pub report: CourtReport,
    pub reference: String,
    pub written: WrittenPart,
}

fn reference_of(r: &CourtReport) -> String {
    reference(r.series_id.unwrap_or(r.id), r.version_number)
}

fn written_of(r: &CourtReport) -> WrittenPart {
    serde_json::from_str(&r.content).unwrap_or_default()
}

fn saved(report: CourtReport) -> Saved {
    Saved {
        reference: reference_of(&report),
        written: written_of(&report),
        report,
    }
}

fn locked() -> AppError {
    AppError::conflict(
        "This court report is submitted and locked. Start a correction to change it.",
    )
}

/// Check what was typed against the rules, naming every problem once.
fn check(typed: &Typed, arrest: &Arrest, today: NaiveDate, submitting: bool) -> AppResult<()> {
    let arrest_date = london_date(arrest.arrested_at);
    let found = if submitting {
        check_submit(&typed.input, arrest_date, today)
    } else {
        check_draft(&typed.input, arrest_date, today)
    };
    let mut errors = typed.unreadable.clone();
    for (field, message) in found.err().unwrap_or_default().iter() {
        if errors.get(field).is_none() {
            errors.add(field, message);
        }
    }
    errors.into_result().map_err(AppError::Invalid)
}

async fn load(app: &AppState, actor: &Actor, id: i32) -> AppResult<CourtReport> {
    actor.require(Capability::ManageCases)?;
    court_reports_repo::find(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The arrests a report may be written for: his charges.
async fn charge_of(db: &impl ConnectionTrait, person_id: i32, arrest_id: i32) -> AppResult<Arrest> {
    let arrest = arrests_repo::find(db, arrest_id)
        .await?
        .filter(|a| a.person_id == person_id)
        .ok_or_else(|| AppError::invalid("arrest_id", "Choose one of his arrests"))?;
    if !arrest.disposal.goes_to_court() {
        return Err(AppError::invalid(
            "arrest_id",
            format!(
                "A court report is written for a charge; this arrest ended in: {}",
                arrest.disposal.label().to_lowercase()
            ),
        ));
    }
    Ok(arrest)
}

/// What the start form offers: the man and his charges, newest first.
#[derive(Clone, Debug)]
pub struct StartChoices {
    pub person: Person,
    pub charges: Vec<Arrest>,
}

/// Open the start form (audited as a consult of his record).
pub async fn start_choices(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<StartChoices> {
    actor.require(Capability::ManageCases)?;
    let person = crate::services::people::identity(app, actor, person_id).await?;
    let charges = arrests_repo::for_person(&app.db, person_id)
        .await?
        .into_iter()
        .filter(|a| a.disposal.goes_to_court())
        .collect();
    Ok(StartChoices { person, charges })
}

/// Start a draft for one of his charges (probation). Refused (409) while
/// another draft for the same charge is open.
pub async fn start(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
    arrest_id: Option<i32>,
    typed: &Typed,
) -> AppResult<Saved> {
    actor.require(Capability::ManageCases)?;
    let author_id = actor.user_id().ok_or(AppError::Forbidden)?;
    people_repo::find(&app.db, person_id)
        .await?
        .ok_or_else(|| AppError::invalid("person_id", "No man has this id"))?;
    let Some(arrest_id) = arrest_id else {
        return Err(AppError::invalid(
            "arrest_id",
            "Choose the charge the report is for",
        ));
    };
    let arrest = charge_of(&app.db, person_id, arrest_id).await?;
    let now = app.now();
    check(typed, &arrest, london_date(now), false)?;
    let hearing_date = typed.input.hearing_date.ok_or(AppError::NotFound)?;
    let txn = app.begin_write().await?;
    if let Some(open) = court_reports_repo::draft_for_arrest(&txn, arrest_id).await? {
        return Err(AppError::conflict(format!(
            "A draft court report for this charge is already open: {}. Carry on with it.",
            reference_of(&open)
        )));
    }
    let content = serde_json::to_string(&typed.input.written).map_err(AppError::internal)?;
    let report = court_reports_repo::insert(
        &txn,
        &NewDraft {
            person_id,
            arrest_id,
            series_id: None,
            version_number: 1,
            supersedes_id: None,
            court: typed.input.court.trim(),
            hearing_date,
            content: &content,
            author_id,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("court_report", report.id)
            .person(person_id)
            .reason(format!(
                "{} for the arrest of {}",
                reference_of(&report),
                london_date(arrest.arrested_at)
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(saved(report))
}

/// Audit a read of a report as a consult of it; the man it is about.
async fn consulted(app: &AppState, actor: &Actor, r: &CourtReport) -> AppResult<Person> {
    audit::record_alone(
        app,
        actor,
        app.now(),
        AuditEntry::new(AuditAction::Consult)
            .record("court_report", r.id)
            .person(r.person_id),
    )
    .await?;
    people_repo::find(&app.db, r.person_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A draft opened for changing: its author only; a submitted one is locked.
pub async fn editable(app: &AppState, actor: &Actor, id: i32) -> AppResult<(Saved, Person)> {
    let r = load(app, actor, id).await?;
    if r.status != CourtReportStatus::Draft {
        return Err(locked());
    }
    if actor.user_id() != Some(r.author_id) {
        return Err(AppError::Forbidden);
    }
    let person = consulted(app, actor, &r).await?;
    Ok((saved(r), person))
}

fn changes(id: i32, old: &CourtReport, new: &CourtReportInput) -> AuditEntry {
    let mut entry = AuditEntry::new(AuditAction::Alter)
        .record("court_report", id)
        .person(old.person_id);
    if old.court != new.court.trim() {
        entry = entry.change("court", &old.court, new.court.trim());
    }
    if Some(old.hearing_date) != new.hearing_date {
        entry = entry.change(
            "hearing_date",
            old.hearing_date.to_string(),
            new.hearing_date.map(|d| d.to_string()).unwrap_or_default(),
        );
    }
    let was = written_of(old);
    for field in new.written.sections.changed_from(&was.sections) {
        entry = entry.change(&format!("sections.{field}"), REDACTED, REDACTED);
    }
    if was.interview_date != new.written.interview_date {
        entry = entry.change(
            "interview_date",
            was.interview_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            new.written
                .interview_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
    }
    if was.other_sources != new.written.other_sources {
        entry = entry.change("other_sources", REDACTED, REDACTED);
    }
    entry
}

/// Replace a draft's court, hearing date and written part (its author
/// only; 409 once submitted). `lock_version`, when given, must match what
/// the editor loaded.
pub async fn save(
    app: &AppState,
    actor: &Actor,
    id: i32,
    lock_version: Option<i32>,
    typed: &Typed,
) -> AppResult<Saved> {
    let r = load(app, actor, id).await?;
    if r.status != CourtReportStatus::Draft {
        return Err(locked());
    }
    if actor.user_id() != Some(r.author_id) {
        return Err(AppError::Forbidden);
    }
    let arrest = arrests_repo::find(&app.db, r.arrest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    check(typed, &arrest, london_date(now), false)?;
    let hearing_date = typed.input.hearing_date.ok_or(AppError::NotFound)?;
    let content = serde_json::to_string(&typed.input.written).map_err(AppError::internal)?;
    let txn = app.begin_write().await?;
    if court_reports_repo::save_draft(
        &txn,
        id,
        lock_version.unwrap_or(r.lock_version),
        typed.input.court.trim(),
        hearing_date,
        &content,
        now,
    )
    .await?
        == 0
    {
        return Err(AppError::conflict(
            "This court report changed since you opened it (or was submitted). Reload it and make your change again.",
        ));
    }
    audit::record(&txn, actor, now, changes(id, &r, &typed.input)).await?;
    txn.commit().await?;
    court_reports_repo::find(&app.db, id)
        .await?
        .map(saved)
        .ok_or(AppError::NotFound)
}

/// Gather what the report is made from, as things stand at `now`.
async fn facts(
    app: &AppState,
    actor: &Actor,
    r: &CourtReport,
    now: DateTime<Utc>,
) -> AppResult<CourtFacts> {
    let db = &app.db;
    let person = people_repo::find(db, r.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let arrests = arrests_repo::for_person(db, r.person_id).await?;
    let arrest = arrests
        .iter()
        .find(|a| a.id == r.arrest_id)
        .ok_or(AppError::NotFound)?;
    let mut others: Vec<&Arrest> = arrests.iter().filter(|a| a.id != arrest.id).collect();
    others.sort_by_key(|a| std::cmp::Reverse(a.arrested_at));
    let (later, previous): (Vec<&Arrest>, Vec<&Arrest>) = others
        .into_iter()
        .partition(|a| a.arrested_at > arrest.arrested_at);
    let replaces = match r.supersedes_id {
        Some(old) => court_reports_repo::find(db, old).await?.map(|o| Replaced {
            reference: reference_of(&o),
            submitted_on: o.submitted_at.map(london_date),
        }),
        None => None,
    };
    let author = users_repo::names_for(db, &[r.author_id])
        .await?
        .remove(&r.author_id)
        .unwrap_or_default();
    Ok(CourtFacts {
        reference: reference_of(r),
        defendant: Defendant {
            name: crate::domain::names::listed(&person.surname, &person.forenames),
            date_of_birth: person.date_of_birth,
            address: [person.address.clone(), person.postcode.clone()]
                .into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            reference: person.reference.clone(),
            pnc_id: person.pnc_id.clone(),
        },
        court: r.court.clone(),
        hearing_date: r.hearing_date,
        arrest: arrest_facts(arrest),
        previous_arrests: previous.into_iter().map(arrest_facts).collect(),
        later_arrests: later.into_iter().map(arrest_facts).collect(),
        risk: risk_facts(app, r.person_id).await?,
        attendance: attendance_facts(app, actor, r.person_id).await?,
        written: written_of(r),
        author,
        submitted_on: r.submitted_at.map(london_date),
        replaces,
        generated_at: now,
    })
}

fn arrest_facts(a: &Arrest) -> ArrestFacts {
    ArrestFacts {
        date: london_date(a.arrested_at),
        time: crate::domain::london_time::format_time(a.arrested_at),
        location: a.location.clone(),
        offence: a.offence.label().to_string(),
        disposal: a.disposal.label().to_string(),
        vehicle: a.vehicle_registration.clone(),
    }
}

async fn risk_facts(app: &AppState, person_id: i32) -> AppResult<Option<RiskFacts>> {
    let Some(a) = assessments_repo::current_completed(&app.db, person_id).await? else {
        return Ok(None);
    };
    let input: AssessmentInput = serde_json::from_str(&a.content).unwrap_or_default();
    let results = partial_results(&input, &app.dash());
    let da = input.domestic_abuse.clone().unwrap_or_default();
    Ok(Some(RiskFacts {
        completed_on: london_date(a.completed_at.unwrap_or(a.updated_at)),
        ogrs3: results.ogrs3,
        sanctions: input.ogrs3.as_ref().and_then(|o| o.total_sanctions),
        rosh: results.rosh,
        known_to_marac: da.known_to_marac,
        marac_date: da.marac_date,
        police_callouts: da.police_callouts,
        concerns: da.concerns.clone(),
        suitability: a.suitability.map(|s| s.label().to_string()),
    }))
}

async fn attendance_facts(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<Option<AttendanceFacts>> {
    let Some(latest) = enrolments_repo::for_person(&app.db, person_id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let d = enrolments::standing_of(app, actor, latest.id).await?;
    let f = &d.standing.figures;
    Ok(Some(AttendanceFacts {
        programme: d.programme.name.clone(),
        cohort: format!("{}, {}", d.cohort.code, d.cohort.venue),
        status: d.enrolment.status.label().to_string(),
        held: f.held,
        attended: f.attended,
        acceptable_absences: f.acceptable_absences,
        unacceptable_absences: f.unacceptable_absences,
        sessions_remaining: f.sessions_remaining,
        enforcement: d
            .actions
            .iter()
            .map(|a| (a.action_date, a.action.label().to_string(), a.note.clone()))
            .collect(),
    }))
}

/// What a report says: a draft as the data stand now; a submitted one as
/// frozen when it was submitted; a superseded one stamped so.
async fn what_it_says(app: &AppState, actor: &Actor, r: &CourtReport) -> AppResult<Report> {
    match (r.status, r.snapshot.as_deref()) {
        (CourtReportStatus::Draft, _) | (_, None) => {
            Ok(content::content(&facts(app, actor, r, app.now()).await?))
        }
        (status, Some(frozen)) => {
            let report: Report = serde_json::from_str(frozen).map_err(AppError::internal)?;
            if status != CourtReportStatus::Superseded {
                return Ok(report);
            }
            let by = court_reports_repo::series(&app.db, r.series_id.unwrap_or(r.id))
                .await?
                .into_iter()
                .find(|v| v.supersedes_id == Some(r.id))
                .map(|v| reference_of(&v))
                .unwrap_or_else(|| "a later version".into());
            Ok(content::superseded(report, &by))
        }
    }
}

/// A report as probation reads it.
#[derive(Clone, Debug)]
pub struct CourtReportView {
    pub saved: Saved,
    pub person: Person,
    pub author_name: String,
    pub is_author: bool,
    pub says: Report,
    /// Other versions of the same report: id, reference, status.
    pub versions: Vec<(i32, String, CourtReportStatus)>,
}

/// Read a report (probation), audited as a consult.
pub async fn view(app: &AppState, actor: &Actor, id: i32) -> AppResult<CourtReportView> {
    let r = load(app, actor, id).await?;
    let says = what_it_says(app, actor, &r).await?;
    let person = consulted(app, actor, &r).await?;
    let versions = court_reports_repo::series(&app.db, r.series_id.unwrap_or(r.id))
        .await?
        .into_iter()
        .filter(|v| v.id != r.id)
        .map(|v| (v.id, reference_of(&v), v.status))
        .collect();
    Ok(CourtReportView {
        author_name: says.author.clone(),
        is_author: actor.user_id() == Some(r.author_id),
        saved: saved(r),
        person,
        says,
        versions,
    })
}

/// Submit a draft (its author): every section must be written. What the
/// report says is frozen now; a correction's old version is superseded.
pub async fn submit(app: &AppState, actor: &Actor, id: i32) -> AppResult<Saved> {
    let r = load(app, actor, id).await?;
    if r.status != CourtReportStatus::Draft {
        return Err(locked());
    }
    let by = actor
        .user_id()
        .filter(|u| *u == r.author_id)
        .ok_or(AppError::Forbidden)?;
    let arrest = arrests_repo::find(&app.db, r.arrest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let typed = Typed {
        input: CourtReportInput {
            court: r.court.clone(),
            hearing_date: Some(r.hearing_date),
            written: written_of(&r),
        },
        unreadable: FieldErrors::new(),
    };
    check(&typed, &arrest, london_date(now), true)?;
    let mut as_submitted = r.clone();
    as_submitted.submitted_at = Some(now);
    let frozen = content::content(&facts(app, actor, &as_submitted, now).await?);
    let snapshot = serde_json::to_string(&frozen).map_err(AppError::internal)?;
    let txn = app.begin_write().await?;
    if court_reports_repo::submit(&txn, id, by, &snapshot, now).await? == 0 {
        return Err(locked());
    }
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Alter)
            .record("court_report", id)
            .person(r.person_id)
            .change("status", "draft", "submitted"),
    )
    .await?;
    if let Some(old) = r.supersedes_id {
        court_reports_repo::supersede(&txn, old, now).await?;
        audit::record(
            &txn,
            actor,
            now,
            AuditEntry::new(AuditAction::Alter)
                .record("court_report", old)
                .person(r.person_id)
                .change("status", "submitted", "superseded")
                .reason(format!("replaced by {}", reference_of(&r))),
        )
        .await?;
    }
    txn.commit().await?;
    court_reports_repo::find(&app.db, id)
        .await?
        .map(saved)
        .ok_or(AppError::NotFound)
}

/// Start a correction of a submitted report (any probation officer): a new
/// draft version with the same text, naming the one it replaces. The old
/// version stays in force until the correction is submitted.
pub async fn correct(app: &AppState, actor: &Actor, id: i32) -> AppResult<Saved> {
    let r = load(app, actor, id).await?;
    let author_id = actor.user_id().ok_or(AppError::Forbidden)?;
    match r.status {
        CourtReportStatus::Draft => {
            return Err(AppError::conflict(
                "This court report is still a draft: change it directly.",
            ));
        }
        CourtReportStatus::Superseded => {
            return Err(AppError::conflict(
                "This version has already been replaced: correct the latest version.",
            ));
        }
        CourtReportStatus::Submitted => {}
    }
    let series_id = r.series_id.unwrap_or(r.id);
    let now = app.now();
    let txn = app.begin_write().await?;
    let versions = court_reports_repo::series(&txn, series_id).await?;
    if let Some(open) = versions
        .iter()
        .find(|v| v.status == CourtReportStatus::Draft)
    {
        return Err(AppError::conflict(format!(
            "A correction is already being written: {}.",
            reference_of(open)
        )));
    }
    let version_number = versions.iter().map(|v| v.version_number).max().unwrap_or(1) + 1;
    let report = court_reports_repo::insert(
        &txn,
        &NewDraft {
            person_id: r.person_id,
            arrest_id: r.arrest_id,
            series_id: Some(series_id),
            version_number,
            supersedes_id: Some(r.id),
            court: &r.court,
            hearing_date: r.hearing_date,
            content: &r.content,
            author_id,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        now,
        AuditEntry::new(AuditAction::Collect)
            .record("court_report", report.id)
            .person(r.person_id)
            .reason(format!(
                "{}: a correction of {}",
                reference_of(&report),
                reference_of(&r)
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(saved(report))
}

/// The report as a PDF (probation), audited as a disclosure to `recipient`
/// when given. A draft prints stamped DRAFT.
pub async fn pdf(
    app: &AppState,
    actor: &Actor,
    id: i32,
    recipient: Option<&str>,
) -> AppResult<ReportFile> {
    let recipient = check_recipient(recipient)?;
    let r = load(app, actor, id).await?;
    let report = what_it_says(app, actor, &r).await?;
    let reference = report.reference.clone();
    let now = app.now();
    let bytes = crate::services::reports::render_pdf(report).await?;
    let mut entry = AuditEntry::new(AuditAction::Disclose)
        .record("court_report", id)
        .person(r.person_id)
        .reason(format!(
            "{reference} ({}), downloaded {}",
            r.status.label().to_lowercase(),
            format_datetime(now)
        ));
    if let Some(to) = recipient {
        entry = entry.recipient(to);
    }
    audit::record_alone(app, actor, now, entry).await?;
    Ok(ReportFile {
        file_name: format!("court-report-{reference}.pdf"),
        bytes,
    })
}

/// One of a man's court reports, as his list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    pub id: i32,
    pub reference: String,
    pub status: CourtReportStatus,
    pub court: String,
    pub hearing_date: NaiveDate,
    pub author_name: String,
    pub updated_at: DateTime<Utc>,
}

/// A man's court reports, newest first (probation), with the man (the
/// consult of his record is audited).
pub async fn for_person(
    app: &AppState,
    actor: &Actor,
    person_id: i32,
) -> AppResult<(Person, Vec<Listing>)> {
    actor.require(Capability::ManageCases)?;
    let person = crate::services::people::identity(app, actor, person_id).await?;
    let reports = court_reports_repo::for_person(&app.db, person_id).await?;
    let ids: Vec<i32> = reports.iter().map(|r| r.author_id).collect();
    let names = users_repo::names_for(&app.db, &ids).await?;
    Ok((
        person,
        reports
            .into_iter()
            .map(|r| Listing {
                id: r.id,
                reference: reference_of(&r),
                status: r.status,
                court: r.court.clone(),
                hearing_date: r.hearing_date,
                author_name: names.get(&r.author_id).cloned().unwrap_or_default(),
                updated_at: r.updated_at,
            })
            .collect(),
    ))
}

/// A draft the officer is writing, and how long until its hearing.
#[derive(Clone, Debug, Serialize)]
pub struct DraftDue {
    pub id: i32,
    pub reference: String,
    pub name: String,
    pub court: String,
    pub hearing_date: NaiveDate,
    /// Days from today to the hearing (negative once it has passed).
    pub days_left: i64,
}

/// The drafts the officer is writing, soonest hearing first (for the home
/// page); listing the men is audited as a consult of each.
pub async fn my_drafts(app: &AppState, actor: &Actor) -> AppResult<Vec<DraftDue>> {
    actor.require(Capability::ManageCases)?;
    let Some(me) = actor.user_id() else {
        return Ok(Vec::new());
    };
    let drafts = court_reports_repo::drafts_by(&app.db, me).await?;
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = drafts.iter().map(|d| d.person_id).collect();
    let people = people_repo::by_ids(&app.db, &ids).await?;
    let now = app.now();
    let today = london_date(now);
    audit::record_alone(
        app,
        actor,
        now,
        AuditEntry::new(AuditAction::Consult)
            .record("court_report_drafts", me)
            .people(ids.iter().copied()),
    )
    .await?;
    Ok(drafts
        .into_iter()
        .map(|d| DraftDue {
            id: d.id,
            reference: reference_of(&d),
            name: people
                .get(&d.person_id)
                .map(|p| crate::domain::names::listed(&p.surname, &p.forenames))
                .unwrap_or_default(),
            court: d.court.clone(),
            hearing_date: d.hearing_date,
            days_left: (d.hearing_date - today).num_days(),
        })
        .collect())
}
