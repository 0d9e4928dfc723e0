//! The trends processor against librdkafka's mock cluster (the real Kafka protocol,
//! in-process) and the real MariaDB: two members in one group, a rebalance in the
//! middle, a member killed and restarted; the stored trends must equal a plain
//! reference computation over the same events: nothing lost, nothing counted twice.

mod stream_support;

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::FutureRecord;
use std::time::Duration;
use stream_support::*;

const PARTITIONS: i32 = 4;

async fn counted(member: &Member) -> u64 {
    member.counters.snapshot().counted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_with_rebalance_and_restart_matches_the_reference() {
    init_logs();
    let cluster = MockCluster::new(3).expect("mock cluster");
    let brokers = cluster.bootstrap_servers();
    let topic = "interactions";
    cluster
        .create_topic(topic, PARTITIONS, 1)
        .expect("create topic");
    for extra in ["interactions-dead-letter", "interactions-trends"] {
        cluster.create_topic(extra, 1, 1).expect("create topic");
    }
    let db = TestDb::create("stream_mock").await;
    let settings = settings(&brokers, topic, "trends-test", &db.url);

    // 20 minutes of event time, 1 event per 400 ms, disorder up to 6 s (< 10 s lateness).
    let start = now_ms() - 3_600_000;
    let events = traffic(11, 3000, start, 400, 6_000);
    let producer = producer(&brokers);

    let db_url = db.url.clone();
    let limit = Duration::from_secs(200);
    run_scenario(db, limit, async move {
        let (first, rest) = events.split_at(1000);
        let (second, third) = rest.split_at(1000);
        produce(&producer, topic, first).await;
        let member_a = start_member(settings.clone());
        assert!(
            wait_until(Duration::from_secs(30), || async {
                counted(&member_a).await >= 200
            })
            .await,
            "member A never consumed"
        );

        // B joins: the group rebalances while A is mid-stream.
        let member_b = start_member(settings.clone());
        produce(&producer, topic, second).await;
        let rebalanced = wait_until(Duration::from_secs(40), || async {
            member_b.counters.snapshot().counted > 0
                && member_a.counters.snapshot().partitions_revoked > 0
        })
        .await;
        if member_a.task.is_finished() {
            panic!("member A stopped early: {:?}", member_a.task.await);
        }
        assert!(
            rebalanced,
            "B never got partitions from a rebalance: A {:?}, B {:?}",
            member_a.counters.snapshot(),
            member_b.counters.snapshot()
        );

        if member_a.task.is_finished() {
            panic!("member A stopped early: {:?}", member_a.task.await);
        }
        // Kill A: no drain, no final commit, its open windows are lost.
        member_a.task.abort();
        let _ = member_a.task.await;
        produce(&producer, topic, third).await;

        // Restart A (a new process in the same group).
        let member_a2 = start_member(settings.clone());
        let last_ts = events.iter().map(|e| e.ts).max().unwrap_or(start);
        produce_sentinels(&producer, topic, PARTITIONS, &events[0], last_ts + 600_000).await;

        let want = reference(
            &events,
            &settings.windows,
            &settings.weights,
            &settings.score,
        );
        let pool = sqlx::MySqlPool::connect(&db_url).await.expect("connect");
        let mut got = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut converged = false;
        while tokio::time::Instant::now() < deadline {
            got = stored_trends(&pool).await;
            if got == want {
                converged = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        assert!(converged, "{}", describe_difference(&got, &want));

        let summary_b = stop_member(member_b).await;
        let summary_a2 = stop_member(member_a2).await;
        assert_eq!(
            summary_b.counters.dead_lettered + summary_a2.counters.dead_lettered,
            0
        );
        // Stopping drains and re-ranks nothing new: the rows are unchanged.
        assert_eq!(stored_trends(&pool).await, want);
        assert!(!want.is_empty());
        // The trends topic, read as "highest revision per key wins", says the same.
        let published = latest_published(&brokers, "interactions-trends").await;
        assert_eq!(published, ranking_by_window(&want));
        pool.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_events_go_to_dead_letters_and_never_stop_the_processor() {
    let cluster = MockCluster::new(1).expect("mock cluster");
    let brokers = cluster.bootstrap_servers();
    let topic = "hostile";
    for name in ["hostile", "hostile-dead-letter", "hostile-trends"] {
        cluster.create_topic(name, 1, 1).expect("create topic");
    }
    let db = TestDb::create("stream_dlq").await;
    let settings = settings(&brokers, topic, "trends-dlq", &db.url);
    let now = now_ms();
    let valid = traffic(5, 3, now - 60_000, 1000, 1);
    let good = String::from_utf8(valid[0].to_json()).expect("utf8");
    let hostile: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "not valid JSON"),
        (
            good.replace("\"kind\":\"", "\"kind\":\"poke").into_bytes(),
            "unknown kind",
        ),
        (
            good.replace("\"breed\"", "\"bread\"").into_bytes(),
            "missing or non-string field `breed`",
        ),
        (
            good.replace(
                &format!("\"ts\":{}", valid[0].ts),
                &format!("\"ts\":{}", now + 86_400_000),
            )
            .into_bytes(),
            "ahead of the processor clock",
        ),
        (vec![0xff, 0xfe, 0x00], "not valid JSON"),
    ];
    let producer = producer(&brokers);

    let limit = Duration::from_secs(90);
    run_scenario(db, limit, async move {
        let member = start_member(settings.clone());
        produce(&producer, topic, &valid[..1]).await;
        for (payload, _) in &hostile {
            producer
                .send(
                    FutureRecord::to(topic).key("pet-x").payload(payload),
                    Duration::from_secs(10),
                )
                .await
                .expect("produce hostile");
        }
        produce(&producer, topic, &valid[1..]).await;
        assert!(
            wait_until(Duration::from_secs(40), || async {
                let snapshot = member.counters.snapshot();
                snapshot.counted == valid.len() as u64
                    && snapshot.dead_lettered == hostile.len() as u64
            })
            .await,
            "expected {} counted and {} dead-lettered, got {:?}",
            valid.len(),
            hostile.len(),
            member.counters.snapshot()
        );

        let reader: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &brokers)
            .set("group.id", "dlq-reader")
            .set("auto.offset.reset", "earliest")
            .create()
            .expect("dlq consumer");
        reader
            .subscribe(&["hostile-dead-letter"])
            .expect("subscribe");
        let mut letters = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while letters.len() < hostile.len() && std::time::Instant::now() < deadline {
            if let Some(Ok(message)) = reader.poll(Duration::from_millis(200)) {
                let reason = message
                    .headers()
                    .and_then(|headers| headers.iter().find(|h| h.key == "reason"))
                    .and_then(|h| h.value.map(|v| String::from_utf8_lossy(v).into_owned()))
                    .unwrap_or_default();
                letters.push((message.payload().unwrap_or_default().to_vec(), reason));
            }
        }
        assert_eq!(
            letters.len(),
            hostile.len(),
            "every hostile event is dead-lettered"
        );
        for ((payload, expected_reason), (stored, reason)) in hostile.iter().zip(letters.iter()) {
            assert_eq!(payload, stored, "the original bytes are kept");
            assert!(
                reason.contains(expected_reason),
                "reason `{reason}` should mention `{expected_reason}`"
            );
        }
        let summary = stop_member(member).await;
        assert_eq!(summary.counters.dead_lettered, hostile.len() as u64);
    })
    .await;
}

/// (key, rank, weighted) of one ranked row.
type RankedRow = (String, u32, u64);
type Ranking = std::collections::BTreeMap<(i64, String), Vec<RankedRow>>;

fn ranking_by_window(rows: &[Row6]) -> Ranking {
    let mut ranking = Ranking::new();
    for row in rows {
        ranking
            .entry((row.window_start_ms, row.dimension.clone()))
            .or_default()
            .push((row.key.clone(), row.rank, row.weighted));
    }
    for entries in ranking.values_mut() {
        entries.sort_by_key(|entry| entry.1);
    }
    ranking
}

/// Reads the whole `trends` topic and keeps, per window and dimension, the message with
/// the highest revision.
async fn latest_published(brokers: &str, topic: &str) -> Ranking {
    let reader: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", "trends-reader")
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("trends reader");
    reader.subscribe(&[topic]).expect("subscribe");
    let mut latest: std::collections::BTreeMap<(i64, String), (i64, Vec<RankedRow>)> =
        std::collections::BTreeMap::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut quiet_since = std::time::Instant::now();
    while std::time::Instant::now() < deadline
        && (latest.is_empty() || quiet_since.elapsed() < Duration::from_secs(3))
    {
        let Some(Ok(message)) = reader.poll(Duration::from_millis(200)) else {
            continue;
        };
        quiet_since = std::time::Instant::now();
        let value: serde_json::Value =
            serde_json::from_slice(message.payload().unwrap_or_default()).expect("JSON ranking");
        let key = (
            value["window_start_ms"].as_i64().expect("window_start_ms"),
            value["dimension"].as_str().expect("dimension").to_owned(),
        );
        let revision = value["revision"].as_i64().expect("revision");
        let rows = value["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| {
                (
                    row["key"].as_str().expect("key").to_owned(),
                    row["rank"].as_u64().expect("rank") as u32,
                    row["weighted"].as_u64().expect("weighted"),
                )
            })
            .collect();
        if latest.get(&key).is_none_or(|(seen, _)| *seen < revision) {
            latest.insert(key, (revision, rows));
        }
    }
    latest
        .into_iter()
        .map(|(key, (_, rows))| (key, rows))
        .collect()
}
