//! The app starts, answers health checks, describes its API, and every page
//! is built on the accessible shell.

use kerbside::domain::roles::Role;
use rocket::http::Status;

use crate::support::{Browser, TestApp, api};

#[rocket::async_test]
async fn the_health_check_says_ok_when_the_database_answers() {
    let app = TestApp::start().await;
    let r = api(&app, "GET", "/healthz", None, None).await;
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
}

#[rocket::async_test]
async fn an_anonymous_visitor_to_the_home_page_is_sent_to_sign_in() {
    let app = TestApp::start().await;
    let r = Browser::new().get(&app, "/").await;
    assert!(r.redirects_to("/sign-in"), "{:?}", r.location);
}

#[rocket::async_test]
async fn the_openapi_document_lists_exactly_the_mounted_api_routes() {
    let app = TestApp::start().await;
    let doc = api(&app, "GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert!(doc["info"]["title"].is_string());
    let mut documented: Vec<String> = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("ops") {
            assert!(op["responses"].is_object(), "{method} {path} has responses");
            documented.push(format!("{} /api/v1{}", method.to_uppercase(), path));
        }
    }
    let mut mounted: Vec<String> = app
        .client
        .rocket()
        .routes()
        .filter(|r| r.uri.path().starts_with("/api/v1"))
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                r.uri.path().replace('<', "{").replace('>', "}")
            )
        })
        .collect();
    documented.sort();
    mounted.sort();
    assert_eq!(documented, mounted);
}

fn assert_accessible_shell(path: &str, html: &str) {
    assert!(html.contains("<html lang=\"en-GB\">"), "{path}: lang");
    assert_eq!(html.matches("<h1").count(), 1, "{path}: exactly one h1");
    assert!(html.contains("href=\"#main-content\""), "{path}: skip link");
    assert!(
        html.contains("id=\"main-content\""),
        "{path}: main landmark"
    );
    assert!(
        html.contains("OFFICIAL-SENSITIVE"),
        "{path}: classification banner"
    );
    // every visible input has a label pointing at it
    for chunk in html.split("<input").skip(1) {
        let tag = chunk.split('>').next().unwrap_or("");
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
        assert!(
            html.contains(&format!("for=\"{id}\"")),
            "{path}: no label for input {id}"
        );
    }
    for chunk in html.split("<select").skip(1) {
        let id = chunk
            .split("id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("select id");
        assert!(
            html.contains(&format!("for=\"{id}\"")),
            "{path}: no label for select {id}"
        );
    }
}

#[rocket::async_test]
async fn every_page_has_a_language_one_heading_a_skip_link_and_labelled_inputs() {
    let app = TestApp::start().await;
    let mut anon = Browser::new();
    for path in ["/sign-in", "/no-such-page"] {
        let r = anon.get(&app, path).await;
        assert_accessible_shell(path, &r.body);
    }
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let police_id = app.create_user("pc.page", &[Role::Police]).await;
    for path in [
        "/".to_string(),
        "/account".into(),
        "/account/password".into(),
        "/admin/users".into(),
        "/admin/users/new".into(),
        format!("/admin/users/{police_id}"),
        "/admin/sessions".into(),
        "/admin/audit".into(),
        "/session/expiring".into(),
        "/api-docs-do-not-exist".into(),
    ] {
        let r = admin.get(&app, &path).await;
        assert!(
            r.status == Status::Ok || r.status == Status::NotFound,
            "{path}: {}",
            r.status
        );
        assert_accessible_shell(&path, &r.body);
    }
    let mut police = app.signed_in(&[Role::Police]).await;
    let r = police.get(&app, "/admin/users").await;
    assert_eq!(r.status, Status::Forbidden);
    assert_accessible_shell("/admin/users as police", &r.body);
}

#[rocket::async_test]
async fn api_errors_use_the_json_error_format() {
    let app = TestApp::start().await;
    let r = api(&app, "GET", "/api/v1/me", None, None).await;
    assert_eq!(r.status, Status::Unauthorized);
    assert_eq!(r.json()["error"]["code"], "unauthorized");
    // without a token, 401 comes before anything else, even an unknown path
    let r = api(&app, "GET", "/api/v1/no-such-thing", None, None).await;
    assert_eq!(r.status, Status::Unauthorized);
    let token = app.token(&[Role::Police]).await;
    let r = api(&app, "GET", "/api/v1/no-such-thing", Some(&token), None).await;
    assert_eq!(r.status, Status::NotFound);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[rocket::async_test]
async fn every_answer_carries_the_security_headers_and_no_server_banner() {
    let app = TestApp::start().await;
    let mut b = Browser::new();
    for path in ["/sign-in", "/healthz", "/api/v1/openapi.json", "/nowhere"] {
        let r = b.get(&app, path).await;
        let csp = r.header("Content-Security-Policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(r.header("Referrer-Policy"), Some("same-origin"));
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
        assert_eq!(r.header("Server"), None, "{path}");
        assert_eq!(
            r.header("Strict-Transport-Security"),
            None,
            "{path}: no HSTS over plain HTTP"
        );
    }
    let css = b.get(&app, "/static/app.css").await;
    assert_eq!(css.status, Status::Ok);
}

#[rocket::async_test]
async fn over_https_cookies_are_host_prefixed_and_secure_and_hsts_is_sent() {
    let app = TestApp::start_with(|s| kerbside::config::Settings { https: true, ..s }).await;
    app.create_user("secure.user", &[Role::Police]).await;
    let mut b = Browser::new();
    b.get(&app, "/sign-in").await;
    let token = b.csrf.clone();
    let body = format!(
        "csrf_token={token}&username=secure.user&password={}",
        crate::support::urlencode(crate::support::PASSWORD)
    );
    let mut req = app
        .client
        .post("/sign-in")
        .header(rocket::http::ContentType::Form)
        .body(body);
    for (k, v) in &b.cookies {
        req = req.cookie(rocket::http::Cookie::new(k.clone(), v.clone()));
    }
    let res = req.dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    let cookie = res
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("__Host-kerbside_session="))
        .expect("host cookie")
        .to_string();
    assert!(
        cookie.contains("Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(res.headers().get_one("Strict-Transport-Security").is_some());
}

#[rocket::async_test]
async fn a_form_that_is_too_large_gets_a_clear_413() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, "/admin/users/new").await;
    let huge = "x".repeat(100 * 1024);
    let r = admin
        .post(
            &app,
            "/admin/users",
            &[
                ("username", "big"),
                ("display_name", &huge),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, Status::PayloadTooLarge);
    assert!(r.body.contains("too large"));
    let users_before = app.count("users").await;
    let token = app.token(&[Role::Admin]).await;
    let r = api(
        &app,
        "POST",
        "/api/v1/users",
        Some(&token),
        Some(
            serde_json::json!({"username": "big.api", "name": "x".repeat(2 * 1024 * 1024),
            "roles": ["police"], "password": "lantern harbour morning"}),
        ),
    )
    .await;
    assert_eq!(r.status, Status::PayloadTooLarge, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    assert_eq!(
        app.count("users").await,
        users_before + 1,
        "only the token's own user was made"
    );
}

#[rocket::async_test]
async fn migrations_run_up_then_down_then_up_again() {
    use migration::{Migrator, MigratorTrait};
    let db = crate::support::TestDatabase::fresh().await;
    let conn = kerbside::db::connect(&db.url).await.expect("connect");
    Migrator::up(&conn, None).await.expect("up");
    let applied = Migrator::get_applied_migrations(&conn)
        .await
        .expect("applied")
        .len();
    assert_eq!(applied, Migrator::migrations().len());
    Migrator::down(&conn, None).await.expect("down");
    assert!(
        Migrator::get_applied_migrations(&conn)
            .await
            .expect("applied")
            .is_empty()
    );
    Migrator::up(&conn, None).await.expect("up again");
    assert_eq!(
        Migrator::get_applied_migrations(&conn)
            .await
            .expect("applied")
            .len(),
        applied
    );
}

#[rocket::async_test]
async fn dates_far_outside_1900_to_2100_get_a_clear_answer_never_a_server_error() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let r = api(
        &app,
        "GET",
        "/api/v1/arrests?from=-262143-01-01",
        Some(&police),
        None,
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity, "{}", r.body);
    assert!(r.json()["error"]["fields"]["from"].is_string());
    let r = api(
        &app,
        "GET",
        "/api/v1/arrests?to=9999-12-31",
        Some(&police),
        None,
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    let mut officer = app.signed_in(&[Role::Police]).await;
    for path in [
        "/arrests?from=-262143-01-01",
        "/arrests.csv?from=-262143-01-01&to=262142-12-31",
    ] {
        let r = officer.get(&app, path).await;
        assert!(r.status.code < 500, "{path}: {}", r.status);
    }
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let r = admin.get(&app, "/admin/audit?from=-262143-01-01").await;
    assert!(r.status.code < 500, "audit: {}", r.status);
    let ogrs3 = serde_json::json!({"sex": "male", "date_of_birth": "-262143-01-01",
        "conviction_date": "2025-05-13", "follow_up_start_date": "2026-12-06",
        "age_at_first_sanction": 47, "first_sanction_date": null, "total_sanctions": 2,
        "offence_category": "soliciting_or_prostitution", "current_sanction": "conviction"});
    let r = api(
        &app,
        "POST",
        "/api/v1/calculators/ogrs3",
        Some(&police),
        Some(ogrs3),
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity, "{}", r.body);
    assert!(
        r.json()["error"]["fields"]["date_of_birth"]
            .as_str()
            .unwrap_or_default()
            .contains("1900"),
        "{}",
        r.body
    );
}

/// A server's state on a new SQLite file in the temporary folder, migrated.
async fn app_on_a_sqlite_file(name: &str) -> (kerbside::state::AppState, std::path::PathBuf) {
    let file = std::env::temp_dir().join(format!("kerbside-{name}-{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let db = kerbside::db::connect_and_migrate(&url)
        .await
        .expect("connect");
    let app = kerbside::state::AppState::new(
        db,
        crate::support::test_settings(&url),
        kerbside::clock::FixedClock::at(crate::support::start_time()),
    );
    (app, file)
}

/// Close `app` and remove its file with its WAL, shared memory and lock.
fn remove_sqlite_file(app: kerbside::state::AppState, file: &std::path::Path) {
    drop(app);
    for suffix in ["", "-wal", "-shm", ".migrate-lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

#[rocket::async_test]
async fn on_a_sqlite_file_writes_go_through_one_connection_with_a_larger_cache_and_are_read_at_once()
 {
    use kerbside::db::write_turn::WRITER_CACHE_KIB;
    use sea_orm::{ConnectionTrait, Statement};
    let (app, file) = app_on_a_sqlite_file("writer").await;
    async fn cache(c: &impl ConnectionTrait) -> Option<i64> {
        c.query_one_raw(Statement::from_string(
            c.get_database_backend(),
            "PRAGMA cache_size",
        ))
        .await
        .expect("pragma")
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
    }
    assert!(
        !app.db
            .get_sqlite_connection_pool()
            .options()
            .get_test_before_acquire(),
        "no ping before each statement: a file cannot hang up"
    );
    let txn = app.begin_write().await.expect("a write");
    assert_eq!(
        cache(&txn).await,
        Some(-i64::from(WRITER_CACHE_KIB)),
        "the write runs on the writer"
    );
    txn.execute_unprepared(
        "CREATE TABLE writer_test (value TEXT); INSERT INTO writer_test VALUES ('written')",
    )
    .await
    .expect("insert");
    txn.commit().await.expect("commit");
    assert_ne!(
        cache(&app.db).await,
        Some(-i64::from(WRITER_CACHE_KIB)),
        "reads run on the pool, not the writer"
    );
    let read = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT value FROM writer_test",
        ))
        .await
        .expect("read")
        .and_then(|row| row.try_get_by_index::<String>(0).ok());
    assert_eq!(
        read.as_deref(),
        Some("written"),
        "a reader sees the commit at once"
    );
    remove_sqlite_file(app, &file);
}

#[rocket::async_test]
async fn on_a_sqlite_file_the_writer_never_checkpoints_its_commits_reach_the_file_soon_after_and_the_wal_starts_again_under_load()
 {
    use kerbside::db::write_turn::{
        CHECKPOINT_AFTER, CHECKPOINT_IN_TURN_AT_FRAMES, CHECKPOINT_IN_TURN_EVERY, WAL_KEPT_BYTES,
    };
    use sea_orm::{ConnectionTrait, Statement};
    let (app, file) = app_on_a_sqlite_file("checkpoint").await;
    let txn = app.begin_write().await.expect("a write");
    let autocheckpoint = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "PRAGMA wal_autocheckpoint",
        ))
        .await
        .expect("pragma")
        .and_then(|row| row.try_get_by_index::<i64>(0).ok());
    assert_eq!(
        autocheckpoint,
        Some(0),
        "no checkpoint inside the turn, holding up the writers behind it"
    );
    txn.execute_unprepared("CREATE TABLE checkpoint_test (b BLOB)")
        .await
        .expect("create");
    txn.commit().await.expect("commit");
    let size = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let before = size();
    const MIB: u64 = 1024 * 1024;
    for _ in 0..4 {
        let txn = app.begin_write().await.expect("a write");
        txn.execute_unprepared("INSERT INTO checkpoint_test VALUES (randomblob(1048576))")
            .await
            .expect("insert");
        txn.commit().await.expect("commit");
    }
    let mut waited = std::time::Duration::ZERO;
    while size() < before + 4 * MIB && waited < 50 * CHECKPOINT_AFTER {
        tokio::time::sleep(CHECKPOINT_AFTER).await;
        waited += CHECKPOINT_AFTER;
    }
    assert!(
        size() >= before + 4 * MIB,
        "4 MiB committed, the file grew from {before} to {} bytes in {waited:?}: \
         the WAL was not copied into it",
        size()
    );

    // A commit past the length at which the checkpointer takes the turn,
    // then writes back to back, as under load: a checkpoint alongside them
    // never copies everything, so only one in the turn lets the WAL start
    // again and be cut back to its kept length.
    let wal = || {
        std::fs::metadata(format!("{}-wal", file.display()))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let over = (CHECKPOINT_IN_TURN_AT_FRAMES as u64 * 4096).div_ceil(MIB) + 8;
    let txn = app.begin_write().await.expect("a write");
    for _ in 0..over {
        txn.execute_unprepared("INSERT INTO checkpoint_test VALUES (randomblob(1048576))")
            .await
            .expect("insert");
    }
    txn.commit().await.expect("commit");
    assert!(wal() >= over * MIB, "the commit is in the WAL first");
    let started = std::time::Instant::now();
    let longest = 10 * CHECKPOINT_IN_TURN_EVERY;
    while wal() > WAL_KEPT_BYTES as u64 && started.elapsed() < longest {
        let txn = app.begin_write().await.expect("a write");
        txn.execute_unprepared("INSERT INTO checkpoint_test VALUES (x'00')")
            .await
            .expect("insert");
        txn.commit().await.expect("commit");
    }
    assert!(
        wal() <= WAL_KEPT_BYTES as u64,
        "{over} MiB committed, then writes back to back for {:?}: the WAL still holds {} bytes",
        started.elapsed(),
        wal()
    );
    assert!(
        size() >= before + (4 + over) * MIB,
        "and the file holds it all"
    );
    remove_sqlite_file(app, &file);
}

#[rocket::async_test]
async fn a_sqlite_file_runs_in_wal_mode_with_commits_that_do_not_wait_for_the_disk() {
    use sea_orm::{ConnectionTrait, Statement};
    let file = std::env::temp_dir().join(format!("kerbside-pragma-{}.db", std::process::id()));
    let url = format!("sqlite://{}", file.display());
    let db = kerbside::db::connect(&url).await.expect("connect");
    let pragma = |name: &'static str| {
        let db = &db;
        async move {
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("PRAGMA {name}"),
                ))
                .await
                .expect("pragma")
                .expect("a row");
            row.try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("value")
        }
    };
    assert_eq!(pragma("journal_mode").await, "wal");
    assert_eq!(pragma("synchronous").await, "1", "NORMAL");
    drop(db);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
