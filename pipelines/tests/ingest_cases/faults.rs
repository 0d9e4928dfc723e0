//! Each fault the public APIs can throw ends with the right counts in `ingest_runs`, no row
//! without its object, and no panic.

use crate::ingest_support::server::{Entry, FakeApis, Fault, ListingFault};
use crate::ingest_support::{self as support, TestDb, fixtures, png};
use petadota_pipelines::ingest::config::IngestConfig;
use petadota_pipelines::ingest::run::{NoProgress, run};
use std::time::Duration;

const GOOD: &str = "n01.jpg";
const BAD: &str = "n02.png";

struct Case {
    name: &'static str,
    faulty: Entry,
    /// Adjusts the test config (timeouts, size limits).
    tune: fn(&mut IngestConfig),
    /// (fetched, stored, duplicate, failed by reason)
    expect: (u32, u32, u32, &'static [(&'static str, u32)]),
    /// Requests the faulty URL must have received.
    bad_hits: usize,
}

fn faulty(fault: Fault) -> Entry {
    Entry::dog("pug", BAD, &png::png_rgb(40, 40, 7)).with(fault)
}

fn no_tuning(_: &mut IngestConfig) {}

fn cases() -> Vec<Case> {
    let always = u32::MAX;
    vec![
        Case {
            name: "500 twice, then served",
            faulty: faulty(Fault::Status {
                code: 500,
                times: 2,
            }),
            tune: no_tuning,
            expect: (2, 2, 0, &[]),
            bad_hits: 3,
        },
        Case {
            name: "500 until attempts run out",
            faulty: faulty(Fault::Status {
                code: 503,
                times: always,
            }),
            tune: no_tuning,
            expect: (1, 1, 0, &[("http_status", 1)]),
            bad_hits: 3,
        },
        Case {
            name: "404 is not retried",
            faulty: faulty(Fault::Status {
                code: 404,
                times: always,
            }),
            tune: no_tuning,
            expect: (1, 1, 0, &[("http_status", 1)]),
            bad_hits: 1,
        },
        Case {
            name: "429 until attempts run out",
            faulty: faulty(Fault::TooManyRequests {
                retry_after_secs: 0,
                times: always,
            }),
            tune: no_tuning,
            expect: (1, 1, 0, &[("http_status", 1)]),
            bad_hits: 3,
        },
        Case {
            name: "slow until attempts run out",
            faulty: faulty(Fault::Slow {
                delay: Duration::from_secs(4),
                times: always,
            }),
            tune: |c| c.request_timeout = Duration::from_secs(1),
            expect: (1, 1, 0, &[("timeout", 1)]),
            bad_hits: 3,
        },
        Case {
            name: "slow once, then served",
            faulty: faulty(Fault::Slow {
                delay: Duration::from_secs(4),
                times: 1,
            }),
            tune: |c| c.request_timeout = Duration::from_secs(1),
            expect: (2, 2, 0, &[]),
            bad_hits: 2,
        },
        Case {
            name: "truncated every time",
            faulty: faulty(Fault::Truncated { times: always }),
            tune: no_tuning,
            expect: (1, 1, 0, &[("truncated", 1)]),
            bad_hits: 3,
        },
        Case {
            name: "truncated once, then served",
            faulty: faulty(Fault::Truncated { times: 1 }),
            tune: no_tuning,
            expect: (2, 2, 0, &[]),
            bad_hits: 2,
        },
        Case {
            name: "HTML instead of an image",
            faulty: faulty(Fault::Html),
            tune: no_tuning,
            expect: (1, 1, 0, &[("not_image", 1)]),
            bad_hits: 1,
        },
        Case {
            name: "oversized, with Content-Length",
            faulty: faulty(Fault::None),
            tune: |c| c.max_image_bytes = 2_000,
            expect: (1, 1, 0, &[("too_large", 1)]),
            bad_hits: 1,
        },
        Case {
            name: "oversized, streamed without a length",
            faulty: Entry::dog("pug", BAD, &png::png_rgb(60, 60, 7)).with(Fault::NoLength),
            tune: |c| c.max_image_bytes = 9_000,
            expect: (1, 1, 0, &[("too_large", 1)]),
            bad_hits: 1,
        },
        Case {
            name: "a valid signature with a broken header",
            faulty: Entry::dog("pug", BAD, &fixtures::JPEG_5X3[..60]),
            tune: no_tuning,
            expect: (1, 1, 0, &[("bad_header", 1)]),
            bad_hits: 1,
        },
        Case {
            name: "the same image under two URLs",
            faulty: Entry::dog("pug", BAD, fixtures::JPEG_5X3),
            tune: no_tuning,
            expect: (2, 1, 1, &[]),
            bad_hits: 1,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_image_fault_ends_with_the_right_counts_and_no_partial_rows() {
    for case in cases() {
        let dogs = vec![
            Entry::dog("hound-afghan", GOOD, fixtures::JPEG_5X3),
            case.faulty,
        ];
        let apis = FakeApis::start(Duration::ZERO, dogs, vec![]).await;
        let db = TestDb::create("fault").await;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = support::config(
            &apis.base(),
            &db.url,
            &format!("file://{}", dir.path().display()),
            2,
            0,
        );
        (case.tune)(&mut config);

        let report = run(&config, &NoProgress).await;
        let report = report.unwrap_or_else(|e| panic!("{}: run failed: {e}", case.name));

        let (fetched, stored, duplicate, failed) = case.expect;
        let runs = support::runs(&db.pool).await;
        let expected_failed: Vec<(String, u32)> =
            failed.iter().map(|(r, n)| ((*r).to_owned(), *n)).collect();
        assert_eq!(
            (
                runs[0].fetched,
                runs[0].stored,
                runs[0].duplicate,
                &runs[0].failed
            ),
            (fetched, stored, duplicate, &expected_failed),
            "{}: {}",
            case.name,
            report.counts
        );
        assert_eq!(runs[0].status, "finished", "{}", case.name);
        let rows = support::images(&db.pool).await;
        assert_eq!(rows.len() as u32, stored, "{}", case.name);
        assert_eq!(
            support::assert_rows_have_objects(&rows, dir.path()),
            rows.len(),
            "{}",
            case.name
        );
        assert_eq!(
            apis.hits(&format!("/breeds/pug/{BAD}")).len(),
            case.bad_hits,
            "{}: requests to the faulty URL",
            case.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() {
    let dogs = vec![faulty(Fault::TooManyRequests {
        retry_after_secs: 1,
        times: 1,
    })];
    let apis = FakeApis::start(Duration::ZERO, dogs, vec![]).await;
    let db = TestDb::create("retry_after").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = support::config(
        &apis.base(),
        &db.url,
        &format!("file://{}", dir.path().display()),
        1,
        0,
    );

    let report = run(&config, &NoProgress).await.expect("run succeeds");

    assert_eq!(report.counts.stored, 1, "{}", report.counts);
    let hits = apis.hits(&format!("/breeds/pug/{BAD}"));
    assert_eq!(hits.len(), 2);
    // The backoff alone would wait at most 10 ms; only Retry-After explains a second.
    assert!(
        hits[1] - hits[0] >= Duration::from_millis(950),
        "retried after {:?}",
        hits[1] - hits[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_faults_are_counted_and_the_run_goes_on() {
    let dogs = vec![
        Entry::dog("pug", GOOD, fixtures::JPEG_5X3),
        Entry::dog("pug", BAD, &png::png_rgb(3, 3, 1)),
    ];
    let cats = vec![Entry::cat(Some("Bengal"), "c1.gif", fixtures::GIF_7X2)];
    let apis = FakeApis::start(Duration::ZERO, dogs, cats).await;
    apis.fail_listings(false, &[ListingFault::InvalidJson]);
    apis.fail_listings(true, &[ListingFault::Html, ListingFault::Status(500)]);
    let db = TestDb::create("listing").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = support::config(
        &apis.base(),
        &db.url,
        &format!("file://{}", dir.path().display()),
        2,
        1,
    );
    config.retry.max_attempts = 1;

    let report = run(&config, &NoProgress).await.expect("run succeeds");

    let runs = support::runs(&db.pool).await;
    assert_eq!(runs[0].stored, 3, "{}", report.counts);
    assert_eq!(
        runs[0].failed,
        vec![("listing".to_owned(), 1), ("invalid_listing".to_owned(), 2)],
        "{}",
        report.counts
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_keeps_failing_is_given_up_and_the_run_marked_failed() {
    let apis = FakeApis::start(
        Duration::ZERO,
        vec![Entry::dog("pug", GOOD, fixtures::JPEG_5X3)],
        vec![],
    )
    .await;
    apis.break_listings(false, ListingFault::Status(502));
    let db = TestDb::create("broken").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = support::config(
        &apis.base(),
        &db.url,
        &format!("file://{}", dir.path().display()),
        10,
        0,
    );

    let report = run(&config, &NoProgress)
        .await
        .expect("the run itself completes");

    assert!(report.counts.nothing_stored());
    let runs = support::runs(&db.pool).await;
    assert_eq!(runs[0].failed, vec![("listing".to_owned(), 3)]);
    assert_eq!(runs[0].status, "failed");
    // 3 listing calls, each retried up to max_attempts = 3.
    assert_eq!(apis.hits("/api/breeds/image/random/10").len(), 9);
    assert!(support::images(&db.pool).await.is_empty());
}
