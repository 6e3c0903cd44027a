//! Benchmark: importing 10,000 arrests and searching 100,000 people through
//! the real app (HTTP in-process, real database). Run with
//! `cargo bench --bench police_at_scale` (SQLite file) or with
//! `BENCH_DATABASE_URL=postgres://…/db` for PostgreSQL; results are printed
//! as a Markdown table (see benches/RESULTS.md).

use std::time::Instant;

use kerbside::domain::names::fold;
use kerbside::state::AppState;
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ConnectionTrait, Statement};

#[path = "common.rs"]
mod common;
use kerbside::demo::town as town_names;

use town_names::Lcg;

const SURNAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Ahmed",
    "Ali",
    "Hussain",
    "Patel",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Popescu",
    "Ionescu",
    "Şahin",
    "Yılmaz",
    "Kaya",
    "Murphy",
    "Kelly",
    "O'Brien",
    "Byrne",
    "Ryan",
    "Dvořák",
    "Novák",
    "Horváth",
    "Nagy",
    "Silva",
    "Santos",
    "Pereira",
    "Costa",
    "Mensah",
    "Okafor",
    "Adeyemi",
];
const FORENAMES: &[&str] = &[
    "John",
    "David",
    "Michael",
    "Paul",
    "Andrew",
    "Mark",
    "James",
    "Peter",
    "Stephen",
    "Robert",
    "Richard",
    "Daniel",
    "Mohammed",
    "Muhammad",
    "Imran",
    "Tariq",
    "Łukasz",
    "Piotr",
    "Tomasz",
    "Krzysztof",
    "Ionuț",
    "Andrei",
    "Mihai",
    "Emre",
    "Mehmet",
    "Sean",
    "Patrick",
    "Liam",
    "Antonín",
    "Jiří",
    "László",
    "Gábor",
    "João",
    "Pedro",
    "Kwame",
    "Chinedu",
    "Gary",
    "Kevin",
    "Lee",
    "Dean",
];

fn import_file(rows: usize, seed: u64) -> String {
    let mut r = Lcg(seed);
    let mut s = String::from(
        "occurrence_reference,surname,forenames,date_of_birth,sex,address,postcode,pnc_id,vehicle_registration,arrested_at,location,area,operation,offence,disposal,course_deadline,court,first_hearing_date,officer_collar_number,notes\r\n",
    );
    for i in 0..rows {
        let disposal = match r.draw() % 4 {
            0 => "conditional_caution,2027-03-31,,",
            1 => "charged,,Ipswich Magistrates' Court,2027-01-15",
            _ => "simple_caution,,,",
        };
        s.push_str(&format!(
            "BENCH/{seed}/{i},{},{},19{}-{:02}-{:02},male,,IP{} {}AB,,AB{:02}CDE,2026-{:02}-{:02} 22:{:02},London Road,Central,Op Bench,soliciting_s51a_soa2003,{disposal},{},\r\n",
            r.pick(SURNAMES),
            r.pick(FORENAMES),
            50 + r.draw() % 50,
            1 + r.draw() % 12,
            1 + r.draw() % 28,
            1 + r.draw() % 9,
            1 + r.draw() % 9,
            10 + r.draw() % 80,
            1 + r.draw() % 10,
            1 + r.draw() % 28,
            r.draw() % 60,
            1000 + i
        ));
    }
    s
}

async fn bulk_people(app: &AppState, count: usize) {
    let db = &app.db;
    let backend = db.get_database_backend();
    let mut r = Lcg(7);
    let now = chrono::Utc::now();
    for chunk_start in (0..count).step_by(500) {
        let mut sql = String::from(
            "INSERT INTO people (reference, surname, forenames, surname_folded, forenames_folded, date_of_birth, sex, category, created_at, updated_at, version) VALUES ",
        );
        let mut values: Vec<sea_orm::Value> = Vec::new();
        let n = 500.min(count - chunk_start);
        for k in 0..n {
            let i = chunk_start + k;
            let (s, f) = (r.pick(SURNAMES), r.pick(FORENAMES));
            let dob = chrono::NaiveDate::from_ymd_opt(
                1950 + (r.draw() % 55) as i32,
                1 + (r.draw() % 12) as u32,
                1 + (r.draw() % 28) as u32,
            )
            .unwrap_or_default();
            let base = values.len();
            let ph = |j: usize| match backend {
                sea_orm::DbBackend::Postgres => format!("${}", base + j),
                _ => "?".to_string(),
            };
            sql.push_str(&format!(
                "{}({}, {}, {}, {}, {}, {}, 'male', 'suspect', {}, {}, 1)",
                if k == 0 { "" } else { ", " },
                ph(1),
                ph(2),
                ph(3),
                ph(4),
                ph(5),
                ph(6),
                ph(7),
                ph(8)
            ));
            values.extend([
                format!("ZZ-{i:07}").into(), // outside the KC- range the app hands out
                s.into(),
                f.into(),
                fold(s).into(),
                fold(f).into(),
                dob.into(),
                now.into(),
                now.into(),
            ]);
        }
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .expect("bulk insert");
    }
    // their name keys, as the app stores them for every man it records
    kerbside::db::people_repo::key_unkeyed_names(db)
        .await
        .expect("name keys");
}

#[rocket::main]
async fn main() {
    let (client, backend) = common::start("bench").await;
    let app = client.rocket().state::<AppState>().expect("state");
    let (token, _) = common::token(app, "bench", "police").await;
    let auth = Header::new("Authorization", format!("Bearer {token}"));

    println!("## {backend}\n");
    println!("| measurement | result |\n|---|---|");
    let file = import_file(10_000, std::process::id() as u64);
    for (label, dry) in [
        ("check 10,000-row file (dry run)", true),
        ("import 10,000 rows", false),
        ("import the same file again (all skipped)", false),
    ] {
        let started = Instant::now();
        let r = client
            .post(format!(
                "/api/v1/arrests/import{}",
                if dry { "?dry_run=true" } else { "" }
            ))
            .header(auth.clone())
            .header(ContentType::CSV)
            .body(file.clone())
            .dispatch()
            .await;
        let status = r.status();
        let body = r.into_string().await.unwrap_or_default();
        assert_eq!(status, Status::Ok, "{body}");
        println!(
            "| {label} | {:.2} s ({}) |",
            started.elapsed().as_secs_f64(),
            body.replace('|', "/")
        );
    }

    let existing: i64 = {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM people",
            ))
            .await
            .expect("count")
            .expect("row");
        row.try_get("", "n").expect("n")
    };
    let target = 100_000usize.saturating_sub(existing as usize);
    let started = Instant::now();
    bulk_people(app, target).await;
    println!(
        "| load {target} more people by bulk SQL (setup, not the app) | {:.1} s |",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let _ = app.db.execute_unprepared("ANALYZE").await;
    println!("| ANALYZE | {:.1} s |", started.elapsed().as_secs_f64());

    let reference: String = {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT reference FROM people WHERE reference LIKE 'KC-%' ORDER BY id LIMIT 1",
            ))
            .await
            .expect("query")
            .expect("row");
        row.try_get("", "reference").expect("reference")
    };
    let by_reference = format!("q={reference}");
    for (label, query) in [
        (
            "search 'Jonh Smyth' + date of birth",
            "q=Jonh+Smyth&date_of_birth=1980-04-01",
        ),
        ("search 'Jonh Smyth' (name only)", "q=Jonh+Smyth"),
        ("search 'Muhammad Khan'", "q=Muhammad+Khan"),
        ("search 'Lukasz Wisniewski'", "q=Lukasz+Wisniewski"),
        ("search by reference", by_reference.as_str()),
        ("search by date of birth only", "date_of_birth=1980-04-01"),
    ] {
        let mut times = Vec::new();
        let mut total = String::new();
        for _ in 0..15 {
            let started = Instant::now();
            let r = client
                .get(format!("/api/v1/people?{query}&per_page=20"))
                .header(auth.clone())
                .dispatch()
                .await;
            assert_eq!(r.status(), Status::Ok);
            let body: serde_json::Value =
                serde_json::from_str(&r.into_string().await.unwrap_or_default())
                    .unwrap_or_default();
            times.push(started.elapsed());
            total = body["total"].to_string();
        }
        println!(
            "| {label}: median of 15 over 100,000 people | {:.1} ms ({total} matches) |",
            common::median(times).as_secs_f64() * 1000.0
        );
    }
}
