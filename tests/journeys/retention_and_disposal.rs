//! Retention review: a probation officer lists the records due, retains one
//! with a reason, and disposes of another. Disposal erases the man and every
//! narrative about him, keeps every statistic's counts, and leaves an `erase`
//! entry saying who did it; a man with a programme place still open cannot be
//! disposed of.

use kerbside::config::Settings;
use kerbside::domain::roles::Role;
use rocket::http::Status;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::support::builders::{ArrestBuilder, PersonBuilder};
use crate::support::{Browser, TestApp, api, table_rows_in};

/// Records are reviewed one year after their last activity, so that men
/// arrested in 2024 are due on the test clock's 30 November 2026.
async fn app_reviewing_after_one_year() -> TestApp {
    TestApp::start_with(|s| Settings {
        retention_years: 1,
        ..s
    })
    .await
}

/// A one-session programme with a cohort whose session is at `first`.
pub(crate) async fn cohort(app: &TestApp, probation: &str, code: &str, first: &str) -> Value {
    app.create_user(&format!("f.{}", code.to_lowercase()), &[Role::Facilitator])
        .await;
    let programme = api(app, "POST", "/api/v1/programmes", Some(probation), Some(json!({
        "name": format!("Awareness {code}"), "max_group_size": 12, "completion_rule": {"min_attended": 1},
        "aims": ["Understand the harm done"],
        "sessions": [{"number": 1, "title": "Consequences", "minutes": 120}]
    })))
    .await;
    assert_eq!(programme.status, Status::Created, "{}", programme.body);
    let cohort = api(app, "POST", "/api/v1/cohorts", Some(probation), Some(json!({
        "programme_id": programme.json()["id"], "code": code, "venue": "Hall", "capacity": 12,
        "facilitator_usernames": [format!("f.{}", code.to_lowercase())], "first_session_at": first, "interval_days": 7
    })))
    .await;
    assert_eq!(cohort.status, Status::Created, "{}", cohort.body);
    cohort.json()
}

/// A man cautioned in 2024 on condition of the course, enrolled on `cohort`.
async fn enrolled_man(
    app: &TestApp,
    police: &str,
    probation: &str,
    surname: &str,
    cohort: &Value,
) -> (Value, Value) {
    let man = PersonBuilder::named(surname, "Test")
        .with("pnc_id", json!("24/123456A"))
        .create(app, police)
        .await;
    let arrest = ArrestBuilder::of(&man)
        .at("2024-03-01T22:00:00Z")
        .conditional_caution("2024-12-31")
        .create(app, police)
        .await;
    let enrolment = api(
        app,
        "POST",
        "/api/v1/enrolments",
        Some(probation),
        Some(json!({
            "person_id": man["id"], "cohort_id": cohort["id"], "referral_id": arrest["referral_id"],
            "legal_basis": "voluntary", "override_reason": "He asked to attend"
        })),
    )
    .await;
    assert_eq!(enrolment.status, Status::Created, "{}", enrolment.body);
    (man, enrolment.json())
}

/// Every figure the statistics give for 2024, as the manager sees them.
async fn every_statistic(app: &TestApp, manager: &str, probation: &mut Browser) -> Vec<String> {
    let mut figures = Vec::new();
    for index in ["arrest", "programme_start"] {
        let r = api(app, "GET", &format!("/api/v1/statistics/reoffending?index={index}&from=2024-01-01&to=2026-11-30&as_of=2026-11-30"), Some(manager), None).await;
        assert_eq!(r.status, Status::Ok, "{}", r.body);
        figures.push(r.body);
    }
    let period = "from_day=1&from_month=1&from_year=2024&to_day=31&to_month=12&to_year=2024";
    for path in ["/statistics.csv", "/statistics/community.csv"] {
        let r = probation.get(app, &format!("{path}?{period}")).await;
        assert_eq!(r.status, Status::Ok, "{path}");
        figures.push(r.body);
    }
    figures
}

pub(crate) async fn one_value(app: &TestApp, sql: &str) -> Option<String> {
    let row = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            sql.to_string(),
        ))
        .await
        .expect("query")?;
    row.try_get::<Option<String>>("", "v").ok().flatten()
}

#[rocket::async_test]
async fn a_disposed_mans_record_is_erased_his_counts_stay_and_an_erase_entry_says_who_did_it() {
    let app = app_reviewing_after_one_year().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;

    let old = cohort(&app, &probation, "OLD-1", "2024-03-04T10:00:00Z").await;
    let (adams, enrolment) = enrolled_man(&app, &police, &probation, "Adams", &old).await;
    let marked = api(&app, "PUT", &format!("/api/v1/sessions/{}/attendance", old["sessions"][0]["id"]), Some(&probation), Some(json!({
        "marks": [{"enrolment_id": enrolment["id"], "outcome": "attended_complied", "note": "Spoke about his wife's fear of him"}]
    })))
    .await;
    assert_eq!(marked.status, Status::Ok, "{}", marked.body);
    ArrestBuilder::of(&adams)
        .at("2024-09-01T21:00:00Z")
        .create(&app, &police)
        .await;
    let id = adams["id"].as_i64().expect("id");
    // his enrolment and register were typed in today: he is due a year on
    app.clock.advance(chrono::Duration::days(370));
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let manager = app.token(&[Role::Manager]).await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let before = every_statistic(&app, &manager, &mut officer).await;
    let about_him = format!("audit_log WHERE person_id = {id}");
    let entries_before = app.count(&about_him).await;

    // he is on the review list, and his review shows nothing in progress
    let list = officer.get(&app, "/retention").await;
    assert_eq!(list.status, Status::Ok);
    let rows = table_rows_in(&list.body, "Records due for review");
    assert!(
        rows.iter().any(|r| r[0].contains("ADAMS, Test")),
        "{rows:?}"
    );
    let review = officer.get(&app, &format!("/people/{id}/retention")).await;
    assert!(review.body.contains("(due now)"), "{}", review.body);
    assert!(review.body.contains("Dispose of the record"));

    // not ticking the box disposes of nothing
    let unticked = officer
        .post(&app, &format!("/people/{id}/retention/dispose"), &[])
        .await;
    assert_eq!(unticked.status, Status::Conflict);
    assert!(unticked.body.contains("Tick the box"));
    assert_eq!(
        app.count(&format!("people WHERE id = {id} AND disposed_at IS NULL"))
            .await,
        1
    );

    let done = officer
        .post(
            &app,
            &format!("/people/{id}/retention/dispose"),
            &[("confirm", "true")],
        )
        .await;
    assert!(done.redirects_to("/retention"), "{}", done.body);

    // every statistic keeps its counts
    assert_eq!(every_statistic(&app, &manager, &mut officer).await, before);

    // the man is unreadable: not found by id, by name or by PNC ID
    let gone = api(
        &app,
        "GET",
        &format!("/api/v1/people/{id}"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(gone.status, Status::NotFound);
    let page = officer.get(&app, &format!("/people/{id}")).await;
    assert_eq!(page.status, Status::NotFound);
    for q in ["Adams", "24/123456A"] {
        let found = api(
            &app,
            "GET",
            &format!("/api/v1/people?q={}", crate::support::urlencode(q)),
            Some(&police),
            None,
        )
        .await;
        assert_eq!(found.status, Status::Ok);
        assert!(
            !found.body.contains(&format!("\"id\":{id},")),
            "{q}: {}",
            found.body
        );
    }
    assert_eq!(
        app.count(&format!("person_name_keys WHERE person_id = {id}"))
            .await,
        0
    );
    let surname = one_value(&app, &format!("SELECT surname || ' ' || forenames || ' ' || COALESCE(pnc_id, '-') AS v FROM people WHERE id = {id}")).await;
    assert_eq!(surname.as_deref(), Some("Disposed record -"));
    assert_eq!(
        app.count(&format!(
            "attendance_marks WHERE note IS NOT NULL AND enrolment_id = {}",
            enrolment["id"]
        ))
        .await,
        0,
        "the facilitator's note about him is erased"
    );
    assert_eq!(
        app.count(&format!("arrests WHERE person_id = {id} AND location = ''"))
            .await,
        2,
        "both arrests stay, without where they happened"
    );

    // one erase entry says who disposed of which record; nothing about him is lost
    let erase = one_value(&app, &format!("SELECT actor_username || ' ' || reason AS v FROM audit_log WHERE action = 'erase' AND person_id = {id}")).await.expect("an erase entry");
    assert!(
        erase.contains("disposed of under the retention rule"),
        "{erase}"
    );
    assert!(
        !erase.contains("Adams") && !erase.contains("wife"),
        "{erase}"
    );
    assert!(app.count(&about_him).await > entries_before);
    let reviewed_again = officer.get(&app, &format!("/people/{id}/retention")).await;
    assert_eq!(reviewed_again.status, Status::NotFound);
}

#[rocket::async_test]
async fn a_man_with_a_programme_place_still_open_cannot_be_disposed_of() {
    let app = app_reviewing_after_one_year().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let next = cohort(&app, &probation, "NEXT-1", "2027-01-11T10:00:00Z").await;
    let (brown, _) = enrolled_man(&app, &police, &probation, "Brown", &next).await;
    let id = brown["id"].as_i64().expect("id");

    let review = officer.get(&app, &format!("/people/{id}/retention")).await;
    assert!(
        review.body.contains("cannot be disposed of yet"),
        "{}",
        review.body
    );
    let refused = officer
        .post(
            &app,
            &format!("/people/{id}/retention/dispose"),
            &[("confirm", "true")],
        )
        .await;
    assert_eq!(refused.status, Status::Conflict);
    assert!(refused.body.contains("programme place"), "{}", refused.body);
    let still = api(
        &app,
        "GET",
        &format!("/api/v1/people/{id}"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(still.status, Status::Ok);
    assert_eq!(app.count("audit_log WHERE action = 'erase'").await, 0);
}

#[rocket::async_test]
async fn retaining_a_record_needs_a_reason_and_takes_it_off_the_list_until_the_next_review() {
    let app = app_reviewing_after_one_year().await;
    let police = app.token(&[Role::Police]).await;
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let clark = PersonBuilder::named("Clark", "Test")
        .create(&app, &police)
        .await;
    ArrestBuilder::of(&clark)
        .at("2023-05-01T22:00:00Z")
        .create(&app, &police)
        .await;
    let id = clark["id"].as_i64().expect("id");

    let bad = officer
        .post(
            &app,
            &format!("/people/{id}/retention/retain"),
            &[
                ("rationale", " "),
                ("next_review_date_day", "1"),
                ("next_review_date_month", "6"),
                ("next_review_date_year", "2040"),
            ],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.body.contains("Say why the record is still needed"));
    assert!(bad.body.contains("within 6 years"));
    assert!(bad.body.contains("value=\"2040\""), "what was typed stays");

    let good = officer
        .post(
            &app,
            &format!("/people/{id}/retention/retain"),
            &[
                ("rationale", "Named in a live MARAC case"),
                ("next_review_date_day", "1"),
                ("next_review_date_month", "6"),
                ("next_review_date_year", "2027"),
            ],
        )
        .await;
    assert!(good.redirects_to("/retention"), "{}", good.body);
    let list = officer.get(&app, "/retention").await;
    assert!(
        !list.body.contains("CLARK"),
        "retained until June 2027: {}",
        list.body
    );
    let review = officer.get(&app, &format!("/people/{id}/retention")).await;
    assert!(review.body.contains("Named in a live MARAC case"));
    assert!(review.body.contains("1 June 2027"));

    // a year on, past the date set, he is due again
    app.clock.advance(chrono::Duration::days(200));
    let mut officer = app.signed_in(&[Role::Probation]).await;
    let list = officer.get(&app, "/retention").await;
    assert!(list.body.contains("CLARK"), "{}", list.body);
}

async fn execute(app: &TestApp, sql: &str) -> Result<u64, sea_orm::DbErr> {
    app.db()
        .execute_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            sql.to_string(),
        ))
        .await
        .map(|r| r.rows_affected())
}

#[rocket::async_test]
async fn locked_and_append_only_rows_let_a_disposal_empty_their_narrative_and_nothing_else() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let probation = app.token(&[Role::Probation]).await;
    let (man, charge) = crate::court_reports::charged_man(&app, &police, &probation).await;
    let created = api(&app, "POST", "/api/v1/court-reports", Some(&probation), Some(json!({
        "person_id": man["id"], "arrest_id": charge["id"], "court": "Ipswich Magistrates' Court",
        "hearing_date": "2027-01-20", "sections": crate::court_reports::sections("A fine.")
    })))
    .await;
    assert_eq!(created.status, Status::Created, "{}", created.body);
    let id = created.json()["id"].clone();
    let submitted = api(
        &app,
        "POST",
        &format!("/api/v1/court-reports/{id}/submit"),
        Some(&probation),
        None,
    )
    .await;
    assert_eq!(submitted.status, Status::Ok, "{}", submitted.body);

    for rewrite in [
        format!("UPDATE court_reports SET content = 'rewritten' WHERE id = {id}"),
        format!("UPDATE court_reports SET court = 'Elsewhere', content = '' WHERE id = {id}"),
        format!("UPDATE court_reports SET status = 'draft', content = '' WHERE id = {id}"),
    ] {
        assert!(execute(&app, &rewrite).await.is_err(), "refused: {rewrite}");
    }
    let emptied = execute(
        &app,
        &format!("UPDATE court_reports SET content = '', snapshot = NULL WHERE id = {id}"),
    )
    .await;
    assert_eq!(emptied.ok(), Some(1));

    // an append-only table: the same one change, and no other
    let cohort = cohort(&app, &probation, "LOCK-1", "2026-11-16T10:00:00Z").await;
    let (_, enrolment) = enrolled_man(&app, &police, &probation, "Evans", &cohort).await;
    let marked = api(&app, "PUT", &format!("/api/v1/sessions/{}/attendance", cohort["sessions"][0]["id"]), Some(&probation), Some(json!({
        "marks": [{"enrolment_id": enrolment["id"], "outcome": "attended_complied", "note": "Quiet"}]
    })))
    .await;
    assert_eq!(marked.status, Status::Ok, "{}", marked.body);
    let of_him = format!("WHERE enrolment_id = {}", enrolment["id"]);
    for rewrite in [
        format!("UPDATE attendance_marks SET note = 'Loud' {of_him}"),
        format!(
            "UPDATE attendance_marks SET outcome = 'unacceptable_absence', note = NULL {of_him}"
        ),
        format!("DELETE FROM attendance_marks {of_him}"),
    ] {
        assert!(execute(&app, &rewrite).await.is_err(), "refused: {rewrite}");
    }
    assert_eq!(
        execute(
            &app,
            &format!("UPDATE attendance_marks SET note = NULL {of_him}")
        )
        .await
        .ok(),
        Some(1)
    );
}
