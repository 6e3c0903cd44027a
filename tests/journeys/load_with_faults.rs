//! Sixty-four clients keep a server busy for a minute (searches, person
//! records, arrest lists, and new arrests); halfway through the server is
//! killed with SIGKILL and started again. No request is answered 500 (the
//! restart window gives refused connections, never wrong answers), and every
//! arrest that was answered 201 is in the database: the stored count lies
//! between the acknowledged writes and those plus the writes cut off
//! unanswered. `KERBSIDE_LOAD_SECONDS` shortens the minute for a quick run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::TestDatabase;
use crate::support::live::{
    ARRESTS_WITHOUT_AUDIT, Crew, api, arrest_body, assert_database_sound, count_of, letters,
    new_man,
};
use crate::support::raw_connection;
use crate::support::server::ServerProcess;

const CLIENTS: usize = 64;

/// What one client saw.
#[derive(Default, Debug)]
struct Tally {
    reads: usize,
    acknowledged_writes: usize,
    /// Writes sent but never answered: they may or may not have landed.
    cut_writes: usize,
    /// Requests refused at connect while the server was down.
    refused: usize,
    /// Answers that are not a success.
    failures: Vec<String>,
}

fn client(
    n: usize,
    port: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
    police: String,
    men: Arc<Vec<i64>>,
) -> Tally {
    let mut t = Tally::default();
    for i in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let p = port.load(Ordering::SeqCst);
        let man = men[(n * 7 + i) % men.len()];
        let write = i % 4 == 3;
        let answer = if write {
            let body = arrest_body(man, &format!("load{n}x{i}"));
            api(p, "POST", "/api/v1/arrests", &police, Some(&body))
        } else {
            let path = match i % 4 {
                0 => format!("/api/v1/people/{man}"),
                1 => format!("/api/v1/people?q=Loadman+{}", letters(i % 20)),
                _ => "/api/v1/arrests?area=Central".to_string(),
            };
            api(p, "GET", &path, &police, None)
        };
        match answer {
            Ok(a) if a.status == 200 || a.status == 201 => {
                if write {
                    t.acknowledged_writes += 1;
                } else {
                    t.reads += 1;
                }
            }
            Ok(a) => t.failures.push(format!("{} {}", a.status, a.body)),
            Err(e) => {
                // refused at connect: never sent; otherwise sent and cut off
                if e.kind() == std::io::ErrorKind::ConnectionRefused {
                    t.refused += 1;
                } else if write {
                    t.cut_writes += 1;
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
    }
    t
}

#[rocket::async_test]
#[ignore = "a minute of load with a kill: run alone, as .ci/run does (cargo test --test journeys -- --ignored --test-threads=1)"]
async fn sixty_four_clients_through_a_kill_and_restart_get_no_500_and_every_acknowledged_write_is_kept()
 {
    let seconds: u64 = std::env::var("KERBSIDE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let db = TestDatabase::shared().await;
    let crew = Crew::hire(&db.url);
    let mut server = ServerProcess::start(&db.url, &[]);
    let men: Arc<Vec<i64>> = Arc::new(
        (0..20)
            .map(|i| new_man(server.port, &crew.police, &format!("Loadman{}", letters(i))))
            .collect(),
    );
    let port = Arc::new(AtomicU16::new(server.port));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (port, stop, police, men) =
                (port.clone(), stop.clone(), crew.police.clone(), men.clone());
            thread::spawn(move || client(n, port, stop, police, men))
        })
        .collect();

    let started = Instant::now();
    thread::sleep(Duration::from_secs(seconds / 2));
    let before_kill = server.stop(); // SIGKILL
    let killed = Instant::now();
    server = ServerProcess::start(&db.url, &[]);
    port.store(server.port, Ordering::SeqCst);
    let window = killed.elapsed();
    thread::sleep(Duration::from_secs(seconds).saturating_sub(started.elapsed()));
    stop.store(true, Ordering::SeqCst);

    let mut total = Tally::default();
    for c in clients {
        let t = c.join().expect("client thread");
        total.reads += t.reads;
        total.acknowledged_writes += t.acknowledged_writes;
        total.cut_writes += t.cut_writes;
        total.refused += t.refused;
        total.failures.extend(t.failures);
    }
    let after_restart = server.stop();
    assert!(
        total.failures.is_empty(),
        "{} requests failed, first: {:?}",
        total.failures.len(),
        total.failures.first()
    );
    for log in [&before_kill, &after_restart] {
        assert!(!log.contains(" 500 "), "a 500 in the server's log:\n{log}");
    }
    assert!(
        total.acknowledged_writes > 0 && total.reads > 0,
        "{total:?}"
    );

    let conn = raw_connection(&db.url).await;
    let stored = count_of(
        &conn,
        "SELECT count(*) AS n FROM arrests WHERE location LIKE 'London Road load%'",
    )
    .await as usize;
    assert!(
        stored >= total.acknowledged_writes,
        "{stored} arrests stored, {} acknowledged",
        total.acknowledged_writes
    );
    assert!(
        stored <= total.acknowledged_writes + total.cut_writes,
        "{stored} stored is more than {} acknowledged and {} cut off",
        total.acknowledged_writes,
        total.cut_writes
    );
    assert_eq!(count_of(&conn, ARRESTS_WITHOUT_AUDIT).await, 0);
    let sound = assert_database_sound(&db.url).await;
    println!(
        "load with a kill ({}): {CLIENTS} clients for {seconds} s, {:.0} requests/s; {} reads and {} writes answered, \
         no 500; killed at {} s, serving again {} ms later ({} requests refused meanwhile); \
         {stored} arrests stored for {} acknowledged and {} cut off; {sound}",
        if db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        (total.reads + total.acknowledged_writes) as f64 / seconds as f64,
        total.reads,
        total.acknowledged_writes,
        seconds / 2,
        window.as_millis(),
        total.refused,
        total.acknowledged_writes,
        total.cut_writes,
    );
}
