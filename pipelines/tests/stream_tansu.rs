//! End to end through a real Kafka-compatible broker (tansu, started by
//! scripts/setup.d/30-tansu.sh): topic creation over the admin API, the simulator's idempotent
//! keyed producer, two `trends` members in one group with one restarted midway, dead letters.
//! Gated on PETADOTA_TANSU_BROKERS so that plain `cargo test` stays hermetic.

mod stream_support;

use petadota_pipelines::stream::config::SimulateArgs;
use petadota_pipelines::stream::simulate::simulate;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::FutureRecord;
use std::time::Duration;
use stream_support::*;

const PARTITIONS: i32 = 3;

fn brokers() -> Option<String> {
    match std::env::var("PETADOTA_TANSU_BROKERS") {
        Ok(brokers) if !brokers.is_empty() => Some(brokers),
        _ => {
            eprintln!(
                "skipped: set PETADOTA_TANSU_BROKERS (scripts/setup.d/30-tansu.sh starts tansu and sets it)"
            );
            None
        }
    }
}

async fn create_topics(brokers: &str, names: &[String]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("admin client");
    let topics: Vec<NewTopic<'_>> = names
        .iter()
        .map(|name| NewTopic::new(name, PARTITIONS, TopicReplication::Fixed(1)))
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for result in admin
        .create_topics(&topics, &options)
        .await
        .expect("CreateTopics")
    {
        result.expect("topic created");
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), now_ms())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tansu_group_with_restart_matches_the_reference() {
    let Some(brokers) = brokers() else { return };
    init_logs();
    let topic = unique("interactions");
    create_topics(
        &brokers,
        &[
            topic.clone(),
            format!("{topic}-dead-letter"),
            format!("{topic}-trends"),
        ],
    )
    .await;
    let db = TestDb::create("stream_tansu").await;
    let settings = settings(&brokers, &topic, &unique("trends"), &db.url);
    let start = now_ms() - 3_600_000;
    let events = traffic(23, 3000, start, 400, 6_000);
    let producer = producer(&brokers);

    let db_url = db.url.clone();
    let limit = Duration::from_secs(240);
    run_scenario(db, limit, async move {
        let (first, rest) = events.split_at(1500);
        let member_a = start_member(settings.clone());
        let member_b = start_member(settings.clone());
        produce(&producer, &topic, first).await;
        // A hostile event on the way: dead-lettered, never stops the group.
        producer
            .send(
                FutureRecord::to(&topic)
                    .key("pet-x")
                    .payload("{\"kind\":\"poke\"}"),
                Duration::from_secs(10),
            )
            .await
            .expect("produce hostile");
        assert!(
            wait_until(Duration::from_secs(90), || async {
                let a = member_a.counters.snapshot();
                let b = member_b.counters.snapshot();
                a.counted + b.counted >= first.len() as u64 && a.commits + b.commits > 1
            })
            .await,
            "the group never consumed the first half: {:?} {:?}",
            member_a.counters.snapshot(),
            member_b.counters.snapshot()
        );
        let counters_a = member_a.counters.clone();
        member_a.task.abort();
        let _ = member_a.task.await;
        produce(&producer, &topic, rest).await;
        let member_a2 = start_member(settings.clone());
        let last_ts = events.iter().map(|e| e.ts).max().unwrap_or(start);
        produce_sentinels(&producer, &topic, PARTITIONS, &events[0], last_ts + 600_000).await;

        let want = reference(
            &events,
            &settings.windows,
            &settings.weights,
            &settings.score,
        );
        let pool = sqlx::MySqlPool::connect(&db_url).await.expect("connect");
        let mut got = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        while tokio::time::Instant::now() < deadline {
            got = stored_trends(&pool).await;
            if got == want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        assert!(got == want, "{}", describe_difference(&got, &want));
        let summary_b = stop_member(member_b).await;
        let summary_a2 = stop_member(member_a2).await;
        // Dead letters are at least once: one written before a rebalance whose offset was not
        // yet committed is written again by the partition's next owner.
        let dead_lettered = counters_a.snapshot().dead_lettered
            + summary_b.counters.dead_lettered
            + summary_a2.counters.dead_lettered;
        assert!(
            (1..=3).contains(&dead_lettered),
            "the hostile event was dead-lettered {dead_lettered} times"
        );
        pool.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulator_produces_keyed_events_to_tansu() {
    let Some(brokers) = brokers() else { return };
    let topic = unique("simulated");
    create_topics(&brokers, std::slice::from_ref(&topic)).await;
    let args = SimulateArgs {
        brokers: brokers.clone(),
        topic: topic.clone(),
        rate: 2000,
        duration: 1500,
        pets: 500,
        seed: 9,
    };
    let summary = tokio::time::timeout(Duration::from_secs(60), simulate(&args))
        .await
        .expect("simulator finishes")
        .expect("simulator succeeds");
    assert!(
        summary.produced >= 2000,
        "expected about 3000 events in 1.5 s at 2000/s, got {}",
        summary.produced
    );
}
