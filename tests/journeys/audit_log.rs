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
    assert!(page.body.contains(&police.username));
    assert!(
        !page.body.contains(&format!("<td>{}</td>", admin.username)),
        "filtered to one user"
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
