//! Shared helpers of the stream integration tests: a throwaway MariaDB database, event
//! generation, the plain reference computation, and bounded waiting.
#![allow(dead_code)]

use petadota_pipelines::stream::aggregate::{Dimension, Tally, breed_key};
use petadota_pipelines::stream::config::{TrendsArgs, TrendsFile, TrendsSettings};
use petadota_pipelines::stream::internal_events::Counters;
use petadota_pipelines::stream::sink::{RankedWindow, WindowTotal, rank_window};
use petadota_pipelines::stream::traffic::{TrafficModel, TrafficParams};
use petadota_pipelines::stream::trends::{RunSummary, TrendsError, run_trends};
use petadota_pipelines::stream::{Event, ScoreParams, Weights, WindowSpec};
use rdkafka::ClientConfig;
use rdkafka::producer::{FutureProducer, FutureRecord};
use sqlx::mysql::MySqlPool;
use sqlx::{Connection, MySqlConnection, Row};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const MARIADB_ADMIN: &str = "mysql://root@127.0.0.1:3306/test";

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

/// A fresh database per test, dropped by [`TestDb::drop_db`].
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn create(prefix: &str) -> TestDb {
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("clock")
                .subsec_nanos()
        );
        let mut admin = MySqlConnection::connect(MARIADB_ADMIN)
            .await
            .expect("MariaDB must run at 127.0.0.1:3306 (root, no password)");
        sqlx::query(&format!("CREATE DATABASE `{name}`"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        TestDb {
            url: format!("mysql://root@127.0.0.1:3306/{name}"),
            name,
        }
    }

    pub async fn drop_db(self) {
        if let Ok(mut admin) = MySqlConnection::connect(MARIADB_ADMIN).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS `{}`", self.name))
                .execute(&mut admin)
                .await;
        }
    }
}

/// Settings for a test processor: small windows so a few thousand events span many.
pub fn settings(brokers: &str, topic: &str, group: &str, db_url: &str) -> TrendsSettings {
    let args = TrendsArgs {
        brokers: Some(brokers.into()),
        topic: Some(topic.into()),
        group: Some(group.into()),
        window: Some("60s".into()),
        slide: Some("20s".into()),
        lateness: Some("10s".into()),
        top_k: Some(5),
        baseline_windows: Some(3),
        database_url: Some(db_url.into()),
        dead_letter_topic: Some(format!("{topic}-dead-letter")),
        output_topic: Some(format!("{topic}-trends")),
        ..TrendsArgs::default()
    };
    TrendsSettings::resolve(args, TrendsFile::default()).expect("valid test settings")
}

/// Realistic events from the simulator's model, event time starting at `start_ms`,
/// `step_ms` apart, with disorder below `jitter_ms` (kept under the lateness).
pub fn traffic(seed: u64, count: usize, start_ms: i64, step_ms: i64, jitter_ms: i64) -> Vec<Event> {
    let params = TrafficParams {
        pets: 150,
        shift_every_ms: 60_000,
        burst_chance_per_shift: 0.5,
        burst_length_ms: 120_000,
        ..TrafficParams::default()
    };
    let mut model = TrafficModel::new(seed, params, start_ms);
    (0..count)
        .map(|index| {
            let clock = start_ms + index as i64 * step_ms;
            let mut event = model.next_event(clock);
            // Deterministic pseudo-random disorder.
            event.ts -= (index as i64 * 7919) % jitter_ms.max(1);
            event
        })
        .collect()
}

/// One result row as compared between MariaDB and the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Row6 {
    pub window_start_ms: i64,
    pub dimension: String,
    pub key: String,
    pub weighted: u64,
    pub events: u64,
    pub baseline: f64,
    pub score: f64,
    pub rank: u32,
}

/// The plain reference: sum every event into every window containing it, then rank.
pub fn reference(
    events: &[Event],
    spec: &WindowSpec,
    weights: &Weights,
    params: &ScoreParams,
) -> Vec<Row6> {
    let mut totals: BTreeMap<(i64, Dimension, String), Tally> = BTreeMap::new();
    for event in events {
        for start in spec.windows_of(event.ts) {
            for (dim, key) in [
                (Dimension::Pet, event.pet_id.clone()),
                (Dimension::Breed, breed_key(&event.species, &event.breed)),
                (Dimension::Species, event.species.clone()),
            ] {
                let tally = totals.entry((start, dim, key)).or_default();
                tally.weighted += weights.of(event.kind);
                tally.events += 1;
            }
        }
    }
    let starts: std::collections::BTreeSet<i64> =
        totals.keys().map(|(start, _, _)| *start).collect();
    let mut rows = Vec::new();
    for start in starts {
        let relevant: Vec<WindowTotal> = totals
            .iter()
            .filter(|((window, _, _), _)| {
                *window <= start
                    && (start - window) % spec.size_ms() == 0
                    && (start - window) / spec.size_ms() <= params.baseline_windows as i64
            })
            .map(|((window, dim, key), tally)| WindowTotal {
                window_start: *window,
                dimension: *dim,
                key: key.clone(),
                tally: *tally,
            })
            .collect();
        for ranked in rank_window(
            start,
            start + spec.size_ms(),
            spec.size_ms(),
            relevant,
            params,
        ) {
            rows.extend(flatten_ranked(&ranked));
        }
    }
    rows.sort_by(|a, b| {
        (a.window_start_ms, &a.dimension, &a.key).cmp(&(b.window_start_ms, &b.dimension, &b.key))
    });
    rows
}

fn flatten_ranked(ranked: &RankedWindow) -> Vec<Row6> {
    ranked
        .rows
        .iter()
        .map(|row| Row6 {
            window_start_ms: ranked.window_start_ms,
            dimension: ranked.dimension.as_str().to_owned(),
            key: row.key.clone(),
            weighted: row.weighted,
            events: row.events,
            baseline: row.baseline,
            score: row.score,
            rank: row.rank,
        })
        .collect()
}

/// Every row of `adoption_trends`, in the reference's order.
pub async fn stored_trends(pool: &MySqlPool) -> Vec<Row6> {
    let rows = sqlx::query(
        "SELECT window_start_ms, CAST(dimension AS CHAR), CAST(trend_key AS CHAR), weighted, events, baseline, score, trend_rank \
         FROM adoption_trends ORDER BY window_start_ms, dimension, trend_key",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    rows.into_iter()
        .map(|row| Row6 {
            window_start_ms: row.get(0),
            dimension: row.get(1),
            key: row.get(2),
            weighted: row.get(3),
            events: row.get(4),
            baseline: row.get(5),
            score: row.get(6),
            rank: row.get(7),
        })
        .collect()
}

/// Polls `check` every 200 ms until it returns true or `limit` passes.
pub async fn wait_until<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// A short human-readable difference for assertion messages.
pub fn describe_difference(got: &[Row6], want: &[Row6]) -> String {
    let first = got
        .iter()
        .zip(want.iter())
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    format!(
        "{} rows stored, {} expected; first difference at {first}: stored {:?} vs expected {:?}",
        got.len(),
        want.len(),
        got.get(first),
        want.get(first)
    )
}

/// Logs of the processors in test output (`RUST_LOG=info cargo test ...`).
pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

pub struct Member {
    pub stop: oneshot::Sender<()>,
    pub task: JoinHandle<Result<RunSummary, TrendsError>>,
    pub counters: Arc<Counters>,
}

pub fn start_member(settings: petadota_pipelines::stream::TrendsSettings) -> Member {
    let (stop, stopped) = oneshot::channel::<()>();
    let counters = Arc::new(Counters::default());
    let task = tokio::spawn(run_trends(
        settings,
        async move {
            let _ = stopped.await;
        },
        Arc::clone(&counters),
    ));
    Member {
        stop,
        task,
        counters,
    }
}

pub async fn stop_member(member: Member) -> RunSummary {
    let _ = member.stop.send(());
    tokio::time::timeout(Duration::from_secs(30), member.task)
        .await
        .expect("a member must drain within 30 s")
        .expect("member task must not panic")
        .expect("member must stop cleanly")
}

pub fn producer(brokers: &str) -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .create()
        .expect("producer")
}

pub async fn produce(producer: &FutureProducer, topic: &str, events: &[Event]) {
    for event in events {
        let payload = event.to_json();
        let record = FutureRecord::to(topic)
            .key(event.pet_id.as_str())
            .payload(&payload);
        producer
            .send(record, Duration::from_secs(10))
            .await
            .expect("produce to the mock cluster");
    }
}

/// One event far in the future of the test's event time on every partition, so every
/// partition's watermark passes every real window and all of them close.
pub async fn produce_sentinels(
    producer: &FutureProducer,
    topic: &str,
    partitions: i32,
    template: &Event,
    ts: i64,
) {
    for partition in 0..partitions {
        let mut event = template.clone();
        event.ts = ts;
        event.event_id = format!("sentinel-{partition}");
        let payload = event.to_json();
        let record = FutureRecord::to(topic)
            .key(event.pet_id.as_str())
            .payload(&payload)
            .partition(partition);
        producer
            .send(record, Duration::from_secs(10))
            .await
            .expect("produce a sentinel");
    }
}

/// Runs a scenario in its own task, bounded by `limit`, and drops the test database
/// whatever happens (a panic or a hang still cleans up, then fails the test).
pub async fn run_scenario<F>(db: TestDb, limit: Duration, scenario: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let task = tokio::spawn(scenario);
    let abort = task.abort_handle();
    let outcome = tokio::time::timeout(limit, task).await;
    abort.abort();
    db.drop_db().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(join)) => match join.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the scenario task failed: {error}"),
        },
        Err(_) => panic!("the scenario did not finish within {limit:?}"),
    }
}
