//! A police officer records arrests: the search comes first, a repeat arrest
//! shows his history, and a conditional caution or charge refers him to
//! probation.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::support::{TestApp, api};

fn arrest_body(person_id: &Value, occurrence: &str, disposal: &str) -> Value {
    json!({
        "person_id": person_id, "arrested_at": "2026-11-28T23:10:00Z", "location": "London Road", "area": "Central",
        "operation": "Op Nightjar", "vehicle_registration": "AB12CDE", "offence": "soliciting_s51a_soa2003",
        "disposal": disposal, "occurrence_reference": occurrence, "collar_number": "1234",
    })
}

#[rocket::async_test]
async fn a_repeat_arrest_reports_the_previous_one_and_a_conditional_caution_makes_a_referral() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Smith", "forenames": "John", "date_of_birth": "1980-04-01", "sex": "male"}))).await.json();
    let first = api(
        &app,
        "POST",
        "/api/v1/arrests",
        Some(&token),
        Some(arrest_body(&p["id"], "37/1/26", "simple_caution")),
    )
    .await;
    assert_eq!(first.status, Status::Created, "{}", first.body);
    assert_eq!(first.json()["previous_arrests"], 0);
    assert_eq!(first.json()["referral_id"], Value::Null);
    let mut second = arrest_body(&p["id"], "37/2/26", "conditional_caution");
    second["arrested_at"] = json!("2026-11-29T22:00:00Z");
    second["course_deadline"] = json!("2027-01-31");
    let r = api(&app, "POST", "/api/v1/arrests", Some(&token), Some(second)).await;
    assert_eq!(r.status, Status::Created, "{}", r.body);
    let body = r.json();
    assert_eq!(body["previous_arrests"], 1);
    assert!(body["referral_id"].is_number());
    assert_eq!(body["referral_due_date"], "2027-01-31");
    let person = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}", p["id"]),
        Some(&token),
        None,
    )
    .await
    .json();
    assert_eq!(person["arrests"].as_array().map(Vec::len), Some(2));
}

#[rocket::async_test]
async fn a_charge_refers_him_with_the_hearing_date_and_missing_court_details_are_named() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Jones", "forenames": "Rhys", "date_of_birth": "1970-01-01", "sex": "male"}))).await.json();
    let bad = api(
        &app,
        "POST",
        "/api/v1/arrests",
        Some(&token),
        Some(arrest_body(&p["id"], "37/3/26", "charged")),
    )
    .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    let fields = &bad.json()["error"]["fields"];
    assert!(
        fields["court"].is_string() && fields["first_hearing_date"].is_string(),
        "{fields}"
    );
    let mut good = arrest_body(&p["id"], "37/3/26", "charged");
    good["court"] = json!("Ipswich Magistrates' Court");
    good["first_hearing_date"] = json!("2026-12-14");
    let r = api(&app, "POST", "/api/v1/arrests", Some(&token), Some(good))
        .await
        .json();
    assert_eq!(r["referral_due_date"], "2026-12-14");
    assert_eq!(app.count("referrals").await, 1);
    let dup = api(
        &app,
        "POST",
        "/api/v1/arrests",
        Some(&token),
        Some(arrest_body(&p["id"], "37/3/26", "simple_caution")),
    )
    .await;
    assert_eq!(dup.status, Status::UnprocessableEntity);
    assert!(dup.json()["error"]["fields"]["occurrence_reference"].is_string());
    let future = {
        let mut b = arrest_body(&p["id"], "37/4/26", "simple_caution");
        b["arrested_at"] = json!("2027-01-01T00:00:00Z");
        api(&app, "POST", "/api/v1/arrests", Some(&token), Some(b)).await
    };
    assert!(
        future.json()["error"]["fields"]["arrested_at"]
            .as_str()
            .is_some_and(|m| m.contains("future"))
    );
}

#[rocket::async_test]
async fn an_officer_searches_picks_the_man_sees_his_history_and_records_the_arrest_on_the_page() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Smith", "forenames": "John", "date_of_birth": "1980-04-01", "sex": "male"}))).await.json();
    api(
        &app,
        "POST",
        "/api/v1/arrests",
        Some(&token),
        Some(arrest_body(&p["id"], "37/1/26", "simple_caution")),
    )
    .await;
    let mut officer = app.signed_in(&[Role::Police]).await;
    officer.get(&app, "/arrests/new").await;
    let search = officer
        .post(
            &app,
            "/arrests/new",
            &[
                ("surname", "Smyth"),
                ("forenames", "Jonh"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "4"),
                ("date_of_birth_year", "1980"),
                ("vehicle_registration", "XY51ABC"),
            ],
        )
        .await;
    assert_eq!(search.status, Status::Ok);
    assert!(
        search.body.contains("SMITH, John") && search.body.contains("1 previous"),
        "{}",
        search.body
    );
    let form = officer
        .post(
            &app,
            &format!("/arrests/new/for/{}", p["id"]),
            &[("vehicle_registration", "XY51ABC")],
        )
        .await;
    assert!(
        form.body.contains("Arrested 1 time before"),
        "previous arrests shown before the disposal"
    );
    assert!(
        form.body.contains("value=\"XY51ABC\""),
        "the vehicle typed in the search is carried over"
    );
    let pid = p["id"].to_string();
    let mut fields = vec![
        ("person_id", pid.as_str()),
        ("arrest.arrested_at_day", "29"),
        ("arrest.arrested_at_month", "11"),
        ("arrest.arrested_at_year", "2026"),
        ("arrest.arrested_at_time", "25:99"),
        ("arrest.location", "Handford Road"),
        ("arrest.area", "Central"),
        ("arrest.operation", ""),
        ("arrest.vehicle_registration", "XY51 ABC"),
        ("arrest.offence", "soliciting_s51a_soa2003"),
        ("arrest.disposal", "conditional_caution"),
        ("arrest.course_condition", "true"),
        ("arrest.course_deadline_day", ""),
        ("arrest.course_deadline_month", ""),
        ("arrest.course_deadline_year", ""),
        ("arrest.court", ""),
        ("arrest.first_hearing_date_day", ""),
        ("arrest.first_hearing_date_month", ""),
        ("arrest.first_hearing_date_year", ""),
        ("arrest.collar_number", "4321"),
        ("arrest.occurrence_reference", "37/9/26"),
        ("arrest.notes", ""),
    ];
    let again = officer.post(&app, "/arrests", &fields).await;
    assert_eq!(again.status, Status::UnprocessableEntity);
    assert!(
        again.body.contains("href=\"#arrested_at\"")
            && again.body.contains("href=\"#course_deadline\""),
        "errors link to their fields: {}",
        again.body
    );
    assert!(
        again.body.contains("value=\"Handford Road\""),
        "typed values kept"
    );
    assert_eq!(app.count("arrests").await, 1, "nothing written");
    for f in fields.iter_mut() {
        match f.0 {
            "arrest.arrested_at_time" => f.1 = "08:30",
            "arrest.course_deadline_day" => f.1 = "31",
            "arrest.course_deadline_month" => f.1 = "1",
            "arrest.course_deadline_year" => f.1 = "2027",
            _ => {}
        }
    }
    let done = officer.post(&app, "/arrests", &fields).await;
    assert!(
        done.redirects_to("/arrests/"),
        "{}: {}",
        done.status,
        done.body
    );
    let page = officer
        .get(&app, done.location.as_deref().unwrap_or("/"))
        .await;
    assert!(
        page.body.contains("previous arrest(s)") && page.body.contains("31 January 2027"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Previous arrests: 1"));
    assert!(page.body.contains("XY51 ABC"));
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"collect:arrest".to_string())
            && actions.contains(&"collect:referral".to_string())
            && actions.contains(&"consult:arrest".to_string())
    );
}

#[rocket::async_test]
async fn a_new_man_and_his_arrest_are_created_together_and_his_name_is_shown_escaped() {
    let app = TestApp::start().await;
    let mut officer = app.signed_in(&[Role::Police]).await;
    officer.get(&app, "/arrests/new/person?surname=Evil").await;
    let fields = [
        ("person.surname", "<script>alert(x)</script>"),
        ("person.forenames", "Łukasz"),
        ("person.date_of_birth_day", "3"),
        ("person.date_of_birth_month", "3"),
        ("person.date_of_birth_year", "1983"),
        ("person.sex", "male"),
        ("person.address", ""),
        ("person.postcode", "IP4 1AA"),
        ("person.phone", ""),
        ("person.pnc_id", ""),
        ("person.contact_preference", "mobile_only"),
        ("person.category", "suspect"),
        ("arrest.arrested_at_day", "29"),
        ("arrest.arrested_at_month", "11"),
        ("arrest.arrested_at_year", "2026"),
        ("arrest.arrested_at_time", "23:40"),
        ("arrest.location", "Portman Road"),
        ("arrest.area", "Docks"),
        ("arrest.operation", "Op Lantern"),
        ("arrest.vehicle_registration", ""),
        ("arrest.offence", "soliciting_s51a_soa2003"),
        ("arrest.disposal", "no_further_action"),
        ("arrest.course_condition", "true"),
        ("arrest.course_deadline_day", ""),
        ("arrest.course_deadline_month", ""),
        ("arrest.course_deadline_year", ""),
        ("arrest.court", ""),
        ("arrest.first_hearing_date_day", ""),
        ("arrest.first_hearing_date_month", ""),
        ("arrest.first_hearing_date_year", ""),
        ("arrest.collar_number", "99"),
        ("arrest.occurrence_reference", ""),
        ("arrest.notes", "<b>bold</b>"),
    ];
    let done = officer.post(&app, "/arrests", &fields).await;
    assert!(
        done.redirects_to("/arrests/"),
        "{}: {}",
        done.status,
        done.body
    );
    // The notice naming him travels encrypted and out of scripts' reach.
    let notice = done
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("Set-Cookie") && v.starts_with("kerbside_notice="))
        .map(|(_, v)| v.clone())
        .expect("a notice cookie");
    assert!(notice.contains("HttpOnly"), "{notice}");
    assert!(
        !notice.contains("ukasz") && !notice.contains("script"),
        "the name is not readable in the cookie: {notice}"
    );
    let page = officer
        .get(&app, done.location.as_deref().unwrap_or("/"))
        .await;
    assert!(
        page.body.contains("Arrest recorded for"),
        "the notice shows on the next page"
    );
    assert!(!page.body.contains("<script>alert(x)</script>") && !page.body.contains("<b>bold</b>"));
    assert!(page.body.contains("&lt;script&gt;"));
    assert!(page.body.contains("Łukasz"));
    assert_eq!(app.count("people").await, 1);
    assert_eq!(
        app.count("referrals").await,
        0,
        "no further action makes no referral"
    );
}

#[rocket::async_test]
async fn two_people_editing_one_record_get_a_conflict_not_a_silent_overwrite() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Probation]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Brown", "forenames": "Sam", "date_of_birth": "1960-01-01", "sex": "male"}))).await.json();
    let mut a = app.signed_in(&[Role::Police]).await;
    let mut b = app.signed_in(&[Role::Probation]).await;
    let path = format!("/people/{}", p["id"]);
    a.get(&app, &format!("{path}/edit")).await;
    b.get(&app, &format!("{path}/edit")).await;
    let fields = |postcode: &'static str| {
        vec![
            ("version", "1"),
            ("person.surname", "Brown"),
            ("person.forenames", "Sam"),
            ("person.date_of_birth_day", "1"),
            ("person.date_of_birth_month", "1"),
            ("person.date_of_birth_year", "1960"),
            ("person.sex", "male"),
            ("person.address", ""),
            ("person.postcode", postcode),
            ("person.phone", ""),
            ("person.pnc_id", ""),
            ("person.contact_preference", ""),
            ("person.category", "suspect"),
        ]
    };
    assert!(
        a.post(&app, &path, &fields("IP1 1AA"))
            .await
            .redirects_to(&path)
    );
    let late = b.post(&app, &path, &fields("IP2 2BB")).await;
    assert_eq!(late.status, Status::Conflict);
    assert!(late.body.contains("Someone else changed this record"));
    let now = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}", p["id"]),
        Some(&token),
        None,
    )
    .await
    .json();
    assert_eq!(now["postcode"], "IP1 1AA");
    let rows = app.audit_actions().await;
    assert_eq!(rows.iter().filter(|a| *a == "alter:person").count(), 1);
}

#[rocket::async_test]
async fn the_arrests_list_filters_sorts_and_exports_as_an_audited_disclosure() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Grey", "forenames": "Tom", "date_of_birth": "1966-06-06", "sex": "male"}))).await.json();
    let record = |occurrence: &'static str, area: &'static str, operation: Value, day: u32| {
        let mut b = arrest_body(&p["id"], occurrence, "simple_caution");
        b["area"] = json!(area);
        b["operation"] = operation;
        b["arrested_at"] = json!(format!("2026-11-{day}T22:00:00Z"));
        let (app, token) = (&app, &token);
        async move {
            assert_eq!(
                api(app, "POST", "/api/v1/arrests", Some(token), Some(b))
                    .await
                    .status,
                Status::Created
            );
        }
    };
    let central = || async {
        api(
            &app,
            "GET",
            "/api/v1/arrests?area=Central&per_page=1",
            Some(&token),
            None,
        )
        .await
        .json()
    };
    record("37/0/26", "Central", json!("Op Nightjar"), 21).await;
    record("37/1/26", "North", json!("Op Lantern"), 22).await;
    record("37/2/26", "Central", Value::Null, 23).await;
    let listed = central().await;
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    // the total is kept between views, and counted again after an arrest
    record("37/9/26", "Central", json!("Op Nightjar"), 20).await;
    assert_eq!(central().await["total"], 3, "the new arrest is counted");
    assert_eq!(
        listed["items"][0]["arrested_at"], "2026-11-23T22:00:00Z",
        "newest first"
    );
    let mut b = app.signed_in(&[Role::Probation]).await;
    let page = b.get(&app, "/arrests?area=North").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.body
            .contains(r#"<option value="Op Lantern">Op Lantern</option>"#)
            && page
                .body
                .contains(r#"<option value="Op Nightjar">Op Nightjar</option>"#)
            && page.body.find(">Op Lantern<") < page.body.find(">Op Nightjar<")
            && page.body.matches(">Op Nightjar<").count() == 1,
        "the filter offers each operation once, in order: {}",
        page.body
    );
    assert_eq!(
        page.body.matches("/arrests/").count() - page.body.matches("/arrests/new").count(),
        1,
        "one row for North"
    );
    // the row names the man and says when, where and what
    assert!(
        page.body.contains("GREY, Tom")
            && page.body.contains("22 November 2026, 22:00")
            && page.body.contains("<td>North</td>")
            && page.body.contains("<td>Simple caution</td>"),
        "{}",
        page.body
    );
    let csv = b
        .get(&app, "/arrests.csv?area=Central&sort=arrested_at&dir=asc")
        .await;
    assert_eq!(csv.body.lines().count(), 4);
    assert!(
        csv.body
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("37/9/26")),
        "{}",
        csv.body
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"disclose:arrest_list".to_string())
    );
}

#[rocket::async_test]
async fn an_officer_corrects_an_arrest_and_the_change_is_audited_with_old_and_new_values() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Fix", "forenames": "Sam", "date_of_birth": "1970-01-01", "sex": "male"}))).await.json();
    let a = api(
        &app,
        "POST",
        "/api/v1/arrests",
        Some(&token),
        Some(arrest_body(&p["id"], "37/5/26", "simple_caution")),
    )
    .await
    .json();
    let path = format!("/arrests/{}", a["id"]);
    let mut officer = app.signed_in(&[Role::Police]).await;
    let form = officer.get(&app, &format!("{path}/edit")).await;
    assert!(
        form.body.contains("value=\"London Road\"") && form.body.contains("value=\"23:10\""),
        "the form shows what was recorded, in London time"
    );
    let fields = |location: &'static str| {
        vec![
            ("version", "1"),
            ("arrest.arrested_at_day", "28"),
            ("arrest.arrested_at_month", "11"),
            ("arrest.arrested_at_year", "2026"),
            ("arrest.arrested_at_time", "23:10"),
            ("arrest.location", location),
            ("arrest.area", "Central"),
            ("arrest.operation", "Op Nightjar"),
            ("arrest.vehicle_registration", "AB12 CDE"),
            ("arrest.offence", "soliciting_s51a_soa2003"),
            ("arrest.collar_number", "1234"),
            ("arrest.occurrence_reference", "37/5/26"),
            ("arrest.notes", ""),
        ]
    };
    let bad = officer.post(&app, &path, &fields("")).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    let ok = officer.post(&app, &path, &fields("Norwich Road")).await;
    assert!(ok.redirects_to(&path), "{}: {}", ok.status, ok.body);
    let stale = officer.post(&app, &path, &fields("Somewhere Else")).await;
    assert_eq!(
        stale.status,
        Status::Conflict,
        "a second save from the old version is refused"
    );
    let row = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            "SELECT changes FROM audit_log WHERE action = 'alter' AND record_type = 'arrest'",
        ))
        .await
        .expect("query")
        .expect("row");
    let changes: String = row.try_get("", "changes").expect("changes");
    assert!(
        changes.contains("London Road") && changes.contains("Norwich Road"),
        "{changes}"
    );
    let mut probation = app.signed_in(&[Role::Probation]).await;
    assert_eq!(
        probation.get(&app, &format!("{path}/edit")).await.status,
        Status::NotFound,
        "a record route the role may not use is not confirmed to exist"
    );
}

#[rocket::async_test]
async fn two_saves_of_one_record_at_the_same_moment_keep_one_and_refuse_the_other() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Probation]).await;
    let p = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "Race", "forenames": "Sam", "date_of_birth": "1960-01-01", "sex": "male"}))).await.json();
    let path = format!("/people/{}", p["id"]);
    let mut a = app.signed_in(&[Role::Police]).await;
    let mut b = app.signed_in(&[Role::Probation]).await;
    a.get(&app, &format!("{path}/edit")).await;
    b.get(&app, &format!("{path}/edit")).await;
    let fields = |postcode: &'static str| {
        vec![
            ("version", "1"),
            ("person.surname", "Race"),
            ("person.forenames", "Sam"),
            ("person.date_of_birth_day", "1"),
            ("person.date_of_birth_month", "1"),
            ("person.date_of_birth_year", "1960"),
            ("person.sex", "male"),
            ("person.address", ""),
            ("person.postcode", postcode),
            ("person.phone", ""),
            ("person.pnc_id", ""),
            ("person.contact_preference", ""),
            ("person.category", "suspect"),
        ]
    };
    let (fa, fb) = (fields("IP1 1AA"), fields("IP2 2BB"));
    let (ra, rb) = futures::future::join(a.post(&app, &path, &fa), b.post(&app, &path, &fb)).await;
    let statuses = [ra.status, rb.status];
    assert!(
        statuses.contains(&Status::SeeOther) && statuses.contains(&Status::Conflict),
        "one kept, one refused: {statuses:?}"
    );
    let now = api(
        &app,
        "GET",
        &format!("/api/v1/people/{}", p["id"]),
        Some(&token),
        None,
    )
    .await
    .json();
    let kept = if ra.status == Status::SeeOther {
        "IP1 1AA"
    } else {
        "IP2 2BB"
    };
    assert_eq!(
        now["postcode"], kept,
        "the record holds the save that was answered as kept"
    );
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|x| *x == "alter:person")
            .count(),
        1,
        "one change, one entry"
    );
}
