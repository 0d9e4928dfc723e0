//! End-to-end benchmark through a real broker (tansu) and MariaDB. Run by
//! `scripts/bench-stream.sh`, which starts tansu and sets PETADOTA_TANSU_BROKERS.
//!
//! 1. Throughput: N pre-timestamped events in a 4-partition topic, read once by a bare
//!    rdkafka `StreamConsumer` (counts messages, touches payloads) and once by a `trends`
//!    member (parse, aggregate, MySQL sink, commits); reported as trends/bare.
//! 2. Latency: the simulator produces at `STREAM_BENCH_RATE` (default 50,000) events/s
//!    with wall-clock event times for `STREAM_BENCH_SECONDS` while one `trends` member
//!    runs 10 s windows sliding by 2 s (1 s lateness); per window, the delay from its
//!    close (end + lateness) to its last re-score in MySQL; p50/p99/max reported.

use petadota_pipelines::stream::config::{SimulateArgs, TrendsArgs, TrendsFile, TrendsSettings};
use petadota_pipelines::stream::internal_events::Counters;
use petadota_pipelines::stream::simulate::simulate;
use petadota_pipelines::stream::traffic::{TrafficModel, TrafficParams};
use petadota_pipelines::stream::trends::run_trends;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use sqlx::{Connection, MySqlConnection, Row};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

async fn create_topic(brokers: &str, name: &str, partitions: i32) -> BenchResult<()> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()?;
    let topics = [NewTopic::new(name, partitions, TopicReplication::Fixed(1))];
    for result in admin.create_topics(&topics, &AdminOptions::new()).await? {
        result.map_err(|(topic, code)| format!("creating {topic}: {code}"))?;
    }
    Ok(())
}

async fn fresh_database(name: &str) -> BenchResult<String> {
    let mut admin = MySqlConnection::connect("mysql://root@127.0.0.1:3306/test").await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
        .execute(&mut admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE `{name}`"))
        .execute(&mut admin)
        .await?;
    Ok(format!("mysql://root@127.0.0.1:3306/{name}"))
}

fn settings(
    brokers: &str,
    topic: &str,
    group: &str,
    db: &str,
    window: &str,
    slide: &str,
    late: &str,
) -> BenchResult<TrendsSettings> {
    let args = TrendsArgs {
        brokers: Some(brokers.into()),
        topic: Some(topic.into()),
        group: Some(group.into()),
        window: Some(window.into()),
        slide: Some(slide.into()),
        lateness: Some(late.into()),
        database_url: Some(db.into()),
        dead_letter_topic: Some(format!("{topic}-dead-letter")),
        output_topic: Some(format!("{topic}-trends")),
        ..TrendsArgs::default()
    };
    Ok(TrendsSettings::resolve(args, TrendsFile::default())?)
}

async fn produce_backlog(brokers: &str, topic: &str, count: u64) -> BenchResult<()> {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "20")
        .set("batch.num.messages", "10000")
        .create()?;
    let start = now_ms() - 3_600_000;
    let mut model = TrafficModel::new(5, TrafficParams::default(), start);
    let mut pending = std::collections::VecDeque::new();
    for index in 0..count {
        let event = model.next_event(start + (index / 2) as i64);
        let payload = event.to_json();
        loop {
            let record = FutureRecord::to(topic)
                .key(event.pet_id.as_str())
                .payload(&payload);
            match producer.send_result(record) {
                Ok(delivery) => {
                    pending.push_back(delivery);
                    break;
                }
                Err(_) => {
                    if let Some(oldest) = pending.pop_front() {
                        let _ = oldest.await;
                    }
                }
            }
        }
        while pending.len() > 50_000 {
            if let Some(oldest) = pending.pop_front() {
                oldest.await?.map_err(|(error, _)| error)?;
            }
        }
    }
    for delivery in pending {
        delivery.await?.map_err(|(error, _)| error)?;
    }
    producer.flush(Duration::from_secs(30))?;
    Ok(())
}

async fn bare_consumer(brokers: &str, topic: &str, count: u64) -> BenchResult<Duration> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("bare-{}", now_ms()))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "6000")
        .create()?;
    consumer.subscribe(&[topic])?;
    let mut seen = 0u64;
    let mut bytes = 0usize;
    let mut started = None;
    while seen < count {
        let message = tokio::time::timeout(Duration::from_secs(60), consumer.recv()).await??;
        started.get_or_insert_with(Instant::now);
        bytes += message.payload().map_or(0, <[u8]>::len);
        seen += 1;
    }
    std::hint::black_box(bytes);
    Ok(started.map_or(Duration::ZERO, |s| s.elapsed()))
}

async fn trends_consumer(settings: TrendsSettings, count: u64) -> BenchResult<Duration> {
    let counters = Arc::new(Counters::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(run_trends(
        settings,
        async move {
            let _ = stopped.await;
        },
        Arc::clone(&counters),
    ));
    let mut started = None;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let snapshot = counters.snapshot();
        let handled = snapshot.counted + snapshot.too_late + snapshot.dead_lettered;
        if handled > 0 {
            started.get_or_insert_with(Instant::now);
        }
        if handled >= count || Instant::now() > deadline || task.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = started.map_or(Duration::ZERO, |s| s.elapsed());
    let _ = stop.send(());
    task.await??;
    Ok(elapsed)
}

fn percentile(sorted: &[i64], fraction: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn latency(brokers: &str, rate: u32, seconds: i64) -> BenchResult<()> {
    let topic = format!("bench-live-{}", now_ms());
    create_topic(brokers, &topic, 4).await?;
    for extra in ["dead-letter", "trends"] {
        create_topic(brokers, &format!("{topic}-{extra}"), 1).await?;
    }
    let db = fresh_database("stream_bench_latency").await?;
    let settings = settings(brokers, &topic, "bench-live", &db, "10s", "2s", "1s")?;
    let lateness = settings.windows.lateness_ms();
    let counters = Arc::new(Counters::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(run_trends(
        settings,
        async move {
            let _ = stopped.await;
        },
        Arc::clone(&counters),
    ));
    tokio::time::sleep(Duration::from_secs(8)).await; // group join
    let began = now_ms();
    let args = SimulateArgs {
        brokers: brokers.into(),
        topic: topic.clone(),
        rate,
        duration: seconds * 1000,
        pets: 5000,
        seed: 1,
    };
    let produced = simulate(&args).await?;
    let ended = now_ms();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = stop.send(());
    task.await??;
    let achieved = produced.produced as f64 / ((ended - began) as f64 / 1000.0);
    let mut conn = MySqlConnection::connect(&db).await?;
    let rows = sqlx::query(
        "SELECT window_end_ms, CAST(UNIX_TIMESTAMP(rescored_at) * 1000 AS SIGNED) FROM adoption_trend_windows \
         WHERE rescored_at IS NOT NULL AND window_start_ms >= ? AND window_end_ms + ? <= ?",
    )
    .bind(began + 10_000)
    .bind(lateness)
    .bind(ended - 1000)
    .fetch_all(&mut conn)
    .await?;
    let mut delays: Vec<i64> = rows
        .iter()
        .map(|row| row.get::<i64, _>(1) - (row.get::<i64, _>(0) + lateness))
        .collect();
    delays.sort_unstable();
    let snapshot = counters.snapshot();
    let mut cleanup = MySqlConnection::connect("mysql://root@127.0.0.1:3306/test").await?;
    sqlx::query("DROP DATABASE IF EXISTS stream_bench_latency")
        .execute(&mut cleanup)
        .await?;
    sqlx::query("DROP DATABASE IF EXISTS stream_bench_throughput")
        .execute(&mut cleanup)
        .await?;
    println!(
        "latency: produced {} events in {:.1} s ({achieved:.0}/s, target {rate}/s); trends counted {}, late {}; \
         {} windows: close->MySQL delay p50 {} ms, p99 {} ms, max {} ms",
        produced.produced,
        (ended - began) as f64 / 1000.0,
        snapshot.counted,
        snapshot.too_late,
        delays.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or(0)
    );
    Ok(())
}

async fn run(brokers: String) -> BenchResult<()> {
    let count = env_number("STREAM_BENCH_EVENTS", 500_000);
    let topic = format!("bench-backlog-{}", now_ms());
    create_topic(&brokers, &topic, 4).await?;
    for extra in ["dead-letter", "trends"] {
        create_topic(&brokers, &format!("{topic}-{extra}"), 1).await?;
    }
    let produce_started = Instant::now();
    produce_backlog(&brokers, &topic, count).await?;
    println!(
        "backlog: produced {count} events in {:.1} s",
        produce_started.elapsed().as_secs_f64()
    );
    for round in 1..=2 {
        let bare = bare_consumer(&brokers, &topic, count).await?;
        let db = fresh_database("stream_bench_throughput").await?;
        let settings = settings(
            &brokers,
            &topic,
            &format!("bench-trends-{}", now_ms()),
            &db,
            "60s",
            "10s",
            "5s",
        )?;
        let trends = trends_consumer(settings, count).await?;
        let bare_rate = count as f64 / bare.as_secs_f64();
        let trends_rate = count as f64 / trends.as_secs_f64();
        println!(
            "throughput round {round}: bare consumer {bare_rate:.0} events/s, trends {trends_rate:.0} events/s, ratio {:.2}",
            trends_rate / bare_rate
        );
    }
    let rate = u32::try_from(env_number("STREAM_BENCH_RATE", 50_000)).unwrap_or(50_000);
    let seconds = env_number("STREAM_BENCH_SECONDS", 60) as i64;
    latency(&brokers, rate, seconds).await
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` must not need a broker.
    let Ok(brokers) = std::env::var("PETADOTA_TANSU_BROKERS") else {
        eprintln!("skipped: set PETADOTA_TANSU_BROKERS (scripts/bench-stream.sh does)");
        return;
    };
    if !std::env::args().any(|arg| arg == "--bench") {
        eprintln!("skipped: stream_e2e only runs under `cargo bench`");
        return;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start a runtime: {error}");
            std::process::exit(1);
        }
    };
    if let Err(error) = runtime.block_on(run(brokers)) {
        eprintln!("stream_e2e failed: {error}");
        std::process::exit(1);
    }
}
