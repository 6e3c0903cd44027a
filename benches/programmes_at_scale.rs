//! Benchmark: programmes at several years' scale through the real app (HTTP
//! in-process, real database): 40 cohorts of 12 men, each with 11 of its 12
//! weekly sessions held and marked, every man still on the programme (the
//! worst case for the actions list, which reads the men still on one). Measures saving a whole register, an
//! enrolment's figures, a register read, the cohort page and probation's
//! home page (whose actions list reads every active enrolment), and one
//! man's progress report and court report as PDFs. Run with
//! `cargo bench --bench programmes_at_scale` (SQLite file) or with
//! `BENCH_DATABASE_URL=postgres://…/db`; `COHORTS=80` for more. Results are
//! printed as a Markdown table (see benches/RESULTS.md).

use std::time::{Duration, Instant};

use kerbside::state::AppState;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::{Value, json};

#[path = "common.rs"]
mod common;

const MEN: usize = 12;
const HELD: usize = 11;
const SURNAMES: &[&str] = &[
    "Abbott", "Baker", "Carter", "Dixon", "Ellis", "Fisher", "Grant", "Hughes", "Irwin", "Jones",
    "Kemp", "Lloyd",
];

async fn call(
    client: &Client,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (Status, Value) {
    let auth = Header::new("Authorization", format!("Bearer {token}"));
    let req = match method {
        "POST" => client.post(path.to_string()),
        "PUT" => client.put(path.to_string()),
        _ => client.get(path.to_string()),
    }
    .header(auth);
    let req = match body {
        Some(b) => req.header(ContentType::JSON).body(b.to_string()),
        None => req,
    };
    let r = req.dispatch().await;
    let status = r.status();
    let text = r.into_string().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn timed(client: &Client, token: &str, path: &str, times: usize) -> Vec<Duration> {
    let mut out = Vec::new();
    for _ in 0..times {
        let started = Instant::now();
        let (status, _) = call(client, token, "GET", path, None).await;
        assert_eq!(status, Status::Ok, "{path}");
        out.push(started.elapsed());
    }
    out
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[rocket::main]
async fn main() {
    let cohorts: usize = std::env::var("COHORTS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(40);
    let (client, backend) = common::start("programmes-bench").await;
    let app = client.rocket().state::<AppState>().expect("state");
    let (probation, officer) = common::token(app, "bench.po", "probation").await;
    let (police, _) = common::token(app, "bench.pc", "police").await;
    let (_, facilitator) = common::token(app, "bench.f", "facilitator").await;
    let (status, programme) = call(&client, &probation, "POST", "/api/v1/programmes", Some(json!({
        "name": "Awareness", "max_group_size": 12, "completion_rule": {"min_attended": 12},
        "sessions": (1..=12).map(|n| json!({"number": n, "title": format!("Session {n}"), "minutes": 120})).collect::<Vec<_>>(),
    }))).await;
    assert_eq!(status, Status::Created, "{programme}");
    let started = Instant::now();
    let first =
        chrono::Utc::now() - chrono::Duration::weeks(HELD as i64) + chrono::Duration::hours(1);
    let mut saves = Vec::new();
    let mut enrolment_ids = Vec::new();
    let mut session_ids = Vec::new();
    let mut cohort_ids = Vec::new();
    for c in 0..cohorts {
        let (status, cohort) = call(&client, &probation, "POST", "/api/v1/cohorts", Some(json!({
            "programme_id": programme["id"], "code": format!("B-{}-{c}", std::process::id()), "venue": "Hall",
            "capacity": MEN, "facilitator_usernames": [facilitator],
            "first_session_at": (first + chrono::Duration::minutes(c as i64)).to_rfc3339(), "interval_days": 7,
        }))).await;
        assert_eq!(status, Status::Created, "{cohort}");
        cohort_ids.push(cohort["id"].clone());
        let mut ids = Vec::new();
        for surname in SURNAMES.iter().take(MEN) {
            let (_, man) = call(&client, &police, "POST", "/api/v1/people", Some(json!({
                "surname": surname, "forenames": "Bench", "date_of_birth": "1970-01-01", "sex": "male"}))).await;
            let (status, e) = call(
                &client,
                &probation,
                "POST",
                "/api/v1/enrolments",
                Some(json!({
                "person_id": man["id"], "cohort_id": cohort["id"], "legal_basis": "community_order",
                "override_reason": "bench"})),
            )
            .await;
            assert_eq!(status, Status::Created, "{e}");
            ids.push(e["id"].clone());
        }
        for (week, session) in cohort["sessions"]
            .as_array()
            .into_iter()
            .flatten()
            .take(HELD)
            .enumerate()
        {
            let marks: Vec<Value> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| json!({"enrolment_id": id, "outcome": if (i + week + c) % 9 == 0 { "unacceptable_absence" } else { "attended_complied" }}))
                .collect();
            let path = format!("/api/v1/sessions/{}/attendance", session["id"]);
            let t = Instant::now();
            let (status, body) = call(
                &client,
                &probation,
                "PUT",
                &path,
                Some(json!({"marks": marks})),
            )
            .await;
            assert_eq!(status, Status::Ok, "{body}");
            saves.push(t.elapsed());
            session_ids.push(session["id"].clone());
        }
        enrolment_ids.extend(ids);
    }
    let setup = started.elapsed();
    println!("## {backend}: {cohorts} cohorts of {MEN} men, {HELD} sessions each marked\n");
    println!("| measurement | result |\n|---|---|");
    println!(
        "| set up through the API (people, enrolments, every register) | {:.1} s |",
        setup.as_secs_f64()
    );
    let n = saves.len();
    println!(
        "| save a register of {MEN} marks ({n} saves) | median {}, p95 {}, max {} |",
        ms(common::median(saves.clone())),
        ms(common::percentile(saves.clone(), 95)),
        ms(common::percentile(saves, 100))
    );
    common::sign_in(&client, &officer).await;
    let enrolment = format!(
        "/api/v1/enrolments/{}",
        enrolment_ids[enrolment_ids.len() / 2]
    );
    let register = format!(
        "/api/v1/sessions/{}/attendance",
        session_ids[session_ids.len() / 2]
    );
    let cohort = format!("/cohorts/{}", cohort_ids[cohort_ids.len() / 2]);
    for (label, path, times) in [
        (
            "an enrolment's figures and prompt (API)",
            enrolment.as_str(),
            50,
        ),
        ("a register (API)", register.as_str(), 50),
        (
            "a cohort's page (schedule, men, figures)",
            cohort.as_str(),
            20,
        ),
        (
            "probation's home page (actions list over every active enrolment)",
            "/",
            10,
        ),
    ] {
        let t = timed(&client, &probation, path, times).await;
        println!(
            "| {label}: median of {times} | {} (p95 {}) |",
            ms(common::median(t.clone())),
            ms(common::percentile(t, 95))
        );
    }
    // the reports of the same man: his progress report, and a court report
    // for a charge with each written section about a page long
    let (_, standing) = call(&client, &probation, "GET", &enrolment, None).await;
    let (status, charge) = call(&client, &police, "POST", "/api/v1/arrests", Some(json!({
        "person_id": standing["person_id"], "arrested_at": (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339(),
        "location": "London Road", "area": "Central", "offence": "soliciting_s51a_soa2003",
        "disposal": "charged", "court": "Ipswich Magistrates' Court",
        "first_hearing_date": (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string(),
    }))).await;
    assert_eq!(status, Status::Created, "{charge}");
    let page_of_text = "He accepts the offence and says he understands the harm. ".repeat(50);
    let (status, report) = call(&client, &probation, "POST", "/api/v1/court-reports", Some(json!({
        "person_id": standing["person_id"], "arrest_id": charge["id"], "court": "Ipswich Magistrates' Court",
        "hearing_date": (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().to_string(),
        "sections": {"offence_analysis": page_of_text, "defendant_assessment": page_of_text,
                     "risk_commentary": page_of_text, "proposal": page_of_text},
    }))).await;
    assert_eq!(status, Status::Created, "{report}");
    let progress = format!("{enrolment}/progress-report.pdf");
    let court = format!("/api/v1/court-reports/{}/pdf", report["id"]);
    for (label, path) in [
        (
            "his progress report as a PDF (12 sessions)",
            progress.as_str(),
        ),
        (
            "a court report as a PDF (a draft, four written pages)",
            court.as_str(),
        ),
    ] {
        let t = timed(&client, &probation, path, 10).await;
        println!(
            "| {label}: median of 10 | {} (p95 {}) |",
            ms(common::median(t.clone())),
            ms(common::percentile(t, 95))
        );
    }
}
