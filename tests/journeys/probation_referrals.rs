//! Probation's referral queue: most urgent first, assignment with history,
//! and court hearings for a charged man.

use chrono::Duration;
use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::json;

use crate::support::builders::arrested_man;
use crate::support::{TestApp, api};

#[rocket::async_test]
async fn the_queue_puts_the_most_urgent_referral_first_and_keeps_its_history() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (_, later) = arrested_man(
        &app,
        &police,
        "Later",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let (sooner_man, sooner) = arrested_man(
        &app,
        &police,
        "Sooner",
        "charged",
        json!({"court": "Ipswich Magistrates' Court", "first_hearing_date": "2026-12-03"}),
    )
    .await;
    arrested_man(&app, &police, "Nothing", "simple_caution", json!({})).await;
    let probation = app.token(&[Role::Probation]).await;
    let q = api(&app, "GET", "/api/v1/referrals", Some(&probation), None)
        .await
        .json();
    assert_eq!(q["total"], 2);
    assert_eq!(q["items"][0]["id"], sooner["referral_id"]);
    assert_eq!(
        q["items"][0]["days_left"], 3,
        "due 3 December, today 30 November"
    );
    assert_eq!(q["items"][1]["id"], later["referral_id"]);
    // the queue's total is kept between views, and counted again once a
    // referral is made
    arrested_man(
        &app,
        &police,
        "Another",
        "conditional_caution",
        json!({"course_deadline": "2027-04-01"}),
    )
    .await;
    let q = api(&app, "GET", "/api/v1/referrals", Some(&probation), None)
        .await
        .json();
    assert_eq!(q["total"], 3, "the new referral is counted");
    // assign on the page, then it shows under "my referrals"
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let me = kerbside::db::users_repo::find_by_username(app.db(), &officer.username)
        .await
        .expect("db")
        .expect("me")
        .id;
    let rid = sooner["referral_id"].to_string();
    officer.get(&app, &format!("/referrals/{rid}")).await;
    let r = officer
        .post(
            &app,
            &format!("/referrals/{rid}/assign"),
            &[("officer_id", &me.to_string())],
        )
        .await;
    assert!(r.redirects_to(&format!("/referrals/{rid}")), "{}", r.body);
    let mine = officer.get(&app, "/referrals?mine=true").await;
    assert!(
        mine.body.contains("SOONER, Test") && !mine.body.contains("LATER, Test"),
        "{}",
        mine.body
    );
    // each row names the man by his reference too, and says when he was
    // arrested (the builder's arrests are made at 23:00 on 20 November)
    let reference = sooner_man["reference"].as_str().expect("a reference");
    assert!(
        mine.body.contains(reference) && mine.body.contains("arrested 20 November 2026, 23:00"),
        "{}",
        mine.body
    );
    let detail = officer.get(&app, &format!("/referrals/{rid}")).await;
    assert!(
        detail.body.contains("allocated to a probation officer"),
        "history shows the move"
    );
    app.clock.advance(Duration::days(5));
    let mut next_day = app.signed_in(&[Role::Probation]).await;
    let overdue = next_day.get(&app, "/referrals").await;
    assert!(overdue.body.contains("Overdue by 2 days"));
    // police cannot see the queue
    assert_eq!(
        api(&app, "GET", "/api/v1/referrals", Some(&police), None)
            .await
            .status,
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn two_officers_assigning_one_referral_from_the_same_page_do_not_overwrite_each_other() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (_, arrest) = arrested_man(
        &app,
        &police,
        "Contested",
        "conditional_caution",
        json!({"course_deadline": "2027-03-01"}),
    )
    .await;
    let rid = arrest["referral_id"].to_string();
    let mut first = app.signed_in(&[Role::Probation]).await;
    let mut second = app.signed_in(&[Role::Probation]).await;
    async fn id_of(app: &TestApp, b: &crate::support::Browser) -> String {
        kerbside::db::users_repo::find_by_username(app.db(), &b.username)
            .await
            .expect("db")
            .expect("user")
            .id
            .to_string()
    }
    let (first_id, second_id) = (id_of(&app, &first).await, id_of(&app, &second).await);
    let version_on = |html: &str| {
        let marker = "name=\"version\" value=\"";
        let at = html.find(marker).expect("the form carries its version") + marker.len();
        html[at..].split('"').next().unwrap_or_default().to_string()
    };
    let page = first.get(&app, &format!("/referrals/{rid}")).await;
    let v1 = version_on(&page.body);
    let page = second.get(&app, &format!("/referrals/{rid}")).await;
    let v2 = version_on(&page.body);
    assert_eq!(v1, v2, "both read the same referral");
    let r = first
        .post(
            &app,
            &format!("/referrals/{rid}/assign"),
            &[("officer_id", first_id.as_str()), ("version", v1.as_str())],
        )
        .await;
    assert!(r.redirects_to(&format!("/referrals/{rid}")), "{}", r.body);
    let r = second
        .post(
            &app,
            &format!("/referrals/{rid}/assign"),
            &[("officer_id", second_id.as_str()), ("version", v2.as_str())],
        )
        .await;
    assert_eq!(r.status, Status::Conflict, "{}", r.body);
    assert!(
        r.body.contains("Someone else changed this referral"),
        "{}",
        r.body
    );
    let referral = kerbside::db::referrals_repo::find(app.db(), rid.parse().expect("id"))
        .await
        .expect("db")
        .expect("referral");
    assert_eq!(
        referral.assigned_to.map(|u| u.to_string()),
        Some(first_id),
        "the first assignment stands"
    );
}

#[rocket::async_test]
async fn probation_records_court_hearings_only_for_a_charged_arrest() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let (_, charged) = arrested_man(
        &app,
        &police,
        "Charged",
        "charged",
        json!({"court": "Ipswich Magistrates' Court", "first_hearing_date": "2026-12-03"}),
    )
    .await;
    let (_, cautioned) =
        arrested_man(&app, &police, "Cautioned", "simple_caution", json!({})).await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let form = officer
        .get(&app, &format!("/arrests/{}/hearings/new", charged["id"]))
        .await;
    assert!(
        form.body
            .contains("value=\"Ipswich Magistrates&#x27; Court\""),
        "the court is prefilled from the arrest"
    );
    let bad = officer
        .post(
            &app,
            &format!("/arrests/{}/hearings", charged["id"]),
            &[
                ("hearing_date_day", "3"),
                ("hearing_date_month", "12"),
                ("hearing_date_year", "2026"),
                ("court", "Ipswich"),
                ("outcome", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.body.contains("Choose the outcome"));
    let ok = officer
        .post(
            &app,
            &format!("/arrests/{}/hearings", charged["id"]),
            &[
                ("hearing_date_day", "3"),
                ("hearing_date_month", "12"),
                ("hearing_date_year", "2026"),
                ("court", "Ipswich"),
                ("outcome", "report_requested"),
                ("notes", "PSR due in 3 weeks"),
            ],
        )
        .await;
    assert!(ok.redirects_to(&format!("/arrests/{}", charged["id"])));
    let page = officer
        .get(&app, &format!("/arrests/{}", charged["id"]))
        .await;
    assert!(
        page.body.contains("Pre-sentence report requested")
            && page.body.contains("PSR due in 3 weeks")
    );
    let mut police_officer = app.signed_in(&[Role::Police]).await;
    let police_view = police_officer
        .get(&app, &format!("/arrests/{}", charged["id"]))
        .await;
    assert!(
        !police_view.body.contains("PSR due in 3 weeks")
            && !police_view.body.contains("Pre-sentence report requested"),
        "hearings are probation's record"
    );
    let refused = officer
        .post(
            &app,
            &format!("/arrests/{}/hearings", cautioned["id"]),
            &[
                ("hearing_date_day", "3"),
                ("hearing_date_month", "12"),
                ("hearing_date_year", "2026"),
                ("court", "Ipswich"),
                ("outcome", "fine"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, Status::Conflict);
    assert!(
        app.audit_actions()
            .await
            .contains(&"collect:court_hearing".to_string())
    );
}

#[rocket::async_test]
async fn referrals_moved_together_refuse_one_moved_since_it_was_read_and_keep_no_history_for_it() {
    use kerbside::db::referrals_repo::{Move, find, history, move_many};
    use kerbside::domain::referral::ReferralStatus;
    use sea_orm::TransactionTrait;
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let deadline = json!({"course_deadline": "2027-03-01"});
    let (_, stale_arrest) = arrested_man(
        &app,
        &police,
        "Stale",
        "conditional_caution",
        deadline.clone(),
    )
    .await;
    let (_, fresh_arrest) =
        arrested_man(&app, &police, "Fresh", "conditional_caution", deadline).await;
    let id = |a: &serde_json::Value| a["referral_id"].as_i64().unwrap_or_default() as i32;
    let read = |rid: i32| {
        let db = app.db().clone();
        async move { find(&db, rid).await.expect("read").expect("a referral") }
    };
    let (stale, fresh) = (read(id(&stale_arrest)).await, read(id(&fresh_arrest)).await);
    let allocate = |r| Move {
        referral: r,
        to: ReferralStatus::Allocated,
        assigned_to: None,
        note: "allocated".into(),
    };
    // someone moves the first after it was read
    assert_eq!(
        move_many(app.db(), &[allocate(&stale)], None, chrono::Utc::now())
            .await
            .expect("moved"),
        1
    );
    let txn = app.db().begin().await.expect("a transaction");
    let moved = move_many(
        &txn,
        &[allocate(&stale), allocate(&fresh)],
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("ran");
    assert_eq!(moved, 1, "the stale copy's version no longer matches");
    assert_eq!(
        history(&txn, stale.id).await.expect("history").len(),
        2,
        "no history row for the refused move (its opening and the first move only)"
    );
    drop(txn);
    assert_eq!(
        read(fresh.id).await.status,
        ReferralStatus::New,
        "the caller drops its transaction: the other referral is not moved either"
    );
}
