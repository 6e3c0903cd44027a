//! The server is killed with SIGKILL in the middle of a stream of writes, ten
//! times: police recording arrests from three clients at once while a
//! facilitator saves a register over and over. After each restart every
//! write that was answered 201 or 200 is there, nothing half-written is
//! visible (an arrest without its audit entry, a register mixing two saves),
//! and the database's own consistency checks pass. On SQLite (a file, WAL,
//! `synchronous=NORMAL`) and on PostgreSQL.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use crate::support::TestDatabase;
use crate::support::live::{
    ARRESTS_WITHOUT_AUDIT, Crew, Register, api, arrest_body, assert_database_sound, count_of,
    letters, new_man,
};
use crate::support::raw_connection;
use crate::support::server::ServerProcess;

const KILLS: usize = 10;
const ARREST_CLIENTS: usize = 3;

/// What one client's stream achieved before the server died under it.
#[derive(Default)]
struct Stream {
    /// Arrests answered 201: id and the tag in their location.
    arrests: Vec<(i64, String)>,
    /// Register saves answered 200: (version it made, which save).
    saves: Vec<(i64, usize)>,
    /// Answers that were neither success nor a connection cut.
    unexpected: Vec<String>,
    /// Requests cut off by the kill (sent, never answered).
    cut: usize,
}

fn stream_arrests(
    port: u16,
    police: String,
    men: Vec<i64>,
    round: usize,
    client: usize,
    stop: Arc<AtomicBool>,
) -> Stream {
    let mut s = Stream::default();
    for n in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let tag = format!("r{round}c{client}n{n}");
        let man = men[(client + n) % men.len()];
        match api(
            port,
            "POST",
            "/api/v1/arrests",
            &police,
            Some(&arrest_body(man, &tag)),
        ) {
            Ok(a) if a.status == 201 => s
                .arrests
                .push((a.json()["id"].as_i64().expect("arrest id"), tag)),
            Ok(a) => s.unexpected.push(format!("{} {}", a.status, a.body)),
            Err(e) => {
                if e.kind() != std::io::ErrorKind::ConnectionRefused {
                    s.cut += 1;
                }
                break;
            }
        }
    }
    s
}

fn stream_saves(
    port: u16,
    token: String,
    register: Arc<Register>,
    first: (i64, usize),
    stop: Arc<AtomicBool>,
) -> Stream {
    let mut s = Stream::default();
    let (mut version, mut k) = first;
    while !stop.load(Ordering::SeqCst) {
        k += 1;
        match api(
            port,
            "PUT",
            &register.path(),
            &token,
            Some(&register.save_body(version, k)),
        ) {
            Ok(a) if a.status == 200 => {
                version = a.json()["register_version"].as_i64().expect("version");
                s.saves.push((version, k));
            }
            Ok(a) => s.unexpected.push(format!("{} {}", a.status, a.body)),
            Err(e) => {
                if e.kind() != std::io::ErrorKind::ConnectionRefused {
                    s.cut += 1;
                }
                break;
            }
        }
    }
    s
}

#[rocket::async_test]
#[ignore = "kills servers: run alone, as .ci/run does (cargo test --test journeys -- --ignored --test-threads=1)"]
async fn every_acknowledged_write_survives_ten_kill_9s_and_nothing_half_written_is_seen() {
    let db = TestDatabase::shared().await;
    let crew = Crew::hire(&db.url);
    let mut server = ServerProcess::start(&db.url, &[]);
    let men: Vec<i64> = (0..6)
        .map(|i| {
            new_man(
                server.port,
                &crew.police,
                &format!("Crashman{}", letters(i)),
            )
        })
        .collect();
    let register = Arc::new(Register::held(server.port, &crew, 4, "crash"));

    let mut arrests: BTreeMap<i64, String> = BTreeMap::new();
    let mut last_save: (i64, usize) = (
        register.read(server.port, &crew.facilitator)["register_version"]
            .as_i64()
            .expect("version"),
        0,
    );
    let (mut cut, mut saves) = (0, 0);
    for round in 1..=KILLS {
        let port = server.port;
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients: Vec<_> = (0..ARREST_CLIENTS)
            .map(|c| {
                let (police, men, stop) = (crew.police.clone(), men.clone(), stop.clone());
                thread::spawn(move || stream_arrests(port, police, men, round, c, stop))
            })
            .collect();
        let (token, reg, stop2) = (crew.facilitator.clone(), register.clone(), stop.clone());
        clients.push(thread::spawn(move || {
            stream_saves(port, token, reg, last_save, stop2)
        }));

        // somewhere between a quarter and one and a quarter seconds in
        thread::sleep(Duration::from_millis(250 + (round as u64 * 397) % 1000));
        let log = server.stop(); // SIGKILL
        stop.store(true, Ordering::SeqCst);
        for client in clients {
            let s = client.join().expect("client thread");
            assert!(
                s.unexpected.is_empty(),
                "round {round}: {:?}\nserver log:\n{log}",
                s.unexpected.first()
            );
            cut += s.cut;
            arrests.extend(s.arrests);
            saves += s.saves.len();
            if let Some(last) = s.saves.last() {
                last_save = *last;
            }
        }
        assert!(
            !log.contains(" 500 "),
            "round {round}: a 500 before the kill:\n{log}"
        );

        server = ServerProcess::start(&db.url, &[]);
        // The register shows the last acknowledged save, or the one that was
        // in flight when the server died, whole: never a mix of the two.
        let shown = register.read(server.port, &crew.facilitator);
        let version = shown["register_version"].as_i64().expect("version");
        let (acked, k) = last_save;
        assert!(
            version == acked || version == acked + 1,
            "round {round}: register at version {version}, last acknowledged {acked}"
        );
        let k_shown = k + (version - acked) as usize;
        assert!(
            register.shows_save(&shown, k_shown),
            "round {round}: the register is not save {k_shown} whole: {shown}"
        );
        last_save = (version, k_shown);
    }

    let conn = raw_connection(&db.url).await;
    let stored: BTreeMap<i64, String> = {
        use sea_orm::{ConnectionTrait, Statement};
        conn.query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT id, location FROM arrests",
        ))
        .await
        .expect("arrests")
        .into_iter()
        .map(|r| {
            (
                r.try_get::<i32>("", "id").map(i64::from).expect("id"),
                r.try_get::<String>("", "location").expect("location"),
            )
        })
        .collect()
    };
    for (id, tag) in &arrests {
        assert_eq!(
            stored.get(id).map(String::as_str),
            Some(format!("London Road {tag}").as_str()),
            "acknowledged arrest {id} ({tag}) is missing or changed"
        );
    }
    let unacknowledged = stored.len() - arrests.len();
    assert!(
        unacknowledged <= cut,
        "{unacknowledged} stored arrests were never acknowledged, but only {cut} requests were cut off"
    );
    assert_eq!(
        count_of(&conn, ARRESTS_WITHOUT_AUDIT).await,
        0,
        "an arrest without its audit entry"
    );
    let sound = assert_database_sound(&db.url).await;
    server.stop();
    println!(
        "crash ({}): {KILLS} kills survived; {} arrests and {saves} register saves acknowledged, all found; \
         {} arrests stored from {cut} requests cut off unanswered; {sound}",
        if db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        arrests.len(),
        unacknowledged,
    );
}
