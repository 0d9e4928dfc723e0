//! Property tests of the synchronous core: the pane-based aggregator against a naive
//! per-window sum, and replay-after-crash against an uninterrupted run.

use super::aggregate::{ClosedWindow, Dimension, PartitionAggregator, Tally, breed_key};
use super::event::{Event, EventKind};
use super::internal_events::Counters;
use super::processor::{TrendsProcessor, Verdict};
use super::weights::Weights;
use super::window::WindowSpec;
use proptest::prelude::*;
use std::collections::BTreeMap;

type Totals = BTreeMap<(i64, Dimension, String), Tally>;

fn event(pet: u8, breed: u8, kind: usize, ts: i64) -> Event {
    Event {
        event_id: format!("e{ts}-{pet}"),
        user_id: "u".into(),
        pet_id: format!("pet-{pet}"),
        species: if breed.is_multiple_of(2) {
            "dog"
        } else {
            "cat"
        }
        .into(),
        breed: format!("b{breed}"),
        kind: EventKind::ALL[kind % EventKind::ALL.len()],
        ts,
    }
}

fn naive(spec: &WindowSpec, weights: &Weights, events: &[Event]) -> Totals {
    let mut totals = Totals::new();
    for event in events {
        let tally = Tally {
            weighted: weights.of(event.kind),
            events: 1,
        };
        for start in spec.windows_of(event.ts) {
            for (dim, key) in [
                (Dimension::Pet, event.pet_id.clone()),
                (Dimension::Breed, breed_key(&event.species, &event.breed)),
                (Dimension::Species, event.species.clone()),
            ] {
                let slot = totals.entry((start, dim, key)).or_default();
                slot.weighted += tally.weighted;
                slot.events += tally.events;
            }
        }
    }
    totals
}

/// The final emission of every window (provisional ones are overwritten by it).
fn flatten(windows: &[ClosedWindow]) -> Totals {
    let mut totals = Totals::new();
    for window in windows.iter().filter(|window| window.is_final) {
        for (dim, key, tally) in &window.rows {
            totals.insert((window.start, *dim, key.clone()), *tally);
        }
    }
    totals
}

fn spec_strategy() -> impl Strategy<Value = WindowSpec> {
    (1i64..4, 1i64..5, 0i64..3).prop_map(|(slide, panes, late)| {
        let slide = slide * 1000;
        WindowSpec::new(slide * panes, slide, late * 1000).expect("valid by construction")
    })
}

/// Events in roughly increasing time with bounded disorder.
fn events_strategy(max_jitter: i64) -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec(
        (0u8..6, 0u8..4, 0usize..6, 0i64..700, 0..=max_jitter),
        1..200,
    )
    .prop_map(|raw| {
        let mut clock = 1_000_000;
        raw.into_iter()
            .map(|(pet, breed, kind, step, jitter)| {
                clock += step;
                event(pet, breed, kind, clock - jitter)
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn panes_sum_to_the_naive_windows(spec in spec_strategy(), events in events_strategy(0)) {
        let weights = Weights::default();
        let mut aggregator = PartitionAggregator::new(spec, weights, None);
        for (offset, event) in events.iter().enumerate() {
            // Disorder within the lateness is never dropped.
            prop_assert_eq!(aggregator.ingest(&event.view(), offset as i64), super::aggregate::Admission::Counted);
        }
        let last = events.iter().map(|e| e.ts).max().unwrap_or(0);
        let sentinel = event(0, 0, 0, last + spec.size_ms() * 4 + spec.lateness_ms());
        aggregator.ingest(&sentinel.view(), events.len() as i64);
        let got = flatten(&aggregator.take_closed());
        prop_assert_eq!(got, naive(&spec, &weights, &events));
    }

    #[test]
    fn disorder_within_lateness_is_counted(events in events_strategy(1500)) {
        let spec = WindowSpec::new(3000, 1000, 1500).expect("valid");
        let weights = Weights::default();
        let mut aggregator = PartitionAggregator::new(spec, weights, None);
        for (offset, event) in events.iter().enumerate() {
            aggregator.ingest(&event.view(), offset as i64);
        }
        let last = events.iter().map(|e| e.ts).max().unwrap_or(0);
        aggregator.ingest(&event(0, 0, 0, last + 100_000).view(), events.len() as i64);
        prop_assert_eq!(flatten(&aggregator.take_closed()), naive(&spec, &weights, &events));
    }

    /// A crash at any point, restored from the checkpoint a flush would have written
    /// (watermark + oldest open offset), emits exactly the windows of an uninterrupted run.
    #[test]
    fn replay_from_checkpoint_matches_an_uninterrupted_run(
        spec in spec_strategy(),
        events in events_strategy(4000),
        crash_fraction in 0.0f64..1.0,
        flush_fraction in 0.0f64..1.0,
    ) {
        let weights = Weights::default();
        let mut whole = PartitionAggregator::new(spec, weights, None);
        for (offset, event) in events.iter().enumerate() {
            whole.ingest(&event.view(), offset as i64);
        }
        let expected = whole.take_closed();

        let crash_at = ((events.len() as f64) * crash_fraction) as usize;
        let flush_at = ((crash_at as f64) * flush_fraction) as usize;
        let mut first = PartitionAggregator::new(spec, weights, None);
        let mut written: Vec<ClosedWindow> = Vec::new();
        let mut checkpoint: (Option<i64>, Option<i64>) = (None, None);
        for (offset, event) in events.iter().enumerate().take(crash_at) {
            first.ingest(&event.view(), offset as i64);
            if offset + 1 == flush_at {
                written.extend(first.take_closed());
                checkpoint = (first.watermark(), first.commit_offset());
            }
        }
        // Crash: closed-but-unflushed windows and open windows are lost.
        let (watermark, resume) = checkpoint;
        let mut second = PartitionAggregator::new(spec, weights, watermark);
        let resume = resume.unwrap_or(0) as usize;
        for (offset, event) in events.iter().enumerate().skip(resume) {
            second.ingest(&event.view(), offset as i64);
        }
        let replayed = second.take_closed();
        let mut by_start: BTreeMap<i64, &ClosedWindow> = BTreeMap::new();
        for window in written.iter().chain(replayed.iter()).filter(|w| w.is_final) {
            if let Some(earlier) = by_start.insert(window.start, window) {
                prop_assert_eq!(earlier, window, "a rewrite must be identical");
            }
        }
        let expected_by_start: BTreeMap<i64, &ClosedWindow> = expected
            .iter()
            .filter(|window| window.is_final)
            .map(|window| (window.start, window))
            .collect();
        prop_assert_eq!(by_start, expected_by_start);
    }

    /// Provisional emissions may come first, but each window's last emission is its
    /// single final one, so upserts in emission order end on the complete result.
    #[test]
    fn the_final_emission_of_a_window_comes_last_and_once(
        spec in spec_strategy(),
        events in events_strategy(4000),
    ) {
        let mut aggregator = PartitionAggregator::new(spec, Weights::default(), None);
        let mut emitted = Vec::new();
        for (offset, event) in events.iter().enumerate() {
            aggregator.ingest(&event.view(), offset as i64);
            emitted.extend(aggregator.take_closed());
            if offset % 7 == 0 {
                emitted.extend(aggregator.take_updates());
            }
        }
        let mut finished = std::collections::BTreeSet::new();
        for window in &emitted {
            prop_assert!(!finished.contains(&window.start), "emission after the final one");
            if window.is_final {
                finished.insert(window.start);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_go_to_dead_letters(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let spec = WindowSpec::new(60_000, 60_000, 0).expect("valid");
        let mut processor = TrendsProcessor::new("t", spec, Weights::default(), 60_000);
        let verdict = processor.handle(0, 0, Some(&bytes), 0, &Counters::default());
        prop_assert!(matches!(verdict, Verdict::DeadLetter(_)));
    }
}

#[test]
fn too_late_events_are_dropped_and_counted() {
    let spec = WindowSpec::new(60_000, 60_000, 10_000).expect("valid");
    let counters = Counters::default();
    let mut processor = TrendsProcessor::new("t", spec, Weights::default(), i64::MAX);
    let payload = |ts: i64| event(1, 1, 0, ts).to_json();
    assert_eq!(
        processor.handle(0, 0, Some(&payload(5_000)), 0, &counters),
        Verdict::Counted
    );
    // Watermark 75s closes [0, 60s) (end 60s + lateness 10s).
    processor.handle(0, 1, Some(&payload(75_000)), 0, &counters);
    assert_eq!(
        processor.handle(0, 2, Some(&payload(6_000)), 0, &counters),
        Verdict::TooLate
    );
    // Within lateness of the open window [60s, 120s): still counted.
    assert_eq!(
        processor.handle(0, 3, Some(&payload(61_000)), 0, &counters),
        Verdict::Counted
    );
    assert_eq!(counters.snapshot().too_late, 1);
    let flushes = processor.take_flushes();
    assert_eq!(flushes.len(), 1);
    assert_eq!(flushes[0].windows.len(), 1);
    assert_eq!(flushes[0].windows[0].start, 0);
    // The oldest open event is offset 1; offsets 0 and 2 never need a replay.
    assert_eq!(flushes[0].next_offset, 1);
}

#[test]
fn late_events_within_lateness_update_a_fired_window() {
    let spec = WindowSpec::new(60_000, 60_000, 10_000).expect("valid");
    let counters = Counters::default();
    let mut processor = TrendsProcessor::new("t", spec, Weights::default(), i64::MAX);
    let view = Weights::default().of(EventKind::View);
    processor.handle(0, 0, Some(&event(1, 1, 0, 1_000).to_json()), 0, &counters);
    // Watermark 65 s passes the end of [0, 60 s): a provisional result with one event.
    processor.handle(0, 1, Some(&event(1, 1, 0, 65_000).to_json()), 0, &counters);
    let fired = processor.take_flushes();
    assert_eq!(fired[0].windows.len(), 1);
    assert!(!fired[0].windows[0].is_final);
    // A late event within the lateness updates it (an upsert of the same rows).
    processor.handle(0, 2, Some(&event(1, 1, 0, 30_000).to_json()), 0, &counters);
    assert!(processor.has_closed());
    let updated = processor.take_flushes();
    let pet = |window: &ClosedWindow| {
        window
            .rows
            .iter()
            .find(|(dim, _, _)| *dim == Dimension::Pet)
            .map(|(_, _, tally)| *tally)
    };
    assert_eq!(
        pet(&updated[0].windows[0]),
        Some(Tally {
            weighted: 2 * view,
            events: 2
        })
    );
    // Watermark 71 s passes end + lateness: the final result.
    processor.handle(0, 3, Some(&event(1, 1, 0, 71_000).to_json()), 0, &counters);
    let closed = processor.take_flushes();
    assert!(closed[0].windows[0].is_final);
    assert_eq!(pet(&closed[0].windows[0]).map(|t| t.events), Some(2));
}

#[test]
fn revoked_partitions_keep_closed_windows_and_drop_open_ones() {
    let spec = WindowSpec::new(60_000, 60_000, 0).expect("valid");
    let counters = Counters::default();
    let mut processor = TrendsProcessor::new("t", spec, Weights::default(), i64::MAX);
    processor.handle(3, 0, Some(&event(1, 1, 0, 1_000).to_json()), 0, &counters);
    processor.handle(3, 1, Some(&event(1, 1, 0, 61_000).to_json()), 0, &counters);
    processor.revoke(3);
    assert!(!processor.owns(3));
    let flushes = processor.take_flushes();
    assert_eq!(flushes.len(), 1);
    assert_eq!(flushes[0].windows[0].start, 0);
    assert_eq!(flushes[0].next_offset, 1);
}
