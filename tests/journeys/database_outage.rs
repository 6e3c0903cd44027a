//! PostgreSQL stops taking connections while the app serves (a restart, a
//! failover): requests get a 503 that says to try again, with Retry-After,
//! never a 500 or a 401 that would sign people out; `/healthz` says the
//! database is down; and the app recovers by itself once the database is
//! back, without a restart. Connections cut while they sat idle are found
//! before they are lent, so a quiet restart goes unnoticed. (PostgreSQL
//! only: a SQLite file cannot go away.)

use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;

use crate::command_line::run;
use crate::support::server::ServerProcess;
use crate::support::{TestDatabase, raw_connection};

#[rocket::async_test]
#[ignore = "takes the database away: run alone, as .ci/run does (cargo test --test journeys -- --ignored --test-threads=1)"]
async fn requests_get_503_while_postgresql_refuses_connections_and_the_app_recovers_by_itself() {
    let db = TestDatabase::shared().await;
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|_| db.is_postgres())
    else {
        println!("database outage: not run on SQLite (set TEST_DATABASE_URL)");
        return;
    };
    let name = db.url.rsplit('/').next().unwrap_or_default().to_string();
    let (code, _, err) = run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "p.outage",
            "--name",
            "P Outage",
            "--role",
            "probation",
            "--password-stdin",
        ],
        "lantern harbour evening tide",
    );
    assert_eq!(code, 0, "{err}");
    let (code, token, err) = run(
        &db.url,
        &[
            "token",
            "create",
            "--username",
            "p.outage",
            "--name",
            "outage",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let bearer = format!("Bearer {}", token.trim());
    let auth = [("Authorization", bearer.as_str())];
    let server = ServerProcess::start(&db.url, &[]);
    assert_eq!(server.request("GET", "/api/v1/me", &auth).0, 200);

    let admin = raw_connection(&admin_url).await;
    let sql = |s: String| {
        let admin = admin.clone();
        async move { admin.execute_unprepared(&s).await.expect("admin statement") }
    };
    let cut_every_connection =
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");

    // a restart in a quiet hour cuts connections that sat idle: each is
    // pinged before it is lent, found cut and replaced, so nobody notices
    sql(cut_every_connection.clone()).await;
    std::thread::sleep(kerbside::db::PG_PING_IF_IDLE_FOR + Duration::from_millis(300));
    let (status, answer) = server.request("GET", "/api/v1/me", &auth);
    assert_eq!(status, 200, "after idle connections were cut: {answer}");

    sql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    sql(cut_every_connection).await;

    let (status, answer) = server.request("GET", "/api/v1/me", &auth);
    assert_eq!(
        status, 503,
        "a valid token while the database is away: {answer}"
    );
    assert!(answer.contains("try again"), "{answer}");
    assert!(answer.to_lowercase().contains("retry-after: 5"), "{answer}");
    for probe in ["/healthz", "/readyz"] {
        let (status, answer) = server.request("GET", probe, &[]);
        assert_eq!(status, 503, "{probe}: {answer}");
        assert!(answer.contains("the database does not answer"), "{answer}");
    }
    let (status, answer) =
        server.request("GET", "/people", &[("Cookie", "kerbside_session=stale")]);
    assert_ne!(status, 500, "{answer}");

    sql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    let back = Instant::now();
    loop {
        let (status, answer) = server.request("GET", "/api/v1/me", &auth);
        if status == 200 {
            break;
        }
        assert!(status == 503, "only 503 while recovering: {answer}");
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "not recovered in 15 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    println!(
        "database outage: 503 while refused, recovered {} ms after the database came back",
        back.elapsed().as_millis()
    );
    let log = server.stop();
    assert!(!log.contains(" 500 "), "no request failed with 500:\n{log}");
}
