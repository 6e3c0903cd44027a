//! The API as another system meets it: one order of answers on every route
//! (401, 415, 405 with Allow, 404, 422), and a document that says so.

use rocket::http::{ContentType, Header, Method, Status};

use crate::support::{TestApp, TestDatabase, api};
use kerbside::domain::roles::Role;

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    ct: Option<ContentType>,
    body: &str,
) -> (Status, String, Option<String>) {
    let mut req = app.client.req(method, path.to_string()).body(body);
    if let Some(t) = token {
        req = req.header(Header::new("Authorization", format!("Bearer {t}")));
    }
    if let Some(ct) = ct {
        req = req.header(ct);
    }
    let r = req.dispatch().await;
    let allow = r.headers().get_one("Allow").map(str::to_string);
    (r.status(), r.into_string().await.unwrap_or_default(), allow)
}

#[rocket::async_test]
async fn a_body_that_is_not_json_answers_401_without_a_token_and_415_with_one() {
    let app = TestApp::start().await;
    let body = r#"{"surname":"Smith"}"#;
    let (status, _, _) = send(
        &app,
        Method::Post,
        "/api/v1/people",
        None,
        Some(ContentType::Plain),
        body,
    )
    .await;
    assert_eq!(status, Status::Unauthorized);
    let token = app.token(&[Role::Police]).await;
    let (status, text, _) = send(
        &app,
        Method::Post,
        "/api/v1/people",
        Some(&token),
        Some(ContentType::Plain),
        body,
    )
    .await;
    assert_eq!(status, Status::UnsupportedMediaType, "{text}");
    assert!(
        text.contains("\"code\":\"unsupported_media_type\""),
        "{text}"
    );
    let (status, _, _) = send(
        &app,
        Method::Post,
        "/api/v1/people",
        Some(&token),
        None,
        body,
    )
    .await;
    assert_eq!(
        status,
        Status::UnsupportedMediaType,
        "no Content-Type at all"
    );
    assert_eq!(app.count("people").await, 0);
}

#[rocket::async_test]
async fn a_method_the_path_lacks_answers_405_with_the_methods_it_has() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let (status, text, allow) = send(
        &app,
        Method::Delete,
        "/api/v1/people",
        Some(&token),
        None,
        "",
    )
    .await;
    assert_eq!(status, Status::MethodNotAllowed, "{text}");
    assert_eq!(allow.as_deref(), Some("GET, HEAD, POST"));
    assert!(text.contains("\"code\":\"method_not_allowed\""), "{text}");
    let (status, _, allow) = send(
        &app,
        Method::Put,
        "/api/v1/people/1",
        Some(&token),
        None,
        "",
    )
    .await;
    assert_eq!(status, Status::MethodNotAllowed);
    assert_eq!(allow.as_deref(), Some("GET, HEAD"));
    // without a token, 401 still comes first
    let (status, _, _) = send(&app, Method::Delete, "/api/v1/people", None, None, "").await;
    assert_eq!(status, Status::Unauthorized);
}

#[rocket::async_test]
async fn an_id_that_is_not_a_number_is_404_and_a_bad_query_value_is_422_naming_it() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    for path in ["/api/v1/people/abc", "/api/v1/people/2147483648"] {
        let r = api(&app, "GET", path, Some(&token), None).await;
        assert_eq!(r.status, Status::NotFound, "{path}");
    }
    for (address, field) in [
        ("/api/v1/people?q=smith&page=abc", "page"),
        ("/api/v1/people?q=smith&per_page=0", "per_page"),
        ("/api/v1/people?q=smith&per_page=201", "per_page"),
        ("/api/v1/people?q=smith&page=1&page=2", "page"),
        ("/api/v1/people?q=smith&date_of_birth=", "date_of_birth"),
        ("/api/v1/arrests?to=", "to"),
        ("/api/v1/arrests?disposal=", "disposal"),
        ("/api/v1/arrests?person_id=x", "person_id"),
    ] {
        let r = api(&app, "GET", address, Some(&token), None).await;
        assert_eq!(r.status, Status::UnprocessableEntity, "{address}");
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{address}: {}",
            r.body
        );
    }
}

#[rocket::async_test]
async fn a_method_nobody_knows_is_401_without_a_token_and_405_with_one() {
    // Rocket cannot route QUERY or PROPFIND; the real server must still answer in order.
    let db = TestDatabase::shared().await;
    let (code, _, err) = crate::command_line::run(
        &db.url,
        &[
            "user",
            "create",
            "--username",
            "pc.query",
            "--name",
            "PC Query",
            "--role",
            "police",
            "--password-stdin",
        ],
        "lantern harbour morning tide",
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = crate::command_line::run(
        &db.url,
        &[
            "token",
            "create",
            "--username",
            "pc.query",
            "--name",
            "test",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let token = out.trim().lines().last().unwrap_or_default().to_string();
    let server = crate::support::server::ServerProcess::start(&db.url, &[]);
    let (status, _) = server.request("QUERY", "/api/v1/people", &[]);
    assert_eq!(status, 401);
    let bearer = format!("Bearer {token}");
    let (status, answer) = server.request("QUERY", "/api/v1/people", &[("Authorization", &bearer)]);
    assert_eq!(status, 405, "{answer}");
    assert!(
        answer.to_lowercase().contains("allow: get, head, post"),
        "{answer}"
    );
    let (status, _) = server.request("PROPFIND", "/api/v1/nowhere", &[("Authorization", &bearer)]);
    assert_eq!(status, 404);
    server.stop();
}

#[rocket::async_test]
async fn the_reference_page_describes_every_operation_from_the_document() {
    let app = TestApp::start().await;
    let doc = api(&app, "GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(doc["openapi"], "3.1.0");
    let disposal = doc["components"]["schemas"]["Disposal"]["enum"]
        .as_array()
        .map(Vec::len);
    assert_eq!(
        disposal,
        Some(6),
        "the arrest's disposal is an enum of the six codes"
    );
    let page = crate::support::Browser::new()
        .get(&app, "/api/v1/docs")
        .await;
    assert_eq!(page.status, Status::Ok);
    let text = crate::support::unescape(&page.body);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            let label = format!("{} /api/v1{}", method.to_uppercase(), path);
            assert!(text.contains(&label), "{label} is on the page");
        }
    }
    assert!(
        !page.body.contains("<script src=\"http"),
        "no third-party scripts"
    );
}

#[rocket::async_test]
async fn a_body_larger_than_allowed_answers_413_in_the_problem_format_and_writes_nothing() {
    let app = TestApp::start().await;
    let token = app.token(&[Role::Police]).await;
    let big = format!(r#"{{"surname":"{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let (status, text, _) = send(
        &app,
        Method::Post,
        "/api/v1/people",
        Some(&token),
        Some(ContentType::JSON),
        &big,
    )
    .await;
    assert_eq!(
        status,
        Status::PayloadTooLarge,
        "{}",
        &text[..text.len().min(300)]
    );
    assert!(text.contains("\"code\":\"payload_too_large\""), "{text}");
    assert_eq!(app.count("people").await, 0);
}
