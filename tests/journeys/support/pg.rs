//! A PostgreSQL database made for one test and dropped after it.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};

static N: AtomicU32 = AtomicU32::new(0);

pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let server = match base.rfind('/') {
        Some(i) if base[..i].ends_with('/') => base.to_string(),
        Some(i) => base[..i].to_string(),
        None => base.to_string(),
    };
    let server = server.trim_end_matches('/');
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// Drop test databases left by test processes that have ended (a crash, a
/// kill, a drop that failed), so a leak never outlives the next run.
async fn drop_orphans(admin: &sea_orm::DatabaseConnection) {
    let Ok(rows) = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'kerbside_t_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid: Option<u32> = name.split('_').nth(2).and_then(|p| p.parse().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

static CLEANED: std::sync::Once = std::sync::Once::new();

impl PgDatabase {
    pub async fn create(admin_url: &str) -> PgDatabase {
        let name = format!(
            "kerbside_t_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let admin = Database::connect(admin_url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        let mut first = false;
        CLEANED.call_once(|| first = true);
        if first {
            drop_orphans(&admin).await;
        }
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        PgDatabase {
            admin_url: admin_url.to_string(),
            url: with_database(admin_url, &name),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                // A drop can fail while the server is busy; try a few times and
                // say so if it never works (the next run drops it as an orphan).
                for attempt in 1..=3 {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let done = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                        if done.is_ok() {
                            return;
                        }
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
                }
                eprintln!("test database {name} could not be dropped; the next run drops it");
            });
        })
        .join();
    }
}
