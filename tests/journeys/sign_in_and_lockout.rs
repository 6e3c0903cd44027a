//! Signing in, the same message for every refusal, lockout after repeated
//! failures, and first-run setup.

use chrono::Duration;
use kerbside::domain::roles::Role;
use rocket::http::Status;
use sea_orm::ConnectionTrait;

use crate::support::{Browser, PASSWORD, TestApp};

#[rocket::async_test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_message() {
    let app = TestApp::start().await;
    app.create_user("pc.jones", &[Role::Police]).await;
    let mut b = Browser::new();
    let unknown = b.sign_in(&app, "nobody.here", PASSWORD).await;
    let wrong = b.sign_in(&app, "pc.jones", "not the right password").await;
    assert_eq!(unknown.status, Status::UnprocessableEntity);
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    let message = kerbside::services::sign_in::REFUSED_MESSAGE;
    assert!(unknown.body.contains(message) && wrong.body.contains(message));
    assert!(
        wrong.body.contains("value=\"pc.jones\""),
        "the username typed is kept"
    );
    assert!(
        wrong.body.contains("<title>Error: "),
        "the title says there is an error"
    );
}

#[rocket::async_test]
async fn the_eleventh_wrong_password_locks_the_account_for_fifteen_minutes() {
    let app = TestApp::start().await;
    app.create_user("pc.locked", &[Role::Police]).await;
    let mut b = Browser::new();
    for _ in 0..10 {
        b.sign_in(&app, "pc.locked", "wrong wrong wrong").await;
    }
    // ten failures are tolerated: the right password still works
    let ok = b.sign_in(&app, "pc.locked", PASSWORD).await;
    assert_eq!(ok.status, Status::SeeOther);
    // ...and starts the count again: ten more are tolerated too
    let mut b = Browser::new();
    for _ in 0..10 {
        b.sign_in(&app, "pc.locked", "wrong wrong wrong").await;
    }
    let ok = b.sign_in(&app, "pc.locked", PASSWORD).await;
    assert_eq!(
        ok.status,
        Status::SeeOther,
        "a success resets the count of failures"
    );
    let mut b = Browser::new();
    for _ in 0..11 {
        b.sign_in(&app, "pc.locked", "wrong wrong wrong").await;
    }
    let refused = b.sign_in(&app, "pc.locked", PASSWORD).await;
    assert_eq!(
        refused.status,
        Status::UnprocessableEntity,
        "locked: even the right password is refused"
    );
    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("login_failed"))
            .count(),
        32
    );
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("locked")).count(),
        1
    );
    let lock_at = actions
        .iter()
        .position(|a| a.starts_with("locked"))
        .expect("lock");
    assert_eq!(
        actions[lock_at - 1],
        "login_failed:user",
        "the lock follows the eleventh failure"
    );
    app.clock.advance(Duration::minutes(15));
    let after = Browser::new().sign_in(&app, "pc.locked", PASSWORD).await;
    assert_eq!(
        after.status,
        Status::SeeOther,
        "the lock runs out after 15 minutes"
    );
}

#[rocket::async_test]
async fn a_disabled_account_cannot_sign_in() {
    let app = TestApp::start().await;
    let id = app.create_user("pc.gone", &[Role::Police]).await;
    kerbside::services::accounts::set_disabled(
        app.state(),
        &kerbside::auth::Actor::command_line(),
        id,
        true,
    )
    .await
    .expect("disable");
    let r = Browser::new().sign_in(&app, "pc.gone", PASSWORD).await;
    assert_eq!(r.status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn the_first_run_link_creates_one_administrator_and_then_stops_working() {
    let app = TestApp::start().await;
    let token = kerbside::services::setup::begin_if_needed(app.state())
        .await
        .expect("setup")
        .expect("token");
    let mut b = Browser::new();
    let page = b.get(&app, &format!("/setup/{token}")).await;
    assert_eq!(page.status, Status::Ok);
    let weak = b
        .post(
            &app,
            &format!("/setup/{token}"),
            &[
                ("username", "chief"),
                ("display_name", "Chief Admin"),
                ("password", "password"),
            ],
        )
        .await;
    assert_eq!(weak.status, Status::UnprocessableEntity);
    assert!(weak.body.contains("value=\"chief\""), "typed values kept");
    assert!(
        weak.body.contains("at least 12"),
        "the password field explains"
    );
    let ok = b
        .post(
            &app,
            &format!("/setup/{token}"),
            &[
                ("username", "chief"),
                ("display_name", "Chief Admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(ok.redirects_to("/sign-in"), "{}: {}", ok.status, ok.body);
    assert_eq!(
        b.get(&app, &format!("/setup/{token}")).await.status,
        Status::NotFound
    );
    let again = b
        .post(
            &app,
            &format!("/setup/{token}"),
            &[
                ("username", "other"),
                ("display_name", "Other"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, Status::NotFound);
    assert_eq!(app.count("users").await, 1);
    assert_eq!(
        Browser::new().sign_in(&app, "chief", PASSWORD).await.status,
        Status::SeeOther
    );
    assert!(
        kerbside::services::setup::begin_if_needed(app.state())
            .await
            .expect("setup")
            .is_none(),
        "no link once an account exists"
    );
}

#[rocket::async_test]
async fn a_form_without_the_right_csrf_token_or_from_another_site_is_refused_and_writes_nothing() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, "/admin/users/new").await;
    let users = app.count("users").await;
    let audit = app.count("audit_log").await;
    let fields = [
        ("username", "csrf.victim"),
        ("display_name", "Victim"),
        ("roles", "police"),
        ("password", "lantern harbour morning"),
    ];
    let none = admin.post_raw(&app, "/admin/users", None, &fields).await;
    assert_eq!(none.status, Status::Forbidden);
    assert!(none.body.contains("form has expired"));
    let wrong = admin
        .post_raw(&app, "/admin/users", Some(&"0".repeat(64)), &fields)
        .await;
    assert_eq!(wrong.status, Status::Forbidden);
    let mut cross = admin.clone();
    cross.fetch_site = Some("cross-site".into());
    assert_eq!(
        cross.post(&app, "/admin/users", &fields).await.status,
        Status::Forbidden
    );
    let mut foreign = admin.clone();
    foreign.origin = Some("https://evil.example".into());
    assert_eq!(
        foreign.post(&app, "/admin/users", &fields).await.status,
        Status::Forbidden
    );
    assert_eq!(app.count("users").await, users);
    assert_eq!(app.count("audit_log").await, audit);
    // the same form with the token goes through
    let ok = admin.post(&app, "/admin/users", &fields).await;
    assert!(
        ok.redirects_to("/admin/users/"),
        "{}: {}",
        ok.status,
        ok.body
    );
    // and a sign-in form needs its pre-session token too
    let mut stranger = Browser::new();
    let r = stranger
        .post_raw(
            &app,
            "/sign-in",
            None,
            &[("username", &admin.username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, Status::Forbidden);
}

#[rocket::async_test]
async fn an_administrator_must_set_up_two_step_verification_and_then_needs_a_code_to_sign_in() {
    let app = TestApp::start().await;
    app.create_user("a.admin", &[Role::Admin]).await;
    let mut b = Browser::new();
    assert_eq!(
        b.sign_in(&app, "a.admin", PASSWORD).await.status,
        Status::SeeOther
    );
    assert!(
        b.get(&app, "/admin/users")
            .await
            .redirects_to("/account/two-step"),
        "nothing else until it is set up"
    );
    let bad = {
        let page = b.get(&app, "/account/two-step").await;
        let secret = page
            .body
            .split("data-secret=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("key")
            .to_string();
        assert!(secret.len() >= 32, "a 160-bit key: {secret}");
        b.post(&app, "/account/two-step", &[("code", "000000")])
            .await
    };
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.body.contains("The code is not right"));
    let secret = b.set_up_two_step(&app).await;
    assert_eq!(b.get(&app, "/admin/users").await.status, Status::Ok);

    // next sign-in: the password is not enough
    app.clock.advance(Duration::seconds(60));
    let mut c = Browser::new();
    let r = c.sign_in(&app, "a.admin", PASSWORD).await;
    assert!(r.redirects_to("/sign-in/code"), "{:?}", r.location);
    assert!(
        c.get(&app, "/admin/users").await.redirects_to("/sign-in"),
        "not signed in yet"
    );
    c.get(&app, "/sign-in/code").await;
    let wrong = c.post(&app, "/sign-in/code", &[("code", "123456")]).await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    let code = crate::support::totp_now(&app, &secret);
    let ok = c.post(&app, "/sign-in/code", &[("code", &code)]).await;
    assert!(ok.redirects_to("/"), "{}: {}", ok.status, ok.body);
    assert_eq!(c.get(&app, "/admin/users").await.status, Status::Ok);
    // the same code cannot be used twice
    let mut d = Browser::new();
    d.sign_in(&app, "a.admin", PASSWORD).await;
    d.get(&app, "/sign-in/code").await;
    assert_eq!(
        d.post(&app, "/sign-in/code", &[("code", &code)])
            .await
            .status,
        Status::UnprocessableEntity,
        "replay refused"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.iter().filter(|a| *a == "login_failed:user").count() >= 2,
        "wrong codes are failed sign-ins"
    );
}

#[rocket::async_test]
async fn an_administrator_resets_a_lost_phone_and_the_user_sets_it_up_again() {
    let app = TestApp::start().await;
    let other = app.signed_in(&[Role::Admin]).await;
    let other_id = kerbside::db::users_repo::find_by_username(app.db(), &other.username)
        .await
        .expect("db")
        .expect("user")
        .id;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, &format!("/admin/users/{other_id}")).await;
    let r = admin
        .post(
            &app,
            &format!("/admin/users/{other_id}/two-step/reset"),
            &[],
        )
        .await;
    assert!(r.redirects_to(&format!("/admin/users/{other_id}")));
    app.clock.advance(Duration::seconds(60));
    let mut again = Browser::new();
    assert!(
        again
            .sign_in(&app, &other.username, PASSWORD)
            .await
            .redirects_to("/"),
        "no code asked: it was reset"
    );
    assert!(
        again
            .get(&app, "/admin/users")
            .await
            .redirects_to("/account/two-step"),
        "and must be set up again"
    );
}

/// The `users` row's failure count and lock.
async fn lock_state(app: &TestApp, username: &str) -> (i32, bool) {
    let user = kerbside::db::users_repo::find_by_username(app.db(), username)
        .await
        .expect("query")
        .expect("user");
    (user.failed_attempts, user.locked_until.is_some())
}

#[rocket::async_test]
async fn fifty_wrong_passwords_sent_at_once_are_all_counted_and_lock_the_account() {
    let app = TestApp::start().await;
    app.create_user("pc.raced", &[Role::Police]).await;
    let mut b = Browser::new();
    b.get(&app, "/sign-in").await;
    let attempts = (0..50).map(|_| {
        let mut one = b.clone();
        let app = &app;
        async move {
            one.post(
                app,
                "/sign-in",
                &[("username", "pc.raced"), ("password", "wrong wrong wrong")],
            )
            .await
            .status
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    assert!(statuses.iter().all(|s| *s == Status::UnprocessableEntity));
    let (failures, locked) = lock_state(&app, "pc.raced").await;
    assert_eq!(failures, 50, "every one of the 50 failures was counted");
    assert!(locked, "more than ten failures lock the account");
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("locked")).count(),
        1,
        "one lock, logged once"
    );
    let refused = Browser::new().sign_in(&app, "pc.raced", PASSWORD).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn fifty_wrong_one_time_codes_sent_at_once_are_all_counted() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let username = admin.username.clone();
    admin.post(&app, "/sign-out", &[]).await;
    let mut b = Browser::new();
    let r = b.sign_in(&app, &username, PASSWORD).await;
    assert!(
        r.redirects_to("/sign-in/code"),
        "{} {:?}",
        r.status,
        r.location
    );
    b.get(&app, "/sign-in/code").await;
    let attempts = (0..50).map(|i| {
        let mut one = b.clone();
        let app = &app;
        async move {
            let code = format!("{:06}", (i * 7919) % 1_000_000);
            one.post(app, "/sign-in/code", &[("code", &code)])
                .await
                .status
        }
    });
    futures::future::join_all(attempts).await;
    let (failures, locked) = lock_state(&app, &username).await;
    assert!(locked, "more than ten wrong codes lock the account");
    let counted = app
        .count("audit_log WHERE reason = 'wrong one-time code'")
        .await;
    assert_eq!(
        i64::from(failures),
        counted,
        "every wrong code logged was counted (those after the lock are refused as locked)"
    );
    assert!(failures > 10, "{failures}");
    assert_eq!(
        app.count("audit_log WHERE action = 'login_failed'").await,
        50,
        "every attempt was logged"
    );
    assert_eq!(app.count("audit_log WHERE action = 'locked'").await, 1);
}

#[rocket::async_test]
async fn one_address_is_throttled_however_many_usernames_it_tries() {
    let app = TestApp::start_with(|s| kerbside::config::Settings {
        sign_in_attempts_per_minute: 5,
        ..s
    })
    .await;
    app.create_user("pc.sprayed", &[Role::Police]).await;
    let mut sprayer = Browser::new();
    sprayer.real_ip = Some("203.0.113.9".into());
    for n in 0..5 {
        let r = sprayer
            .sign_in(&app, &format!("user{n}"), "Summer2026 winter")
            .await;
        assert_eq!(r.status, Status::UnprocessableEntity, "attempt {n}");
    }
    let audit_before = app.count("audit_log").await;
    let throttled = sprayer.sign_in(&app, "pc.sprayed", PASSWORD).await;
    assert_eq!(throttled.status, Status::TooManyRequests);
    assert!(
        throttled
            .body
            .contains("too many sign-in attempts from your network")
    );
    assert_eq!(
        app.count("audit_log").await,
        audit_before,
        "a throttled attempt checks nothing and counts against no account"
    );
    let (failures, _) = lock_state(&app, "pc.sprayed").await;
    assert_eq!(failures, 0);
    let mut colleague = Browser::new();
    colleague.real_ip = Some("203.0.113.10".into());
    assert_eq!(
        colleague.sign_in(&app, "pc.sprayed", PASSWORD).await.status,
        Status::SeeOther,
        "another address signs in"
    );
}

#[rocket::async_test]
async fn the_server_chooses_the_two_step_key_and_changing_two_step_needs_the_password_and_a_code() {
    let app = TestApp::start().await;
    let mut user = app.signed_in(&[Role::Probation]).await;
    let username = user.username.clone();
    // A key chosen by the browser (all zeros here) is ignored: a code made
    // from it does not turn two-step on.
    user.get(&app, "/account/two-step").await;
    let zeros = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let forged = user
        .post(
            &app,
            "/account/two-step",
            &[
                ("secret", zeros),
                ("code", &crate::support::totp_now(&app, zeros)),
            ],
        )
        .await;
    assert_eq!(forged.status, Status::UnprocessableEntity);
    let is_on = |app: &TestApp, name: String| {
        let db = app.db().clone();
        async move {
            kerbside::db::users_repo::find_by_username(&db, &name)
                .await
                .expect("db")
                .expect("user")
                .totp_secret
                .is_some()
        }
    };
    assert!(!is_on(&app, username.clone()).await);
    // The key shown stays the same on reload, until it is used.
    let shown = |body: &str| {
        body.split("data-secret=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(str::to_string)
    };
    let first = shown(&user.get(&app, "/account/two-step").await.body);
    let again = shown(&user.get(&app, "/account/two-step").await.body);
    assert_eq!(first, again);
    let secret = user.set_up_two_step(&app).await;
    assert!(is_on(&app, username.clone()).await);

    // The session alone cannot turn it off.
    app.clock.advance(Duration::seconds(31));
    user.get(&app, "/account/two-step").await;
    let bare = user.post(&app, "/account/two-step/remove", &[]).await;
    assert_eq!(bare.status, Status::UnprocessableEntity);
    let wrong = user
        .post(
            &app,
            "/account/two-step/remove",
            &[
                ("password", "not my password at all"),
                ("code", &crate::support::totp_now(&app, &secret)),
            ],
        )
        .await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.body.contains("Your password is not right"));
    assert!(is_on(&app, username.clone()).await, "still on");
    assert!(
        app.count("audit_log WHERE reason = 'wrong password to change two-step verification'")
            .await
            == 1,
        "the wrong password was counted and logged"
    );
    app.clock.advance(Duration::seconds(31));
    let right = user
        .post(
            &app,
            "/account/two-step/remove",
            &[
                ("password", PASSWORD),
                ("code", &crate::support::totp_now(&app, &secret)),
            ],
        )
        .await;
    assert!(
        right.redirects_to("/account"),
        "{} {}",
        right.status,
        right.body
    );
    assert!(!is_on(&app, username).await);
}

#[rocket::async_test]
async fn a_wrong_current_password_on_the_change_form_counts_towards_the_lock() {
    let app = TestApp::start().await;
    let mut user = app.signed_in(&[Role::Police]).await;
    let username = user.username.clone();
    user.get(&app, "/account/password").await;
    let r = user
        .post(
            &app,
            "/account/password",
            &[
                ("current_password", "a guess at the password"),
                ("new_password", "copper kettle winter orchard"),
                ("confirm_password", "copper kettle winter orchard"),
            ],
        )
        .await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    let (failures, _) = lock_state(&app, &username).await;
    assert_eq!(failures, 1, "counted like a wrong sign-in");
    assert_eq!(
        app.count("audit_log WHERE action = 'login_failed' AND reason = 'wrong current password on password change'")
            .await,
        1
    );
}

#[rocket::async_test]
async fn a_return_address_with_spaces_or_control_characters_is_ignored_not_a_server_error() {
    let app = TestApp::start().await;
    app.create_user("pc.next", &[Role::Police]).await;
    for next in ["/people\t/1", "/people\n/1", "/people /1", "/caf\u{e9}"] {
        let mut b = Browser::new();
        b.get(&app, "/sign-in").await;
        let r = b
            .post(
                &app,
                "/sign-in",
                &[
                    ("username", "pc.next"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, Status::SeeOther, "{next:?}: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/"), "{next:?}");
    }
}

/// Reasons of the audit entries about users, oldest first.
async fn user_audit_reasons(app: &TestApp) -> Vec<String> {
    let rows = app
        .db()
        .query_all_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            "SELECT reason FROM audit_log WHERE action = 'user_changed' ORDER BY id",
        ))
        .await
        .expect("audit");
    rows.iter()
        .map(|r| {
            r.try_get::<Option<String>>("", "reason")
                .ok()
                .flatten()
                .unwrap_or_default()
        })
        .collect()
}

#[rocket::async_test]
async fn a_lost_phone_is_replaced_with_a_recovery_code_that_works_once() {
    let app = TestApp::start().await;
    app.create_user("r.admin", &[Role::Admin]).await;
    let mut b = Browser::new();
    b.sign_in(&app, "r.admin", PASSWORD).await;
    let (_, codes) = b.set_up_two_step_with_codes(&app).await;
    assert_eq!(codes.len(), 10, "ten codes shown once: {codes:?}");
    let distinct: std::collections::HashSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    // only hashes are kept
    let stored = app
        .db()
        .query_all_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            "SELECT code_hash FROM recovery_codes",
        ))
        .await
        .expect("codes");
    assert_eq!(stored.len(), 10);
    for row in &stored {
        let h: String = row.try_get("", "code_hash").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!codes.iter().any(|c| h.contains(&c.replace('-', ""))));
    }

    // the phone is lost: password, then a recovery code, typed loosely
    app.clock.advance(Duration::seconds(60));
    let mut c = Browser::new();
    assert!(
        c.sign_in(&app, "r.admin", PASSWORD)
            .await
            .redirects_to("/sign-in/code")
    );
    let page = c.get(&app, "/sign-in/code").await;
    assert!(
        page.body.contains("href=\"/sign-in/recovery\""),
        "the lost-phone path is offered"
    );
    c.get(&app, "/sign-in/recovery").await;
    let wrong = c
        .post(&app, "/sign-in/recovery", &[("code", "22222-22222")])
        .await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.body.contains("Each code works once"));
    let typed = codes[3].to_lowercase().replace('-', " ");
    let ok = c.post(&app, "/sign-in/recovery", &[("code", &typed)]).await;
    assert!(
        ok.redirects_to("/account/two-step"),
        "{}: {}",
        ok.status,
        ok.body
    );
    let setup = c.get(&app, "/account/two-step").await;
    assert!(
        setup.body.contains("Set it up on your new phone"),
        "{}",
        setup.body
    );
    // two-step was reset: the new phone gets a new set of codes
    let (_, new_codes) = c.set_up_two_step_with_codes(&app).await;
    assert_eq!(new_codes.len(), 10);

    // the used code, and the old set, are refused the next time
    app.clock.advance(Duration::seconds(60));
    for (attempt, old) in [&codes[3], &codes[5]].into_iter().enumerate() {
        let mut d = Browser::new();
        assert!(
            d.sign_in(&app, "r.admin", PASSWORD)
                .await
                .redirects_to("/sign-in/code")
        );
        d.get(&app, "/sign-in/recovery").await;
        let again = d.post(&app, "/sign-in/recovery", &[("code", old)]).await;
        assert_eq!(
            again.status,
            Status::UnprocessableEntity,
            "attempt {attempt}: {old}"
        );
    }
    let mut e = Browser::new();
    e.sign_in(&app, "r.admin", PASSWORD).await;
    e.get(&app, "/sign-in/recovery").await;
    let fresh = e
        .post(&app, "/sign-in/recovery", &[("code", &new_codes[0])])
        .await;
    assert!(fresh.redirects_to("/account/two-step"), "{}", fresh.status);

    // every step is in the audit log
    let reasons = user_audit_reasons(&app).await;
    assert!(
        reasons
            .iter()
            .filter(|r| r.contains("turned on, with 10 recovery codes"))
            .count()
            == 2,
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("signed in with a recovery code")
                && r.contains("9 unused codes withdrawn")),
        "{reasons:?}"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.iter().filter(|a| *a == "login_failed:user").count() >= 3,
        "wrong and used codes are failed sign-ins: {actions:?}"
    );
}
