//! `petadota pipeline trends`: the async shell around [`TrendsProcessor`].
//!
//! It only moves data: Kafka message -> processor -> (dead letters | sink) -> offset
//! commit. The `select!` below just picks the next step; each step is a plain function.

use super::config::TrendsSettings;
use super::internal_events::{
    Counters, CountersSnapshot, EventDeadLettered, OffsetsCommitted, PartitionsRevoked,
    WindowsWritten,
};
use super::processor::{TrendsProcessor, Verdict};
use super::sink::{RankedWindow, SinkError, SourcePartition, TrendSink};
use rdkafka::ClientConfig;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Why `trends` stopped with an error (offsets after the last good write stay uncommitted).
#[derive(Debug, thiserror::Error)]
pub enum TrendsError {
    #[error("cannot create the Kafka {what} for brokers {brokers}")]
    Kafka {
        what: &'static str,
        brokers: String,
        source: KafkaError,
    },
    #[error("cannot subscribe to topic {topic}")]
    Subscribe { topic: String, source: KafkaError },
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// How long closed windows may wait so that closes of several partitions share one write.
const FLUSH_DELAY: Duration = Duration::from_millis(100);
/// Pause before retrying a refused offset commit.
const COMMIT_RETRY: Duration = Duration::from_millis(250);
/// Upper bound on waiting for a dead-letter or trends-topic delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Remembers partitions revoked inside librdkafka's poll so the shell can drop them.
#[derive(Default)]
pub struct RebalanceTracker {
    revoked: Mutex<Vec<i32>>,
}

impl ClientContext for RebalanceTracker {}

impl ConsumerContext for RebalanceTracker {
    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(list) = rebalance
            && let Ok(mut revoked) = self.revoked.lock()
        {
            revoked.extend(list.elements().iter().map(|element| element.partition()));
        }
    }
}

impl RebalanceTracker {
    fn take_revoked(&self) -> Vec<i32> {
        self.revoked
            .lock()
            .map(|mut revoked| std::mem::take(&mut *revoked))
            .unwrap_or_default()
    }
}

/// What a finished run reports (tests and the CLI read it).
#[derive(Debug, Clone, Copy, Default)]
pub struct RunSummary {
    pub counters: CountersSnapshot,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Builds the consumer: manual commits only, offsets from the start when a group is new.
pub fn consumer_config(settings: &TrendsSettings) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &settings.brokers)
        .set("group.id", &settings.group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "6000")
        .set("heartbeat.interval.ms", "1000")
        .set("partition.assignment.strategy", "range");
    config
}

/// Builds the idempotent producer used for dead letters and ranked windows.
pub fn producer_config(brokers: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("message.timeout.ms", "30000");
    config
}

struct Shell {
    settings: TrendsSettings,
    consumer: StreamConsumer<RebalanceTracker>,
    producer: FutureProducer,
    sink: TrendSink,
    processor: TrendsProcessor,
    counters: Arc<Counters>,
    flush_at: Option<tokio::time::Instant>,
    /// Offsets written to the sink but not yet accepted by the group coordinator
    /// (a commit during a rebalance is refused); retried until accepted or revoked.
    uncommitted: BTreeMap<i32, i64>,
    commit_retry_at: Option<tokio::time::Instant>,
}

enum Step<'a> {
    Stop,
    Flush,
    RetryCommit,
    Message(Result<BorrowedMessage<'a>, KafkaError>),
}

/// Runs one consumer-group member until `shutdown` resolves, then drains: writes the
/// windows already closed, commits their offsets, and leaves the group.
pub async fn run_trends(
    settings: TrendsSettings,
    shutdown: impl Future<Output = ()>,
    counters: Arc<Counters>,
) -> Result<RunSummary, TrendsError> {
    let sink = TrendSink::connect(
        &settings.database_url,
        &settings.group,
        settings.windows.size_ms(),
        settings.score,
    )
    .await?;
    let consumer: StreamConsumer<RebalanceTracker> = consumer_config(&settings)
        .create_with_context(RebalanceTracker::default())
        .map_err(|source| TrendsError::Kafka {
            what: "consumer",
            brokers: settings.brokers.clone(),
            source,
        })?;
    consumer
        .subscribe(&[&settings.topic])
        .map_err(|source| TrendsError::Subscribe {
            topic: settings.topic.clone(),
            source,
        })?;
    let producer: FutureProducer =
        producer_config(&settings.brokers)
            .create()
            .map_err(|source| TrendsError::Kafka {
                what: "producer",
                brokers: settings.brokers.clone(),
                source,
            })?;
    let processor = TrendsProcessor::new(
        &settings.topic,
        settings.windows,
        settings.weights,
        settings.max_future_ms,
    );
    let mut shell = Shell {
        settings,
        consumer,
        producer,
        sink,
        processor,
        counters,
        flush_at: None,
        uncommitted: BTreeMap::new(),
        commit_retry_at: None,
    };
    tokio::pin!(shutdown);
    loop {
        let flush_at = shell.flush_at;
        let commit_retry_at = shell.commit_retry_at;
        let step = tokio::select! {
            biased;
            () = &mut shutdown => Step::Stop,
            () = sleep_until_or_forever(flush_at) => Step::Flush,
            () = sleep_until_or_forever(commit_retry_at) => Step::RetryCommit,
            message = shell.consumer.recv() => Step::Message(message),
        };
        match step {
            Step::Stop => break,
            Step::Flush => shell.flush().await?,
            Step::RetryCommit => shell.commit_uncommitted(),
            Step::Message(Ok(message)) => {
                let partition = message.partition();
                let offset = message.offset();
                let key = message.key().map(<[u8]>::to_vec);
                let payload = message.payload().map(<[u8]>::to_vec);
                drop(message);
                shell
                    .handle(partition, offset, key.as_deref(), payload.as_deref())
                    .await?;
            }
            Step::Message(Err(error)) => {
                tracing::warn!(%error, "Kafka consumer error; librdkafka retries on its own");
            }
        }
    }
    let counters = Arc::clone(&shell.counters);
    shell.drain().await?;
    Ok(RunSummary {
        counters: counters.snapshot(),
    })
}

async fn sleep_until_or_forever(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

impl Shell {
    fn apply_revocations(&mut self) {
        let revoked = self.consumer.context().take_revoked();
        if revoked.is_empty() {
            return;
        }
        for &partition in &revoked {
            self.processor.revoke(partition);
            self.uncommitted.remove(&partition);
        }
        PartitionsRevoked {
            partitions: &revoked,
        }
        .emit(&self.counters);
        if self.processor.has_closed() && self.flush_at.is_none() {
            self.flush_at = Some(tokio::time::Instant::now());
        }
    }

    async fn handle(
        &mut self,
        partition: i32,
        offset: i64,
        key: Option<&[u8]>,
        payload: Option<&[u8]>,
    ) -> Result<(), TrendsError> {
        self.apply_revocations();
        if !self.processor.owns(partition) {
            let source = SourcePartition {
                topic: self.settings.topic.clone(),
                partition,
            };
            let watermark = self.sink.load_watermark(&source).await?;
            tracing::info!(
                partition,
                offset,
                watermark,
                "taking over a partition from its checkpointed watermark"
            );
            self.processor.restore(partition, watermark);
        }
        let verdict = self
            .processor
            .handle(partition, offset, payload, now_ms(), &self.counters);
        if let Verdict::DeadLetter(reason) = verdict {
            let delivered = self
                .dead_letter(partition, offset, key, payload, &reason.to_string())
                .await;
            EventDeadLettered {
                partition,
                offset,
                reason: &reason,
                delivered,
            }
            .emit(&self.counters);
        }
        if self.processor.has_closed() && self.flush_at.is_none() {
            self.flush_at = Some(tokio::time::Instant::now() + FLUSH_DELAY);
        }
        Ok(())
    }

    /// Sends the original bytes to the dead-letter topic with the reason in headers.
    async fn dead_letter(
        &self,
        partition: i32,
        offset: i64,
        key: Option<&[u8]>,
        payload: Option<&[u8]>,
        reason: &str,
    ) -> bool {
        let source = format!("{}/{partition}/{offset}", self.settings.topic);
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "reason",
                value: Some(reason),
            })
            .insert(Header {
                key: "source",
                value: Some(source.as_str()),
            });
        let mut record = FutureRecord::<[u8], [u8]>::to(&self.settings.dead_letter_topic)
            .payload(payload.unwrap_or_default())
            .headers(headers);
        if let Some(key) = key {
            record = record.key(key);
        }
        self.producer.send(record, DELIVERY_TIMEOUT).await.is_ok()
    }

    /// Writes closed windows, publishes their ranking, then commits offsets.
    async fn flush(&mut self) -> Result<(), TrendsError> {
        self.flush_at = None;
        self.apply_revocations();
        let flushes = self.processor.take_flushes();
        if flushes.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let ranked = self.sink.write(&flushes).await?;
        self.publish(&ranked).await;
        WindowsWritten {
            windows: flushes.iter().map(|flush| flush.windows.len()).sum(),
            ranked: ranked.len(),
            elapsed_ms: started.elapsed().as_millis(),
        }
        .emit(&self.counters);
        let offsets: Vec<(i32, i64)> = flushes
            .iter()
            .map(|flush| (flush.source.partition, flush.next_offset))
            .collect();
        self.uncommitted.extend(offsets);
        self.commit_uncommitted();
        Ok(())
    }

    /// Publishes each ranked window keyed by `window_start/dimension`, so a compacted
    /// `trends` topic keeps exactly the latest ranking per window and dimension.
    async fn publish(&self, ranked: &[RankedWindow]) {
        let mut pending = Vec::with_capacity(ranked.len());
        for window in ranked {
            let key = format!("{}/{}", window.window_start_ms, window.dimension.as_str());
            let Ok(payload) = serde_json::to_vec(window) else {
                continue;
            };
            let record = FutureRecord::to(&self.settings.output_topic)
                .key(&key)
                .payload(&payload);
            match self.producer.send_result(record) {
                Ok(delivery) => pending.push(delivery),
                Err((error, _)) => {
                    tracing::warn!(%error, "could not queue a ranked window for the trends topic")
                }
            }
        }
        for delivery in pending {
            match tokio::time::timeout(DELIVERY_TIMEOUT, delivery).await {
                Ok(Ok(Ok(_))) => {}
                Ok(Ok(Err((error, _)))) => {
                    tracing::warn!(%error, "a ranked window was not delivered to the trends topic")
                }
                _ => tracing::warn!("a ranked window delivery timed out"),
            }
        }
    }

    /// Commits the offsets the sink has made safe, synchronously so that a refusal
    /// (e.g. `RebalanceInProgress`) is seen and retried instead of silently lost.
    /// Only partitions still assigned are committed: a revoked one belongs to its new owner.
    fn commit_uncommitted(&mut self) {
        self.commit_retry_at = None;
        let assigned: Vec<i32> = self
            .consumer
            .assignment()
            .map(|list| list.elements().iter().map(|e| e.partition()).collect())
            .unwrap_or_default();
        self.uncommitted
            .retain(|partition, _| assigned.contains(partition));
        if self.uncommitted.is_empty() {
            return;
        }
        let offsets: Vec<(i32, i64)> = self.uncommitted.iter().map(|(p, o)| (*p, *o)).collect();
        let mut list = TopicPartitionList::new();
        for &(partition, offset) in &offsets {
            if let Err(error) =
                list.add_partition_offset(&self.settings.topic, partition, Offset::Offset(offset))
            {
                tracing::warn!(%error, partition, "cannot build the offset list");
            }
        }
        let error = match self.consumer.commit(&list, CommitMode::Sync) {
            Ok(()) => {
                self.uncommitted.clear();
                None
            }
            Err(error) => {
                self.commit_retry_at = Some(tokio::time::Instant::now() + COMMIT_RETRY);
                Some(error.to_string())
            }
        };
        OffsetsCommitted {
            offsets: &offsets,
            error,
        }
        .emit(&self.counters);
    }

    /// SIGTERM path: write what is closed, commit synchronously, leave the group.
    async fn drain(mut self) -> Result<(), TrendsError> {
        self.apply_revocations();
        let flushes = self.processor.take_flushes();
        if !flushes.is_empty() {
            let ranked = self.sink.write(&flushes).await?;
            self.publish(&ranked).await;
            let offsets: Vec<(i32, i64)> = flushes
                .iter()
                .map(|flush| (flush.source.partition, flush.next_offset))
                .collect();
            self.uncommitted.extend(offsets);
        }
        // Bounded: a coordinator that keeps refusing must not block shutdown forever.
        for _ in 0..20 {
            self.commit_uncommitted();
            if self.uncommitted.is_empty() {
                break;
            }
            tokio::time::sleep(COMMIT_RETRY).await;
        }
        self.consumer.unsubscribe();
        tracing::info!(partitions = ?self.processor.partitions(), "trends drained and committed");
        Ok(())
    }
}
