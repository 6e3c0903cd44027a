//! `kerbside seed-demo`: a fictional town's five years of work, for a
//! newcomer to sign in to and for demonstrations. The same `--seed` gives
//! the same town.
//!
//! The data goes in through the real app, started in this process, as its
//! demo users: the JSON API with a token of each for most records, and the
//! services behind the API (with the same checks) where one request each
//! cost most of the time at 100,000 men: assessments are recorded 500 to a
//! transaction (`assessments::record_completed`), a cohort's men are
//! enrolled together (`enrolments::enrol_many`), and each cohort's standing
//! is read once. On PostgreSQL import files of whole men go two at a time,
//! as do sets of assessments (no man is in two), and the planner's
//! statistics are kept as autovacuum would keep them (`db::analyze_grown`).
//! Every
//! record passes the checks a user's would, every write is audited as the
//! user who made it, and the tokens are revoked when the seeding ends.
//! What is made: one user per role
//! (passwords printed once); men with names from the town's mix
//! (`demo::town`); arrests over the last five years, more in the dark
//! months, every disposal, some men arrested again (a reoffence each);
//! assessments of most men referred; an awareness programme with a cohort
//! every eight weeks; enrolments, every attendance outcome, enforcement
//! decisions; court reports for some charged men; cautions found by checks.

pub mod plan;
pub mod town;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use chrono::{Duration, Utc};
use rocket::futures::{StreamExt, stream};
use rocket::http::{ContentType, Header};
use rocket::local::asynchronous::Client;
use serde_json::{Value, json};

use crate::auth::{Actor, identity};
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::db::{self, arrests_repo, people_repo, statistics_repo};
use crate::domain::enforcement::PromptKind;
use crate::domain::enrolment::{EnrolmentStatus, LegalBasis};
use crate::domain::london_time::london_date;
use crate::services::{accounts, assessments, enrolments, tokens};
use crate::state::AppState;
use plan::{COURT, OUTCOMES, weighted};
use town::Lcg;

/// Men made when no `--scale` is given.
pub const DEFAULT_SCALE: usize = 200;
/// The seed used when no `--seed` is given.
pub const DEFAULT_SEED: u64 = 2026;
/// Most arrests in one import file (well under the import's 20 MiB).
const ROWS_PER_FILE: usize = 10_000;
/// Requests in flight at once while the town is written.
const IN_FLIGHT: usize = 8;
/// Import files sent at once on PostgreSQL, where each is written by a
/// server process of its own (three were no faster than two on 2 cores).
/// On SQLite writes queue for one turn: one at a time, as a second import
/// would wait longer than the turn's 10 s for the first's write.
const IMPORTS_AT_ONCE: usize = 2;
/// Assessments recorded in one transaction.
const ASSESSMENTS_TOGETHER: usize = 500;
/// Sets of assessments recorded at once on PostgreSQL (each man is in one
/// set only); one at a time on SQLite, as imports are.
const SETS_AT_ONCE: usize = 2;
/// Streams of draws made while writing (`Lcg::stream`).
const ATTENDANCE_DRAWS: u64 = 1;
const ENFORCEMENT_DRAWS: u64 = 2;

/// One demo user: sign-in name, role and the password printed once.
pub struct DemoUser {
    pub username: String,
    pub role: &'static str,
    pub password: String,
}

/// What was made.
#[derive(Default)]
pub struct Made {
    pub men: usize,
    pub arrests: usize,
    pub assessments: usize,
    pub cohorts: usize,
    pub enrolments: usize,
    pub marks: usize,
    pub enforcement: usize,
    pub court_reports: usize,
    pub reoffences_found: usize,
    pub users: Vec<DemoUser>,
}

/// The app, in this process, and a way to call its API.
struct Api {
    client: Client,
    db: sea_orm::DatabaseConnection,
}

impl Api {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut req = match method {
            "POST" => self.client.post(path.to_string()),
            "PUT" => self.client.put(path.to_string()),
            _ => self.client.get(path.to_string()),
        }
        .header(Header::new("Authorization", format!("Bearer {token}")));
        if let Some(b) = body {
            req = req.header(ContentType::JSON).body(b.to_string());
        }
        let text = answer(req.dispatch().await, &format!("{method} {path}")).await?;
        serde_json::from_str(&text).or(Ok(Value::Null))
    }

    /// Send one import file as the police would.
    async fn import(&self, token: &str, file: &str) -> Result<Value, String> {
        let res = self
            .client
            .post("/api/v1/arrests/import")
            .header(Header::new("Authorization", format!("Bearer {token}")))
            .header(ContentType::CSV)
            .body(file)
            .dispatch()
            .await;
        let text = answer(res, "the import").await?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    /// Keep the planner's statistics as autovacuum would while the town is
    /// written (`db::analyze_grown`).
    async fn keep_statistics(&self) -> Result<(), String> {
        db::analyze_grown(&self.db)
            .await
            .map(|_| ())
            .map_err(|e| format!("gathering statistics: {e}"))
    }

    /// Work `items` with up to [`IN_FLIGHT`] requests at once, showing
    /// progress as `step`; the answers in the items' order. The first
    /// failure stops the seeding.
    async fn each<T, R, F, Fut>(
        &self,
        step: &str,
        items: Vec<T>,
        progress: &(dyn Fn(&str, usize, usize) + Sync),
        work: F,
    ) -> Result<Vec<R>, String>
    where
        F: FnMut(T) -> Fut,
        Fut: Future<Output = Result<R, String>>,
    {
        let of = items.len();
        let mut out = Vec::with_capacity(of);
        let mut answers = stream::iter(items.into_iter().map(work)).buffered(IN_FLIGHT);
        progress(step, 0, of);
        while let Some(answer) = answers.next().await {
            out.push(answer?);
            if out.len() % (of / 100).max(1) == 0 || out.len() == of {
                progress(step, out.len(), of);
                self.keep_statistics().await?;
            }
        }
        Ok(out)
    }
}

/// A response's body, or what `what` answered when it did not succeed.
async fn answer(
    res: rocket::local::asynchronous::LocalResponse<'_>,
    what: &str,
) -> Result<String, String> {
    let status = res.status();
    let text = res.into_string().await.unwrap_or_default();
    if status.code >= 300 {
        return Err(format!("{what} answered {status}: {text}"));
    }
    Ok(text)
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_default()
}

/// Fill an empty database with the demo town. Refuses a database that
/// already holds people.
pub async fn seed(
    settings: &Settings,
    scale: usize,
    seed: u64,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<Made, String> {
    let conn = db::connect_and_migrate(&settings.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let held = people_repo::count(&conn).await.map_err(|e| e.to_string())?;
    if held > 0 {
        return Err(format!(
            "the database already holds {held} people: seed-demo only fills an empty database"
        ));
    }
    let secret: [u8; 32] = crate::auth::secrets::random_bytes();
    let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let figment = rocket::Config::figment()
        .merge(("log_level", "off"))
        .merge(("quiet_requests", true))
        .merge(("secret_key", secret));
    // The town goes in through the JSON API alone: no page or file is
    // served, so seed-demo runs from any folder. Where the page folders are
    // not at hand, the app gets an empty folder for both.
    let mut settings = settings.clone();
    let empty = std::env::temp_dir().join(format!("kerbside-seed-{}", std::process::id()));
    if !settings.template_dir.is_dir() || !settings.static_dir.is_dir() {
        std::fs::create_dir_all(&empty).map_err(|e| format!("{}: {e}", empty.display()))?;
        settings.template_dir = empty.clone();
        settings.static_dir = empty.clone();
    }
    let rocket = crate::build_rocket(figment, conn, settings, Arc::new(SystemClock));
    let client = Client::untracked(rocket).await.map_err(|e| e.to_string());
    // the folders were read as the app started; an empty one is not needed
    std::fs::remove_dir(&empty).ok();
    let client = client?;
    let app = client
        .rocket()
        .state::<AppState>()
        .ok_or("no app state")?
        .clone();
    let api = &Api {
        client,
        db: app.db.clone(),
    };
    let mut made = Made::default();
    let today = london_date(Utc::now());

    // one user per role, and a token for each that records data
    let cli = Actor::command_line();
    let mut token = std::collections::HashMap::new();
    let mut issued = Vec::new();
    for (role, username, name) in [
        ("police", "demo.police", "Demo Police Officer"),
        ("probation", "demo.probation", "Demo Probation Officer"),
        ("facilitator", "demo.facilitator", "Demo Facilitator"),
        ("manager", "demo.manager", "Demo Manager"),
        ("admin", "demo.admin", "Demo Administrator"),
        ("auditor", "demo.auditor", "Demo Auditor"),
    ] {
        let password: String = crate::auth::secrets::random_token()
            .chars()
            .take(20)
            .collect();
        let user = accounts::create_user(
            &app,
            &cli,
            accounts::NewAccount {
                username: username.into(),
                display_name: name.into(),
                roles: vec![role.into()],
                password: password.clone(),
                must_change_password: false,
            },
        )
        .await
        .map_err(|e| format!("creating {username}: {e}"))?;
        if matches!(role, "police" | "probation" | "facilitator") {
            let (secret, t) = tokens::create(&app, &cli, user.id, "seed-demo")
                .await
                .map_err(|e| e.to_string())?;
            token.insert(role, secret);
            issued.push((user.id, t.id));
        }
        made.users.push(DemoUser {
            username: username.into(),
            role,
            password,
        });
    }
    let (police, probation) = (token["police"].clone(), token["probation"].clone());
    let (police, probation) = (police.as_str(), probation.as_str());
    let town = &plan::draw(scale, seed, today);

    // the programme and its cohorts
    progress("cohorts", 0, 0);
    let programme = api.call("POST", "/api/v1/programmes", probation, Some(json!({
        "name": "Kerb crawler awareness programme", "max_group_size": plan::PLACES,
        "completion_rule": {"min_attended": 3},
        "aims": ["Understand the harm done to women in street sex work", "Know the law and its consequences", "Make a plan to stop"],
        "sessions": [
            {"number": 1, "title": "The law and the consequences", "minutes": 120},
            {"number": 2, "title": "Who the women are", "minutes": 120},
            {"number": 3, "title": "Coercion, exploitation and abuse", "minutes": 120},
            {"number": 4, "title": "Relationships and a plan to stop", "minutes": 120}
        ]
    }))).await?;
    let cohorts: Vec<Value> = api
        .each(
            "cohorts",
            (0..town.cohorts.len()).collect(),
            progress,
            |c| {
                let c = &town.cohorts[c];
                api.call(
                    "POST",
                    "/api/v1/cohorts",
                    probation,
                    Some(json!({
                        "programme_id": programme["id"], "code": c.code, "venue": c.venue,
                        "capacity": plan::PLACES, "facilitator_usernames": ["demo.facilitator"],
                        "first_session_at": c.first_session_at.to_rfc3339(), "interval_days": 7
                    })),
                )
            },
        )
        .await?;
    made.cohorts = cohorts.len();
    let cohorts = &cohorts;

    // the men and their arrests, as the police import a force's export:
    // files of whole men, on PostgreSQL two at once
    let side_by_side = |n: usize| {
        if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            n
        } else {
            1
        }
    };
    let files = town.import_files(ROWS_PER_FILE);
    progress("arrests", 0, town.rows.len());
    let mut imported = stream::iter(files.into_iter().map(|(file, rows)| async move {
        api.import(police, &file)
            .await
            .map(|summary| (summary, rows))
    }))
    .buffered(side_by_side(IMPORTS_AT_ONCE));
    let mut rows_done = 0;
    while let Some(answer) = imported.next().await {
        let (summary, rows) = answer?;
        made.men += summary["new_people"].as_u64().unwrap_or_default() as usize;
        made.arrests += summary["imported"].as_u64().unwrap_or_default() as usize;
        rows_done += rows;
        progress("arrests", rows_done, town.rows.len());
        api.keep_statistics().await?;
    }
    drop(imported);
    let occurrences: Vec<String> = town.men.iter().map(|m| m.occurrence.clone()).collect();
    let arrested = arrests_repo::by_occurrences(&app.db, &occurrences)
        .await
        .map_err(|e| e.to_string())?;
    let referral_of: HashMap<i32, i32> = statistics_repo::referral_arrests(&app.db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(referral, arrest)| (arrest, referral))
        .collect();
    // each man: (person id, first arrest id, its referral)
    let ids: Vec<(i32, i32, Option<i32>)> = town
        .men
        .iter()
        .map(|m| {
            let (arrest, person) = arrested
                .get(&m.occurrence)
                .copied()
                .ok_or_else(|| format!("arrest {} was not imported", m.occurrence))?;
            Ok((person, arrest, referral_of.get(&arrest).copied()))
        })
        .collect::<Result<_, String>>()?;
    let ids = &ids;

    // the assessments of most men referred
    let assessed: Vec<usize> = (0..town.men.len())
        .filter(|i| town.men[*i].assessment.is_some() && ids[*i].2.is_some())
        .collect();
    made.assessments = assessed.len();
    // recorded together, a set at a time, as the probation officer: each
    // passes the checks of the API's create and complete (see
    // `assessments::record_completed`)
    let probation_officer = identity::token_actor(&app, probation)
        .await
        .ok_or("the probation officer's token was refused")?;
    progress("assessments", 0, assessed.len());
    let sets: Vec<Vec<assessments::Whole>> = assessed
        .chunks(ASSESSMENTS_TOGETHER)
        .map(|set| {
            set.iter()
                .map(|i| {
                    let content = town.men[*i].assessment.clone().unwrap_or_default();
                    let input = serde_json::from_value(content).map_err(|e| e.to_string())?;
                    Ok(assessments::Whole {
                        person_id: ids[*i].0,
                        referral_id: ids[*i].2,
                        input,
                    })
                })
                .collect::<Result<_, String>>()
        })
        .collect::<Result<_, String>>()?;
    let (state, officer) = (&app, &probation_officer);
    let mut recorded = stream::iter(sets.into_iter().map(|set| async move {
        assessments::record_completed(state, officer, &set)
            .await
            .map(|_| set.len())
            .map_err(|e| format!("the assessments were refused: {}", e.in_words()))
    }))
    .buffered(side_by_side(SETS_AT_ONCE));
    let mut done = 0;
    while let Some(answer) = recorded.next().await {
        done += answer?;
        progress("assessments", done, assessed.len());
        api.keep_statistics().await?;
    }
    drop(recorded);

    // each cohort's men enrolled, then the registers of every session held
    // in order (a cohort's places are taken one at a time)
    let mut placed: Vec<Vec<usize>> = vec![Vec::new(); cohorts.len()];
    for (i, man) in town.men.iter().enumerate() {
        if let Some((cohort, _)) = man.place
            && ids[i].2.is_some()
        {
            placed[cohort].push(i);
        }
    }
    let now = Utc::now();
    let filled: Vec<(Vec<i64>, usize)> = api
        .each("places and registers", placed, progress, |men| async move {
            let Some(c) = men.first().and_then(|m| town.men[*m].place).map(|p| p.0) else {
                return Ok((Vec::new(), 0));
            };
            let cohort = &cohorts[c];
            // through the service the API's route calls, with the same
            // checks, as the probation officer: the cohort's men together
            let inputs: Vec<enrolments::EnrolmentInput> = men
                .iter()
                .map(|i| {
                    let (person, _, referral) = ids[*i];
                    let deadline = town.men[*i].place.and_then(|p| p.1);
                    enrolments::EnrolmentInput {
                        person_id: person,
                        cohort_id: id(cohort) as i32,
                        referral_id: referral,
                        legal_basis: if deadline.is_some() {
                            LegalBasis::ConditionalCaution
                        } else {
                            LegalBasis::Voluntary
                        },
                        deadline,
                        override_reason: None,
                        waiting_list: false,
                    }
                })
                .collect();
            let taken: Vec<i64> = enrolments::enrol_many(state, officer, &inputs)
                .await
                .map_err(|e| format!("enrolling men: {}", e.in_words()))?
                .iter()
                .map(|enrolled| i64::from(enrolled.enrolment.id))
                .collect();
            let mut r = Lcg::stream(seed, ATTENDANCE_DRAWS, c);
            let mut marked = 0;
            for session in cohort["sessions"].as_array().into_iter().flatten() {
                let starts = session["starts_at"]
                    .as_str()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
                if starts.is_none_or(|s| s > now) {
                    break;
                }
                let marks: Vec<Value> = taken
                    .iter()
                    .map(|enrolment| {
                        let outcome = weighted(&mut r, OUTCOMES);
                        let mut mark = json!({"enrolment_id": enrolment, "outcome": outcome});
                        if outcome == "acceptable_absence" {
                            mark["absence_reason"] = json!("medical");
                        }
                        if outcome == "attended_failed_to_comply" {
                            mark["note"] =
                                json!("Left the room twice and would not join the discussion.");
                        }
                        mark
                    })
                    .collect();
                marked += marks.len();
                let path = format!("/api/v1/sessions/{}/attendance", session["id"]);
                api.call("PUT", &path, probation, Some(json!({ "marks": marks })))
                    .await?;
            }
            Ok((taken, marked))
        })
        .await?;
    made.enrolments = filled.iter().map(|(taken, _)| taken.len()).sum();
    made.marks = filled.iter().map(|(_, marked)| marked).sum();

    // enforcement where the rules prompt it: the officer reads each
    // cohort's men with their standing (one audited read a cohort, as on
    // the cohort's page) and decides on each open prompt
    let cohorts_read: Vec<i32> = filled
        .iter()
        .enumerate()
        .filter(|(_, (taken, _))| !taken.is_empty())
        .map(|(c, _)| id(&cohorts[c]) as i32)
        .collect();
    let read = api
        .each(
            "cohorts read for enforcement",
            cohorts_read,
            progress,
            |cohort_id| async move {
                enrolments::for_cohort(state, officer, cohort_id)
                    .await
                    .map_err(|e| format!("reading cohort {cohort_id}: {}", e.in_words()))
            },
        )
        .await?;
    let standing: HashMap<i64, (PromptKind, bool)> = read
        .into_iter()
        .flatten()
        .map(|m| {
            let completed = m.enrolment.status == EnrolmentStatus::Completed;
            (
                i64::from(m.enrolment.id),
                (m.standing.prompt.kind, completed),
            )
        })
        .collect();
    let prompted: Vec<(usize, i64, PromptKind, bool)> = filled
        .iter()
        .flat_map(|(taken, _)| taken.iter().copied())
        .enumerate()
        .filter_map(|(k, e)| {
            let (kind, completed) = standing.get(&e).copied()?;
            (kind != PromptKind::Nothing).then_some((k, e, kind, completed))
        })
        .collect();
    let decided: Vec<()> = api
        .each("enforcement", prompted, progress, |(k, e, kind, completed)| async move {
            let mut r = Lcg::stream(seed, ENFORCEMENT_DRAWS, k);
            // a man who finished a caution's course after its deadline is
            // still prompted, but a completed enrolment cannot be referred
            let action = match kind {
                PromptKind::WarningOrBreach => "warning",
                PromptKind::ProsecutionReferralRequired if !completed && r.chance(50) => {
                    "prosecution_referral"
                }
                _ => "no_further_action",
            };
            api.call("POST", &format!("/api/v1/enrolments/{e}/enforcement"), probation, Some(json!({
                "action": action, "date": today.to_string(), "note": "Decided at the fortnightly case review."
            }))).await?;
            Ok(())
        })
        .await?;
    made.enforcement = decided.len();

    // court reports for some charged men, and cautions found by checks
    let reported: Vec<(usize, chrono::NaiveDate)> = town
        .men
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.court_report.map(|d| (i, d)))
        .collect();
    let reports = api
        .each("court reports", reported, progress, |(i, hearing)| async move {
            let (person, arrest, _) = ids[i];
            let report = api.call("POST", "/api/v1/court-reports", probation, Some(json!({
                "person_id": person, "arrest_id": arrest, "court": COURT,
                "hearing_date": hearing.to_string(),
                "sections": {
                    "offence_analysis": "He accepts that he stopped to speak to a woman he believed to be selling sex.",
                    "defendant_assessment": "In work, lives with his partner; no previous convictions for similar offences.",
                    "risk_commentary": "Low risk of reoffending; no concerns about his partner or family beyond the record.",
                    "proposal": "A community order with the awareness programme as a requirement."
                }
            }))).await?;
            let submit = format!("/api/v1/court-reports/{}/submit", id(&report));
            api.call("POST", &submit, probation, None).await
        })
        .await?;
    made.court_reports = reports.len();
    let checked: Vec<(usize, chrono::NaiveDate)> = town
        .men
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.cautioned_again.map(|d| (i, d)))
        .collect();
    let found: Vec<bool> = api
        .each(
            "cautions found by checks",
            checked,
            progress,
            |(i, offence)| async move {
                let (person, _, _) = ids[i];
                // a check can find a caution dated before his arrest: refused
                Ok(api.call("POST", "/api/v1/reoffences", probation, Some(json!({
                "person_id": person, "offence_date": offence.to_string(), "outcome": "caution",
                "outcome_date": (offence + Duration::days(14)).to_string(), "source": "PNC check"
            }))).await.is_ok())
            },
        )
        .await?;
    made.reoffences_found = found.iter().filter(|f| **f).count();

    for (user_id, token_id) in issued {
        tokens::revoke_for_user(&app, &cli, user_id, token_id)
            .await
            .map_err(|e| e.to_string())?;
    }
    progress("finishing", 0, 0);
    db::after_bulk_load(&app.db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(made)
}
