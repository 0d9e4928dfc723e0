//! A second run never duplicates a row or an object; a run killed half-way (SIGKILL, in a
//! child process) leaves no row without its object, and running again converges.

use crate::ingest_support::server::{Entry, FakeApis};
use crate::ingest_support::{self as support, TestDb, png};
use petadota_pipelines::ingest::cli::IngestImagesArgs;
use petadota_pipelines::ingest::run::{NoProgress, run};
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_ENV: &str = "PETADOTA_TEST_INGEST_CHILD";

fn distinct_dogs(n: u64) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            Entry::dog(
                if i % 2 == 0 { "pug" } else { "hound-basset" },
                &format!("n{i:03}.png"),
                &png::png_rgb(16, 16, i),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_adds_no_rows_and_no_objects() {
    let apis = FakeApis::start(
        Duration::ZERO,
        distinct_dogs(12),
        super::happy::cat_catalogue(),
    )
    .await;
    let db = TestDb::create("rerun").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = support::config(
        &apis.base(),
        &db.url,
        &format!("file://{}", dir.path().display()),
        12,
        3,
    );

    let first = run(&config, &NoProgress).await.expect("first run");
    apis.rewind();
    let second = run(&config, &NoProgress).await.expect("second run");

    assert_eq!(first.counts.stored, 15, "{}", first.counts);
    assert_eq!(
        (second.counts.stored, second.counts.duplicate),
        (0, 15),
        "{}",
        second.counts
    );
    let rows = support::images(&db.pool).await;
    assert_eq!(rows.len(), 15);
    assert_eq!(support::assert_rows_have_objects(&rows, dir.path()), 15);
    assert!(rows.iter().all(|r| r.run_id == first.run_id));
    let runs = support::runs(&db.pool).await;
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (runs[1].fetched, runs[1].stored, runs[1].duplicate),
        (15, 0, 15)
    );
    assert_eq!(
        runs[1].status, "finished",
        "all duplicates is a successful run"
    );
}

/// Not a test on its own: the child process of the kill test runs the pipeline here, with
/// its settings in `PETADOTA_INGEST_*` variables, until the parent kills it.
#[test]
#[ignore = "child process of a_run_killed_half_way_leaves_no_row_without_object_and_a_rerun_converges"]
fn kill_test_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let args = IngestImagesArgs::default();
    let config = args
        .resolve(std::env::vars())
        .expect("child config from the environment");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime
        .block_on(run(&config, &NoProgress))
        .expect("child run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_half_way_leaves_no_row_without_object_and_a_rerun_converges() {
    let total = 30;
    let apis = FakeApis::start(Duration::from_millis(120), distinct_dogs(total), vec![]).await;
    let db = TestDb::create("kill").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = format!("file://{}", dir.path().display());
    let staging = tempfile::tempdir().expect("staging dir");

    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "idempotency::kill_test_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .env("PETADOTA_INGEST_DOGS", total.to_string())
        .env("PETADOTA_INGEST_DATABASE", &db.url)
        .env("PETADOTA_INGEST_STORAGE", &storage)
        .env("PETADOTA_INGEST_DOG_API_BASE", apis.base())
        .env("PETADOTA_INGEST_CONCURRENCY", "3")
        .env("PETADOTA_INGEST_REQUESTS_PER_SECOND", "0")
        .env("PETADOTA_INGEST_TEMP_DIR", staging.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the child run");

    let pool = db.pool.clone();
    support::eventually("the child to store a few images", Duration::from_secs(60), async || {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'images'")
            .fetch_one(&pool)
            .await
            .is_ok_and(|n| n == 1)
            && sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM images")
                .fetch_one(&pool)
                .await
                .is_ok_and(|n| n >= 4)
    })
    .await;
    child.kill().expect("SIGKILL the child");
    let _ = child.wait();

    let rows = support::images(&db.pool).await;
    assert!(
        rows.len() < total as usize,
        "the child finished before it was killed; slow the server down"
    );
    support::assert_rows_have_objects(&rows, dir.path());
    let runs = support::runs(&db.pool).await;
    assert_eq!(runs.len(), 1);
    assert!(!runs[0].finished, "the killed run is not marked finished");

    apis.rewind();
    let config = support::config(&apis.base(), &db.url, &storage, total as u32, 0);
    let rerun = run(&config, &NoProgress).await.expect("rerun");

    let rows = support::images(&db.pool).await;
    assert_eq!(rows.len(), total as usize);
    assert_eq!(
        support::assert_rows_have_objects(&rows, dir.path()),
        total as usize,
        "no orphan and no missing object"
    );
    assert_eq!(
        rerun.counts.stored + rerun.counts.duplicate,
        total,
        "{}",
        rerun.counts
    );
    assert!(rerun.counts.duplicate >= 4, "{}", rerun.counts);
    let mut hashes: Vec<_> = rows.iter().map(|r| r.sha256.clone()).collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), total as usize);
}
