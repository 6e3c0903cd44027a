//! `TestApp`: the real app on a fresh database, an injectable clock, and
//! `Browser`s that carry their own cookies and CSRF token.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use kerbside::auth::Actor;
use kerbside::clock::{Clock, FixedClock};
use kerbside::config::Settings;
use kerbside::domain::roles::Role;
use kerbside::services::accounts::{self, NewAccount};
use kerbside::state::AppState;
use rocket::http::{ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

pub mod builders;
pub mod live;
pub mod pg;
pub mod programmes;
pub mod server;

/// The password every test user has.
pub const PASSWORD: &str = "lantern harbour evening";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server `TEST_DATABASE_URL` names, if set. Anything set
/// that is not a PostgreSQL URL stops the run: silently testing SQLite
/// instead would report PostgreSQL as tested.
fn postgres_server() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.trim().is_empty() => None,
        Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Some(url),
        Ok(other) => panic!(
            "TEST_DATABASE_URL must be a postgres:// URL (it is '{other}'); unset it to test on SQLite"
        ),
        Err(_) => None,
    }
}

/// A fresh database: in-memory SQLite, or a new PostgreSQL database.
pub struct TestDatabase {
    pub url: String,
    pg: Option<pg::PgDatabase>,
}

impl TestDatabase {
    pub async fn fresh() -> TestDatabase {
        match postgres_server() {
            Some(admin) => {
                let pg = pg::PgDatabase::create(&admin).await;
                TestDatabase {
                    url: pg.url.clone(),
                    pg: Some(pg),
                }
            }
            None => TestDatabase {
                url: "sqlite::memory:".to_string(),
                pg: None,
            },
        }
    }

    /// A database a separate process can open too (a file for SQLite).
    pub async fn shared() -> TestDatabase {
        match postgres_server() {
            Some(_) => TestDatabase::fresh().await,
            None => {
                let dir = std::env::temp_dir().join(format!(
                    "kerbside-test-{}-{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                ));
                std::fs::create_dir_all(&dir).expect("temp dir");
                TestDatabase {
                    url: format!("sqlite://{}/kerbside.db?mode=rwc", dir.display()),
                    pg: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

/// The running app.
pub struct TestApp {
    pub client: Client,
    pub clock: Arc<FixedClock>,
    pub database: TestDatabase,
}

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

pub fn test_settings(url: &str) -> Settings {
    let root = env!("CARGO_MANIFEST_DIR");
    Settings {
        database_url: url.to_string(),
        // Tests sign in many times from one address; the throttle's own test
        // sets its limit low.
        sign_in_attempts_per_minute: 100_000,
        template_dir: format!("{root}/templates").into(),
        static_dir: format!("{root}/static").into(),
        ..Settings::default()
    }
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::start_with(|s| s).await
    }

    pub async fn start_with(adjust: impl FnOnce(Settings) -> Settings) -> TestApp {
        let database = TestDatabase::fresh().await;
        let settings = adjust(test_settings(&database.url));
        let db = kerbside::db::connect_and_migrate(&settings.database_url)
            .await
            .expect("database ready");
        let clock = FixedClock::at(start_time());
        let figment = rocket::Config::figment()
            .merge(("log_level", "off"))
            .merge(("quiet_requests", true))
            .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk="));
        let rocket = kerbside::build_rocket(figment, db, settings, clock.clone());
        let client = Client::untracked(rocket).await.expect("rocket starts");
        TestApp {
            client,
            clock,
            database,
        }
    }

    pub fn state(&self) -> &AppState {
        self.client.rocket().state::<AppState>().expect("state")
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state().db
    }

    /// Create a user with these roles (through the real service).
    pub async fn create_user(&self, username: &str, roles: &[Role]) -> i32 {
        let new = NewAccount {
            username: username.to_string(),
            display_name: format!("Test {username}"),
            roles: roles.iter().map(|r| r.as_str().to_string()).collect(),
            password: PASSWORD.to_string(),
            must_change_password: false,
        };
        accounts::create_user(self.state(), &Actor::command_line(), new)
            .await
            .expect("user created")
            .id
    }

    /// A browser signed in as a new user holding `roles`.
    pub async fn signed_in(&self, roles: &[Role]) -> Browser {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!(
            "{}{}",
            roles.first().map(|r| r.as_str()).unwrap_or("user"),
            n
        );
        self.create_user(&name, roles).await;
        let mut b = Browser::new();
        let r = b.sign_in(self, &name, PASSWORD).await;
        assert_eq!(r.status, Status::SeeOther, "sign in as {name}: {}", r.body);
        let roles = kerbside::domain::roles::RoleSet::new(roles.iter().copied());
        if self.state().settings.require_two_step.requires(&roles) {
            b.set_up_two_step(self).await;
        }
        b.username = name;
        b
    }

    /// A browser signed in as a new user holding `roles`, and an API token of
    /// the same user (so that what the token creates is that user's own).
    pub async fn signed_in_with_token(&self, roles: &[Role]) -> (Browser, String) {
        let browser = self.signed_in(roles).await;
        let id = kerbside::db::users_repo::find_by_username(self.db(), &browser.username)
            .await
            .expect("db")
            .expect("user")
            .id;
        let token =
            kerbside::services::tokens::create(self.state(), &Actor::command_line(), id, "test")
                .await
                .expect("token")
                .0;
        (browser, token)
    }

    /// An API token for a new user holding `roles`.
    pub async fn token(&self, roles: &[Role]) -> String {
        self.token_and_user(roles).await.0
    }

    /// An API token for a new user holding `roles`, and that user's id.
    pub async fn token_and_user(&self, roles: &[Role]) -> (String, i32) {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let id = self.create_user(&format!("api{n}"), roles).await;
        let token =
            kerbside::services::tokens::create(self.state(), &Actor::command_line(), id, "test")
                .await
                .expect("token")
                .0;
        (token, id)
    }

    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db()
            .query_one_raw(sea_orm::Statement::from_string(
                self.db().get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }

    /// The newest audit entry: (action, record type, record id, person id).
    pub async fn last_audit(&self) -> (String, Option<String>, Option<String>, Option<i32>) {
        let row = self
            .db()
            .query_one_raw(sea_orm::Statement::from_string(
                self.db().get_database_backend(),
                "SELECT action, record_type, record_id, person_id FROM audit_log ORDER BY id DESC LIMIT 1",
            ))
            .await
            .expect("audit")
            .expect("an entry");
        (
            row.try_get("", "action").expect("action"),
            row.try_get("", "record_type").unwrap_or_default(),
            row.try_get("", "record_id").unwrap_or_default(),
            row.try_get("", "person_id").unwrap_or_default(),
        )
    }

    /// Audit actions recorded, oldest first (as "action:record_type").
    pub async fn audit_actions(&self) -> Vec<String> {
        let rows = self
            .db()
            .query_all_raw(sea_orm::Statement::from_string(
                self.db().get_database_backend(),
                "SELECT action, record_type FROM audit_log ORDER BY id",
            ))
            .await
            .expect("audit");
        rows.iter()
            .map(|r| {
                let a: String = r.try_get("", "action").unwrap_or_default();
                let t: Option<String> = r.try_get("", "record_type").unwrap_or_default();
                format!("{a}:{}", t.unwrap_or_default())
            })
            .collect()
    }
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: Status,
    pub body: String,
    /// The body as sent (a PDF's bytes).
    pub bytes: Vec<u8>,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
    pub set_cookies: Vec<(String, String)>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn redirects_to(&self, prefix: &str) -> bool {
        self.status.code / 100 == 3
            && self
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with(prefix))
    }
}

async fn reply(r: LocalResponse<'_>) -> Reply {
    let status = r.status();
    let headers = r
        .headers()
        .iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect::<Vec<_>>();
    let location = r.headers().get_one("Location").map(str::to_string);
    let set_cookies = r
        .cookies()
        .iter()
        .map(|c| (c.name().to_string(), c.value().to_string()))
        .collect();
    let bytes = r.into_bytes().await.unwrap_or_default();
    Reply {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
        location,
        headers,
        set_cookies,
    }
}

/// The body rows of the page's first table, as the text of each cell (tags
/// removed, whitespace squeezed): what a reader of the table sees.
pub fn table_rows(html: &str) -> Vec<Vec<String>> {
    let Some(body) = html
        .split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tbody>").next())
    else {
        return Vec::new();
    };
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = cell.split_once('>').map(|(_, r)| r).unwrap_or("");
                    let inner = inner.split("</td>").next().unwrap_or("");
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    unescape(&text.split_whitespace().collect::<Vec<_>>().join(" "))
                })
                .collect()
        })
        .collect()
}

/// Page text as a reader sees it: the entities Tera writes turned back into
/// characters.
pub fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The body rows of the table in the region labelled `label` (tables are
/// wrapped in `<div role="region" aria-label=...>`); empty when absent.
pub fn table_rows_in(html: &str, label: &str) -> Vec<Vec<String>> {
    html.split_once(&format!("aria-label=\"{label}\""))
        .map(|(_, rest)| table_rows(rest))
        .unwrap_or_default()
}

/// Pull the CSRF token out of a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].chars().take_while(|c| *c != '"').collect())
}

/// A browser: its cookies and the last CSRF token it saw.
#[derive(Clone, Debug, Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
    pub username: String,
    pub origin: Option<String>,
    pub fetch_site: Option<String>,
    /// The client address a proxy in front of the app would report.
    pub real_ip: Option<String>,
}

impl Browser {
    pub fn new() -> Browser {
        Browser::default()
    }

    fn remember(&mut self, r: &Reply) {
        for (k, v) in &r.set_cookies {
            self.cookies.retain(|(n, _)| n != k);
            if !v.is_empty() {
                self.cookies.push((k.clone(), v.clone()));
            }
        }
        if let Some(t) = csrf_in(&r.body) {
            self.csrf = t;
        }
    }

    fn with_cookies<'c>(
        &self,
        mut req: rocket::local::asynchronous::LocalRequest<'c>,
    ) -> rocket::local::asynchronous::LocalRequest<'c> {
        for (k, v) in &self.cookies {
            req = req.cookie(Cookie::new(k.clone(), v.clone()));
        }
        if let Some(o) = &self.origin {
            req = req.header(Header::new("Origin", o.clone()));
        }
        if let Some(s) = &self.fetch_site {
            req = req.header(Header::new("Sec-Fetch-Site", s.clone()));
        }
        if let Some(ip) = &self.real_ip {
            req = req.header(Header::new("X-Real-IP", ip.clone()));
        }
        req
    }

    pub async fn get(&mut self, app: &TestApp, path: &str) -> Reply {
        let r = reply(
            self.with_cookies(app.client.get(path.to_string()))
                .dispatch()
                .await,
        )
        .await;
        self.remember(&r);
        r
    }

    /// POST a form with this browser's CSRF token first (as the pages do).
    pub async fn post(&mut self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.csrf.clone();
        self.post_raw(app, path, Some(&token), fields).await
    }

    /// POST a form with a chosen token (or none).
    pub async fn post_raw(
        &mut self,
        app: &TestApp,
        path: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(t) = token {
            pairs.push(("csrf_token".into(), t.into()));
        }
        pairs.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = self
            .with_cookies(app.client.post(path.to_string()))
            .header(ContentType::Form)
            .body(body);
        let r = reply(req.dispatch().await).await;
        self.remember(&r);
        r
    }

    /// Set up two-step verification as a person would: read the key off the
    /// page and type the code an authenticator app would show now.
    pub async fn set_up_two_step(&mut self, app: &TestApp) -> String {
        self.set_up_two_step_with_codes(app).await.0
    }

    /// As [`Browser::set_up_two_step`], and the recovery codes shown once.
    pub async fn set_up_two_step_with_codes(&mut self, app: &TestApp) -> (String, Vec<String>) {
        let page = self.get(app, "/account/two-step").await;
        let secret = page
            .body
            .split("data-secret=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("set-up key shown")
            .to_string();
        let code = totp_now(app, &secret);
        let r = self
            .post(app, "/account/two-step", &[("code", &code)])
            .await;
        assert!(
            r.status == Status::Ok && r.body.contains("Save your recovery codes"),
            "two-step set-up: {} {}",
            r.status,
            r.body
        );
        let codes: Vec<String> = r
            .body
            .split("<code class=\"token\">")
            .skip(1)
            .filter_map(|s| s.split('<').next())
            .map(str::to_string)
            .collect();
        self.get(app, "/").await;
        (secret, codes)
    }

    pub async fn sign_in(&mut self, app: &TestApp, username: &str, password: &str) -> Reply {
        self.get(app, "/sign-in").await;
        let r = self
            .post(
                app,
                "/sign-in",
                &[("username", username), ("password", password)],
            )
            .await;
        if r.status == Status::SeeOther {
            self.get(app, "/account/password").await;
        }
        r
    }
}

/// The code an authenticator app shows at the app's current time.
pub fn totp_now(app: &TestApp, secret_base32: &str) -> String {
    use kerbside::domain::totp;
    let secret = totp::base32_decode(secret_base32).expect("base32");
    format!(
        "{:06}",
        totp::code_at(&secret, totp::step_of(app.clock.now().timestamp()) as u64)
    )
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Call the API with a bearer token.
pub async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> Reply {
    let mut req = match method {
        "GET" => app.client.get(path.to_string()),
        "POST" => app.client.post(path.to_string()),
        "PUT" => app.client.put(path.to_string()),
        other => panic!("method {other}"),
    };
    if let Some(t) = token {
        req = req.header(Header::new("Authorization", format!("Bearer {t}")));
    }
    if let Some(b) = body {
        req = req.header(ContentType::JSON).body(b.to_string());
    }
    reply(req.dispatch().await).await
}

/// Open a connection to the test database directly (for raw SQL checks).
pub async fn raw_connection(url: &str) -> DatabaseConnection {
    Database::connect(url).await.expect("connect")
}

/// A PDF fetched from the API with a bearer token: the status, the
/// `Content-Disposition` header and the text of each page (parsed with
/// printpdf; empty when the answer is not a PDF).
pub struct Download {
    pub status: Status,
    pub disposition: String,
    pub pages: Vec<String>,
}

impl Download {
    /// Every page's text, joined.
    pub fn text(&self) -> String {
        self.pages.join(" ")
    }
}

pub async fn download_pdf(app: &TestApp, path: &str, token: &str) -> Download {
    let r = app
        .client
        .get(path.to_string())
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await;
    let status = r.status();
    let disposition = r
        .headers()
        .get_one("Content-Disposition")
        .unwrap_or_default()
        .to_string();
    let bytes = r.into_bytes().await.unwrap_or_default();
    Download {
        status,
        disposition,
        pages: pdf_pages(&bytes),
    }
}

/// Each page's text of a PDF, parsed with printpdf (empty when it is not one).
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let mut warnings = Vec::new();
    printpdf::PdfDocument::parse(bytes, &printpdf::PdfParseOptions::default(), &mut warnings)
        .map(|pdf| {
            pdf.extract_text()
                .into_iter()
                .map(|p| p.join(" "))
                .collect()
        })
        .unwrap_or_default()
}
