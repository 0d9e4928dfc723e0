//! A clean run: every format, breeds with and without sub-breeds, cats with and without breed
//! data, a redirecting image URL; rows and objects agree byte for byte.

use crate::ingest_support::server::{Entry, FakeApis, Fault};
use crate::ingest_support::{self as support, TestDb, fixtures, png};
use petadota_pipelines::ingest::run::{NoProgress, run};
use std::time::Duration;

pub fn dog_catalogue() -> Vec<Entry> {
    vec![
        Entry::dog("hound-afghan", "n02088094_1003.jpg", fixtures::JPEG_5X3),
        Entry::dog("pug", "n02110958_15626.png", &png::png_rgb(12, 7, 1)),
        Entry::dog("pug", "n02110958_1.gif", fixtures::GIF_7X2),
        Entry::dog("husky", "n02110185_1469.webp", fixtures::WEBP_LOSSY_9X4),
        Entry::dog(
            "terrier-yorkshire",
            "n02094433_1.jpg",
            fixtures::JPEG_PROGRESSIVE_4X6,
        ),
    ]
}

pub fn cat_catalogue() -> Vec<Entry> {
    vec![
        Entry::cat(
            Some("Abyssinian"),
            "0XYvRd7oD.webp",
            fixtures::WEBP_LOSSLESS_3X8,
        ),
        Entry::cat(None, "MTY3ODIyMQ.webp", fixtures::WEBP_EXTENDED_6X5),
        Entry::cat(
            Some("American Shorthair"),
            "ozEvzdVM-.png",
            &png::png_rgb(20, 30, 2),
        )
        .with(Fault::Redirect),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_run_stores_every_image_with_matching_rows_and_objects() {
    let apis = FakeApis::start(Duration::ZERO, dog_catalogue(), cat_catalogue()).await;
    let db = TestDb::create("happy").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = format!("file://{}", dir.path().display());
    let config = support::config(&apis.base(), &db.url, &storage, 5, 3);

    let report = run(&config, &NoProgress).await.expect("run succeeds");

    assert_eq!(report.counts.stored, 8, "{}", report.counts);
    assert_eq!(report.counts.failed_total(), 0, "{}", report.counts);
    let runs = support::runs(&db.pool).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].fetched, runs[0].stored, runs[0].duplicate),
        (8, 8, 0)
    );
    assert!(
        runs[0].finished && runs[0].status == "finished",
        "{:?}",
        runs[0]
    );
    assert!(runs[0].failed.is_empty(), "{:?}", runs[0]);

    let rows = support::images(&db.pool).await;
    assert_eq!(support::assert_rows_have_objects(&rows, dir.path()), 8);
    let summary: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.species.as_str(),
                r.breed.as_str(),
                r.sub_breed.as_deref(),
                r.content_type.as_str(),
                r.width,
                r.height,
            )
        })
        .collect();
    assert!(
        summary.contains(&("dog", "hound", Some("afghan"), "image/jpeg", 5, 3)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("dog", "pug", None, "image/png", 12, 7)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("dog", "pug", None, "image/gif", 7, 2)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("dog", "husky", None, "image/webp", 9, 4)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("dog", "terrier", Some("yorkshire"), "image/jpeg", 4, 6)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("cat", "abyssinian", None, "image/webp", 3, 8)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("cat", "unknown", None, "image/webp", 6, 5)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("cat", "american-shorthair", None, "image/png", 20, 30)),
        "{summary:?}"
    );

    let afghan = rows
        .iter()
        .find(|r| r.sub_breed.as_deref() == Some("afghan"))
        .expect("afghan row");
    let expected_key = format!(
        "dog/hound-afghan/{}.jpg",
        support::sha256_hex(fixtures::JPEG_5X3)
    );
    assert!(
        afghan.object_uri.ends_with(&expected_key),
        "{}",
        afghan.object_uri
    );
    assert_eq!(afghan.source, "dog_ceo");
    assert!(
        afghan
            .source_url
            .ends_with("/breeds/hound-afghan/n02088094_1003.jpg")
    );
    assert_eq!(afghan.run_id, runs[0].id);
    let sidecar: serde_json::Value = serde_json::from_slice(
        &std::fs::read(format!(
            "{}.json",
            afghan.object_uri.trim_start_matches("file://")
        ))
        .expect("sidecar"),
    )
    .expect("sidecar is JSON");
    assert_eq!(sidecar["content_type"], "image/jpeg");
    assert_eq!(sidecar["sha256"], afghan.sha256.as_str());

    // The redirected cat was fetched through its redirect.
    assert_eq!(apis.hits("/cdn/cats/ozEvzdVM-.png").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breed_filter_uses_the_breed_endpoint_and_the_cat_key_goes_only_to_the_api() {
    let apis = FakeApis::start(Duration::ZERO, dog_catalogue(), cat_catalogue()).await;
    let db = TestDb::create("breed").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = support::config(
        &apis.base(),
        &db.url,
        &format!("file://{}", dir.path().display()),
        2,
        1,
    );
    config.dog_breed = Some("hound-afghan".into());
    config.cat_api_key = Some("live_test_key".into());

    let report = run(&config, &NoProgress).await.expect("run succeeds");

    // Both dog candidates are the same afghan picture: one stored, one duplicate.
    assert_eq!(
        (report.counts.stored, report.counts.duplicate),
        (2, 1),
        "{}",
        report.counts
    );
    assert_eq!(
        apis.hits("/api/breed/hound/afghan/images/random/2").len(),
        1
    );
    let keys = apis.api_keys();
    for (path, key) in &keys {
        if path == "/v1/images/search" {
            assert_eq!(key.as_deref(), Some("live_test_key"));
        } else {
            assert_eq!(key, &None, "the API key leaked to {path}");
        }
    }
    assert!(keys.iter().any(|(p, _)| p == "/v1/images/search"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_spaces_requests_to_a_source() {
    let apis = FakeApis::start(Duration::ZERO, dog_catalogue(), vec![]).await;
    let db = TestDb::create("rate").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = support::config(
        &apis.base(),
        &db.url,
        &format!("file://{}", dir.path().display()),
        5,
        0,
    );
    config.requests_per_second = 20.0;
    config.concurrency = 5;

    // Migrated beforehand, so the start below is close to the first request and the floors
    // cannot be met by setup time alone.
    petadota_pipelines::db::migrate(&db.pool)
        .await
        .expect("migrate");
    let started = std::time::Instant::now();
    run(&config, &NoProgress).await.expect("run succeeds");

    let hits = apis.all_hits();
    assert_eq!(hits.len(), 6, "one listing and five images");
    // Each request starts no sooner than its slot, 50 ms apart, so the k-th arrival is at
    // least k slots after the start, however the scheduler delays single requests.
    for (k, hit) in hits.iter().enumerate() {
        let floor = Duration::from_millis((50 * k as u64).saturating_sub(2));
        assert!(
            *hit - started >= floor,
            "request {k} came {:?} after the start at 20/s",
            *hit - started
        );
    }
}
