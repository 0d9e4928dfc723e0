//! One struct per thing that happens inside `trends`, which logs and counts together
//! (vector's internal-events style): the log line and the counter can never disagree.

use super::event::Rejection;
use std::sync::atomic::{AtomicU64, Ordering};

/// Running totals of one processor; `snapshot()` is what a run returns.
#[derive(Debug, Default)]
pub struct Counters {
    counted: AtomicU64,
    too_late: AtomicU64,
    dead_lettered: AtomicU64,
    dead_letter_failures: AtomicU64,
    windows_written: AtomicU64,
    rows_ranked: AtomicU64,
    commits: AtomicU64,
    commit_failures: AtomicU64,
    partitions_revoked: AtomicU64,
}

/// A copy of the counters at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountersSnapshot {
    pub counted: u64,
    pub too_late: u64,
    pub dead_lettered: u64,
    pub dead_letter_failures: u64,
    pub windows_written: u64,
    pub rows_ranked: u64,
    pub commits: u64,
    pub commit_failures: u64,
    pub partitions_revoked: u64,
}

impl Counters {
    pub fn snapshot(&self) -> CountersSnapshot {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        CountersSnapshot {
            counted: get(&self.counted),
            too_late: get(&self.too_late),
            dead_lettered: get(&self.dead_lettered),
            dead_letter_failures: get(&self.dead_letter_failures),
            windows_written: get(&self.windows_written),
            rows_ranked: get(&self.rows_ranked),
            commits: get(&self.commits),
            commit_failures: get(&self.commit_failures),
            partitions_revoked: get(&self.partitions_revoked),
        }
    }
}

fn add(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// A valid event was summed into its windows (counted only; too frequent to log).
pub struct EventCounted;

impl EventCounted {
    pub fn emit(self, counters: &Counters) {
        add(&counters.counted, 1);
    }
}

/// An event arrived after every window it belongs to had closed.
pub struct LateEventDropped {
    pub partition: i32,
    pub offset: i64,
    pub ts: i64,
    pub watermark: Option<i64>,
}

impl LateEventDropped {
    pub fn emit(self, counters: &Counters) {
        add(&counters.too_late, 1);
        tracing::debug!(
            partition = self.partition,
            offset = self.offset,
            ts = self.ts,
            watermark = self.watermark,
            "late event dropped: all its windows were closed"
        );
    }
}

/// An invalid event went to the dead-letter topic (or failed to).
pub struct EventDeadLettered<'a> {
    pub partition: i32,
    pub offset: i64,
    pub reason: &'a Rejection,
    pub delivered: bool,
}

impl EventDeadLettered<'_> {
    pub fn emit(self, counters: &Counters) {
        if self.delivered {
            add(&counters.dead_lettered, 1);
            tracing::warn!(partition = self.partition, offset = self.offset, reason = %self.reason, "event dead-lettered");
        } else {
            add(&counters.dead_letter_failures, 1);
            tracing::error!(partition = self.partition, offset = self.offset, reason = %self.reason,
                "could not deliver an invalid event to the dead-letter topic; it is skipped");
        }
    }
}

/// A flush wrote closed windows and re-ranked windows to MySQL.
pub struct WindowsWritten {
    pub windows: usize,
    pub ranked: usize,
    pub elapsed_ms: u128,
}

impl WindowsWritten {
    pub fn emit(self, counters: &Counters) {
        add(&counters.windows_written, self.windows as u64);
        add(&counters.rows_ranked, self.ranked as u64);
        tracing::info!(
            windows = self.windows,
            ranked = self.ranked,
            elapsed_ms = self.elapsed_ms as u64,
            "windows written"
        );
    }
}

/// Offsets were committed to Kafka after the sink wrote what they close.
pub struct OffsetsCommitted<'a> {
    pub offsets: &'a [(i32, i64)],
    pub error: Option<String>,
}

impl OffsetsCommitted<'_> {
    pub fn emit(self, counters: &Counters) {
        match self.error {
            None => {
                add(&counters.commits, 1);
                tracing::debug!(offsets = ?self.offsets, "offsets committed");
            }
            Some(error) => {
                add(&counters.commit_failures, 1);
                tracing::warn!(offsets = ?self.offsets, %error,
                    "offset commit failed; the partition will be replayed from an earlier offset, which is safe");
            }
        }
    }
}

/// Partitions were taken away by a rebalance; their open windows are dropped.
pub struct PartitionsRevoked<'a> {
    pub partitions: &'a [i32],
}

impl PartitionsRevoked<'_> {
    pub fn emit(self, counters: &Counters) {
        add(&counters.partitions_revoked, self.partitions.len() as u64);
        tracing::info!(partitions = ?self.partitions,
            "partitions revoked: closed windows flushed, open windows dropped for the next owner to replay");
    }
}
