//! The audit log is append-only at the database level, records sign-ins and
//! account changes, and can be searched and exported by administrators.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use sea_orm::{ConnectionTrait, Statement};

use crate::support::TestApp;

#[rocket::async_test]
async fn the_database_refuses_to_update_or_delete_audit_entries() {
    let app = TestApp::start().await;
    app.signed_in(&[Role::Police]).await;
    let before = app.count("audit_log").await;
    assert!(before >= 2);
    let db = app.db();
    let backend = db.get_database_backend();
    let update = db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE audit_log SET action = 'consult'",
        ))
        .await;
    assert!(update.is_err(), "UPDATE must fail");
    assert!(
        update
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("append-only")
    );
    let delete = db
        .execute_raw(Statement::from_string(backend, "DELETE FROM audit_log"))
        .await;
    assert!(delete.is_err(), "DELETE must fail");
    assert_eq!(app.count("audit_log").await, before);
}

#[rocket::async_test]
async fn an_insert_cannot_overwrite_an_audit_entry_on_either_database() {
    let app = TestApp::start().await;
    app.signed_in(&[Role::Police]).await;
    let db = app.db();
    let backend = db.get_database_backend();
    let first = |col: &str| {
        format!("(SELECT {col} FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log))")
    };
    let original_action = app
        .count(&format!(
            "audit_log WHERE id = (SELECT MIN(id) FROM audit_log) AND action = {}",
            first("action")
        ))
        .await;
    assert_eq!(original_action, 1);
    let columns = "(id, at, actor_username, action)";
    let values = format!(
        "((SELECT MIN(id) FROM audit_log), {}, 'forger', 'consult')",
        first("at")
    );
    let mut attempts = vec![
        format!("INSERT INTO audit_log {columns} VALUES {values}"),
        format!(
            "INSERT INTO audit_log {columns} VALUES {values} ON CONFLICT (id) DO UPDATE SET actor_username = 'forger'"
        ),
    ];
    if backend == sea_orm::DbBackend::Sqlite {
        attempts.push(format!("REPLACE INTO audit_log {columns} VALUES {values}"));
        attempts.push(format!(
            "INSERT OR REPLACE INTO audit_log {columns} VALUES {values}"
        ));
    }
    let before = app.count("audit_log").await;
    for sql in attempts {
        let r = db
            .execute_raw(Statement::from_string(backend, sql.clone()))
            .await;
        assert!(r.is_err(), "must be refused: {sql}");
    }
    assert_eq!(app.count("audit_log").await, before);
    assert_eq!(
        app.count("audit_log WHERE actor_username = 'forger'").await,
        0,
        "no entry was overwritten"
    );
}

#[rocket::async_test]
async fn sign_in_sign_out_and_account_changes_are_audited_with_old_and_new_values() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let id = app.create_user("pc.roles", &[Role::Police]).await;
    admin.get(&app, &format!("/admin/users/{id}")).await;
    admin
        .post(
            &app,
            &format!("/admin/users/{id}/roles"),
            &[("roles", "police"), ("roles", "probation")],
        )
        .await;
    admin.post(&app, "/sign-out", &[]).await;
    let actions = app.audit_actions().await;
    for expected in [
        "user_created:user",
        "login:user",
        "user_changed:user",
        "logout:user",
    ] {
        assert!(
            actions.contains(&expected.to_string()),
            "{expected} in {actions:?}"
        );
    }
    let row = app
        .db()
        .query_one_raw(Statement::from_string(
            app.db().get_database_backend(),
            "SELECT changes FROM audit_log WHERE action = 'user_changed' AND changes IS NOT NULL",
        ))
        .await
        .expect("query")
        .expect("row");
    let changes: String = row.try_get("", "changes").expect("changes");
    let v: serde_json::Value = serde_json::from_str(&changes).expect("json");
    assert_eq!(v[0]["field"], "roles");
    assert_eq!(v[0]["old"], serde_json::json!(["police"]));
    assert_eq!(v[0]["new"], serde_json::json!(["police", "probation"]));
}

#[rocket::async_test]
async fn an_administrator_searches_and_exports_the_audit_log_and_the_export_is_itself_recorded() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let police = app.signed_in(&[Role::Police]).await;
    let page = admin
        .get(
            &app,
            &format!("/admin/audit?user={}&action=login", police.username),
        )
        .await;
    assert_eq!(page.status, Status::Ok);
    let rows = crate::support::table_rows(&page.body);
    assert_eq!(rows.len(), 1, "one sign-in by that user: {rows:?}");
    assert!(
        rows[0][1].contains(&police.username) && rows[0][2] == "login",
        "the row is the user's sign-in: {:?}",
        rows[0]
    );
    let csv = admin.get(&app, "/admin/audit.csv?action=login").await;
    assert_eq!(csv.status, Status::Ok);
    assert!(
        csv.header("Content-Type")
            .is_some_and(|c| c.contains("csv"))
    );
    assert!(csv.body.starts_with("id,at_utc,user,"));
    assert_eq!(
        csv.body.lines().count(),
        3,
        "header and two sign-ins: {}",
        csv.body
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"disclose:audit_log".to_string())
    );
}

#[rocket::async_test]
async fn a_search_a_list_and_an_export_each_name_the_men_they_showed() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let mut ids = Vec::new();
    for (surname, dob) in [("Alder", "1970-01-01"), ("Alden", "1971-02-02")] {
        let p = crate::support::api(
            &app,
            "POST",
            "/api/v1/people",
            Some(&token),
            Some(serde_json::json!({"surname": surname, "forenames": "Tom", "date_of_birth": dob, "sex": "male"})),
        )
        .await
        .json();
        let id = p["id"].as_i64().expect("id") as i32;
        let a = crate::support::api(
            &app,
            "POST",
            "/api/v1/arrests",
            Some(&token),
            Some(
                serde_json::json!({"person_id": id, "arrested_at": "2026-11-20T22:00:00Z",
                "location": "Portman Road", "area": "Central", "offence": "soliciting_s51a_soa2003",
                "disposal": "no_further_action"}),
            ),
        )
        .await;
        assert_eq!(a.status, Status::Created, "{}", a.body);
        ids.push(id);
    }
    let mut officer = app.signed_in(&[Role::Police]).await;
    officer.get(&app, "/arrests").await;
    officer.get(&app, "/arrests.csv").await;
    let search =
        crate::support::api(&app, "GET", "/api/v1/people?q=Alder", Some(&token), None).await;
    assert_eq!(search.status, Status::Ok);
    let mut admin = app.signed_in(&[Role::Admin]).await;
    for id in &ids {
        // "Who has seen this man?" finds the list, the export and the search.
        let trail = admin
            .get(&app, &format!("/admin/audit?person_id={id}"))
            .await;
        assert_eq!(trail.status, Status::Ok);
        for kind in ["arrest_list page", "arrest_list csv"] {
            assert!(
                trail.body.contains(kind),
                "man {id}: no '{kind}' entry in his trail"
            );
        }
    }
    assert!(
        app.count("audit_subjects").await >= 5,
        "the list, the export and the search each listed the men they showed"
    );
    // The list of men is append-only, like the log.
    let db = app.db();
    let backend = db.get_database_backend();
    for sql in [
        "UPDATE audit_subjects SET person_id = 1",
        "DELETE FROM audit_subjects",
    ] {
        let r = db.execute_raw(Statement::from_string(backend, sql)).await;
        assert!(r.is_err(), "{sql} must be refused");
    }
}

#[rocket::async_test]
async fn an_administrator_sees_which_fields_changed_and_only_an_auditor_sees_the_values() {
    use kerbside::clock::Clock;
    use kerbside::domain::audit_action::AuditAction;
    use kerbside::services::audit::{AuditEntry, record_anonymous};
    let app = TestApp::start().await;
    record_anonymous(
        app.db(),
        "pc.editor",
        app.clock.now(),
        AuditEntry::new(AuditAction::Alter)
            .record("person", 7)
            .change("surname", "Kowalsky", "Kowalski")
            .change("postcode", "IP1 1AA", "IP4 2BB"),
    )
    .await
    .expect("audit");
    let find = "/admin/audit?record_type=person&record_id=7";

    let mut admin = app.signed_in(&[Role::Admin]).await;
    let page = admin.get(&app, find).await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains("surname") && page.body.contains("postcode"),
        "{}",
        page.body
    );
    for value in ["Kowalsky", "IP1 1AA", "IP4 2BB"] {
        assert!(!page.body.contains(value), "the administrator sees {value}");
    }
    let csv = admin.get(&app, "/admin/audit.csv?record_type=person").await;
    assert!(
        csv.body.contains("surname") && !csv.body.contains("Kowalsky"),
        "{}",
        csv.body
    );

    let mut auditor = app.signed_in(&[Role::Auditor]).await;
    let page = auditor.get(&app, find).await;
    assert_eq!(page.status, Status::Ok);
    for value in ["Kowalsky", "Kowalski", "IP1 1AA", "IP4 2BB"] {
        assert!(
            page.body.contains(value),
            "the auditor does not see {value}"
        );
    }
    let csv = auditor
        .get(&app, "/admin/audit.csv?record_type=person")
        .await;
    assert!(csv.body.contains("Kowalsky"), "{}", csv.body);
    // and nothing else: no men, no statistics, no accounts
    for path in ["/people", "/arrests", "/statistics", "/admin/users"] {
        assert_eq!(
            auditor.get(&app, path).await.status,
            Status::Forbidden,
            "{path}"
        );
    }
    // an auditor holds no other role
    let refused = kerbside::domain::accounts::parse_roles(&["auditor".into(), "admin".into()]);
    assert!(refused.is_err());
}

#[rocket::async_test]
async fn the_newest_change_of_each_kind_is_found_however_many_page_views_follow_it() {
    use kerbside::auth::Actor;
    use kerbside::domain::audit_action::AuditAction;
    use kerbside::services::audit::{AuditEntry, record};
    let app = TestApp::start().await;
    let (db, cli, now) = (app.db(), Actor::command_line(), app.state().now());
    let write = |action: AuditAction, n: usize| {
        let cli = cli.clone();
        async move {
            for i in 0..n {
                record(
                    db,
                    &cli,
                    now,
                    AuditEntry::new(action).record("person", i as i32),
                )
                .await
                .expect("recorded");
            }
        }
    };
    let newest = |action: &'static str| async move {
        db.query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT max(id) AS id FROM audit_log WHERE action = '{action}'"),
        ))
        .await
        .expect("max")
        .and_then(|r| r.try_get::<Option<i64>>("", "id").ok())
        .flatten()
    };
    write(AuditAction::Collect, 3).await;
    write(AuditAction::Consult, 40).await;
    write(AuditAction::Alter, 2).await;
    write(AuditAction::Consult, 40).await;
    write(AuditAction::Disclose, 5).await;
    let found = kerbside::db::audit_repo::last_changes(db)
        .await
        .expect("read");
    assert_eq!(
        found,
        [newest("collect").await, newest("alter").await, None, None]
    );
    assert!(found[0].is_some() && found[1] > found[0]);
    // a new change of one kind moves that kind alone
    write(AuditAction::Collect, 1).await;
    let after = kerbside::db::audit_repo::last_changes(db)
        .await
        .expect("read");
    assert_eq!(after[0], newest("collect").await);
    assert!(after[0] > found[0]);
    assert_eq!(after[1..], found[1..]);
}

#[rocket::async_test]
async fn reads_at_the_same_moment_are_recorded_together_each_with_the_men_it_showed() {
    use kerbside::auth::Actor;
    use kerbside::domain::audit_action::AuditAction;
    use kerbside::services::audit::{AuditEntry, record_alone};
    let app = TestApp::start().await;
    let (state, cli) = (app.state(), Actor::command_line());
    let before = app.count("audit_log").await;
    // 60 reads at once: the even ones list two men each, the odd ones none
    let reads = (0..60).map(|i| {
        let entry = AuditEntry::new(AuditAction::Consult).record("test_list", i);
        let entry = if i % 2 == 0 {
            entry.people([i, 1000 + i])
        } else {
            entry
        };
        record_alone(state, &cli, state.now(), entry)
    });
    for done in futures::future::join_all(reads).await {
        done.expect("each read is recorded");
    }
    // every entry is kept by the time its read is answered
    assert_eq!(app.count("audit_log").await, before + 60);
    let db = app.db();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT a.record_id AS read, s.person_id AS man FROM audit_subjects s \
             JOIN audit_log a ON a.id = s.audit_id WHERE a.record_type = 'test_list' \
             ORDER BY s.person_id",
        ))
        .await
        .expect("subjects");
    let mut shown: Vec<(String, i32)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "read").expect("read"),
                r.try_get::<i32>("", "man").expect("man"),
            )
        })
        .collect();
    shown.sort();
    let mut expected: Vec<(String, i32)> = (0..60)
        .filter(|i| i % 2 == 0)
        .flat_map(|i| [(i.to_string(), i), (i.to_string(), 1000 + i)])
        .collect();
    expected.sort();
    assert_eq!(shown, expected, "each read names exactly the men it showed");
}

#[rocket::async_test]
async fn a_long_list_links_its_first_and_last_pages_and_those_near_the_one_shown() {
    use kerbside::auth::Actor;
    use kerbside::domain::audit_action::AuditAction;
    use kerbside::services::audit::{AuditEntry, record_many};
    let app = TestApp::start().await;
    let state = app.state();
    let entries = (0..420)
        .map(|i| AuditEntry::new(AuditAction::Consult).record("test_page", i))
        .collect();
    record_many(app.db(), &Actor::command_line(), state.now(), entries)
        .await
        .expect("recorded");
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let total = app.count("audit_log").await as u64;
    let last = total.div_ceil(50);
    assert!(last >= 9, "{total} entries make {last} pages");
    let page = admin.get(&app, "/admin/audit?page=4").await;
    assert_eq!(page.status, Status::Ok);
    // the template escapes "/" in the links as "&#x2F;", which a browser reads as "/"
    let body = page.body.replace("&#x2F;", "/");
    let link = |p: u64| format!("href=\"/admin/audit?page={p}\"");
    for p in [1, 2, 3, 5, 6, last] {
        assert!(body.contains(&link(p)), "page 4 links page {p}");
    }
    assert!(body.contains("aria-current=\"page\">4</a>"));
    assert!(
        !body.contains(&link(7)) && !body.contains(&link(last - 1)),
        "pages far from 4 are left out"
    );
    assert_eq!(body.matches("pagination__ellipsis").count(), 1);
    assert!(body.contains("Showing 151 to 200 of"));
}
