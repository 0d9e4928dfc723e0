//! Interaction streaming: events into Kafka, and a stream processor computing adoption trends.
//!
//! Layout (synchronous core, thin async shell):
//! - [`event`]: the JSON event model and its validation (schema in `SCHEMA.md`);
//! - [`window`], [`aggregate`], [`score`], [`processor`]: windowing, watermark, per-partition
//!   aggregation, trending score and top-K, all plain code with unit and property tests;
//! - [`sink`]: idempotent MySQL writes (`adoption_trends`) and checkpoints;
//! - [`trends`], [`simulate`]: the async shells that move data between Kafka and the core;
//! - [`internal_events`]: one struct per internal event, logging and counting together.
//!
//! Correctness under replays and rebalances rests on three rules:
//! 1. each partition is aggregated on its own, with its own watermark, so its closed
//!    windows are a function of its event sequence alone and are written as per-partition
//!    upserts (`adoption_trend_parts`);
//! 2. the offset committed for a partition is the oldest offset still in an open window,
//!    committed only after the sink wrote every window closed so far and the watermark;
//! 3. a new owner restores that watermark, so windows already written are never reopened
//!    with partial data; replayed events of closed windows are skipped.
#![doc = include_str!("SCHEMA.md")]

pub mod aggregate;
pub mod cli;
pub mod config;
pub mod event;
pub mod internal_events;
pub mod processor;
pub mod score;
pub mod simulate;
pub mod sink;
pub mod traffic;
pub mod trends;
pub mod weights;
pub mod window;

pub use aggregate::{Dimension, Tally};
pub use config::{SimulateArgs, TrendsArgs, TrendsSettings};
pub use event::{Event, EventKind, Rejection};
pub use score::ScoreParams;
pub use weights::Weights;
pub use window::WindowSpec;

#[cfg(test)]
mod tests;
