//! An administrator changes the rules on the settings page: the change
//! takes effect at once without a restart, a mistake keeps what was typed,
//! and the audit log holds each old and new value.

use chrono::Duration;
use kerbside::domain::roles::Role;
use rocket::http::Status;

use crate::support::{Browser, TestApp};

fn rules<'a>(idle: &'a str, everyone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("dash_escalation_incidents", "3"),
        ("dash_escalation_months", "6"),
        ("retention_years", "6"),
        ("idle_timeout_minutes", idle),
        ("two_step_for_everyone", everyone),
    ]
}

#[rocket::async_test]
async fn an_administrator_shortens_the_idle_timeout_and_requires_two_step_for_everyone() {
    let app = TestApp::start().await;
    let mut admin = app.signed_in(&[Role::Admin]).await;
    let page = admin.get(&app, "/admin/settings").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body.contains("value=\"30\""),
        "the default idle timeout shows"
    );

    let bad = admin
        .post(&app, "/admin/settings/rules", &rules("1", ""))
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.body.contains("from 2 to 480"), "{}", bad.body);
    assert!(
        bad.body
            .contains("Choose who must use two-step verification")
    );
    assert!(bad.body.contains("value=\"1\""), "what was typed stays");

    let saved = admin
        .post(
            &app,
            "/admin/settings/rules",
            &rules("10", "administrators"),
        )
        .await;
    assert!(saved.redirects_to("/admin/settings"), "{}", saved.body);

    // in force at once: a police officer idle for eleven minutes is signed out
    let mut police = app.signed_in(&[Role::Police]).await;
    app.clock.advance(Duration::minutes(9));
    assert_eq!(police.get(&app, "/").await.status, Status::Ok);
    app.clock.advance(Duration::minutes(11));
    assert!(police.get(&app, "/").await.redirects_to("/sign-in"));

    // the audit log holds the old and new values of each change, for the auditor
    let mut auditor = app.signed_in(&[Role::Auditor]).await;
    let csv = auditor
        .get(&app, "/admin/audit.csv?action=user_changed")
        .await;
    assert!(
        csv.body.contains("idle_timeout_minutes") && csv.body.contains("dash_escalation_months"),
        "{}",
        csv.body
    );
    assert!(
        !csv.body.contains("retention_years"),
        "unchanged values are not listed"
    );

    // two-step for everyone: a probation officer is sent to set it up
    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, "/admin/settings").await;
    let saved = admin
        .post(&app, "/admin/settings/rules", &rules("10", "everyone"))
        .await;
    assert!(saved.redirects_to("/admin/settings"), "{}", saved.body);
    app.create_user("p.twostep", &[Role::Probation]).await;
    let mut officer = Browser::new();
    officer.get(&app, "/sign-in").await;
    officer
        .sign_in(&app, "p.twostep", crate::support::PASSWORD)
        .await;
    assert!(
        officer
            .get(&app, "/")
            .await
            .redirects_to("/account/two-step"),
        "everyone must now set up two-step"
    );
}

#[rocket::async_test]
async fn the_privacy_notice_states_the_retention_rule_in_force_and_every_page_links_to_it() {
    let app = TestApp::start().await;
    let mut visitor = Browser::new();
    let sign_in = visitor.get(&app, "/sign-in").await;
    for link in ["href=\"/privacy\"", "href=\"/accessibility\""] {
        assert!(sign_in.body.contains(link), "the footer links {link}");
    }
    let notice = visitor.get(&app, "/privacy").await;
    assert_eq!(notice.status, Status::Ok);
    assert!(notice.body.contains("reviewed 6 years after"));
    assert!(notice.body.contains("section 35(2)(b)"));
    assert!(
        visitor
            .get(&app, "/accessibility")
            .await
            .body
            .contains("(WCAG) 2.2 at level AA")
    );

    let mut admin = app.signed_in(&[Role::Admin]).await;
    admin.get(&app, "/admin/settings").await;
    let mut seven = rules("30", "administrators");
    seven[2] = ("retention_years", "7");
    let saved = admin.post(&app, "/admin/settings/rules", &seven).await;
    assert!(saved.redirects_to("/admin/settings"), "{}", saved.body);
    let notice = visitor.get(&app, "/privacy").await;
    assert!(
        notice.body.contains("reviewed 7 years after"),
        "the notice follows the setting"
    );
}
