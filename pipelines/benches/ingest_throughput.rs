//! Ingest benchmark (not part of `cargo test`): the fake APIs answer every request after 100 ms
//! and serve distinct ~100 KB PNGs; MariaDB and the filesystem store are real.
//!
//! Measured in one session, so the ratios compare like with like:
//! 1. sequential baseline: plain one-at-a-time GETs of the first 100 images;
//! 2. the pipeline at concurrency 1 over those 100 images (same work per image as the run);
//! 3. the pipeline at the default concurrency over 2,000 images, in a child process whose
//!    peak RSS (VmHWM) is reported.
//!
//! Run: `cargo bench -p petadota-pipelines --bench ingest_throughput` (or scripts/bench-ingest).
//! Env: `INGEST_BENCH_IMAGES` (default 2000), `INGEST_BENCH_LATENCY_MS` (default 100);
//! `TMPDIR` decides which filesystem the store is on (its directory is a temp dir).

#[path = "../tests/ingest_support/mod.rs"]
mod ingest_support;

use futures_util::StreamExt;
use ingest_support::png;
use ingest_support::server::{Entry, FakeApis, Fault};
use ingest_support::{TestDb, config};
use petadota_pipelines::ingest::cli::IngestImagesArgs;
use petadota_pipelines::ingest::config::DEFAULT_CONCURRENCY;
use petadota_pipelines::ingest::run::{NoProgress, run};
use std::process::Command;
use std::time::{Duration, Instant};

const CHILD_FLAG: &str = "--ingest-child";
const IMAGE_BYTES: usize = 100_000;
const SEQUENTIAL_SAMPLE: usize = 100;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn catalogue(n: u64) -> Vec<Entry> {
    (0..n)
        .map(|i| Entry {
            breed: Some(
                ["pug", "hound-afghan", "husky", "terrier-yorkshire"][(i % 4) as usize].to_owned(),
            ),
            name: format!("n{i:05}.png"),
            body: {
                let side = png::side_for_size(IMAGE_BYTES);
                png::png_rgb(side, side, i).into()
            },
            fault: Fault::None,
        })
        .collect()
}

/// User + system CPU seconds of this process so far (from /proc/self/stat, 100 ticks/s).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.to_owned();
            let fields: Vec<&str> = after.split_whitespace().collect();
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(0.0)
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// The child: runs the pipeline configured by PETADOTA_INGEST_* and prints one result line.
fn child() {
    let config = IngestImagesArgs::default()
        .resolve(std::env::vars())
        .expect("bench child config");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let report = runtime
        .block_on(run(&config, &NoProgress))
        .expect("bench run");
    println!(
        "RESULT {} {} {} {} {}",
        report.counts.stored,
        report.counts.failed_total(),
        report.elapsed.as_secs_f64(),
        vm_hwm_kib(),
        cpu_seconds()
    );
}

fn main() {
    if std::env::args().any(|a| a == CHILD_FLAG) {
        child();
        return;
    }
    let images = env_number("INGEST_BENCH_IMAGES", 2000);
    let latency = Duration::from_millis(env_number("INGEST_BENCH_LATENCY_MS", 100));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let apis = FakeApis::start(latency, catalogue(images), vec![]).await;

        // 1. Plain sequential GETs.
        let client = reqwest::Client::new();
        let started = Instant::now();
        for i in 0..SEQUENTIAL_SAMPLE {
            let url = format!("{}/breeds/{}/n{i:05}.png", apis.base(), ["pug", "hound-afghan", "husky", "terrier-yorkshire"][i % 4]);
            let body = client.get(&url).send().await.expect("GET").bytes().await.expect("body");
            assert!(body.len() > IMAGE_BYTES / 2, "{url} served {} bytes", body.len());
        }
        let sequential_rate = SEQUENTIAL_SAMPLE as f64 / started.elapsed().as_secs_f64();

        // 1b. Plain GETs, DEFAULT_CONCURRENCY at once: what this machine and server allow.
        let sample = (images as usize).min(20 * DEFAULT_CONCURRENCY);
        let started = Instant::now();
        futures_util::stream::iter(0..sample)
            .for_each_concurrent(DEFAULT_CONCURRENCY, |i| {
                let client = &client;
                let url = format!("{}/breeds/{}/n{i:05}.png", apis.base(), ["pug", "hound-afghan", "husky", "terrier-yorkshire"][i % 4]);
                async move {
                    let body = client.get(&url).send().await.expect("GET").bytes().await.expect("body");
                    assert!(body.len() > IMAGE_BYTES / 2);
                }
            })
            .await;
        let concurrent_get_rate = sample as f64 / started.elapsed().as_secs_f64();

        // 2. The pipeline at concurrency 1 over the same first images.
        let db = TestDb::create("bench_seq").await;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut one = config(&apis.base(), &db.url, &format!("file://{}", dir.path().display()), SEQUENTIAL_SAMPLE as u32, 0);
        one.concurrency = 1;
        apis.rewind();
        let report = run(&one, &NoProgress).await.expect("sequential pipeline run");
        let pipeline_one_rate = report.counts.stored as f64 / report.elapsed.as_secs_f64();
        drop(db);

        // 3. The pipeline at the default concurrency, in a child process for its RSS.
        let db = TestDb::create("bench_par").await;
        let dir = tempfile::tempdir().expect("temp dir");
        apis.rewind();
        let base = apis.base();
        let url = db.url.clone();
        let storage = format!("file://{}", dir.path().display());
        let output = tokio::task::spawn_blocking(move || {
            Command::new(std::env::current_exe().expect("bench binary"))
                .arg(CHILD_FLAG)
                .env("PETADOTA_INGEST_DOGS", images.to_string())
                .env("PETADOTA_INGEST_DATABASE", url)
                .env("PETADOTA_INGEST_STORAGE", storage)
                .env("PETADOTA_INGEST_DOG_API_BASE", base)
                .env("PETADOTA_INGEST_REQUESTS_PER_SECOND", "0")
                .env("PETADOTA_INGEST_LOG_FORMAT", "json")
                .env("RUST_LOG", "warn")
                .output()
                .expect("run the bench child")
        })
        .await
        .expect("child thread");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with("RESULT "))
            .unwrap_or_else(|| panic!("child printed no result: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
        let fields: Vec<f64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        let (stored, failed, elapsed, hwm_kib, cpu) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
        let rate = stored / elapsed;
        let ideal = DEFAULT_CONCURRENCY as f64 / latency.as_secs_f64();

        println!("ingest benchmark: {images} distinct ~{IMAGE_BYTES}-byte PNGs, {} ms latency per request", latency.as_millis());
        println!("  sequential GETs ({SEQUENTIAL_SAMPLE} images):           {sequential_rate:8.1} images/s");
        println!("  plain GETs, {DEFAULT_CONCURRENCY} at once ({sample} images):    {concurrent_get_rate:8.1} images/s");
        println!("  pipeline, concurrency 1 ({SEQUENTIAL_SAMPLE} images):   {pipeline_one_rate:8.1} images/s");
        println!("  pipeline, concurrency {DEFAULT_CONCURRENCY} (default):     {rate:8.1} images/s  ({stored} stored, {failed} failed, {elapsed:.2} s)");
        println!("  ideal concurrency / latency:            {ideal:8.1} images/s");
        println!("  throughput / ideal:                     {:8.1} %", 100.0 * rate / ideal);
        println!("  pipeline / plain concurrent GETs:       {:8.1} %", 100.0 * rate / concurrent_get_rate);
        println!("  speed-up vs sequential GETs:            {:8.1} x", rate / sequential_rate);
        println!("  speed-up vs pipeline at concurrency 1:  {:8.1} x", rate / pipeline_one_rate);
        println!("  peak RSS of the run (VmHWM):            {:8.1} MiB", hwm_kib / 1024.0);
        println!("  CPU of the run (user + system):         {:8.2} ms per image", 1000.0 * cpu / stored);
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!("  load average at the end (2 cores):      {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        drop(db);
    });
}
