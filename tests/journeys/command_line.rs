//! The `kerbside` binary: usage errors, user and token creation, backup, and
//! several servers starting at once on one database.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::TestDatabase;

fn kerbside(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kerbside"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("ROCKET_LOG_LEVEL", "off");
    c
}

pub(crate) fn run(db: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = kerbside(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn unknown_commands_and_bad_flags_print_usage_and_exit_2() {
    for args in [
        vec!["launch"],
        vec!["backup"],
        vec!["user", "create", "--username", "x"],
        vec!["token", "create", "--bogus", "1"],
    ] {
        let (code, _, err) = run("sqlite::memory:", &args, "");
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains("Usage:"), "{args:?}: {err}");
    }
}

#[rocket::async_test]
async fn the_command_line_creates_users_and_tokens_and_refuses_weak_passwords() {
    let db = TestDatabase::shared().await;
    let (code, out, err) = run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.cli",
            "--name",
            "Pat Cli",
            "--role",
            "police",
            "--role",
            "manager",
            "--password-stdin",
        ],
        "harbour lantern evening\n",
    );
    assert_eq!(code, 0, "{out} {err}");
    let (code, _, err) = run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.cli",
            "--name",
            "Pat Cli",
            "--role",
            "police",
            "--password-stdin",
        ],
        "harbour lantern evening\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("already taken"), "{err}");
    let (code, _, err) = run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.weak",
            "--name",
            "Weak",
            "--role",
            "police",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("password: Password must be at least 12"),
        "{err}"
    );
    let (code, _, err) = run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.keys",
            "--name",
            "Keys",
            "--role",
            "police",
            "--password-stdin",
        ],
        "qwertyuiopas\n",
    );
    assert_eq!(code, 1, "a keyboard walk is refused");
    assert!(
        err.contains("password: Password is too easy to guess.")
            && err.contains("Add another word"),
        "the estimator's advice is given: {err}"
    );
    let (code, _, err) = run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.odd",
            "--name",
            "Odd",
            "--role",
            "chief",
            "--password-stdin",
        ],
        "harbour lantern evening\n",
    );
    assert_eq!(code, 2, "an unknown role is a usage error");
    assert!(
        err.contains("invalid value 'chief'") && err.contains("possible values: police"),
        "{err}"
    );
    let (code, out, err) = run(
        &db.url,
        &[
            "token",
            "create",
            "--username",
            "pc.cli",
            "--name",
            "nightly",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.trim().starts_with("kbs_") && out.trim().len() > 60);
    let (code, _, err) = run(
        &db.url,
        &["token", "create", "--username", "nobody", "--name", "x"],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("no user"));
}

#[rocket::async_test]
async fn backup_copies_the_sqlite_database_or_explains_pg_dump() {
    let db = TestDatabase::shared().await;
    run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.backup",
            "--name",
            "B",
            "--role",
            "police",
            "--password-stdin",
        ],
        "harbour lantern evening\n",
    );
    let target = std::env::temp_dir().join(format!(
        "kerbside-backup-{}-{}.db",
        std::process::id(),
        db.url.len()
    ));
    let _ = std::fs::remove_file(&target);
    let t = target.display().to_string();
    let (code, out, err) = run(&db.url, &["backup", "--to", &t], "");
    if db.is_postgres() {
        assert_eq!(code, 1);
        assert!(err.contains("pg_dump"), "{err}");
        return;
    }
    assert_eq!(code, 0, "{out} {err}");
    let copy = kerbside::db::connect(&format!("sqlite://{t}?mode=rwc"))
        .await
        .expect("open backup");
    assert_eq!(
        kerbside::db::users_repo::count(&copy).await.expect("count"),
        1
    );
    let (code, _, err) = run(&db.url, &["backup", "--to", &t], "");
    assert_eq!(code, 1, "refuses to overwrite");
    assert!(err.contains("already exists"));
    let _ = std::fs::remove_file(&target);
}

#[test]
fn an_unreachable_database_stops_start_up_with_one_clear_line() {
    let (code, _, err) = run("postgres://nobody@127.0.0.1:1/none", &["serve"], "");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("kerbside: cannot connect to the database"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"));
}

#[rocket::async_test]
async fn two_servers_started_together_on_a_fresh_database_both_come_up_and_migrate_once() {
    use migration::MigratorTrait;
    let db = TestDatabase::shared().await;
    // Both start at the same moment, each on a port of the system's choosing.
    let servers: Vec<crate::support::server::ServerProcess> = std::thread::scope(|s| {
        let starts: Vec<_> = (0..2)
            .map(|_| s.spawn(|| crate::support::server::ServerProcess::start(&db.url, &[])))
            .collect();
        starts
            .into_iter()
            .map(|h| h.join().expect("a server started"))
            .collect()
    });
    assert_ne!(servers[0].port, servers[1].port);
    for server in &servers {
        let (status, body) = server.request("GET", "/healthz", &[]);
        assert_eq!(status, 200, "{body}\n{}", server.output());
        assert!(body.contains("\"status\":\"ok\""), "{body}");
    }
    for server in servers {
        server.stop();
    }
    let conn = kerbside::db::connect(&db.url).await.expect("connect");
    let applied = migration::Migrator::get_applied_migrations(&conn)
        .await
        .expect("applied");
    assert_eq!(
        applied.len(),
        migration::Migrator::migrations().len(),
        "each migration applied exactly once"
    );
    assert_eq!(
        kerbside::db::users_repo::count(&conn).await.expect("count"),
        0
    );
}

#[rocket::async_test]
async fn the_server_log_never_carries_a_query_string_or_a_name() {
    let db = crate::support::TestDatabase::shared().await;
    let server = crate::support::server::ServerProcess::start(&db.url, &[]);
    for path in [
        "/nowhere?surname=Wisniewski&date_of_birth=1980-01-01",
        "/people?q=Wisniewski",
        "/api/v1/people?q=Wisniewski&date_of_birth=1980-01-01",
        "/static/nothing?name=Wisniewski",
    ] {
        let (status, _) = server.request("GET", path, &[]);
        assert!(status > 0, "{path}");
    }
    let log = server.stop();
    assert!(
        log.contains("GET /nowhere 404"),
        "each request is logged: {log}"
    );
    assert!(
        !log.contains("Wisniewski"),
        "a name reached the log:\n{log}"
    );
    assert!(
        !log.contains("1980-01-01"),
        "a date of birth reached the log:\n{log}"
    );
    assert!(!log.contains('?'), "a query string reached the log:\n{log}");
}

#[test]
fn a_server_started_away_from_its_pages_says_so_in_one_line_instead_of_crashing() {
    let out = kerbside("sqlite::memory:")
        .arg("serve")
        .current_dir(std::env::temp_dir())
        .env("ROCKET_PORT", "0")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    assert!(err.contains("KERBSIDE_TEMPLATE_DIR"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn a_release_server_refuses_a_published_or_weak_secret_key_with_one_line() {
    for key in [
        "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ] {
        let mut c = kerbside("sqlite::memory:");
        let out = c
            .arg("serve")
            .env("ROCKET_PROFILE", "release")
            .env("ROCKET_SECRET_KEY", key)
            .env("ROCKET_PORT", "0")
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{key}: {err}");
        assert!(err.starts_with("kerbside: ROCKET_SECRET_KEY"), "{err}");
        assert!(err.contains("openssl rand -base64 32"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[rocket::async_test]
async fn seed_demo_fills_an_empty_database_with_every_kind_of_record_once() {
    let db = TestDatabase::shared().await;
    let url = db.url.clone();
    let conn = crate::support::raw_connection(&url).await;
    kerbside::db::migrate(&conn).await.expect("migrated");
    // run from a folder without templates/ or static/: the seeding needs
    // neither, so a newcomer can run it from anywhere
    let elsewhere = kerbside(&url)
        .current_dir(std::env::temp_dir())
        .args(["seed-demo", "--scale", "30", "--seed", "7"])
        .output()
        .expect("seed-demo runs");
    let (code, out, err) = (
        elsewhere.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&elsewhere.stdout).to_string(),
        String::from_utf8_lossy(&elsewhere.stderr).to_string(),
    );
    assert_eq!(code, 0, "{out} {err}");
    assert!(out.contains("Made 30 men"), "{out}");
    for role in [
        "police",
        "probation",
        "facilitator",
        "manager",
        "admin",
        "auditor",
    ] {
        assert!(
            out.contains(&format!("demo.{role}")),
            "no password for {role}: {out}"
        );
    }
    let count = |sql: &'static str| {
        let conn = conn.clone();
        async move {
            use sea_orm::ConnectionTrait;
            conn.query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                sql,
            ))
            .await
            .expect("count")
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(-1)
        }
    };
    assert_eq!(count("SELECT COUNT(*) AS n FROM people").await, 30);
    for (what, sql) in [
        ("arrests", "SELECT COUNT(*) AS n FROM arrests"),
        (
            "assessments",
            "SELECT COUNT(*) AS n FROM assessments WHERE status = 'completed'",
        ),
        ("cohorts", "SELECT COUNT(*) AS n FROM cohorts"),
        ("enrolments", "SELECT COUNT(*) AS n FROM enrolments"),
        ("attendance", "SELECT COUNT(*) AS n FROM attendance_marks"),
        (
            "audited as the demo police officer",
            "SELECT COUNT(*) AS n FROM audit_log WHERE actor_username = 'demo.police' AND action = 'collect'",
        ),
    ] {
        assert!(count(sql).await > 0, "no {what}");
    }
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM api_tokens WHERE revoked_at IS NULL").await,
        0,
        "the seeding tokens are revoked"
    );
    let (code, _, err) = run(&url, &["seed-demo"], "");
    assert_eq!(code, 1, "a second run is refused");
    assert!(err.contains("already holds 30 people"), "{err}");
}
