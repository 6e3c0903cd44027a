//! A backup taken while men are being recorded restores whole: every man
//! recorded before it began is there with all his rows, nothing is half
//! written, and the restored database passes its integrity checks and starts.
//! SQLite through `kerbside backup --to`, PostgreSQL through `pg_dump` and
//! `pg_restore`, as README's "Restoring a backup" says.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use kerbside::db::people_repo;
use kerbside::domain::person::ValidPerson;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

use crate::command_line::run;
use crate::support::TestDatabase;
use crate::support::builders::checked_man;

fn man(n: usize) -> ValidPerson {
    checked_man(
        &format!(
            "Backup{}",
            ["Smith", "Nowak", "Popa", "Silva", "Khan"][n % 5]
        ),
        &format!("Writer {n}"),
        NaiveDate::from_ymd_opt(1970 + (n % 30) as i32, 1 + (n % 12) as u32, 1).unwrap_or_default(),
    )
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// Record men one at a time until told to stop; the ids whose commit
/// returned.
fn start_writing(
    db: DatabaseConnection,
    acknowledged: Arc<Mutex<Vec<i32>>>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            let txn = db.begin().await.expect("begin");
            let p = people_repo::insert(&txn, &man(n), &format!("ZB-{n:07}"), None, Utc::now())
                .await
                .expect("insert");
            txn.commit().await.expect("commit");
            if let Ok(mut a) = acknowledged.lock() {
                a.push(p.id);
            }
            n += 1;
            tokio::task::yield_now().await;
        }
    })
}

#[rocket::async_test]
async fn a_backup_taken_while_men_are_being_recorded_restores_whole() {
    let source = TestDatabase::shared().await;
    let db = kerbside::db::connect_and_migrate(&source.url)
        .await
        .expect("database");
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = start_writing(db.clone(), acknowledged.clone(), stop.clone());
    while acknowledged.lock().map(|a| a.len()).unwrap_or(0) < 40 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before: Vec<i32> = acknowledged.lock().map(|a| a.clone()).unwrap_or_default();

    // the backup, taken by the real tools while the writer goes on
    let dir = std::env::temp_dir().join(format!(
        "kerbside-restore-{}-{}",
        std::process::id(),
        source.url.len()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join(if source.is_postgres() {
        "backup.dump"
    } else {
        "backup.db"
    });
    let target = file.display().to_string();
    let url = source.url.clone();
    let is_pg = source.is_postgres();
    let taken = tokio::task::spawn_blocking(move || {
        if is_pg {
            let out = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--file", &target, &url])
                .output()
                .expect("pg_dump");
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).to_string(),
            )
        } else {
            let (code, _, err) = run(&url, &["backup", "--to", &target], "");
            (code, err)
        }
    })
    .await
    .expect("backup");
    assert_eq!(taken.0, 0, "{}", taken.1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("writer");
    let all = acknowledged.lock().map(|a| a.len()).unwrap_or(0);
    assert!(all > before.len(), "the writer went on during the backup");

    // restore into a fresh place
    let restored_db = TestDatabase::fresh().await;
    let restored_url = if source.is_postgres() {
        let out = std::process::Command::new("pg_restore")
            .args([
                "--no-owner",
                "--dbname",
                &restored_db.url,
                &file.display().to_string(),
            ])
            .output()
            .expect("pg_restore");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        restored_db.url.clone()
    } else {
        let place = dir.join("restored.db");
        std::fs::copy(&file, &place).expect("copy the backup into place");
        format!("sqlite://{}?mode=rwc", place.display())
    };
    let restored = kerbside::db::connect(&restored_url)
        .await
        .expect("restored");

    // clean integrity checks
    if source.is_postgres() {
        assert_eq!(
            count(&restored, "SELECT COUNT(*) FROM person_name_keys k LEFT JOIN people p ON p.id = k.person_id WHERE p.id IS NULL").await,
            0,
            "no name key without its man"
        );
    } else {
        let row = restored
            .query_one_raw(Statement::from_string(
                restored.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await
            .expect("integrity_check")
            .expect("a row");
        assert_eq!(row.try_get_by_index::<String>(0).expect("text"), "ok");
        let broken = restored
            .query_all_raw(Statement::from_string(
                restored.get_database_backend(),
                "PRAGMA foreign_key_check",
            ))
            .await
            .expect("foreign_key_check");
        assert!(
            broken.is_empty(),
            "{} rows break a foreign key",
            broken.len()
        );
    }
    // every man recorded before the backup began, with his name keys (written
    // in the same transaction): nothing half-written
    let people = count(&restored, "SELECT COUNT(*) FROM people").await as usize;
    assert!(
        (before.len()..=all).contains(&people),
        "{people} men restored; {} were recorded before the backup and {all} by the end",
        before.len()
    );
    assert_eq!(
        count(
            &restored,
            "SELECT COUNT(*) FROM people WHERE id NOT IN (SELECT person_id FROM person_name_keys)"
        )
        .await,
        0,
        "a man without his name keys: a transaction half in the backup"
    );
    for id in &before {
        let man = people_repo::find(&restored, *id).await.expect("find");
        assert!(
            man.is_some_and(|m| m.surname.starts_with("Backup")),
            "man {id} missing"
        );
    }
    drop(restored);
    // and the app starts on it (migrations find nothing to do)
    kerbside::db::connect_and_migrate(&restored_url)
        .await
        .expect("the app starts on the restored database");
    println!(
        "backup during writes: {} men acknowledged before it began, {people} restored, {all} written in all; integrity clean",
        before.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
