//! The GCS backend against gcp-storage-emulator (started by scripts/setup.d/20-gcs-emulator.sh).
//! Known emulator gaps: `ifGenerationMatch` is ignored and 404s have an empty body.

use crate::ingest_support::server::FakeApis;
use crate::ingest_support::{self as support, TestDb};
use petadota_pipelines::ingest::run::{NoProgress, run};
use std::time::Duration;

const ENDPOINT_ENV: &str = "PETADOTA_TEST_GCS_ENDPOINT";

async fn create_bucket(endpoint: &str, bucket: &str) {
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/storage/v1/b?project=petadota-test"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "name": bucket }).to_string())
        .send()
        .await
        .expect("reach the GCS emulator");
    assert!(
        response.status().is_success(),
        "create bucket: {}",
        response.status()
    );
}

async fn list_objects(endpoint: &str, bucket: &str) -> Vec<serde_json::Value> {
    let text = reqwest::get(format!("{endpoint}/storage/v1/b/{bucket}/o"))
        .await
        .expect("list objects")
        .text()
        .await
        .expect("listing body");
    let listing: serde_json::Value = serde_json::from_str(&text).expect("listing is JSON");
    listing["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_land_in_gcs_with_content_type_and_metadata_and_reruns_add_nothing() {
    let Ok(endpoint) = std::env::var(ENDPOINT_ENV) else {
        eprintln!(
            "skipped: set {ENDPOINT_ENV} (scripts/setup.d/20-gcs-emulator.sh starts the emulator)"
        );
        return;
    };
    let bucket = format!("petadota-test-{:08x}", rand::random::<u32>());
    create_bucket(&endpoint, &bucket).await;
    let apis = FakeApis::start(
        Duration::ZERO,
        super::happy::dog_catalogue(),
        super::happy::cat_catalogue(),
    )
    .await;
    let db = TestDb::create("gcs").await;
    let mut config = support::config(
        &apis.base(),
        &db.url,
        &format!("gs://{bucket}/raw/v1"),
        5,
        3,
    );
    config.gcs.endpoint = endpoint.clone();
    config.gcs.anonymous = true;

    let first = run(&config, &NoProgress).await.expect("first run");
    apis.rewind();
    let second = run(&config, &NoProgress).await.expect("second run");

    assert_eq!(first.counts.stored, 8, "{}", first.counts);
    assert_eq!(
        (second.counts.stored, second.counts.duplicate),
        (0, 8),
        "{}",
        second.counts
    );
    let objects = list_objects(&endpoint, &bucket).await;
    assert_eq!(
        objects.len(),
        8,
        "one object per image, none added by the rerun"
    );

    let rows = support::images(&db.pool).await;
    assert_eq!(rows.len(), 8);
    let client = reqwest::Client::new();
    for row in &rows {
        let name = row
            .object_uri
            .strip_prefix(&format!("gs://{bucket}/"))
            .unwrap_or_else(|| panic!("unexpected URI {}", row.object_uri));
        assert!(
            name.starts_with(&format!("raw/v1/{}/", row.species)),
            "{name}"
        );
        let object = objects
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("row without object {name}"));
        assert_eq!(object["contentType"], row.content_type.as_str());
        assert_eq!(object["metadata"]["sha256"], row.sha256.as_str());
        assert_eq!(object["metadata"]["source_url"], row.source_url.as_str());
        let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
        let media = client
            .get(format!(
                "{endpoint}/download/storage/v1/b/{bucket}/o/{encoded}?alt=media"
            ))
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("object bytes");
        assert_eq!(
            support::sha256_hex(&media),
            row.sha256,
            "{name} holds other bytes"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_counts_storage_failures_and_writes_no_rows() {
    let Ok(endpoint) = std::env::var(ENDPOINT_ENV) else {
        eprintln!(
            "skipped: set {ENDPOINT_ENV} (scripts/setup.d/20-gcs-emulator.sh starts the emulator)"
        );
        return;
    };
    let apis = FakeApis::start(Duration::ZERO, super::happy::dog_catalogue(), vec![]).await;
    let db = TestDb::create("gcs_missing").await;
    let mut config = support::config(&apis.base(), &db.url, "gs://petadota-no-such-bucket", 3, 0);
    config.gcs.endpoint = endpoint;
    config.gcs.anonymous = true;

    let report = run(&config, &NoProgress).await.expect("the run completes");

    let runs = support::runs(&db.pool).await;
    assert_eq!(
        runs[0].failed,
        vec![("storage".to_owned(), 3)],
        "{}",
        report.counts
    );
    assert_eq!(runs[0].fetched, 3);
    assert!(support::images(&db.pool).await.is_empty());
}
