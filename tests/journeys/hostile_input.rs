//! Inputs nobody should send: bodies that are not UTF-8, JSON nested
//! thousands deep, years 0 and 9999, ids that are negative or beyond any
//! integer, fields of 10,000 characters. Each gets a clear 4xx, nothing is
//! written, and the app keeps serving. Clients trickling their headers a byte
//! at a time do not keep anyone else waiting.

use kerbside::domain::roles::Role;
use rocket::http::{ContentType, Header, Status};
use serde_json::json;

use std::time::{Duration, Instant};

use crate::support::server::ServerProcess;
use crate::support::{TestApp, TestDatabase, api};

async fn raw_post(app: &TestApp, path: &str, token: &str, body: Vec<u8>) -> (Status, String) {
    let r = app
        .client
        .post(path.to_string())
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .header(ContentType::JSON)
        .body(body)
        .dispatch()
        .await;
    let status = r.status();
    (status, r.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn hostile_bodies_dates_ids_and_lengths_get_a_clear_4xx_and_write_nothing() {
    let app = TestApp::start().await;
    let police = app.token(&[Role::Police]).await;
    let people_before = app.count("people").await;
    let audit_collects = "audit_log WHERE action = 'collect'";
    let collects_before = app.count(audit_collects).await;

    // not UTF-8
    let (status, body) = raw_post(
        &app,
        "/api/v1/people",
        &police,
        vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'],
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(
        body.contains("\"body\""),
        "the problem says the body is wrong: {body}"
    );

    // nested thousands deep
    for deep in [
        format!("{}{}", "[".repeat(5000), "]".repeat(5000)),
        format!(
            "{{\"surname\": {}{}}}",
            "{\"a\":".repeat(5000),
            "}".repeat(5000)
        ),
    ] {
        let (status, body) = raw_post(&app, "/api/v1/people", &police, deep.into_bytes()).await;
        assert!(
            status == Status::BadRequest || status == Status::UnprocessableEntity,
            "{status}: {body}"
        );
        assert!(
            body.contains("\"body\""),
            "the problem names the body: {body}"
        );
    }

    // absurd dates
    for dob in ["0000-01-01", "9999-12-31", "2026-02-30", "+275760-09-13"] {
        let r = api(
            &app,
            "POST",
            "/api/v1/people",
            Some(&police),
            Some(json!({
                "surname": "Datesworth", "forenames": "Al", "date_of_birth": dob, "sex": "male"
            })),
        )
        .await;
        assert_eq!(r.status, Status::UnprocessableEntity, "{dob}: {}", r.body);
        assert!(
            r.json()["error"]["fields"]["date_of_birth"].is_string(),
            "{dob}: {}",
            r.body
        );
    }
    let man = api(
        &app,
        "POST",
        "/api/v1/people",
        Some(&police),
        Some(json!({
            "surname": "Datesworth", "forenames": "Al", "date_of_birth": "1980-01-01", "sex": "male"
        })),
    )
    .await;
    assert_eq!(man.status, Status::Created, "{}", man.body);
    for at in [
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:00:00Z",
        "2026-13-01T00:00:00Z",
    ] {
        let r = api(&app, "POST", "/api/v1/arrests", Some(&police), Some(json!({
            "person_id": man.json()["id"], "arrested_at": at, "location": "Portman Road", "area": "Central",
            "offence": "soliciting_s51a_soa2003", "disposal": "no_further_action"
        })))
        .await;
        assert_eq!(r.status, Status::UnprocessableEntity, "{at}: {}", r.body);
        assert!(
            r.json()["error"]["fields"]["arrested_at"].is_string(),
            "{at}: {}",
            r.body
        );
    }

    // ids negative, zero, beyond i32 and beyond i64
    for id in ["-1", "0", "2147483648", "99999999999999999999999"] {
        let r = api(
            &app,
            "GET",
            &format!("/api/v1/people/{id}"),
            Some(&police),
            None,
        )
        .await;
        assert_eq!(r.status, Status::NotFound, "{id}: {}", r.body);
        let r = api(&app, "POST", "/api/v1/arrests", Some(&police), Some(json!({
            "person_id": serde_json::from_str::<serde_json::Value>(id).unwrap_or(json!(id)),
            "arrested_at": "2026-11-29T22:00:00Z", "location": "Portman Road", "area": "Central",
            "offence": "soliciting_s51a_soa2003", "disposal": "no_further_action"
        })))
        .await;
        assert!(
            r.status == Status::UnprocessableEntity || r.status == Status::BadRequest,
            "{id}: {}",
            r.body
        );
    }

    // 10,000 characters in every text field
    let long = "x".repeat(10_000);
    let r = api(
        &app,
        "POST",
        "/api/v1/people",
        Some(&police),
        Some(json!({
            "surname": long, "forenames": long, "date_of_birth": "1980-01-01", "sex": "male",
            "address": long, "postcode": long, "phone": long, "pnc_id": long
        })),
    )
    .await;
    assert_eq!(r.status, Status::UnprocessableEntity, "{}", r.body);
    let fields = &r.json()["error"]["fields"];
    for f in ["surname", "forenames", "postcode", "pnc_id"] {
        assert!(fields[f].is_string(), "{f} is not named: {}", r.body);
    }
    let r = api(
        &app,
        "GET",
        &format!("/api/v1/people?q={long}"),
        Some(&police),
        None,
    )
    .await;
    assert!(
        r.status == Status::UnprocessableEntity || r.status == Status::Ok,
        "{}",
        r.status
    );

    assert_eq!(
        app.count("people").await,
        people_before + 1,
        "only the one good man was recorded"
    );
    assert_eq!(app.count(audit_collects).await, collects_before + 1);
    assert_eq!(
        api(&app, "GET", "/healthz", None, None).await.status,
        Status::Ok
    );
}

#[rocket::async_test]
async fn sixty_four_clients_trickling_their_headers_do_not_stop_anyone_else_being_served() {
    use std::io::Write;
    let db = TestDatabase::shared().await;
    let server = ServerProcess::start(&db.url, &[]);
    let mut slow = Vec::new();
    for _ in 0..64 {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .expect("first bytes");
        slow.push(s);
    }
    for round in 0..3 {
        for s in &mut slow {
            let _ = s.write_all(b"a");
        }
        let started = Instant::now();
        let (status, answer) = server.request("GET", "/healthz", &[]);
        assert_eq!(status, 200, "round {round}: {answer}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "round {round}: a normal request waited {:?} behind the slow clients",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    println!("slow clients: 64 held open, /healthz answered within 2 s in each of 3 rounds");
    drop(slow);
    server.stop();
}
