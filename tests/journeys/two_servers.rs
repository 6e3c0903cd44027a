//! Two `kerbside serve` processes on one database (as behind a load
//! balancer) are sent the same writes at the same moment: the same arrest,
//! the same import file, two officers assigning the same referral, two
//! facilitators saving the same register. One of each pair wins; the other
//! is told why (409, or 422 naming the duplicate occurrence reference), never
//! a 500; nothing is lost or written twice; the audit log holds one entry
//! per change. On PostgreSQL, and on a SQLite file shared by both.

use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use sea_orm::DatabaseConnection;

use crate::support::TestDatabase;
use crate::support::live::{
    ARRESTS_WITHOUT_AUDIT, Answer, Crew, PageSession, Register, api, api_ok, arrest_body,
    assert_database_sound, count_of, letters, new_man, send, user_with_token,
};
use crate::support::raw_connection;
use crate::support::server::ServerProcess;

const PAIRS: usize = 20;

/// Run `attempt(server_index, round)` on two threads, one per server, each
/// round starting together; every round's pair of answers.
fn at_once(
    ports: [u16; 2],
    rounds: usize,
    attempt: impl Fn(u16, usize, usize) -> Answer + Send + Sync + 'static,
) -> Vec<[Answer; 2]> {
    let attempt = Arc::new(attempt);
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|side| {
            let (attempt, barrier) = (attempt.clone(), barrier.clone());
            thread::spawn(move || {
                (0..rounds)
                    .map(|round| {
                        barrier.wait();
                        attempt(ports[side], side, round)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut sides = threads
        .into_iter()
        .map(|t| t.join().expect("client thread"));
    let (a, b) = (sides.next().expect("side a"), sides.next().expect("side b"));
    a.into_iter().zip(b).map(|(x, y)| [x, y]).collect()
}

/// Exactly one of the pair succeeded with `won`; the other lost with one
/// of `lost`. How many rounds each server won.
fn one_winner_each_round(what: &str, pairs: &[[Answer; 2]], won: u16, lost: &[u16]) -> [usize; 2] {
    let mut wins = [0, 0];
    for (round, pair) in pairs.iter().enumerate() {
        let winners: Vec<usize> = (0..2).filter(|&s| pair[s].status == won).collect();
        assert_eq!(
            winners.len(),
            1,
            "{what}, round {round}: exactly one should win: {} / {}",
            pair[0].body,
            pair[1].body
        );
        let loser = &pair[1 - winners[0]];
        assert!(
            lost.contains(&loser.status),
            "{what}, round {round}: the loser got {}: {}",
            loser.status,
            loser.body
        );
        wins[winners[0]] += 1;
    }
    wins
}

async fn audit_count(db: &DatabaseConnection, action: &str, record_type: &str) -> i64 {
    count_of(
        db,
        &format!(
            "SELECT count(*) AS n FROM audit_log WHERE action = '{action}' AND record_type = '{record_type}'"
        ),
    )
    .await
}

fn import_file(rows: usize) -> String {
    let mut s = String::from(
        "occurrence_reference,surname,forenames,date_of_birth,sex,address,postcode,pnc_id,vehicle_registration,arrested_at,location,area,operation,offence,disposal,course_deadline,court,first_hearing_date,officer_collar_number,notes\r\n",
    );
    for i in 0..rows {
        s.push_str(&format!(
            "TWO/{i}/26,Importer{},Sam,1980-03-{:02},male,\"2 High St, Ipswich\",IP1 2AA,,,2026-11-{:02} 22:30,Handford Road,West,Op Nightjar,soliciting_s51a_soa2003,simple_caution,,,,,\r\n",
            letters(i),
            1 + i % 28,
            1 + i % 28
        ));
    }
    s
}

#[rocket::async_test]
#[ignore = "starts two servers and races them: run alone, as .ci/run does (cargo test --test journeys -- --ignored --test-threads=1)"]
async fn two_servers_sent_the_same_writes_at_once_give_one_winner_and_lose_nothing() {
    let db = TestDatabase::shared().await;
    let crew = Crew::hire(&db.url);
    let _second_officer = user_with_token(&db.url, "po2.faults", "probation");
    let servers = [
        ServerProcess::start(&db.url, &[]),
        ServerProcess::start(&db.url, &[]),
    ];
    let ports = [servers[0].port, servers[1].port];
    let conn = raw_connection(&db.url).await;
    let mut report = Vec::new();

    // The same arrest (one occurrence reference) sent to both at once.
    let man = new_man(ports[0], &crew.police, "Twinning");
    let police = crew.police.clone();
    let pairs = at_once(ports, PAIRS, move |port, _, round| {
        api(
            port,
            "POST",
            "/api/v1/arrests",
            &police,
            Some(&arrest_body(man, &format!("same{round}"))),
        )
        .expect("the server answers")
    });
    let wins = one_winner_each_round("the same arrest", &pairs, 201, &[422]);
    for pair in &pairs {
        let loser = pair.iter().find(|a| a.status == 422).expect("loser");
        assert!(
            loser.body.contains("occurrence_reference"),
            "{}",
            loser.body
        );
    }
    let stored = count_of(
        &conn,
        "SELECT count(*) AS n FROM arrests WHERE location LIKE 'London Road same%'",
    )
    .await;
    assert_eq!(stored, PAIRS as i64, "each arrest stored once");
    assert_eq!(count_of(&conn, ARRESTS_WITHOUT_AUDIT).await, 0);
    assert_eq!(
        audit_count(&conn, "collect", "arrest").await,
        count_of(&conn, "SELECT count(*) AS n FROM arrests").await,
        "one collect entry per arrest"
    );
    report.push(format!(
        "same arrest x{PAIRS}: won {wins:?} (A, B), {stored} stored"
    ));

    // New men recorded on both at once never share a reference.
    let police = crew.police.clone();
    let pairs = at_once(ports, PAIRS, move |port, side, round| {
        let surname = format!("Parallel{}{}", ["a", "b"][side], letters(round));
        let body = serde_json::json!({"surname": surname, "forenames": "Test", "date_of_birth": "1979-09-09", "sex": "male"});
        api(port, "POST", "/api/v1/people", &police, Some(&body)).expect("the server answers")
    });
    assert!(pairs.iter().flatten().all(|a| a.status == 201));
    assert_eq!(
        count_of(
            &conn,
            "SELECT count(*) - count(DISTINCT reference) AS n FROM people"
        )
        .await,
        0,
        "no two men share a reference"
    );

    // The same import file sent to both at once.
    let file = Arc::new(import_file(40));
    let police = crew.police.clone();
    let pairs = at_once(ports, 1, move |port, _, _| {
        let bearer = format!("Bearer {police}");
        send(
            port,
            "POST",
            "/api/v1/arrests/import",
            &[("Authorization", &bearer), ("Content-Type", "text/csv")],
            file.as_bytes(),
        )
        .expect("the server answers")
    });
    let imported: i64 = pairs[0]
        .iter()
        .filter(|a| a.status == 200 || a.status == 201)
        .map(|a| a.json()["imported"].as_i64().unwrap_or(0))
        .sum();
    for a in &pairs[0] {
        assert!(
            [200, 409].contains(&a.status),
            "an import got {}: {}",
            a.status,
            a.body
        );
    }
    assert_eq!(
        imported, 40,
        "the rows were imported once between them: {:?}",
        pairs[0]
    );
    if let Some(loser) = pairs[0].iter().find(|a| a.status == 409) {
        assert!(loser.body.contains("send it again"), "{}", loser.body);
    }
    assert_eq!(
        count_of(
            &conn,
            "SELECT count(*) AS n FROM arrests WHERE occurrence_reference LIKE 'TWO/%'"
        )
        .await,
        40
    );
    assert_eq!(
        count_of(
            &conn,
            "SELECT count(*) AS n FROM people WHERE surname LIKE 'Importer%'"
        )
        .await,
        40,
        "each imported man recorded once"
    );
    assert_eq!(count_of(&conn, ARRESTS_WITHOUT_AUDIT).await, 0);
    report.push(format!(
        "same import file: {} and {} ({}); 40 rows stored once",
        pairs[0][0].status,
        pairs[0][1].status,
        pairs[0]
            .iter()
            .find(|a| a.status >= 400)
            .map(|a| a.body.as_str())
            .unwrap_or("neither refused")
    ));

    // Two officers assign the same referral at once, each from the page
    // they read.
    let queue = api_ok(
        ports[0],
        "GET",
        "/api/v1/referrals",
        &crew.probation,
        None,
        200,
    );
    let referrals: Vec<i64> = queue["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .take(10)
        .collect();
    assert_eq!(
        referrals.len(),
        10,
        "the conditional cautions made referrals: {queue}"
    );
    let alters_before = audit_count(&conn, "alter", "referral").await;
    // one signed-in officer per server, each with their own session
    let sessions = Arc::new([
        Mutex::new(PageSession::sign_in(ports[0], "po.faults")),
        Mutex::new(PageSession::sign_in(ports[1], "po2.faults")),
    ]);
    let officers = {
        let page = sessions[0]
            .lock()
            .expect("session")
            .get(&format!("/referrals/{}", referrals[0]));
        assert_eq!(page.status, 200, "{}", page.body);
        page.body
    };
    let officer_ids: Vec<String> = officers
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    assert!(
        officer_ids.len() >= 2,
        "two probation officers to choose from"
    );
    // both read the page first (the form carries the version they saw)
    let versions: Vec<String> = referrals
        .iter()
        .map(|id| {
            let page = sessions[0]
                .lock()
                .expect("session")
                .get(&format!("/referrals/{id}"));
            let marker = "name=\"version\" value=\"";
            let at = page
                .body
                .find(marker)
                .expect("the form carries the version")
                + marker.len();
            page.body[at..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    // a CSRF token from server B's page
    sessions[1]
        .lock()
        .expect("session")
        .get(&format!("/referrals/{}", referrals[0]));
    let (ids, vs, who) = (referrals.clone(), versions.clone(), officer_ids.clone());
    let pages = sessions.clone();
    let pairs = at_once(ports, referrals.len(), move |_, side, round| {
        pages[side].lock().expect("session").post(
            &format!("/referrals/{}/assign", ids[round]),
            &[("officer_id", &who[side]), ("version", &vs[round])],
        )
    });
    let wins = one_winner_each_round("assigning one referral", &pairs, 303, &[409]);
    assert_eq!(
        audit_count(&conn, "alter", "referral").await - alters_before,
        referrals.len() as i64,
        "one audit entry per assignment that happened"
    );
    report.push(format!(
        "same referral assigned by two officers x{}: won {wins:?}",
        referrals.len()
    ));

    // Two facilitators save the same register at the same version at once.
    let register = Arc::new(Register::held(ports[0], &crew, 4, "two"));
    let first = api_ok(
        ports[0],
        "PUT",
        &register.path(),
        &crew.facilitator,
        Some(&register.save_body(0, 0)),
        200,
    );
    let start = first["register_version"].as_i64().expect("version");
    let marks_before = count_of(&conn, "SELECT count(*) AS n FROM attendance_marks").await;
    let mark_audit_before = count_of(
        &conn,
        "SELECT count(*) AS n FROM audit_log WHERE record_type = 'attendance_mark'",
    )
    .await;
    let tokens = [crew.facilitator.clone(), crew.probation.clone()];
    let reg = register.clone();
    let pairs = at_once(ports, PAIRS, move |port, side, round| {
        let version = start + round as i64;
        api(
            port,
            "PUT",
            &reg.path(),
            &tokens[side],
            Some(&reg.save_body(version, round + 1)),
        )
        .expect("the server answers")
    });
    let wins = one_winner_each_round("saving one register", &pairs, 200, &[409]);
    let shown = register.read(ports[1], &crew.facilitator);
    assert_eq!(
        shown["register_version"].as_i64(),
        Some(start + PAIRS as i64)
    );
    assert!(
        register.shows_save(&shown, PAIRS),
        "the last save, whole: {shown}"
    );
    let marks = count_of(&conn, "SELECT count(*) AS n FROM attendance_marks").await - marks_before;
    assert_eq!(
        marks,
        2 * PAIRS as i64,
        "each winning save changed two men's marks"
    );
    assert_eq!(
        count_of(
            &conn,
            "SELECT count(*) AS n FROM audit_log WHERE record_type = 'attendance_mark'"
        )
        .await
            - mark_audit_before,
        marks,
        "one audit entry per mark written"
    );
    report.push(format!(
        "same register saved by two x{PAIRS}: won {wins:?}, {marks} marks written"
    ));

    let sound = assert_database_sound(&db.url).await;
    for server in servers {
        let log = server.stop();
        assert!(!log.contains(" 500 "), "no request failed with 500:\n{log}");
    }
    println!(
        "two servers ({}): {}; {sound}",
        if db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        report.join("; ")
    );
}
