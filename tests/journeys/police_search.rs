//! Police and probation find a man despite typos, variants and diacritics,
//! or exactly by reference, PNC ID, vehicle or date of birth.

use kerbside::domain::roles::Role;
use rocket::http::Status;
use serde_json::{Value, json};

use crate::support::builders::PersonBuilder;
use crate::support::{TestApp, api};

async fn person(
    app: &TestApp,
    token: &str,
    surname: &str,
    forenames: &str,
    dob: &str,
    pnc: Option<&str>,
) -> Value {
    PersonBuilder::named(surname, forenames)
        .born(dob)
        .with("pnc_id", json!(pnc))
        .create(app, token)
        .await
}

async fn first_hit(app: &TestApp, token: &str, query: &str) -> Value {
    let r = api(
        app,
        "GET",
        &format!("/api/v1/people?{query}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(r.status, Status::Ok, "{}", r.body);
    let body = r.json();
    assert!(
        body["total"].as_u64().unwrap_or(0) >= 1,
        "{query}: nothing found"
    );
    body["items"][0].clone()
}

#[rocket::async_test]
async fn typed_names_find_the_right_man_first() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    for (s, f, d) in [
        ("Smith", "Jane", "1980-04-01"),
        ("Smithers", "John", "1975-01-01"),
        ("Smith", "John", "1980-04-01"),
        ("Schmidt", "Johann", "1980-04-01"),
        ("Khan", "Mohammed", "1990-06-15"),
        ("Khan", "Imran", "1990-06-15"),
        ("Wiśniewski", "Łukasz", "1985-02-02"),
        ("Şahin", "Emre", "1979-09-09"),
        ("Pîrvu", "Ionuț", "1988-08-08"),
    ] {
        person(&app, &token, s, f, d, None).await;
    }
    let hit = first_hit(&app, &token, "q=Jonh+Smyth&date_of_birth=1980-04-01").await;
    assert_eq!(
        (hit["forenames"].as_str(), hit["surname"].as_str()),
        (Some("John"), Some("Smith"))
    );
    assert!(hit["score"].as_f64().unwrap_or(0.0) > 0.9);
    let hit = first_hit(&app, &token, "q=Jonh+Smyth").await;
    assert_eq!(
        (hit["forenames"].as_str(), hit["surname"].as_str()),
        (Some("John"), Some("Smith")),
        "without the date of birth too"
    );
    for variant in ["Muhammad+Khan", "Mohamed+Khan", "Mohammad+Khan"] {
        let hit = first_hit(&app, &token, &format!("q={variant}")).await;
        assert_eq!(hit["forenames"], "Mohammed", "{variant}");
    }
    let hit = first_hit(&app, &token, "q=Lukasz+Wisniewski").await;
    assert_eq!(
        hit["surname"], "Wiśniewski",
        "diacritics ignored, kept in the record"
    );
    let hit = first_hit(&app, &token, "q=emre+sahin").await;
    assert_eq!(hit["surname"], "Şahin");
    let hit = first_hit(&app, &token, "q=Ionut+Pirvu").await;
    assert_eq!(hit["forenames"], "Ionuț");
}

#[rocket::async_test]
async fn a_reference_pnc_id_vehicle_or_date_of_birth_finds_him_exactly() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let p = person(
        &app,
        &token,
        "Dvořák",
        "Antonín",
        "1970-09-08",
        Some("08/123456A"),
    )
    .await;
    person(&app, &token, "Other", "Man", "1971-01-01", None).await;
    let reference = p["reference"].as_str().expect("reference").to_string();
    assert_eq!(
        first_hit(&app, &token, &format!("q={}", reference.to_lowercase())).await["id"],
        p["id"]
    );
    assert_eq!(first_hit(&app, &token, "q=08/123456a").await["id"], p["id"]);
    assert_eq!(
        first_hit(&app, &token, "date_of_birth=1970-09-08").await["id"],
        p["id"]
    );
    let arrest = api(&app, "POST", "/api/v1/arrests", Some(&token), Some(json!({
        "person_id": p["id"], "arrested_at": "2026-11-28T23:10:00Z", "location": "London Road", "area": "Central",
        "vehicle_registration": "ab12 cde", "offence": "soliciting_s51a_soa2003", "disposal": "simple_caution"
    }))).await;
    assert_eq!(arrest.status, Status::Created, "{}", arrest.body);
    assert_eq!(arrest.json()["vehicle_registration"], "AB12 CDE");
    assert_eq!(first_hit(&app, &token, "q=AB12CDE").await["id"], p["id"]);
}

#[rocket::async_test]
async fn a_reference_read_over_the_phone_with_one_character_wrong_finds_nobody() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let mut references = Vec::new();
    for i in 0..20 {
        let p = person(
            &app,
            &token,
            "Caller",
            "Man",
            &format!("1970-01-{:02}", i + 1),
            None,
        )
        .await;
        references.push(p["reference"].as_str().expect("reference").to_string());
    }
    let reference = &references[0];
    // KC-XXXX-XXC: six characters that read clearly over a phone and a check character
    assert_eq!(reference.len(), 11, "{reference}");
    assert!(reference.starts_with("KC-"), "{reference}");
    assert!(
        !reference[3..].chars().any(|c| "0O1I".contains(c)),
        "{reference}"
    );
    for (i, c) in reference.char_indices().skip(3).filter(|(_, c)| *c != '-') {
        let wrong = if c == '7' { '9' } else { '7' };
        let typo = format!("{}{wrong}{}", &reference[..i], &reference[i + 1..]);
        let r = api(
            &app,
            "GET",
            &format!("/api/v1/people?q={typo}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(r.status, Status::Ok, "{}", r.body);
        assert_eq!(r.json()["total"], 0, "{typo} for {reference} found someone");
    }
}

#[rocket::async_test]
async fn the_people_search_page_lists_matches_and_a_facilitator_is_refused() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    person(&app, &token, "Smith", "John", "1980-04-01", None).await;
    let mut probation = app.signed_in(&[Role::Probation]).await;
    let empty = probation.get(&app, "/people").await;
    assert!(
        empty
            .body
            .contains("method=\"post\" action=\"/people/search\""),
        "searches are posted, never put in the address"
    );
    let page = probation
        .post(
            &app,
            "/people/search",
            &[
                ("q", "jonh smyth"),
                ("date_of_birth_day", ""),
                ("date_of_birth_month", ""),
                ("date_of_birth_year", ""),
            ],
        )
        .await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.body.contains("SMITH, John"), "{}", page.body);
    let mut facilitator = app.signed_in(&[Role::Facilitator]).await;
    assert_eq!(
        facilitator.get(&app, "/people").await.status,
        Status::Forbidden
    );
    let ftoken = app.token(&[Role::Facilitator]).await;
    assert_eq!(
        api(&app, "GET", "/api/v1/people?q=smith", Some(&ftoken), None)
            .await
            .status,
        Status::Forbidden
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"consult:person_search".to_string())
    );
}

#[rocket::async_test]
async fn a_bad_person_gets_field_messages_from_the_api() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let r = api(&app, "POST", "/api/v1/people", Some(&token), Some(json!({"surname": "", "forenames": "Jo", "date_of_birth": "1980-02-30", "sex": "unknown", "postcode": "nowhere"}))).await;
    assert_eq!(r.status, Status::UnprocessableEntity);
    let fields = &r.json()["error"]["fields"];
    for f in ["surname", "date_of_birth", "sex", "postcode"] {
        assert!(fields[f].is_string(), "{f}: {fields}");
    }
    assert_eq!(app.count("people").await, 0);
}

/// The man found first for a search by name alone, and the reasons given.
async fn first_by_name(app: &TestApp, token: &str, typed: &str) -> (String, String, String) {
    let q: String = typed
        .chars()
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let hit = first_hit(app, token, &format!("q={q}")).await;
    (
        hit["forenames"].as_str().unwrap_or("").to_string(),
        hit["surname"].as_str().unwrap_or("").to_string(),
        hit["reasons"].to_string(),
    )
}

#[rocket::async_test]
async fn one_mistake_in_either_name_finds_him_first_without_a_date_of_birth() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    // the men searched for, among namesakes and near neighbours
    for (s, f, d) in [
        ("Kowalski", "Piotr", "1979-05-02"),
        ("Kowalska", "Anna", "1981-01-01"),
        ("Kowalczyk", "Piotr", "1983-03-03"),
        ("Nowak", "Piotr", "1977-07-07"),
        ("Smith", "John", "1980-04-01"),
        ("Smith", "Jane", "1980-04-01"),
        ("Santos", "John", "1975-05-05"),
        ("Smithers", "John", "1975-01-01"),
        ("Wiśniewski", "Łukasz", "1985-02-02"),
        ("Wisniewska", "Lucyna", "1986-02-02"),
        ("Davies", "Mark", "1970-10-10"),
        ("Davidson", "Mark", "1971-10-10"),
        ("Hussain", "Imran", "1990-06-15"),
        ("Khan", "Mohammed", "1990-06-15"),
        ("Khan", "Imran", "1991-06-15"),
        ("Vass", "Viktor", "1969-09-09"),
        ("Popa", "Ionuț", "1988-08-08"),
    ] {
        person(&app, &token, s, f, d, None).await;
    }
    for (typed, forenames, surname, reason) in [
        // a wrong first letter
        (
            "Piotr Cowalski",
            "Piotr",
            "Kowalski",
            "surname one letter different",
        ),
        (
            "Wiktor Vass",
            "Viktor",
            "Vass",
            "forename one letter different",
        ),
        // two letters swapped
        (
            "John Smtih",
            "John",
            "Smith",
            "surname one letter different",
        ),
        (
            "Jonh Smith",
            "John",
            "Smith",
            "forename one letter different",
        ),
        // a missing diacritic
        ("Lukasz Wisniewski", "Łukasz", "Wiśniewski", "same surname"),
        ("Ionut Popa", "Ionuț", "Popa", "same forename"),
        // a spelling variant
        (
            "Mark Davis",
            "Mark",
            "Davies",
            "surname a known spelling variant",
        ),
        (
            "Imran Hussein",
            "Imran",
            "Hussain",
            "surname a known spelling variant",
        ),
        (
            "Muhammad Khan",
            "Mohammed",
            "Khan",
            "forename a known variant or nickname",
        ),
        // one wrong letter once found five Santoses and never John Smith
        (
            "John Smitq",
            "John",
            "Smith",
            "surname one letter different",
        ),
    ] {
        let (f, s, reasons) = first_by_name(&app, &token, typed).await;
        assert_eq!((f.as_str(), s.as_str()), (forenames, surname), "{typed}");
        assert!(reasons.contains(reason), "{typed}: {reasons}");
    }
}

#[rocket::async_test]
async fn a_man_recorded_without_name_keys_gets_them_at_start_up_and_is_found_by_a_typo() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let man = person(&app, &police, "Wiśniewski", "Łukasz", "1981-04-04", None).await;
    app.db()
        .execute_unprepared(&format!(
            "DELETE FROM person_name_keys WHERE person_id = {}",
            man["id"]
        ))
        .await
        .expect("delete keys");
    let keyed = kerbside::db::people_repo::key_unkeyed_names(app.db())
        .await
        .expect("key");
    assert_eq!(keyed, 1, "only the man without keys is keyed");
    let hit = first_hit(&app, &police, "q=Lukasz+Wisniewsky").await;
    assert_eq!(hit["id"], man["id"]);
    assert_eq!(
        kerbside::db::people_repo::key_unkeyed_names(app.db())
            .await
            .expect("key"),
        0,
        "nobody is left without keys"
    );
}
