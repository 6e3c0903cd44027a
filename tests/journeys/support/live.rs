//! Working against real `kerbside serve` processes from many threads at once:
//! HTTP by port (a killed server's clients get an error back, never a
//! panic), users and tokens made with the command line, a signed-in page
//! session, and the records the fault tests write to (men, and a programme
//! whose first session has been held, with its register).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{Value, json};

use super::csrf_in;
use crate::command_line::run;

/// The password of every user made here.
pub const LIVE_PASSWORD: &str = "lantern harbour evening tide";

/// An answer: status, headers (lower-cased names) and body.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Undo `Transfer-Encoding: chunked`.
fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// One HTTP/1.1 request on its own connection. Connection failures (the
/// server was killed, or is not up yet) come back as errors.
pub fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Answer> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    s.write_all(&bytes)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let Some((head, rest)) = text.split_once("\r\n\r\n") else {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("no complete answer: {text:?}"),
        ));
    };
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    // A server killed while answering leaves the body short: not an answer.
    let promised = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if promised.is_some_and(|n| body.len() < n) || (chunked && !rest.ends_with("0\r\n\r\n")) {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("the answer was cut off: {head}"),
        ));
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// A JSON API call with a bearer token.
pub fn api(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> io::Result<Answer> {
    let bearer = format!("Bearer {token}");
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    let mut headers = vec![("Authorization", bearer.as_str())];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    send(port, method, path, &headers, text.as_bytes())
}

/// A JSON API call that must succeed with `want`; its body.
pub fn api_ok(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
    want: u16,
) -> Value {
    let a = api(port, method, path, token, body).expect("the server answers");
    assert_eq!(a.status, want, "{method} {path}: {}", a.body);
    a.json()
}

/// Make a user with the command line and give them an API token.
pub fn user_with_token(database_url: &str, username: &str, role: &str) -> String {
    let (code, _, err) = run(
        database_url,
        &[
            "user",
            "create",
            "--username",
            username,
            "--name",
            username,
            "--role",
            role,
            "--password-stdin",
        ],
        LIVE_PASSWORD,
    );
    assert_eq!(code, 0, "user create {username}: {err}");
    let (code, token, err) = run(
        database_url,
        &[
            "token",
            "create",
            "--username",
            username,
            "--name",
            "faults",
        ],
        "",
    );
    assert_eq!(code, 0, "token create {username}: {err}");
    token.trim().to_string()
}

/// A police officer, a probation officer and a facilitator, each with a token.
pub struct Crew {
    pub police: String,
    pub probation: String,
    pub facilitator: String,
}

impl Crew {
    pub fn hire(database_url: &str) -> Crew {
        Crew {
            police: user_with_token(database_url, "pc.faults", "police"),
            probation: user_with_token(database_url, "po.faults", "probation"),
            facilitator: user_with_token(database_url, "fac.faults", "facilitator"),
        }
    }
}

/// `n` spelt in letters (a, b, ..., z, ba, bb, ...): names take no digits.
pub fn letters(mut n: usize) -> String {
    let mut out = vec![char::from(b'a' + (n % 26) as u8)];
    while n >= 26 {
        n /= 26;
        out.push(char::from(b'a' + (n % 26) as u8));
    }
    out.into_iter().rev().collect()
}

/// A new man; his id.
pub fn new_man(port: u16, police: &str, surname: &str) -> i64 {
    let man = api_ok(
        port,
        "POST",
        "/api/v1/people",
        police,
        Some(&json!({
            "surname": surname, "forenames": "Test", "date_of_birth": "1975-05-05", "sex": "male"
        })),
        201,
    );
    man["id"].as_i64().expect("person id")
}

/// The body of an arrest of `person_id`; `tag` makes its location and
/// occurrence reference unique, so the test can find exactly this one.
pub fn arrest_body(person_id: i64, tag: &str) -> Value {
    json!({
        "person_id": person_id,
        "arrested_at": "2026-11-20T23:00:00Z",
        "location": format!("London Road {tag}"),
        "area": "Central",
        "offence": "soliciting_s51a_soa2003",
        "disposal": "conditional_caution",
        "course_deadline": "2027-02-28",
        "occurrence_reference": format!("OCC/{tag}"),
    })
}

/// A held session's register: its session id and the enrolments on it.
pub struct Register {
    pub session_id: i64,
    pub enrolments: Vec<i64>,
}

impl Register {
    /// A programme, a cohort whose first session was held last month, and
    /// `men` new men enrolled on it.
    pub fn held(port: u16, crew: &Crew, men: usize, tag: &str) -> Register {
        let programme = api_ok(
            port,
            "POST",
            "/api/v1/programmes",
            &crew.probation,
            Some(&json!({
                "name": format!("Awareness {tag}"),
                "max_group_size": 14,
                "sessions": (1..=4).map(|n| json!({"number": n, "title": format!("Session {n}"), "minutes": 120})).collect::<Vec<_>>(),
                "completion_rule": {"min_attended": 3}
            })),
            201,
        );
        let cohort = api_ok(
            port,
            "POST",
            "/api/v1/cohorts",
            &crew.probation,
            Some(&json!({
                "programme_id": programme["id"],
                "code": format!("F-{tag}"),
                "venue": "St Mary's church hall",
                "capacity": 14,
                "facilitator_usernames": ["fac.faults"],
                "first_session_at": "2026-11-02T19:00:00Z",
                "interval_days": 7
            })),
            201,
        );
        let enrolments = (0..men)
            .map(|i| {
                let man = new_man(port, &crew.police, &format!("Register{}", letters(i)));
                let e = api_ok(
                    port,
                    "POST",
                    "/api/v1/enrolments",
                    &crew.probation,
                    Some(&json!({
                        "person_id": man, "cohort_id": cohort["id"],
                        "legal_basis": "community_order",
                        "override_reason": "Sentenced before the assessment was written up"
                    })),
                    201,
                );
                e["id"].as_i64().expect("enrolment id")
            })
            .collect();
        Register {
            session_id: cohort["sessions"][0]["id"].as_i64().expect("session id"),
            enrolments,
        }
    }

    pub fn path(&self) -> String {
        format!("/api/v1/sessions/{}/attendance", self.session_id)
    }

    /// The register as the API shows it now.
    pub fn read(&self, port: u16, token: &str) -> Value {
        api_ok(port, "GET", &self.path(), token, None, 200)
    }

    /// A save of every man's mark, entered against `version`: the `k`th
    /// save marks a different man late.
    pub fn save_body(&self, version: i64, k: usize) -> Value {
        let marks: Vec<Value> = self
            .enrolments
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let reason = "Corrected from the sign-in sheet";
                if i == k % self.enrolments.len() {
                    json!({"enrolment_id": e, "outcome": "attended_complied", "minutes_late": 1 + (k % 50), "correction_reason": reason})
                } else {
                    json!({"enrolment_id": e, "outcome": "attended_complied", "correction_reason": reason})
                }
            })
            .collect();
        json!({"register_version": version, "marks": marks})
    }

    /// Does the register as the API shows it hold exactly the `k`th save
    /// (every line from that one save, none from another)?
    pub fn shows_save(&self, register: &Value, k: usize) -> bool {
        let lines = register["lines"].as_array().cloned().unwrap_or_default();
        lines.len() == self.enrolments.len()
            && self.enrolments.iter().enumerate().all(|(i, e)| {
                let line = lines
                    .iter()
                    .find(|l| l["enrolment_id"].as_i64() == Some(*e));
                let want = if i == k % self.enrolments.len() {
                    ("attended_complied", Some(1 + (k % 50) as i64))
                } else {
                    ("attended_complied", None)
                };
                line.is_some_and(|l| {
                    l["outcome"].as_str() == Some(want.0) && l["minutes_late"].as_i64() == want.1
                })
            })
    }
}

/// A signed-in browser session spoken to over plain HTTP: its cookies and the
/// last CSRF token a page gave it. It says `Sec-Fetch-Site: same-origin`, as
/// a browser following our own pages would.
pub struct PageSession {
    pub port: u16,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

impl PageSession {
    pub fn sign_in(port: u16, username: &str) -> PageSession {
        let mut s = PageSession {
            port,
            cookies: BTreeMap::new(),
            csrf: String::new(),
        };
        s.get("/sign-in");
        let a = s.post(
            "/sign-in",
            &[("username", username), ("password", LIVE_PASSWORD)],
        );
        assert_eq!(a.status, 303, "signing in {username}: {}", a.body);
        s
    }

    fn remember(&mut self, a: &Answer) {
        for (k, v) in &a.headers {
            if k == "set-cookie"
                && let Some((name, value)) = v.split(';').next().and_then(|c| c.split_once('='))
            {
                if value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        if let Some(t) = csrf_in(&a.body) {
            self.csrf = t;
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn get(&mut self, path: &str) -> Answer {
        let cookies = self.cookie_header();
        let a = send(
            self.port,
            "GET",
            path,
            &[("Cookie", &cookies), ("Sec-Fetch-Site", "same-origin")],
            b"",
        )
        .expect("the server answers");
        self.remember(&a);
        a
    }

    /// Post a form with the CSRF token of the last page read.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let cookies = self.cookie_header();
        let body = std::iter::once(("csrf_token", self.csrf.as_str()))
            .chain(fields.iter().copied())
            .map(|(k, v)| format!("{}={}", super::urlencode(k), super::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let a = send(
            self.port,
            "POST",
            path,
            &[
                ("Cookie", &cookies),
                ("Sec-Fetch-Site", "same-origin"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
        .expect("the server answers");
        self.remember(&a);
        a
    }
}

/// A count from raw SQL (a query answering one `n`).
pub async fn count_of(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// Arrests stored without the audit entry written in their transaction: a
/// half-written change if ever more than none.
pub const ARRESTS_WITHOUT_AUDIT: &str = "SELECT count(*) AS n FROM arrests a WHERE NOT EXISTS \
     (SELECT 1 FROM audit_log l WHERE l.action = 'collect' AND l.record_type = 'arrest' \
     AND l.record_id = CAST(a.id AS TEXT))";

/// The database's own consistency checks pass: SQLite's `integrity_check`
/// and `foreign_key_check`; on PostgreSQL, amcheck over every table's heap
/// and every B-tree index. What was checked, to print.
pub async fn assert_database_sound(url: &str) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let db = super::raw_connection(url).await;
    let backend = db.get_database_backend();
    let rows = |sql: &str| {
        let db = db.clone();
        let sql = sql.to_string();
        async move {
            db.query_all_raw(Statement::from_string(backend, sql))
                .await
                .expect("check query")
        }
    };
    if url.starts_with("sqlite") {
        let integrity = rows("PRAGMA integrity_check").await;
        let first: String = integrity
            .first()
            .and_then(|r| r.try_get_by_index(0).ok())
            .unwrap_or_default();
        assert_eq!(first, "ok", "SQLite integrity_check");
        assert!(
            rows("PRAGMA foreign_key_check").await.is_empty(),
            "SQLite foreign_key_check found rows pointing nowhere"
        );
        "SQLite integrity_check ok, foreign_key_check clean".into()
    } else {
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS amcheck")
            .await
            .expect("amcheck (PostgreSQL contrib) is installed");
        let indexes = rows(
            "SELECT c.relname, bt_index_check(c.oid, true) FROM pg_class c \
             JOIN pg_am a ON a.oid = c.relam \
             WHERE c.relkind = 'i' AND a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace",
        )
        .await
        .len();
        let damaged = count_of(
            &db,
            "SELECT count(*) AS n FROM pg_class c CROSS JOIN LATERAL verify_heapam(c.oid) v \
             WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace",
        )
        .await;
        assert_eq!(damaged, 0, "amcheck verify_heapam found damaged tuples");
        format!("PostgreSQL amcheck: every table's heap clean, {indexes} B-tree indexes checked")
    }
}
