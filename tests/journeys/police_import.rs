//! Importing force exports: all or nothing, every problem named by row and
//! column, and the same file twice imports once.

use kerbside::domain::roles::Role;
use rocket::http::{ContentType, Header, Status};

use crate::support::TestApp;

const HEADER: &str = "occurrence_reference,surname,forenames,date_of_birth,sex,address,postcode,pnc_id,vehicle_registration,arrested_at,location,area,operation,offence,disposal,course_deadline,court,first_hearing_date,officer_collar_number,notes";

fn letters(n: usize) -> String {
    let a = |k: usize| char::from(b'a' + (k % 26) as u8);
    format!("{}{}", a(n / 26), a(n))
}

fn file(rows: usize, bad_row: Option<usize>) -> String {
    let mut s = format!("\u{feff}{HEADER}\r\n");
    for i in 0..rows {
        let dob = if Some(i) == bad_row {
            "1980-02-31".to_string()
        } else {
            {
                let k = i % 40;
                format!("19{:02}-0{}-1{}", 60 + k, 1 + k % 9, k % 10)
            }
        };
        let disposal = if i % 5 == 0 {
            "conditional_caution,2027-02-28"
        } else {
            "simple_caution,"
        };
        s.push_str(&format!(
            "IMP/{i}/26,Surname{},Forename{},{dob},male,\"1 High St, Ipswich\",IP1 1AA,,AB{:02}CDE,2026-11-{:02} 23:{:02},London Road,Central,Op Nightjar,soliciting_s51a_soa2003,{disposal},,,{},\r\n",
            letters(i % 40), letters(i % 40), 10 + i % 80, 1 + i % 28, i % 60, 1000 + i
        ));
    }
    s
}

async fn upload(
    app: &TestApp,
    token: &str,
    body: &str,
    dry_run: bool,
) -> (Status, serde_json::Value) {
    let r = app
        .client
        .post(format!(
            "/api/v1/arrests/import{}",
            if dry_run { "?dry_run=true" } else { "" }
        ))
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .header(ContentType::CSV)
        .body(body)
        .dispatch()
        .await;
    let status = r.status();
    let text = r.into_string().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}")),
    )
}

#[rocket::async_test]
async fn one_bad_row_among_fifty_imports_nothing_and_names_the_row_and_column() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let (status, body) = upload(&app, &token, &file(50, Some(17)), false).await;
    assert_eq!(status, Status::UnprocessableEntity);
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(
        errors[0]["row"], 19,
        "the header is row 1, so the 18th data row is row 19"
    );
    assert_eq!(errors[0]["column"], "date_of_birth");
    assert_eq!(app.count("arrests").await, 0);
    assert_eq!(app.count("people").await, 0);
}

#[rocket::async_test]
async fn the_same_valid_file_imported_twice_imports_once() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let f = file(50, None);
    let (status, dry) = upload(&app, &token, &f, true).await;
    assert_eq!(status, Status::Ok, "{dry}");
    assert_eq!(
        (dry["imported"].as_u64(), dry["dry_run"].as_bool()),
        (Some(50), Some(true))
    );
    assert_eq!(app.count("arrests").await, 0, "a dry run writes nothing");
    let (_, first) = upload(&app, &token, &f, false).await;
    assert_eq!(
        (
            first["imported"].as_u64(),
            first["skipped_existing"].as_u64()
        ),
        (Some(50), Some(0)),
        "{first}"
    );
    let people = app.count("people").await;
    assert!(
        people < 50,
        "a man with the same name and date of birth is reused ({people})"
    );
    assert_eq!(app.count("referrals").await, 10);
    let (_, second) = upload(&app, &token, &f, false).await;
    assert_eq!(
        (
            second["imported"].as_u64(),
            second["skipped_existing"].as_u64()
        ),
        (Some(0), Some(50))
    );
    assert_eq!(app.count("arrests").await, 50);
    assert_eq!(app.count("people").await, people);
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "collect:arrest").count(),
        50
    );
    assert_eq!(actions.iter().filter(|a| *a == "collect:import").count(), 2);
}

#[rocket::async_test]
async fn an_officer_uploads_a_file_checks_it_and_watches_it_import() {
    let app = TestApp::start().await;
    let mut officer = app.signed_in(&[Role::Police]).await;
    officer.get(&app, "/arrests/import").await;
    let boundary = "XkerbsideX";
    let multipart = |content: &str, token: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
        )
    };
    let send = |body: String, cookies: Vec<(String, String)>| {
        let mut req = app
            .client
            .post("/arrests/import")
            .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
            .body(body);
        for (k, v) in cookies {
            req = req.cookie(rocket::http::Cookie::new(k, v));
        }
        req
    };
    let bad = send(
        multipart(&file(5, Some(2)), &officer.csrf),
        officer.cookies.clone(),
    )
    .dispatch()
    .await;
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    let text = bad.into_string().await.unwrap_or_default();
    assert!(text.contains("<td>4</td><td>date_of_birth</td>"), "{text}");
    let ok = send(
        multipart(&file(120, None), &officer.csrf),
        officer.cookies.clone(),
    )
    .dispatch()
    .await;
    assert_eq!(ok.status(), Status::Ok);
    let text = ok.into_string().await.unwrap_or_default();
    assert!(text.contains("Import 120 arrests"), "{text}");
    let run = text
        .split("/arrests/import/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("run id")
        .to_string();
    let started = officer
        .post(&app, &format!("/arrests/import/{run}/run"), &[])
        .await;
    assert!(started.redirects_to(&format!("/arrests/import/{run}")));
    let mut finished = false;
    for _ in 0..100 {
        let page = officer.get(&app, &format!("/arrests/import/{run}")).await;
        if page.body.contains("Import complete") {
            assert!(page.body.contains("120 arrests imported"));
            finished = true;
            break;
        }
        assert!(
            page.body.contains("http-equiv=\"refresh\""),
            "the progress page refreshes itself"
        );
        rocket::tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(finished, "the import finished");
    assert_eq!(app.count("arrests").await, 120);
    let other = app.signed_in(&[Role::Police]).await;
    let mut other = other;
    assert_eq!(
        other
            .get(&app, &format!("/arrests/import/{run}"))
            .await
            .status,
        Status::NotFound,
        "another officer cannot see this upload"
    );
}

#[rocket::async_test]
async fn an_import_that_fails_in_the_database_half_way_writes_nothing() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let audit_before = app.count("audit_log").await;
    // Every fifth row is a conditional caution, so the referral insert for the
    // first of them fails after people and arrests were already written.
    app.db()
        .execute_unprepared(
            "ALTER TABLE referral_status_history RENAME TO referral_status_history_away",
        )
        .await
        .expect("rename");
    let r = app
        .client
        .post("/api/v1/arrests/import")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .header(ContentType::CSV)
        .body(file(30, None))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::InternalServerError);
    app.db()
        .execute_unprepared(
            "ALTER TABLE referral_status_history_away RENAME TO referral_status_history",
        )
        .await
        .expect("rename back");
    assert_eq!(app.count("people").await, 0, "rolled back");
    assert_eq!(app.count("arrests").await, 0, "rolled back");
    assert_eq!(app.count("referrals").await, 0, "rolled back");
    assert_eq!(
        app.count("audit_log").await,
        audit_before,
        "no collect entries for rows that were not kept"
    );
    let (status, again) = upload(&app, &token, &file(30, None), false).await;
    assert_eq!(
        status,
        Status::Ok,
        "the same file goes in once the fault is gone: {again}"
    );
    assert_eq!(again["imported"], 30);
}

/// One row of a force export for the man named.
fn row_for(occurrence: &str, surname: &str, forenames: &str, dob: &str, pnc: &str) -> String {
    format!(
        "{occurrence},{surname},{forenames},{dob},male,,,{pnc},,2026-11-20 23:10,London Road,Central,,soliciting_s51a_soa2003,simple_caution,,,,1234,\r\n"
    )
}

#[rocket::async_test]
async fn a_row_that_nearly_matches_a_recorded_man_is_listed_for_review_not_merged() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let known = crate::support::builders::PersonBuilder::named("Kowalski", "Piotr")
        .born("1979-05-02")
        .create(&app, &token)
        .await;
    let mut body = format!("{HEADER}\r\n");
    // one letter different, same date of birth: near
    body.push_str(&row_for("NEAR/1/26", "Cowalski", "Piotr", "1979-05-02", ""));
    // the same man exactly: his record is reused, nothing to review
    body.push_str(&row_for("SAME/2/26", "Kowalski", "Piotr", "1979-05-02", ""));
    // a different man born the same day: not near
    body.push_str(&row_for("OTHER/3/26", "Ahmed", "Tariq", "1979-05-02", ""));
    let (status, dry) = upload(&app, &token, &body, true).await;
    assert_eq!(status, Status::Ok, "{dry}");
    let near = dry["near_matches"].as_array().cloned().unwrap_or_default();
    assert_eq!(near.len(), 1, "{dry}");
    assert_eq!(near[0]["row"], 2);
    assert_eq!(near[0]["person_id"], known["id"]);
    assert_eq!(near[0]["row_name"], "COWALSKI, Piotr");
    let reasons = near[0]["reasons"].to_string();
    assert!(
        reasons.contains("surname one letter different") && reasons.contains("same date of birth"),
        "{reasons}"
    );
    assert_eq!(dry["new_people"], 2, "the near row and the other man");
    assert!(
        app.audit_actions()
            .await
            .contains(&"consult:import_check".to_string()),
        "showing the recorded man is a consult of his record"
    );

    let (status, done) = upload(&app, &token, &body, false).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(done["near_matches"].as_array().map(Vec::len), Some(1));
    // not merged: Cowalski is a man of his own, Kowalski keeps only his own arrest
    let search = crate::support::api(
        &app,
        "GET",
        "/api/v1/people?q=Cowalski%2C+Piotr&date_of_birth=1979-05-02",
        Some(&token),
        None,
    )
    .await
    .json();
    let items = search["items"].as_array().cloned().unwrap_or_default();
    assert!(items.len() >= 2, "{search}");
    assert_eq!(items[0]["surname"], "Cowalski");
    assert_eq!(items[1]["id"], known["id"]);
    let record = crate::support::api(
        &app,
        "GET",
        &format!("/api/v1/people/{}", known["id"]),
        Some(&token),
        None,
    )
    .await
    .json();
    assert_eq!(
        record["arrests"].as_array().map(Vec::len),
        Some(1),
        "{record}"
    );
}

/// One row of a force export for the man named, arrested at `at`.
fn row_at(occurrence: &str, surname: &str, dob: &str, at: &str) -> String {
    row_for(occurrence, surname, "Adam", dob, "").replace("2026-11-20 23:10", at)
}

#[rocket::async_test]
async fn an_import_records_every_re_arrest_once_as_a_reoffence_even_history_sent_late() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let first = format!(
        "{HEADER}\r\n{}",
        row_at("A/1/26", "Earlier", "1980-01-01", "2026-11-20 23:10")
    );
    assert_eq!(upload(&app, &token, &first, false).await.0, Status::Ok);
    // Earlier again later on, and his older history sent late (now his
    // first arrest); Twice, new, arrested on two nights
    let body = format!(
        "{HEADER}\r\n{}{}{}{}",
        row_at("A/2/26", "Earlier", "1980-01-01", "2026-11-25 22:00"),
        row_at("A/0/26", "Earlier", "1980-01-01", "2026-10-01 21:30"),
        row_at("B/1/26", "Twice", "1985-06-06", "2026-11-22 23:00"),
        row_at("B/0/26", "Twice", "1985-06-06", "2026-11-21 23:00"),
    );
    let (status, done) = upload(&app, &token, &body, false).await;
    assert_eq!(status, Status::Ok, "{done}");
    let rows = app
        .db()
        .query_all_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            "SELECT p.surname AS surname, a.occurrence_reference AS occurrence, \
             (SELECT COUNT(*) FROM audit_log l WHERE l.action = 'collect' AND l.record_type = 'reoffence' \
              AND l.record_id = CAST(r.id AS VARCHAR(20))) AS audited \
             FROM reoffences r JOIN people p ON p.id = r.person_id JOIN arrests a ON a.id = r.arrest_id \
             ORDER BY a.occurrence_reference",
        ))
        .await
        .expect("reoffences");
    let found: Vec<(String, String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "surname").unwrap_or_default(),
                r.try_get("", "occurrence").unwrap_or_default(),
                r.try_get("", "audited").unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("Earlier".to_string(), "A/1/26".to_string(), 1),
            ("Earlier".to_string(), "A/2/26".to_string(), 1),
            ("Twice".to_string(), "B/1/26".to_string(), 1),
        ],
        "each arrest after a man's first is a reoffence, recorded and audited once"
    );
}

/// Rows of every disposal, the referral-making ones due on many days.
fn mixed_file(rows: usize) -> String {
    let mut s = format!("{HEADER}\r\n");
    for i in 0..rows {
        let disposal = match i % 4 {
            0 => format!("conditional_caution,2027-03-{:02},,", 1 + i % 28),
            1 => format!(
                "charged,,Ipswich Magistrates' Court,2027-04-{:02}",
                1 + i % 30
            ),
            2 => "simple_caution,,,".to_string(),
            _ => "no_further_action,,,".to_string(),
        };
        s.push_str(&format!(
            "MIX/{i}/26,Mixed{},Man{},19{:02}-0{}-1{},male,,,,,2026-11-{:02} 22:{:02},London Road,Central,,soliciting_s51a_soa2003,{disposal},{},\r\n",
            letters(i % 300), letters(i % 300), 60 + i % 30, 1 + i % 9, i % 10, 1 + i % 28, i % 60, 2000 + i
        ));
    }
    s
}

#[rocket::async_test]
async fn a_long_import_gives_every_caution_and_charge_a_referral_of_its_own_arrest() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    // more rows than one statement stores, so the rows go in several at a time
    let rows = 1_203;
    let (status, summary) = upload(&app, &token, &mixed_file(rows), false).await;
    assert_eq!(status, Status::Ok, "{summary}");
    assert_eq!(summary["imported"].as_u64(), Some(rows as u64));
    assert_eq!(app.count("arrests").await, rows as i64);
    let referred = (0..rows).filter(|i| i % 4 < 2).count() as i64;
    assert_eq!(app.count("referrals").await, referred);
    assert_eq!(app.count("referral_status_history").await, referred);
    // each referral is of its own arrest: the same man, its disposal and
    // the deadline or hearing that arrest gave
    let db = app.db();
    let wrong = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM referrals r JOIN arrests a ON a.id = r.arrest_id \
             WHERE r.person_id <> a.person_id OR r.reason <> a.disposal \
             OR r.due_date <> COALESCE(a.course_deadline, a.first_hearing_date)",
        ))
        .await
        .expect("query")
        .and_then(|row| row.try_get_by_index::<i64>(0).ok());
    assert_eq!(wrong, Some(0), "every referral matches its arrest");
    let shared = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM (SELECT arrest_id FROM referrals GROUP BY arrest_id HAVING COUNT(*) > 1) twice",
        ))
        .await
        .expect("query")
        .and_then(|row| row.try_get_by_index::<i64>(0).ok());
    assert_eq!(shared, Some(0), "no arrest has two referrals");
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "collect:arrest").count(),
        rows
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "collect:referral").count() as i64,
        referred
    );
}

fn new_man(surname: &str) -> kerbside::domain::person::ValidPerson {
    let born = chrono::NaiveDate::from_ymd_opt(1981, 3, 4).unwrap_or_default();
    crate::support::builders::checked_man(surname, "Karol", born)
}

#[rocket::async_test]
async fn a_new_man_whose_reference_another_import_took_first_is_left_for_a_new_one() {
    use kerbside::db::people_repo;
    // two imports writing at once can choose the same free reference: the
    // one that writes second skips that man (his keys too) and keeps the rest
    let app = TestApp::start().await;
    let now = chrono::Utc::now();
    let (first, second, third) = (
        new_man("Wiśniewski"),
        new_man("Lewandowski"),
        new_man("Zieliński"),
    );
    let written = people_repo::insert_many(app.db(), &[(&first, "KC-TTTT-AAA")], None, now)
        .await
        .expect("the first import's man");
    assert!(written[0].is_some());
    let keys_before = app.count("person_name_keys").await;
    let written = people_repo::insert_many(
        app.db(),
        &[(&second, "KC-TTTT-AAA"), (&third, "KC-TTTT-BBB")],
        None,
        now,
    )
    .await
    .expect("a taken reference is not an error");
    assert_eq!(
        written[0], None,
        "the man given the taken reference is left"
    );
    assert!(written[1].is_some(), "the man after him is written");
    assert_eq!(app.count("people").await, 2);
    let third_keys =
        kerbside::domain::name_keys::stored_keys(&third.surname, &third.forenames).len();
    assert_eq!(
        app.count("person_name_keys").await - keys_before,
        third_keys as i64,
        "keys only for the man written"
    );
    let again = people_repo::insert_many(app.db(), &[(&second, "KC-TTTT-CCC")], None, now)
        .await
        .expect("the man left, with a new reference");
    assert!(again[0].is_some());
    assert_eq!(app.count("people").await, 3);
}

#[rocket::async_test]
async fn two_imports_that_chose_each_others_references_both_finish() {
    use kerbside::db::people_repo;
    use sea_orm::TransactionTrait;
    // PostgreSQL lets two imports write at once; SQLite's writers take
    // turns, so there two imports never hold references at the same time.
    let app = TestApp::start().await;
    if app.db().get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let now = chrono::Utc::now();
    let (early, late) = ("KC-AAAA-AAA", "KC-ZZZZ-ZZZ");
    // the first import has written a man with the early reference, and
    // not yet committed
    let first = app.db().begin().await.expect("begin the first");
    let written = people_repo::insert_many(&first, &[(&new_man("Kowalczyk"), early)], None, now)
        .await
        .expect("the first import's first man");
    assert!(written[0].is_some());
    // the second import chose the late reference and then the early one:
    // it waits for the first to finish before it takes either
    let second = app.db().begin().await.expect("begin the second");
    let second_writes = async {
        let written = people_repo::insert_many(
            &second,
            &[(&new_man("Kamiński"), late), (&new_man("Woźniak"), early)],
            None,
            now,
        )
        .await
        .expect("the second import waits, and is not ended by a deadlock");
        second.commit().await.expect("commit the second");
        written
    };
    // meanwhile the first import writes a man with the late reference
    let first_goes_on = async {
        rocket::tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let written = people_repo::insert_many(&first, &[(&new_man("Mazur"), late)], None, now)
            .await
            .expect("the first import's second man, not ended by a deadlock");
        first.commit().await.expect("commit the first");
        written
    };
    let (second_wrote, first_wrote) = rocket::tokio::join!(second_writes, first_goes_on);
    assert!(
        first_wrote[0].is_some(),
        "the first import keeps the late reference"
    );
    assert_eq!(
        second_wrote,
        vec![None, None],
        "the second import's two men are left for new references"
    );
    assert_eq!(app.count("people").await, 2);
}
