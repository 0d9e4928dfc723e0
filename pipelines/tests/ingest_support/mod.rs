//! Shared pieces of the ingest tests (and the ingest benchmark): the fake APIs, real images,
//! a fresh MariaDB database per test, and checks of the catalogue against the store.
#![allow(dead_code)] // each test binary uses part of it

pub mod fixtures;
pub mod png;
pub mod server;

use petadota_pipelines::ingest::config::{IngestConfig, Settings};
use petadota_pipelines::ingest::outcome::FailureReason;
use sha2::{Digest, Sha256};
use sqlx::MySqlPool;
use sqlx::Row;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// MariaDB on this machine (root, no password).
pub const MARIADB: &str = "mysql://root@127.0.0.1:3306";

/// A uniquely named database, dropped when this value is dropped.
pub struct TestDb {
    pub name: String,
    pub url: String,
    pub pool: MySqlPool,
}

impl TestDb {
    pub async fn create(label: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "ingest_{label}_{}_{}_{:04x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            rand::random::<u16>()
        );
        let admin = MySqlPool::connect(&format!("{MARIADB}/test"))
            .await
            .expect("MariaDB at 127.0.0.1:3306 (root, no password) must run for these tests");
        sqlx::query(&format!("CREATE DATABASE `{name}`"))
            .execute(&admin)
            .await
            .expect("create the test database");
        admin.close().await;
        let url = format!("{MARIADB}/{name}");
        let pool = MySqlPool::connect(&url)
            .await
            .expect("connect to the test database");
        Self { name, url, pool }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async context rules; use a private runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(admin) = MySqlPool::connect(&format!("{MARIADB}/test")).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Shows the pipeline's logs in test output when `RUST_LOG` is set, and keeps them out of
/// it otherwise (the command under test would install its own JSON logger on stderr).
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// A configuration pointing at the fake APIs, with fast retries for tests.
pub fn config(
    apis_base: &str,
    database: &str,
    storage: &str,
    dogs: u32,
    cats: u32,
) -> IngestConfig {
    init_logs();
    let settings = Settings {
        dogs: Some(dogs),
        cats: Some(cats),
        database: Some(database.to_owned()),
        storage: Some(storage.to_owned()),
        dog_api_base: Some(apis_base.to_owned()),
        cat_api_base: Some(apis_base.to_owned()),
        concurrency: Some(4),
        requests_per_second: Some(0.0),
        request_timeout_secs: Some(5.0),
        max_attempts: Some(3),
        backoff_base_ms: Some(10),
        max_backoff_secs: Some(5.0),
        ..Settings::default()
    };
    IngestConfig::resolve(settings, None).expect("test config is valid")
}

/// One `ingest_runs` row as the tests read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    pub id: u64,
    pub status: String,
    pub finished: bool,
    pub fetched: u32,
    pub stored: u32,
    pub duplicate: u32,
    /// Non-zero failure columns, by reason name.
    pub failed: Vec<(String, u32)>,
}

pub async fn runs(pool: &MySqlPool) -> Vec<RunRow> {
    let rows = sqlx::query("SELECT * FROM ingest_runs ORDER BY id")
        .fetch_all(pool)
        .await
        .expect("read ingest_runs");
    rows.iter()
        .map(|row| RunRow {
            id: row.get("id"),
            status: row.get("status"),
            finished: row
                .get::<Option<chrono::NaiveDateTime>, _>("finished_at")
                .is_some(),
            fetched: row.get("fetched"),
            stored: row.get("stored"),
            duplicate: row.get("duplicate"),
            failed: FailureReason::ALL
                .iter()
                .map(|r| {
                    (
                        r.as_str().to_owned(),
                        row.get::<u32, _>(format!("failed_{}", r.as_str()).as_str()),
                    )
                })
                .filter(|(_, n)| *n > 0)
                .collect(),
        })
        .collect()
}

/// One `images` row as the tests read it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImageRow {
    pub species: String,
    pub breed: String,
    pub sub_breed: Option<String>,
    pub source: String,
    pub source_url: String,
    pub object_uri: String,
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
    pub run_id: u64,
}

pub async fn images(pool: &MySqlPool) -> Vec<ImageRow> {
    sqlx::query_as(
        "SELECT species, breed, sub_breed, source, source_url, object_uri, sha256, bytes, width, \
         height, content_type, run_id FROM images ORDER BY source_url",
    )
    .fetch_all(pool)
    .await
    .expect("read images")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every row of a filesystem store has its complete object: the bytes hash to the row's
/// sha256 and the length matches. Returns the number of objects (sidecars and staging files
/// aside) in the directory, so callers can also rule out orphans.
pub fn assert_rows_have_objects(rows: &[ImageRow], dir: &Path) -> usize {
    for row in rows {
        let path = row
            .object_uri
            .strip_prefix("file://")
            .unwrap_or_else(|| panic!("{} is not a file:// URI", row.object_uri));
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("row without object {path}: {e}"));
        assert_eq!(
            sha256_hex(&bytes),
            row.sha256,
            "object {path} holds other bytes"
        );
        assert_eq!(
            bytes.len() as u64,
            row.bytes,
            "object {path} has another length"
        );
    }
    count_objects(dir)
}

/// Objects under a filesystem store (no sidecars, no staging files or directories).
pub fn count_objects(dir: &Path) -> usize {
    let mut count = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if !name.ends_with(".json") {
                count += 1;
            }
        }
    }
    count
}

/// Waits (bounded) until `check` holds.
pub async fn eventually(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}
