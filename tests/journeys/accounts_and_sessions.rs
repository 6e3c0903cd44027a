//! Accounts and sessions: timeouts, disabling, password changes and resets,
//! API tokens, and the password policy wherever a password is set.

use chrono::Duration;
use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::json;

use crate::support::{Browser, PASSWORD, TestApp, api};

#[rocket::async_test]
async fn a_session_ends_after_thirty_idle_minutes_and_says_why() {
    let app = TestApp::start().await;
    let mut b = app.signed_in(&[Role::Police]).await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(b.get(&app, "/").await.status, Status::Ok);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        b.get(&app, "/").await.status,
        Status::Ok,
        "use keeps the session alive"
    );
    app.clock.advance(Duration::minutes(30));
    let r = b.get(&app, "/account").await;
    assert!(
        r.redirects_to("/sign-in?next=/account&ended=idle"),
        "{:?}",
        r.location
    );
    let page = b
        .get(&app, r.location.as_deref().unwrap_or("/sign-in"))
        .await;
    assert!(
        page.body
            .contains("signed out because Kerbside was not used")
    );
    assert_eq!(
        app.count("sessions").await,
        0,
        "the ended session is deleted"
    );
}

#[rocket::async_test]
async fn a_session_ends_after_ten_hours_however_busy() {
    let app = TestApp::start().await;
    let mut b = app.signed_in(&[Role::Police]).await;
    for _ in 0..29 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(b.get(&app, "/").await.status, Status::Ok);
    }
    app.clock.advance(Duration::minutes(20));
    let r = b.get(&app, "/").await;
    assert!(r.redirects_to("/sign-in?ended=limit"), "{:?}", r.location);
}

#[rocket::async_test]
async fn the_timeout_warning_page_lets_the_user_stay_signed_in() {
    let app = TestApp::start().await;
    let mut b = app.signed_in(&[Role::Probation]).await;
    let home = b.get(&app, "/").await;
    assert!(
        home.body.contains("data-warn-in=\"1500\""),
        "warning 5 minutes before the 30-minute timeout"
    );
    assert!(
        home.body
            .contains("http-equiv=\"refresh\" content=\"1500;url=/session/expiring"),
        "works without JavaScript"
    );
    app.clock.advance(Duration::minutes(26));
    let warning = b.get(&app, "/session/expiring?back=/account").await;
    assert!(warning.body.contains("Stay signed in"));
    app.clock.advance(Duration::minutes(3));
    let r = b
        .post(&app, "/session/extend", &[("back", "/account")])
        .await;
    assert!(r.redirects_to("/account"));
    app.clock.advance(Duration::minutes(25));
    assert_eq!(b.get(&app, "/").await.status, Status::Ok, "extended");
}

#[rocket::async_test]
async fn the_warning_page_itself_does_not_keep_a_session_alive() {
    let app = TestApp::start().await;
    let mut b = app.signed_in(&[Role::Probation]).await;
    b.get(&app, "/").await;
    app.clock.advance(Duration::minutes(26));
    let warning = b.get(&app, "/session/expiring?back=/").await;
    assert_eq!(warning.status, Status::Ok);
    app.clock.advance(Duration::minutes(5));
    assert!(
        b.get(&app, "/").await.redirects_to("/sign-in"),
        "30 minutes after the last real use the session ended, warning page or not"
    );
}

#[rocket::async_test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let app = TestApp::start().await;
    let mut police = app.signed_in(&[Role::Police]).await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    assert_eq!(police.get(&app, "/").await.status, Status::Ok);
    let id = kerbside::db::users_repo::find_by_username(app.db(), &police.username)
        .await
        .expect("db")
        .expect("user")
        .id;
    admin.get(&app, &format!("/admin/users/{id}")).await;
    let r = admin
        .post(&app, &format!("/admin/users/{id}/disable"), &[])
        .await;
    assert!(r.redirects_to(&format!("/admin/users/{id}")));
    assert!(police.get(&app, "/").await.redirects_to("/sign-in"));
    assert!(
        app.audit_actions()
            .await
            .contains(&"user_changed:user".to_string())
    );
}

#[rocket::async_test]
async fn a_session_whose_user_was_disabled_outside_the_app_is_refused_and_ended() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::start().await;
    let mut police = app.signed_in(&[Role::Police]).await;
    assert_eq!(police.get(&app, "/").await.status, Status::Ok);
    let sessions = app.count("sessions").await;
    // straight in the database, so no service ends the session first: the
    // request's own identity check must refuse it
    app.db()
        .execute_raw(Statement::from_string(
            app.db().get_database_backend(),
            format!(
                "UPDATE users SET disabled = TRUE WHERE username = '{}'",
                police.username
            ),
        ))
        .await
        .expect("disabled");
    assert!(police.get(&app, "/").await.redirects_to("/sign-in"));
    assert_eq!(
        app.count("sessions").await,
        sessions - 1,
        "the session ended"
    );
}

#[rocket::async_test]
async fn changing_a_password_signs_out_every_other_session() {
    let app = TestApp::start().await;
    let mut here = app.signed_in(&[Role::Probation]).await;
    let mut elsewhere = Browser::new();
    elsewhere.sign_in(&app, &here.username, PASSWORD).await;
    here.get(&app, "/account/password").await;
    let weak = here
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, Status::UnprocessableEntity);
    assert!(weak.body.contains("at least 12 characters"));
    let new = "copper kettle morning walk";
    let r = here
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert!(r.redirects_to("/"), "{}: {}", r.status, r.body);
    assert_eq!(
        here.get(&app, "/").await.status,
        Status::Ok,
        "this browser stays signed in"
    );
    assert!(
        elsewhere.get(&app, "/").await.redirects_to("/sign-in"),
        "the other is signed out"
    );
    assert_eq!(
        Browser::new()
            .sign_in(&app, &here.username, new)
            .await
            .status,
        Status::SeeOther
    );
}

#[rocket::async_test]
async fn a_password_reset_by_an_administrator_must_be_changed_at_next_sign_in() {
    let app = TestApp::start().await;
    let id = app.create_user("pc.reset", &[Role::Police]).await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, &format!("/admin/users/{id}")).await;
    let common = admin
        .post(
            &app,
            &format!("/admin/users/{id}/password"),
            &[("password", "password1234")],
        )
        .await;
    assert_eq!(common.status, Status::UnprocessableEntity);
    assert!(common.body.contains("too common"));
    let temp = "temporary river stone";
    assert!(
        admin
            .post(
                &app,
                &format!("/admin/users/{id}/password"),
                &[("password", temp)]
            )
            .await
            .redirects_to("/admin/users/")
    );
    let mut user = Browser::new();
    let r = user.sign_in(&app, "pc.reset", temp).await;
    assert!(r.redirects_to("/account/password"));
    assert!(
        user.get(&app, "/").await.redirects_to("/account/password"),
        "nothing else until the password is changed"
    );
    let new = "blue lantern quay side";
    let r = user
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", temp),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert!(r.redirects_to("/"));
    assert_eq!(user.get(&app, "/").await.status, Status::Ok);
}

#[rocket::async_test]
async fn an_administrator_creates_a_user_and_a_weak_password_is_refused_on_the_field() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, "/admin/users/new").await;
    let r = admin
        .post(
            &app,
            "/admin/users",
            &[
                ("username", "pc.new"),
                ("display_name", "Pat <script>alert(1)</script>"),
                ("roles", "police"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    assert!(
        r.body.contains("href=\"#password\""),
        "the error summary links to the field"
    );
    assert!(r.body.contains("id=\"password-error\""));
    assert!(r.body.contains("value=\"pc.new\""), "typed values kept");
    assert!(
        !r.body.contains("<script>alert(1)</script>"),
        "names are escaped"
    );
    assert!(r.body.contains("&lt;script&gt;"));
    let r = admin
        .post(
            &app,
            "/admin/users",
            &[
                ("username", "pc.new"),
                ("display_name", "Pat <script>alert(1)</script>"),
                ("roles", "police"),
                ("roles", "manager"),
                ("password", "lantern harbour morning"),
            ],
        )
        .await;
    assert!(r.redirects_to("/admin/users/"), "{}", r.body);
    let page = admin.get(&app, r.location.as_deref().unwrap_or("/")).await;
    assert!(page.body.contains("Police, Manager"));
    assert!(
        page.body
            .contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
    );
    let dup = admin
        .post(
            &app,
            "/admin/users",
            &[
                ("username", "PC.New"),
                ("display_name", "Other"),
                ("roles", "police"),
                ("password", "lantern harbour morning"),
            ],
        )
        .await;
    assert_eq!(dup.status, Status::UnprocessableEntity);
    assert!(dup.body.contains("already taken"));
}

#[rocket::async_test]
async fn the_api_refuses_a_weak_password_with_a_field_message() {
    let app = TestApp::start().await;
    let admin = app.create_user("api.admin", &[Role::Admin]).await;
    let (token, _) = kerbside::services::tokens::create(
        app.state(),
        &kerbside::auth::Actor::command_line(),
        admin,
        "script",
    )
    .await
    .expect("token");
    let r = api(&app, "POST", "/api/v1/users", Some(&token), Some(json!({"username": "pc.api", "name": "Pat Api", "roles": ["police"], "password": "password1234"}))).await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    let body = r.json();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert!(
        body["error"]["fields"]["password"]
            .as_str()
            .is_some_and(|m| m.contains("common"))
    );
    let r = api(&app, "POST", "/api/v1/users", Some(&token), Some(json!({"username": "pc.api", "name": "Pat Api", "roles": ["sergeant"], "password": "lantern harbour morning"}))).await;
    assert!(
        r.json()["error"]["fields"]["roles"]
            .as_str()
            .is_some_and(|m| m.contains("sergeant"))
    );
    let r = api(&app, "POST", "/api/v1/users", Some(&token), Some(json!({"username": "pc.api", "name": "Pat Api", "roles": ["police"], "password": "lantern harbour morning"}))).await;
    assert_eq!(r.status, Status::Created);
    assert_eq!(r.json()["roles"], json!(["police"]));
}

#[rocket::async_test]
async fn an_api_token_is_shown_once_works_as_its_user_and_stops_when_revoked() {
    let app = TestApp::start().await;
    let mut b = app.signed_in(&[Role::Police, Role::Manager]).await;
    b.get(&app, "/account").await;
    let r = b
        .post(&app, "/account/tokens", &[("name", "Force RMS import")])
        .await;
    assert_eq!(r.status, Status::Created);
    let token = r
        .body
        .split("id=\"new-token\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("token shown")
        .to_string();
    assert!(token.starts_with("kbs_"));
    let me = api(&app, "GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, Status::Ok);
    assert_eq!(me.json()["roles"], json!(["police", "manager"]));
    assert_eq!(me.json()["via"], "token");
    let again = b.get(&app, "/account").await;
    assert!(!again.body.contains(&token), "the token is not shown again");
    assert!(again.body.contains("Force RMS import"));
    let id =
        kerbside::services::tokens::list_own(app.state(), &kerbside::auth::Actor::command_line())
            .await;
    assert!(id.is_err(), "the command line has no tokens of its own");
    let token_id = again
        .body
        .split("/account/tokens/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("revoke form")
        .to_string();
    let r = b
        .post(&app, &format!("/account/tokens/{token_id}/revoke"), &[])
        .await;
    assert!(r.redirects_to("/account"));
    assert_eq!(
        api(&app, "GET", "/api/v1/me", Some(&token), None)
            .await
            .status,
        Status::Unauthorized
    );
    assert_eq!(
        api(&app, "GET", "/api/v1/me", Some("kbs_made_up"), None)
            .await
            .status,
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn an_administrator_sees_and_ends_a_session() {
    let app = TestApp::start().await;
    let mut police = app.signed_in(&[Role::Police]).await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let page = admin.get(&app, "/admin/sessions").await;
    assert!(page.body.contains(&format!("Test {}", police.username)));
    let session_id = page
        .body
        .split("/admin/sessions/")
        .skip(1)
        .filter_map(|s| s.split('/').next())
        .find(|id| !page.body.contains(&format!("/admin/sessions/{id}/end\" class=\"inline-form\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\"><button class=\"button button--warning button--small\" type=\"submit\">End<span class=\"visually-hidden\"> session of Test {}", admin.csrf, admin.username)))
        .expect("police session listed")
        .to_string();
    assert!(
        admin
            .post(&app, &format!("/admin/sessions/{session_id}/end"), &[])
            .await
            .redirects_to("/admin/sessions")
    );
    assert!(police.get(&app, "/").await.redirects_to("/sign-in"));
    assert_eq!(admin.get(&app, "/").await.status, Status::Ok);
}

#[rocket::async_test]
async fn navigation_shows_only_what_the_roles_allow() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let mut police = app.signed_in(&[Role::Police]).await;
    let a = admin.get(&app, "/").await.body;
    let p = police.get(&app, "/").await.body;
    assert!(a.contains("href=\"/admin/users\" class=\"nav__link\""));
    assert!(!p.contains("href=\"/admin/users\""));
    assert!(p.contains("href=\"/account\" class=\"nav__link\""));
    assert!(!p.contains("href=\"/statistics\""));
    // a session brings every role its user holds, read with the session
    let mut both = app.signed_in(&[Role::Police, Role::Manager]).await;
    let b = both.get(&app, "/").await.body;
    assert!(b.contains("href=\"/arrests/new\" class=\"nav__link\""));
    assert!(b.contains("href=\"/statistics\" class=\"nav__link\""));
}

#[rocket::async_test]
async fn an_administrator_sets_the_areas_officers_choose_from() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let page = admin.get(&app, "/admin/settings").await;
    assert!(page.body.contains("Central"), "the default list is shown");
    let empty = admin
        .post(&app, "/admin/settings/areas", &[("areas", "  \n ")])
        .await;
    assert_eq!(empty.status, Status::UnprocessableEntity);
    let r = admin
        .post(
            &app,
            "/admin/settings/areas",
            &[("areas", "Beat 1\nBeat 2\nBeat 1")],
        )
        .await;
    assert!(r.redirects_to("/admin/settings"));
    let mut officer = app.signed_in(&[Role::Police]).await;
    let form = officer.get(&app, "/arrests/new/person").await;
    assert!(
        form.body.contains("<option value=\"Beat 2\"")
            && !form.body.contains("<option value=\"Central\"")
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"user_changed:setting".to_string())
    );
}

#[rocket::async_test]
async fn nobody_changes_their_own_roles_and_an_administrator_never_holds_a_case_role() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let me = kerbside::db::users_repo::find_by_username(app.db(), &admin.username)
        .await
        .expect("query")
        .expect("me")
        .id;
    admin.get(&app, &format!("/admin/users/{me}")).await;
    let own = admin
        .post(
            &app,
            &format!("/admin/users/{me}/roles"),
            &[("roles", "admin"), ("roles", "probation")],
        )
        .await;
    assert_eq!(own.status, Status::UnprocessableEntity);
    assert!(own.body.contains("You cannot change your own roles"));
    assert_eq!(
        kerbside::db::users_repo::roles_of(app.db(), me)
            .await
            .expect("roles"),
        vec![Role::Admin],
        "nothing changed"
    );

    // Another account cannot be made an administrator with a case role either.
    let other = app.create_user("po.other", &[Role::Probation]).await;
    admin.get(&app, &format!("/admin/users/{other}")).await;
    let mixed = admin
        .post(
            &app,
            &format!("/admin/users/{other}/roles"),
            &[("roles", "admin"), ("roles", "probation")],
        )
        .await;
    assert_eq!(mixed.status, Status::UnprocessableEntity);
    assert!(
        mixed
            .body
            .contains("An administrator cannot also be police, probation or a facilitator")
    );

    // A real change is audited with the old and new roles.
    admin.get(&app, &format!("/admin/users/{other}")).await;
    let fine = admin
        .post(
            &app,
            &format!("/admin/users/{other}/roles"),
            &[("roles", "probation"), ("roles", "manager")],
        )
        .await;
    assert!(
        fine.redirects_to("/admin/users/"),
        "{} {}",
        fine.status,
        fine.body
    );
    let changes = app
        .count("audit_log WHERE action = 'user_changed' AND changes LIKE '%\"old\":[\"probation\"]%' AND changes LIKE '%\"new\":[\"probation\",\"manager\"]%'")
        .await;
    assert_eq!(changes, 1, "the role change names the old and new roles");

    // The API refuses the same mixture.
    let token = app.token(&[Role::Admin]).await;
    let r = crate::support::api(
        &app,
        "POST",
        "/api/v1/users",
        Some(&token),
        Some(serde_json::json!({"username": "mixed.up", "name": "Mixed Up", "roles": ["admin", "police"], "password": "lantern harbour morning"})),
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    assert!(r.json()["error"]["fields"]["roles"].is_string());
}

#[rocket::async_test]
async fn signing_in_again_in_the_same_browser_ends_the_session_it_had() {
    let app = TestApp::start().await;
    app.create_user("pc.first", &[Role::Police]).await;
    app.create_user("pc.second", &[Role::Police]).await;
    let mut b = Browser::new();
    b.sign_in(&app, "pc.first", PASSWORD).await;
    let old_cookies = b.cookies.clone();
    assert_eq!(app.count("sessions").await, 1);
    let r = b
        .post(
            &app,
            "/sign-in",
            &[("username", "pc.second"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, Status::SeeOther);
    assert_eq!(app.count("sessions").await, 1, "the first session ended");
    let mut stale = Browser::new();
    stale.cookies = old_cookies;
    assert!(
        stale.get(&app, "/account").await.redirects_to("/sign-in"),
        "the old session cookie no longer works"
    );
}

#[rocket::async_test]
async fn api_tokens_end_with_a_reset_a_disable_an_administrators_revoke_or_their_expiry() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let me = |t: String| {
        let app = &app;
        async move { api(app, "GET", "/api/v1/me", Some(&t), None).await.status }
    };
    // A password reset ends the account's tokens.
    let (reset_token, reset_user) = app.token_and_user(&[Role::Police]).await;
    assert_eq!(me(reset_token.clone()).await, Status::Ok);
    admin.get(&app, &format!("/admin/users/{reset_user}")).await;
    admin
        .post(
            &app,
            &format!("/admin/users/{reset_user}/password"),
            &[("password", "temporary bramble gate orchard")],
        )
        .await;
    assert_eq!(
        me(reset_token).await,
        Status::Unauthorized,
        "ended by the reset"
    );

    // So does disabling the account.
    let (disabled_token, disabled_id) = app.token_and_user(&[Role::Police]).await;
    admin
        .get(&app, &format!("/admin/users/{disabled_id}"))
        .await;
    admin
        .post(&app, &format!("/admin/users/{disabled_id}/disable"), &[])
        .await;
    admin
        .post(&app, &format!("/admin/users/{disabled_id}/enable"), &[])
        .await;
    assert_eq!(
        me(disabled_token).await,
        Status::Unauthorized,
        "still ended after the account is enabled again"
    );

    // An administrator revokes another user's token from the user's page.
    let (revoked_token, owner) = app.token_and_user(&[Role::Police]).await;
    let page = admin.get(&app, &format!("/admin/users/{owner}")).await;
    let token_id = page
        .body
        .split(&format!("/admin/users/{owner}/tokens/"))
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a revoke button")
        .to_string();
    let r = admin
        .post(
            &app,
            &format!("/admin/users/{owner}/tokens/{token_id}/revoke"),
            &[],
        )
        .await;
    assert!(r.redirects_to(&format!("/admin/users/{owner}")));
    assert_eq!(me(revoked_token).await, Status::Unauthorized);

    // A token made today stops a year later.
    let yearly = app.token(&[Role::Police]).await;
    assert_eq!(me(yearly.clone()).await, Status::Ok);
    app.clock.advance(chrono::Duration::days(366));
    assert_eq!(
        me(yearly).await,
        Status::Unauthorized,
        "expired after a year"
    );
}

#[rocket::async_test]
async fn the_api_takes_no_session_cookie_except_for_pdf_downloads() {
    let app = TestApp::start().await;
    let mut officer = app.signed_in(&[Role::Police]).await;
    let r = officer.get(&app, "/api/v1/me").await;
    assert_eq!(r.status, Status::Unauthorized);
    let r = officer.get(&app, "/api/v1/arrests").await;
    assert_eq!(r.status, Status::Unauthorized);
    assert!(kerbside::auth::identity::is_api_download(
        "/api/v1/enrolments/4/progress-report.pdf"
    ));
    assert!(kerbside::auth::identity::is_api_download(
        "/api/v1/court-reports/4/pdf"
    ));
    assert!(!kerbside::auth::identity::is_api_download(
        "/api/v1/people/4"
    ));
}
