//! `kerbside seed-demo`: a fictional town's five years of work, for a
//! newcomer to sign in to and for demonstrations. The same `--seed` gives
//! the same town.
//!
//! The data goes in through the JSON API of the real app, started in this
//! process, with a token of each demo user: every record passes the checks a
//! user's would, every write is audited as the user who made it, and the
//! tokens are revoked when the seeding ends. What is made: one user per role
//! (passwords printed once); men with names from the town's mix
//! (`demo::town`); arrests over the last five years, more in the dark
//! months, every disposal, some men arrested again (a reoffence each);
//! assessments of most men referred; an awareness programme with a cohort
//! every eight weeks; enrolments, every attendance outcome, enforcement
//! decisions; court reports for some charged men; cautions found by checks.

pub mod town;

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rocket::http::{ContentType, Header};
use rocket::local::asynchronous::Client;
use serde_json::{Value, json};

use crate::auth::Actor;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::db::{self, people_repo};
use crate::domain::london_time::{from_london, london_date};
use crate::services::{accounts, tokens};
use crate::state::AppState;
use town::Lcg;

/// Men made when no `--scale` is given.
pub const DEFAULT_SCALE: usize = 200;
/// The seed used when no `--seed` is given.
pub const DEFAULT_SEED: u64 = 2026;
/// Days of history.
const HISTORY_DAYS: i64 = 5 * 365;
/// Relative chance of an arrest in each month, January first (more in the
/// long evenings).
const MONTH_WEIGHT: [u64; 12] = [12, 11, 10, 8, 6, 5, 5, 6, 8, 10, 12, 13];
/// Disposals and their shares in a hundred.
const DISPOSALS: &[(&str, u64)] = &[
    ("conditional_caution", 45),
    ("charged", 15),
    ("community_resolution", 14),
    ("simple_caution", 10),
    ("no_further_action", 10),
    ("released_under_investigation", 6),
];
/// Attendance outcomes and their shares in a hundred.
const OUTCOMES: &[(&str, u64)] = &[
    ("attended_complied", 80),
    ("attended_failed_to_comply", 4),
    ("sent_home_behaviour", 2),
    ("sent_home_service_issue", 2),
    ("acceptable_absence", 6),
    ("unacceptable_absence", 6),
];
const STREETS: &[&str] = &[
    "Handford Road",
    "Portman Road",
    "London Road",
    "Norwich Road",
    "Grimwade Street",
    "Wherstead Road",
    "Cliff Road",
    "Hadleigh Road",
    "Bramford Road",
    "Fore Street",
];
const COURT: &str = "Ipswich Magistrates' Court";
const VENUES: &[&str] = &[
    "St Matthew's Church Hall",
    "Westgate Community Centre",
    "Northgate Probation Office",
];
/// A bigger town runs more groups side by side: one more cohort on each
/// start date per this many men, so places (about 400 per group over five
/// years) keep up with the men found suitable.
const MEN_PER_PARALLEL_COHORT: usize = 2_000;

/// Cohorts starting together every eight weeks.
fn cohorts_at_once(scale: usize) -> usize {
    (scale / MEN_PER_PARALLEL_COHORT).max(1)
}
/// Letters a registration may use (no I, Q or Z in the last three).
const REG_LETTERS: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";

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

fn weighted<'a>(r: &mut Lcg, table: &[(&'a str, u64)]) -> &'a str {
    let total: u64 = table.iter().map(|(_, w)| w).sum();
    let mut roll = r.draw() % total.max(1);
    for (value, weight) in table {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    table[0].0
}

/// A day in the last five years, likelier in the dark months.
fn arrest_day(r: &mut Lcg, today: NaiveDate) -> NaiveDate {
    loop {
        let day = today - Duration::days(1 + r.below(HISTORY_DAYS as usize) as i64);
        let weight = MONTH_WEIGHT[day.month0() as usize];
        if r.draw() % 13 < weight {
            return day;
        }
    }
}

/// An evening time on `day` (London), as the API takes it.
fn evening(r: &mut Lcg, day: NaiveDate) -> String {
    let minutes = 19 * 60 + r.below(6 * 60) as u32;
    let time =
        NaiveTime::from_hms_opt((minutes / 60) % 24, minutes % 60, 0).unwrap_or(NaiveTime::MIN);
    let date = if minutes >= 24 * 60 {
        day + Duration::days(1)
    } else {
        day
    };
    from_london(date.and_time(time)).to_rfc3339()
}

fn registration(r: &mut Lcg) -> String {
    let l = |r: &mut Lcg| REG_LETTERS[r.below(REG_LETTERS.len())] as char;
    format!(
        "{}{}{:02} {}{}{}",
        l(r),
        l(r),
        10 + r.below(60),
        l(r),
        l(r),
        l(r)
    )
}

/// The app, in this process, and a way to call its API.
struct Api {
    client: Client,
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
        let res = req.dispatch().await;
        let status = res.status();
        let text = res.into_string().await.unwrap_or_default();
        if status.code >= 300 {
            return Err(format!("{method} {path} answered {status}: {text}"));
        }
        serde_json::from_str(&text).or(Ok(Value::Null))
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_default()
}

/// A completed assessment's content for a man arrested on `day`.
fn assessment(
    r: &mut Lcg,
    man: &Value,
    referral: &Value,
    born: NaiveDate,
    day: NaiveDate,
    caution: bool,
) -> Value {
    let suitable = r.chance(82);
    let answers: Vec<&str> = (0..24)
        .map(|_| if r.chance(15) { "yes" } else { "no" })
        .collect();
    let age = day.years_since(born).unwrap_or(18);
    json!({
        "person_id": man["id"], "referral_id": referral,
        "rosh": {"public": "low", "known_adult": if r.chance(20) { "medium" } else { "low" }, "children": "low", "staff": "low"},
        "suitability": if suitable { "suitable" } else { "not_suitable" },
        "rationale": if suitable { "Accepts what he did and is willing to take part in the programme." } else { "Denies the offence and would disrupt a group." },
        "ogrs3": {"sex": "male", "date_of_birth": born.to_string(), "conviction_date": day.to_string(),
                  "follow_up_start_date": day.to_string(), "age_at_first_sanction": age.clamp(10, 99),
                  "first_sanction_date": null, "total_sanctions": 1 + r.below(3),
                  "offence_category": "soliciting_or_prostitution",
                  "current_sanction": if caution { "caution" } else { "conviction" }},
        "domestic_abuse": {"known_to_marac": false, "concerns": if r.chance(25) { "Partner reported arguments to police once; no injuries recorded." } else { "" }},
        "dash": {"answers": answers, "professional_judgement": false, "rationale": null,
                 "incidents_in_window": 0, "previous_marac_referral_date": null, "latest_incident_date": null},
        "needs": {"relationships": {"severity": if r.chance(40) { "standard" } else { "no_need" }, "note": "Discussed at interview."}}
    })
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
    let rocket = crate::build_rocket(figment, conn, settings.clone(), Arc::new(SystemClock));
    let client = Client::untracked(rocket).await.map_err(|e| e.to_string())?;
    let app = client
        .rocket()
        .state::<AppState>()
        .ok_or("no app state")?
        .clone();
    let api = Api { client };
    let mut r = Lcg(seed);
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

    // the programme, and a cohort every eight weeks from five years ago
    let programme = api.call("POST", "/api/v1/programmes", &probation, Some(json!({
        "name": "Kerb crawler awareness programme", "max_group_size": 12,
        "completion_rule": {"min_attended": 3},
        "aims": ["Understand the harm done to women in street sex work", "Know the law and its consequences", "Make a plan to stop"],
        "sessions": [
            {"number": 1, "title": "The law and the consequences", "minutes": 120},
            {"number": 2, "title": "Who the women are", "minutes": 120},
            {"number": 3, "title": "Coercion, exploitation and abuse", "minutes": 120},
            {"number": 4, "title": "Relationships and a plan to stop", "minutes": 120}
        ]
    }))).await?;
    let mut cohorts: Vec<(NaiveDate, Value, Vec<i64>)> = Vec::new();
    let mut start = today - Duration::days(HISTORY_DAYS);
    while start <= today + Duration::days(56) {
        let tuesday =
            start + Duration::days((8 - i64::from(start.weekday().number_from_monday())) % 7 + 1);
        let at = from_london(
            tuesday.and_time(NaiveTime::from_hms_opt(18, 30, 0).unwrap_or(NaiveTime::MIN)),
        );
        for group in 0..cohorts_at_once(scale) {
            let cohort = api.call("POST", "/api/v1/cohorts", &probation, Some(json!({
                "programme_id": programme["id"], "code": format!("AW-{}-{}", tuesday.format("%Y-%m"), group + 1),
                "venue": VENUES[group % VENUES.len()], "capacity": 12, "facilitator_usernames": ["demo.facilitator"],
                "first_session_at": at.to_rfc3339(), "interval_days": 7
            }))).await?;
            cohorts.push((tuesday, cohort, Vec::new()));
        }
        start += Duration::days(56);
    }
    made.cohorts = cohorts.len();

    // the men, their arrests, assessments and places
    let mut charged_for_court = Vec::new();
    let mut men = Vec::new();
    for n in 0..scale {
        if n % (scale / 100).max(1) == 0 {
            progress("men", n, scale);
        }
        let name = town::name(&mut r);
        let born = NaiveDate::from_ymd_opt(
            1955 + r.below(45) as i32,
            1 + r.below(12) as u32,
            1 + r.below(28) as u32,
        )
        .unwrap_or(NaiveDate::MIN);
        let man = api.call("POST", "/api/v1/people", &police, Some(json!({
            "surname": name.surname, "forenames": name.forenames, "date_of_birth": born.to_string(), "sex": "male",
            "postcode": format!("IP{} {}{}{}", 1 + r.below(9), 1 + r.below(9), REG_LETTERS[r.below(20)] as char, REG_LETTERS[r.below(20)] as char)
        }))).await?;
        made.men += 1;
        men.push(id(&man));
        let day = arrest_day(&mut r, today);
        let disposal = weighted(&mut r, DISPOSALS);
        let mut body = json!({
            "person_id": man["id"], "arrested_at": evening(&mut r, day), "location": r.pick(STREETS),
            "area": r.pick(&["Central", "North", "East", "South", "West", "Docks"]),
            "vehicle_registration": registration(&mut r), "offence": if r.chance(85) { "soliciting_s51a_soa2003" } else { "kerb_crawling_s1_soa1985" },
            "disposal": disposal, "operation": "Operation Nightlight"
        });
        let deadline = day + Duration::days(84);
        if disposal == "conditional_caution" {
            body["course_deadline"] = json!(deadline.to_string());
        }
        if disposal == "charged" {
            body["court"] = json!(COURT);
            body["first_hearing_date"] = json!((day + Duration::days(21)).to_string());
        }
        let arrest = api
            .call("POST", "/api/v1/arrests", &police, Some(body))
            .await?;
        made.arrests += 1;
        // some are arrested again, months later
        if r.chance(12) {
            let again = day + Duration::days(60 + r.below(540) as i64);
            if again < today {
                api.call("POST", "/api/v1/arrests", &police, Some(json!({
                    "person_id": man["id"], "arrested_at": evening(&mut r, again), "location": r.pick(STREETS),
                    "area": "Central", "offence": "soliciting_s51a_soa2003",
                    "disposal": if r.chance(50) { "no_further_action" } else { "community_resolution" }
                }))).await?;
                made.arrests += 1;
            }
        }
        let referral = &arrest["referral_id"];
        if referral.is_null() || !r.chance(85) {
            continue;
        }
        let caution = disposal == "conditional_caution";
        let content = assessment(&mut r, &man, referral, born, day, caution);
        let suitable = content["suitability"] == "suitable";
        let a = api
            .call("POST", "/api/v1/assessments", &probation, Some(content))
            .await?;
        api.call(
            "POST",
            &format!("/api/v1/assessments/{}/complete", id(&a)),
            &probation,
            None,
        )
        .await?;
        made.assessments += 1;
        if !suitable {
            continue;
        }
        if !caution {
            charged_for_court.push((man.clone(), arrest.clone(), day));
        }
        // the first cohort starting after the arrest with a place
        let place = cohorts
            .iter_mut()
            .find(|(first, _, taken)| *first > day + Duration::days(7) && taken.len() < 12);
        let Some((first, cohort, taken)) = place else {
            continue;
        };
        if caution && *first > deadline {
            continue;
        }
        let mut body = json!({
            "person_id": man["id"], "cohort_id": cohort["id"], "referral_id": referral,
            "legal_basis": if caution { "conditional_caution" } else { "voluntary" }
        });
        if caution {
            body["deadline"] = json!(deadline.to_string());
        }
        let enrolment = api
            .call("POST", "/api/v1/enrolments", &probation, Some(body))
            .await?;
        taken.push(id(&enrolment));
        made.enrolments += 1;
    }

    // the registers of every session held, in order
    progress("men", scale, scale);
    progress("registers", 0, 0);
    let now = Utc::now();
    for (_, cohort, taken) in &cohorts {
        let sessions = cohort["sessions"].as_array().cloned().unwrap_or_default();
        for session in sessions {
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
            if marks.is_empty() {
                continue;
            }
            made.marks += marks.len();
            api.call(
                "PUT",
                &format!("/api/v1/sessions/{}/attendance", session["id"]),
                &probation,
                Some(json!({"marks": marks})),
            )
            .await?;
        }
    }

    // enforcement where the rules prompt it
    progress("enforcement", 0, 0);
    let enrolled: Vec<i64> = cohorts
        .iter()
        .flat_map(|(_, _, taken)| taken.clone())
        .collect();
    for e in enrolled {
        let detail = api
            .call("GET", &format!("/api/v1/enrolments/{e}"), &probation, None)
            .await?;
        // a man who finished a caution's course after its deadline is still
        // prompted, but a completed enrolment cannot be referred
        let completed = detail["status"].as_str() == Some("completed");
        let action = match detail["enforcement"]["prompt"].as_str() {
            Some("warning_or_breach") => "warning",
            Some("prosecution_referral_required") if !completed && r.chance(50) => {
                "prosecution_referral"
            }
            Some("prosecution_referral_required") | Some("breach_referral_required") => {
                "no_further_action"
            }
            _ => continue,
        };
        api.call("POST", &format!("/api/v1/enrolments/{e}/enforcement"), &probation, Some(json!({
            "action": action, "date": today.to_string(), "note": "Decided at the fortnightly case review."
        }))).await?;
        made.enforcement += 1;
    }

    // court reports for some charged men, and cautions found by checks
    progress("court reports", 0, 0);
    for (man, arrest, day) in charged_for_court.iter().filter(|_| r.chance(40)) {
        let report = api.call("POST", "/api/v1/court-reports", &probation, Some(json!({
            "person_id": man["id"], "arrest_id": arrest["id"], "court": COURT,
            "hearing_date": (*day + Duration::days(21)).to_string(),
            "sections": {
                "offence_analysis": "He accepts that he stopped to speak to a woman he believed to be selling sex.",
                "defendant_assessment": "In work, lives with his partner; no previous convictions for similar offences.",
                "risk_commentary": "Low risk of reoffending; no concerns about his partner or family beyond the record.",
                "proposal": "A community order with the awareness programme as a requirement."
            }
        }))).await?;
        api.call(
            "POST",
            &format!("/api/v1/court-reports/{}/submit", id(&report)),
            &probation,
            None,
        )
        .await?;
        made.court_reports += 1;
    }
    for person_id in men {
        if !r.chance(4) {
            continue;
        }
        let offence = today - Duration::days(30 + r.below(300) as i64);
        if api.call("POST", "/api/v1/reoffences", &probation, Some(json!({
            "person_id": person_id, "offence_date": offence.to_string(), "outcome": "caution",
            "outcome_date": (offence + Duration::days(14)).to_string(), "source": "PNC check"
        }))).await.is_ok() {
            made.reoffences_found += 1;
        }
    }

    for (user_id, token_id) in issued {
        tokens::revoke_for_user(&app, &cli, user_id, token_id)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(made)
}
