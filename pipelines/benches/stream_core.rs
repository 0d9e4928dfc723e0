//! Throughput of the synchronous trends core on one core (no Kafka, no MySQL):
//! `aggregate` = windowing + watermark + per-pane sums + window closing for parsed events;
//! `parse+aggregate` adds JSON parsing and validation (what `trends` does per message);
//! `rank` = scoring and top-K of one window with 5000 pets.
//! Run: `cargo bench -p petadota-pipelines --bench stream_core`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use petadota_pipelines::stream::aggregate::{Dimension, PartitionAggregator, Tally};
use petadota_pipelines::stream::internal_events::Counters;
use petadota_pipelines::stream::processor::TrendsProcessor;
use petadota_pipelines::stream::score::{KeyHistory, ScoreParams, top_k};
use petadota_pipelines::stream::traffic::{TrafficModel, TrafficParams};
use petadota_pipelines::stream::{Event, Weights, WindowSpec};
use std::hint::black_box;

const EVENTS: usize = 200_000;

fn events() -> Vec<Event> {
    let mut model = TrafficModel::new(1, TrafficParams::default(), 0);
    // 2 events per millisecond of event time: 100 s, so windows close during the run.
    (0..EVENTS)
        .map(|i| model.next_event(i as i64 / 2))
        .collect()
}

fn bench_core(c: &mut Criterion) {
    let spec = WindowSpec::new(60_000, 10_000, 5_000).expect("valid window");
    let events = events();
    let payloads: Vec<Vec<u8>> = events.iter().map(Event::to_json).collect();
    let mut group = c.benchmark_group("stream_core");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sample_size(20);
    group.bench_function("aggregate", |b| {
        b.iter_batched(
            || PartitionAggregator::new(spec, Weights::default(), None),
            |mut aggregator| {
                for (offset, event) in events.iter().enumerate() {
                    aggregator.ingest(&event.view(), offset as i64);
                }
                black_box(aggregator.take_closed().len())
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("parse+aggregate", |b| {
        b.iter_batched(
            || TrendsProcessor::new("t", spec, Weights::default(), i64::MAX),
            |mut processor| {
                let counters = Counters::default();
                for (offset, payload) in payloads.iter().enumerate() {
                    black_box(processor.handle(0, offset as i64, Some(payload), 0, &counters));
                }
                black_box(processor.take_flushes().len())
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();

    let keys: Vec<KeyHistory> = (0..5000u64)
        .map(|i| KeyHistory {
            key: format!("pet-{i:06}"),
            current: Tally {
                weighted: (i * 7919) % 500,
                events: 1 + i % 50,
            },
            previous: vec![(i * 31) % 300, (i * 17) % 300, i % 300],
        })
        .collect();
    let mut rank = c.benchmark_group("stream_rank");
    rank.throughput(Throughput::Elements(keys.len() as u64));
    rank.bench_function("top_k_5000_pets", |b| {
        b.iter_batched(
            || keys.clone(),
            |keys| black_box(top_k(Dimension::Pet, keys, &ScoreParams::default())),
            BatchSize::LargeInput,
        )
    });
    rank.finish();
}

criterion_group!(benches, bench_core);
criterion_main!(benches);
