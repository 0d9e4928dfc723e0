//! The synchronous processor: payload in, verdict out; one aggregator per partition.
//!
//! Everything the `trends` shell decides lives here, so it is tested without Kafka,
//! MySQL or a runtime. The shell only moves bytes and awaits I/O.

use super::aggregate::{Admission, ClosedWindow, PartitionAggregator};
use super::event::{EventView, Rejection};
use super::internal_events::{Counters, EventCounted, LateEventDropped};
use super::sink::{PartitionFlush, SourcePartition};
use super::weights::Weights;
use super::window::WindowSpec;
use std::collections::{BTreeMap, HashMap};

/// What to do with one consumed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Counted,
    TooLate,
    /// Send the payload to the dead-letter topic with this reason.
    DeadLetter(Rejection),
}

/// The processor state of one consumer-group member.
#[derive(Debug)]
pub struct TrendsProcessor {
    topic: String,
    spec: WindowSpec,
    weights: Weights,
    max_future_ms: i64,
    partitions: HashMap<i32, PartitionAggregator>,
    closed: BTreeMap<i32, Vec<ClosedWindow>>,
    /// Flushes of partitions revoked before their closed windows were written.
    orphaned: Vec<PartitionFlush>,
}

impl TrendsProcessor {
    pub fn new(topic: &str, spec: WindowSpec, weights: Weights, max_future_ms: i64) -> Self {
        TrendsProcessor {
            topic: topic.to_owned(),
            spec,
            weights,
            max_future_ms,
            partitions: HashMap::new(),
            closed: BTreeMap::new(),
            orphaned: Vec::new(),
        }
    }

    /// Whether this member already holds state for `partition`.
    pub fn owns(&self, partition: i32) -> bool {
        self.partitions.contains_key(&partition)
    }

    /// Starts a partition from its checkpointed watermark (`None`: never processed).
    pub fn restore(&mut self, partition: i32, watermark: Option<i64>) {
        self.partitions.insert(
            partition,
            PartitionAggregator::new(self.spec, self.weights, watermark),
        );
    }

    /// Handles one message of an owned partition. `payload` is `None` for tombstones.
    pub fn handle(
        &mut self,
        partition: i32,
        offset: i64,
        payload: Option<&[u8]>,
        now_ms: i64,
        counters: &Counters,
    ) -> Verdict {
        let aggregator = self
            .partitions
            .entry(partition)
            .or_insert_with(|| PartitionAggregator::new(self.spec, self.weights, None));
        let parsed = match payload {
            Some(bytes) => EventView::parse(bytes, now_ms, self.max_future_ms),
            None => Err(Rejection::BadJson("empty payload (tombstone)".into())),
        };
        let event = match parsed {
            Ok(event) => event,
            Err(rejection) => {
                aggregator.skip(offset);
                return Verdict::DeadLetter(rejection);
            }
        };
        let admission = aggregator.ingest(&event, offset);
        let closed = aggregator.take_closed();
        if !closed.is_empty() {
            self.closed.entry(partition).or_default().extend(closed);
        }
        match admission {
            Admission::Counted => {
                EventCounted.emit(counters);
                Verdict::Counted
            }
            Admission::TooLate => {
                LateEventDropped {
                    partition,
                    offset,
                    ts: event.ts,
                    watermark: aggregator.watermark(),
                }
                .emit(counters);
                Verdict::TooLate
            }
        }
    }

    /// Whether closed windows wait to be written.
    pub fn has_closed(&self) -> bool {
        !self.closed.is_empty()
            || !self.orphaned.is_empty()
            || self
                .partitions
                .values()
                .any(PartitionAggregator::has_updates)
    }

    /// Takes everything to write: closed windows plus a checkpoint for every owned
    /// partition (so that each offset committed afterwards matches a stored watermark).
    pub fn take_flushes(&mut self) -> Vec<PartitionFlush> {
        let mut flushes = std::mem::take(&mut self.orphaned);
        let mut closed = std::mem::take(&mut self.closed);
        let mut owned: Vec<i32> = self.partitions.keys().copied().collect();
        owned.sort_unstable();
        for partition in owned {
            let mut windows = closed.remove(&partition).unwrap_or_default();
            if let Some(aggregator) = self.partitions.get_mut(&partition) {
                windows.extend(aggregator.take_updates());
            }
            if let Some(flush) = self.flush_of(partition, latest_emissions(windows)) {
                flushes.push(flush);
            }
        }
        flushes
    }

    fn flush_of(&self, partition: i32, windows: Vec<ClosedWindow>) -> Option<PartitionFlush> {
        let aggregator = self.partitions.get(&partition)?;
        Some(PartitionFlush {
            source: SourcePartition {
                topic: self.topic.clone(),
                partition,
            },
            windows,
            watermark: aggregator.watermark()?,
            next_offset: aggregator.commit_offset()?,
        })
    }

    /// Drops a revoked partition: its closed windows stay queued for the next flush
    /// (they are complete and correct); its open windows are replayed by the next owner.
    pub fn revoke(&mut self, partition: i32) {
        let windows = self.closed.remove(&partition).unwrap_or_default();
        if !windows.is_empty()
            && let Some(flush) = self.flush_of(partition, windows)
        {
            self.orphaned.push(flush);
        }
        self.partitions.remove(&partition);
    }

    /// Partitions currently held.
    pub fn partitions(&self) -> Vec<i32> {
        let mut owned: Vec<i32> = self.partitions.keys().copied().collect();
        owned.sort_unstable();
        owned
    }
}

/// Keeps only the last emission of each window (oldest window first). Emissions are
/// upserts of the same rows and the final one comes last, so writing only the latest is
/// equivalent, and during catch-up it skips provisional results superseded within one batch.
fn latest_emissions(windows: Vec<ClosedWindow>) -> Vec<ClosedWindow> {
    let mut latest: BTreeMap<i64, ClosedWindow> = BTreeMap::new();
    for window in windows {
        latest.insert(window.start, window);
    }
    latest.into_values().collect()
}
