//! Benchmark: the reoffending statistics over a town's records at scale:
//! 100,000 men, 150,000 arrests (50,000 of them re-arrests, each a known
//! reoffence), 20,000 enrolments in 1,667 cohorts of 12 weekly sessions
//! with every register marked (240,000 marks), 10,000 men assessed but never
//! enrolled. The rows are written straight into the database (as a
//! migration from an older system would), then `GET
//! /api/v1/statistics/reoffending` is timed through the real app with each
//! index. Run with `cargo bench --bench statistics_at_scale` (SQLite file)
//! or with `BENCH_DATABASE_URL=postgres://…/db`. Results: benches/RESULTS.md.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use kerbside::db::entities::{
    arrests, assessments, attendance_marks, cohort_sessions, cohorts, enrolments,
    programme_sessions, programmes, referrals, reoffences,
};
use kerbside::domain::arrest::{Disposal, Offence};
use kerbside::domain::assessment::AssessmentStatus;
use kerbside::domain::attendance::Outcome;
use kerbside::domain::enrolment::{EnrolmentStatus, LegalBasis};
use kerbside::domain::programme::SessionState;
use kerbside::domain::referral::ReferralStatus;
use kerbside::domain::reoffending::ReoffenceOutcome;
use kerbside::state::AppState;
use rocket::http::{Header, Status};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set, TransactionTrait};

#[path = "common.rs"]
mod common;

const MEN: i32 = 100_000;
const FIRST_ARRESTS: i32 = MEN;
const RE_ARRESTS: i32 = 50_000;
const ENROLMENTS: i32 = 20_000;
const PER_COHORT: i32 = 12;
const SESSIONS: i32 = 12;
const ASSESSED_ONLY: i32 = 10_000;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Insert rows in chunks small enough for SQLite's parameter limit.
async fn insert_all<A>(txn: &DatabaseTransaction, rows: Vec<A>)
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(1_000).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec(txn)
            .await
            .expect("bulk insert");
    }
}

fn day(base: NaiveDate, days: u64) -> NaiveDate {
    base + chrono::Duration::days(days as i64)
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
}

async fn build(app: &AppState, author: i32) {
    let txn = app.db.begin().await.expect("transaction");
    let mut r = Lcg(11);
    let now = Utc::now();
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    insert_all(
        &txn,
        (1..=MEN)
            .map(|i| {
                common::person_row(
                    i,
                    format!("ZS-{i:07}"),
                    "Bench",
                    "Man",
                    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
                    now,
                )
            })
            .collect(),
    )
    .await;
    // each man's first arrest, over six years; then 50,000 re-arrests
    let mut first_day = vec![start; (MEN + 1) as usize];
    let mut arrest_rows = Vec::new();
    for i in 1..=FIRST_ARRESTS + RE_ARRESTS {
        let (person, when) = if i <= FIRST_ARRESTS {
            let d = day(start, r.next() % 2_190);
            first_day[i as usize] = d;
            (i, d)
        } else {
            let p = 1 + (r.next() % MEN as u64) as i32;
            (p, day(first_day[p as usize], 1 + r.next() % 700))
        };
        arrest_rows.push(arrests::ActiveModel {
            id: Set(i),
            person_id: Set(person),
            occurrence_reference: Set(None),
            arrested_at: Set(at(when, 22)),
            location: Set("London Road".into()),
            area: Set("Central".into()),
            operation: Set(None),
            vehicle_registration: Set(None),
            offence: Set(Offence::SolicitingS51a),
            disposal: Set(Disposal::ConditionalCaution),
            course_deadline: Set(Some(day(when, 90))),
            court: Set(None),
            first_hearing_date: Set(None),
            officer_user_id: Set(None),
            collar_number: Set(None),
            notes: Set(None),
            created_at: Set(now),
            created_by: Set(None),
            version: Set(1),
        });
    }
    let re_arrests: Vec<(i32, i32, NaiveDate)> = arrest_rows
        .iter()
        .skip(FIRST_ARRESTS as usize)
        .filter_map(|a| match (&a.id, &a.person_id, &a.arrested_at) {
            (
                sea_orm::ActiveValue::Set(id),
                sea_orm::ActiveValue::Set(p),
                sea_orm::ActiveValue::Set(t),
            ) => Some((*id, *p, t.date_naive())),
            _ => None,
        })
        .collect();
    insert_all(&txn, arrest_rows).await;
    insert_all(
        &txn,
        re_arrests
            .iter()
            .enumerate()
            .map(|(k, (arrest, person, d))| reoffences::ActiveModel {
                id: Set(k as i32 + 1),
                person_id: Set(*person),
                offence_date: Set(*d),
                outcome: Set(ReoffenceOutcome::Arrest),
                outcome_date: Set(*d),
                source: Set("Arrest recorded in Kerbside".into()),
                arrest_id: Set(Some(*arrest)),
                created_at: Set(now),
                created_by: Set(None),
            })
            .collect(),
    )
    .await;
    // a referral for each of the first 30,000 men's first arrest
    let referred = ENROLMENTS + ASSESSED_ONLY;
    insert_all(
        &txn,
        (1..=referred)
            .map(|i| referrals::ActiveModel {
                id: Set(i),
                person_id: Set(i),
                arrest_id: Set(i),
                reason: Set(Disposal::ConditionalCaution),
                due_date: Set(day(first_day[i as usize], 10)),
                status: Set(ReferralStatus::Closed),
                assigned_to: Set(None),
                created_at: Set(now),
                created_by: Set(None),
                version: Set(1),
            })
            .collect(),
    )
    .await;
    programmes::ActiveModel {
        id: Set(1),
        name: Set("Awareness".into()),
        completion_min_attended: Set(Some(10)),
        completion_all_core: Set(false),
        max_group_size: Set(PER_COHORT),
        aims: Set("[]".into()),
        created_at: Set(now),
        created_by: Set(None),
    }
    .insert(&txn)
    .await
    .expect("programme");
    insert_all(
        &txn,
        (1..=SESSIONS)
            .map(|n| programme_sessions::ActiveModel {
                id: Set(n),
                programme_id: Set(1),
                number: Set(n),
                title: Set(format!("Session {n}")),
                minutes: Set(120),
                core: Set(true),
            })
            .collect(),
    )
    .await;
    let cohort_count = (ENROLMENTS + PER_COHORT - 1) / PER_COHORT;
    insert_all(
        &txn,
        (1..=cohort_count)
            .map(|c| cohorts::ActiveModel {
                id: Set(c),
                programme_id: Set(1),
                code: Set(format!("S-{c}")),
                venue: Set("Hall".into()),
                capacity: Set(PER_COHORT),
                interval_days: Set(7),
                created_at: Set(now),
                created_by: Set(None),
                version: Set(1),
            })
            .collect(),
    )
    .await;
    let cohort_start = |c: i32| day(start, 30 + (c as u64 * 2_000) / cohort_count as u64);
    insert_all(
        &txn,
        (1..=cohort_count)
            .flat_map(|c| {
                (1..=SESSIONS).map(move |n| cohort_sessions::ActiveModel {
                    id: Set((c - 1) * SESSIONS + n),
                    cohort_id: Set(c),
                    number: Set(n),
                    title: Set(format!("Session {n}")),
                    minutes: Set(120),
                    starts_at: Set(at(day(cohort_start(c), 7 * (n as u64 - 1)), 18)),
                    state: Set(SessionState::Scheduled),
                    cancel_reason: Set(None),
                    superseded_by: Set(None),
                    catch_up: Set(false),
                    register_version: Set(1),
                    created_at: Set(now),
                })
            })
            .collect(),
    )
    .await;
    // enrolment i is man i's, in cohort (i-1)/12+1; two in three complete
    let mut attended_rows = Vec::new();
    let mut enrolment_rows = Vec::new();
    for i in 1..=ENROLMENTS {
        let c = (i - 1) / PER_COHORT + 1;
        let completes = !r.next().is_multiple_of(3);
        enrolment_rows.push(enrolments::ActiveModel {
            id: Set(i),
            person_id: Set(i),
            cohort_id: Set(c),
            referral_id: Set(Some(i)),
            legal_basis: Set(LegalBasis::ConditionalCaution),
            deadline: Set(None),
            status: Set(if completes {
                EnrolmentStatus::Completed
            } else {
                EnrolmentStatus::Withdrawn
            }),
            override_reason: Set(None),
            completed_on: Set(completes.then(|| day(cohort_start(c), 77))),
            end_reason: Set(None),
            created_at: Set(now),
            created_by: Set(None),
            version: Set(1),
        });
        for n in 1..=SESSIONS {
            let outcome = match (completes, r.next() % 10) {
                (true, 0) | (false, 0..=4) => Outcome::UnacceptableAbsence,
                _ => Outcome::AttendedComplied,
            };
            attended_rows.push(attendance_marks::ActiveModel {
                id: Set((i - 1) * SESSIONS + n),
                session_id: Set((c - 1) * SESSIONS + n),
                enrolment_id: Set(i),
                outcome: Set(outcome),
                minutes_late: Set(None),
                absence_reason: Set(None),
                note: Set(None),
                notify_probation: Set(false),
                replaces_id: Set(None),
                correction_reason: Set(None),
                recorded_at: Set(now),
                recorded_by: Set(None),
            });
        }
    }
    insert_all(&txn, enrolment_rows).await;
    insert_all(&txn, attended_rows).await;
    insert_all(
        &txn,
        (ENROLMENTS + 1..=referred)
            .map(|i| assessments::ActiveModel {
                id: Set(i - ENROLMENTS),
                person_id: Set(i),
                referral_id: Set(Some(i)),
                version_number: Set(1),
                supersedes_id: Set(None),
                status: Set(AssessmentStatus::Completed),
                author_id: Set(author),
                content: Set("{}".into()),
                suitability: Set(None),
                rosh_overall: Set(None),
                ogrs3_two_year_percent: Set(None),
                known_to_marac: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                completed_at: Set(Some(at(day(first_day[i as usize], 20), 12))),
                lock_version: Set(1),
            })
            .collect(),
    )
    .await;
    txn.commit().await.expect("commit");
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[rocket::main]
async fn main() {
    let (client, backend) = common::start("statistics-bench").await;
    let app = client.rocket().state::<AppState>().expect("state");
    let (manager, manager_name) = common::token(app, "bench.m", "manager").await;
    let (_, officer) = common::token(app, "bench.po", "probation").await;
    let author = kerbside::db::users_repo::find_by_username(&app.db, &officer)
        .await
        .ok()
        .flatten()
        .map(|u| u.id)
        .unwrap_or(1);
    let started = Instant::now();
    build(app, author).await;
    println!("## {backend}: statistics over 100,000 men, 150,000 arrests, 20,000 enrolments\n");
    println!("| measurement | result |\n|---|---|");
    println!(
        "| write the data set straight into the database | {:.1} s |",
        started.elapsed().as_secs_f64()
    );
    for index in ["programme_start", "arrest"] {
        let path = format!(
            "/api/v1/statistics/reoffending?index={index}&from=2019-01-01&to=2026-12-31&as_of=2026-12-05"
        );
        let mut times = Vec::new();
        let mut body = String::new();
        for _ in 0..10 {
            let t = Instant::now();
            let r = client
                .get(path.clone())
                .header(Header::new("Authorization", format!("Bearer {manager}")))
                .dispatch()
                .await;
            assert_eq!(r.status(), Status::Ok);
            body = r.into_string().await.unwrap_or_default();
            times.push(t.elapsed());
        }
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let g = &v["groups"];
        println!(
            "| reoffending by group, index {index} (cohorts {} / {} / {}): median of 10 | {} (p95 {}) |",
            g["completed"]["cohort_size"],
            g["not_completed"]["cohort_size"],
            g["not_enrolled"]["cohort_size"],
            ms(common::median(times.clone())),
            ms(common::percentile(times, 95))
        );
    }
    // a year of the town's figures: the dashboard and the community view
    // (pages, signed in) and the board report (API)
    common::sign_in(&client, &manager_name).await;
    let year = "from_day=1&from_month=1&from_year=2024&to_day=31&to_month=12&to_year=2024";
    for (label, path, bearer) in [
        (
            "the dashboard page for 2024",
            format!("/statistics?{year}"),
            false,
        ),
        (
            "the community meeting's page for 2024",
            format!("/statistics/community?{year}"),
            false,
        ),
        (
            "the board report PDF for 2024",
            "/api/v1/statistics/board-report.pdf?from=2024-01-01&to=2024-12-31".to_string(),
            true,
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let mut req = client.get(path.clone());
            if bearer {
                req = req.header(Header::new("Authorization", format!("Bearer {manager}")));
            }
            let r = req.dispatch().await;
            assert_eq!(r.status(), Status::Ok, "{path}");
            let _ = r.into_bytes().await;
            times.push(t.elapsed());
        }
        println!(
            "| {label}: median of 5 | {} (p95 {}) |",
            ms(common::median(times.clone())),
            ms(common::percentile(times, 95))
        );
    }
}
