//! What the benchmarks share: the real app in-process on a fresh SQLite file
//! (or a fresh database on the PostgreSQL server of `BENCH_DATABASE_URL`),
//! API tokens for users of a role, and percentiles.

#![allow(dead_code)]

use std::time::Duration;

use kerbside::auth::Actor;
use kerbside::clock::SystemClock;
use kerbside::config::Settings;
use kerbside::services::{accounts, tokens};
use kerbside::state::AppState;
use rocket::local::asynchronous::Client;

/// The app on the benchmark's database, and the backend's name for the results.
pub async fn start(name: &str) -> (Client, &'static str) {
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        let dir = std::env::temp_dir().join(format!("kerbside-{name}-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        format!("sqlite://{}/bench.db?mode=rwc", dir.display())
    });
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite (file, WAL)"
    };
    let url = if url.starts_with("postgres") {
        fresh_postgres(&url, name).await
    } else {
        url
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let settings = Settings {
        database_url: url.clone(),
        template_dir: format!("{root}/templates").into(),
        static_dir: format!("{root}/static").into(),
        ..Settings::default()
    };
    let db = kerbside::db::connect_and_migrate(&url)
        .await
        .expect("database");
    let figment = rocket::Config::figment()
        .merge(("log_level", "off"))
        .merge(("secret_key", kerbside::auth::secrets::random_token()));
    let rocket = kerbside::build_rocket(figment, db, settings, std::sync::Arc::new(SystemClock));
    // Tracked: the client keeps cookies, so a signed-in page session works.
    (Client::tracked(rocket).await.expect("rocket"), backend)
}

/// A fresh PostgreSQL database for this benchmark (dropped and made again on
/// the server `url` names), so every run starts from the same empty state.
async fn fresh_postgres(url: &str, name: &str) -> String {
    use sea_orm::ConnectionTrait;
    let admin = sea_orm::Database::connect(url)
        .await
        .expect("PostgreSQL server");
    let db = format!("kerbside_bench_{name}");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .expect("drop the old benchmark database");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {db}"))
        .await
        .expect("create the benchmark database");
    let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
    format!("{base}/{db}")
}

/// The password of every benchmark user.
pub const PASSWORD: &str = "bench lantern harbour";

/// Sign in through the form, as a person would (the client keeps the cookie).
pub async fn sign_in(client: &Client, username: &str) {
    let page = client.get("/sign-in").dispatch().await;
    let html = page.into_string().await.unwrap_or_default();
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a sign-in form")
        .to_string();
    let r = client
        .post("/sign-in")
        .header(rocket::http::ContentType::Form)
        .body(format!(
            "csrf_token={csrf}&username={username}&password=bench+lantern+harbour"
        ))
        .dispatch()
        .await;
    assert_eq!(r.status(), rocket::http::Status::SeeOther, "signed in");
}

/// A new user holding `role`: an API token of his, and his username.
pub async fn token(app: &AppState, username: &str, role: &str) -> (String, String) {
    let username = format!("{username}{}", std::process::id());
    let new = accounts::NewAccount {
        username: username.clone(),
        display_name: format!("Bench {role}"),
        roles: vec![role.into()],
        password: PASSWORD.into(),
        must_change_password: false,
    };
    let user = accounts::create_user(app, &Actor::command_line(), new)
        .await
        .expect("user");
    let token = tokens::create(app, &Actor::command_line(), user.id, "bench")
        .await
        .expect("token")
        .0;
    (token, username)
}

/// The `p`th percentile (0-100) of some timings.
pub fn percentile(mut v: Vec<Duration>, p: usize) -> Duration {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

/// The median of some timings.
pub fn median(v: Vec<Duration>) -> Duration {
    percentile(v, 50)
}

/// A man's row as a bulk load writes it (outside the app, as a migration
/// from an older system would): folded names, no contact details.
pub fn person_row(
    id: i32,
    reference: String,
    surname: &str,
    forenames: &str,
    date_of_birth: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> kerbside::db::entities::people::ActiveModel {
    use kerbside::domain::person::{Sex, SubjectCategory};
    use sea_orm::Set;
    kerbside::db::entities::people::ActiveModel {
        id: Set(id),
        reference: Set(reference),
        surname: Set(surname.to_string()),
        forenames: Set(forenames.to_string()),
        surname_folded: Set(kerbside::domain::names::fold(surname)),
        forenames_folded: Set(kerbside::domain::names::fold(forenames)),
        date_of_birth: Set(date_of_birth),
        sex: Set(Sex::Male),
        address: Set(None),
        postcode: Set(None),
        phone: Set(None),
        pnc_id: Set(None),
        contact_preference: Set(None),
        category: Set(SubjectCategory::Suspect),
        review_date: Set(None),
        disposed_at: Set(None),
        created_at: Set(now),
        created_by: Set(None),
        updated_at: Set(now),
        updated_by: Set(None),
        version: Set(1),
    }
}
