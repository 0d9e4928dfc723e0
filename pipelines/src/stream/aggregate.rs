//! Per-partition windowed aggregation with a watermark: the synchronous heart of `trends`.
//!
//! One [`PartitionAggregator`] owns the open windows of one Kafka partition. Its output is a
//! pure function of that partition's event sequence (and the watermark it was restored
//! with), which is what makes replays after a crash or a rebalance reproduce the same rows.
//!
//! Events are summed into slide-long *panes*; a window is the sum of its panes, built
//! once when it closes. With a 5 min window sliding by 1 min an event touches one pane
//! instead of five windows.

use super::event::EventView;
use super::weights::Weights;
use super::window::WindowSpec;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a trend is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Pet,
    Breed,
    Species,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Pet, Dimension::Breed, Dimension::Species];

    /// Name stored in MySQL and on the `trends` topic.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Pet => "pet",
            Dimension::Breed => "breed",
            Dimension::Species => "species",
        }
    }

    pub fn parse(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|dim| dim.as_str() == name)
    }
}

/// Weighted score and raw count of one key in one window (or pane).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub weighted: u64,
    pub events: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.weighted += other.weighted;
        self.events += other.events;
    }
}

/// The key of a breed row: breeds are only unique within a species.
pub fn breed_key(species: &str, breed: &str) -> String {
    format!("{species}/{breed}")
}

#[derive(Debug, Default)]
struct Pane {
    /// Smallest Kafka offset summed into this pane: the replay point while it is open.
    min_offset: i64,
    pets: HashMap<String, Tally>,
    /// species -> breed -> tally; species totals are the sums over their breeds.
    breeds: HashMap<String, HashMap<String, Tally>>,
}

fn bump(map: &mut HashMap<String, Tally>, key: &str, add: Tally) {
    match map.get_mut(key) {
        Some(tally) => tally.add(add),
        None => {
            map.insert(key.to_owned(), add);
        }
    }
}

/// One emitted window of one partition: its partial totals for every key seen.
///
/// A window is emitted provisionally when the watermark passes its end (so results show
/// up without waiting for the lateness), again whenever late events change it, and a last
/// time, `is_final`, when the watermark passes `end + lateness`. Each emission is an upsert
/// of the same rows; the final one is complete and deterministic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedWindow {
    pub start: i64,
    pub end: i64,
    pub is_final: bool,
    /// Sorted by dimension, then key, so writes are deterministic.
    pub rows: Vec<(Dimension, String, Tally)>,
}

/// What happened to one ingested event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Summed into at least one open window.
    Counted,
    /// Every window it belongs to had already closed: counted as dropped and reported.
    TooLate,
}

/// Open windows, watermark and replay point of one partition.
#[derive(Debug)]
pub struct PartitionAggregator {
    spec: WindowSpec,
    weights: Weights,
    /// Highest event time seen (or restored); `i64::MIN` before the first event.
    watermark: i64,
    panes: BTreeMap<i64, Pane>,
    closed: Vec<ClosedWindow>,
    /// Fired (provisionally emitted) windows that late events changed since.
    dirty: BTreeSet<i64>,
    next_offset: Option<i64>,
}

impl PartitionAggregator {
    /// A fresh aggregator; `restored_watermark` is the watermark checkpointed with the
    /// rows already written, so windows closed before a restart are not reopened.
    pub fn new(spec: WindowSpec, weights: Weights, restored_watermark: Option<i64>) -> Self {
        PartitionAggregator {
            spec,
            weights,
            watermark: restored_watermark.unwrap_or(i64::MIN),
            panes: BTreeMap::new(),
            closed: Vec::new(),
            dirty: BTreeSet::new(),
            next_offset: None,
        }
    }

    /// Current watermark (`None` before any event or restore).
    pub fn watermark(&self) -> Option<i64> {
        (self.watermark != i64::MIN).then_some(self.watermark)
    }

    /// Adds one valid event read at `offset`; closes windows the watermark now passes.
    pub fn ingest(&mut self, event: &EventView<'_>, offset: i64) -> Admission {
        self.next_offset = Some(
            self.next_offset
                .map_or(offset + 1, |next| next.max(offset + 1)),
        );
        let pane_start = self.spec.pane_of(event.ts);
        if self.watermark != i64::MIN && self.spec.closes_at(pane_start) <= self.watermark {
            return Admission::TooLate;
        }
        let pane = self.panes.entry(pane_start).or_insert_with(|| Pane {
            min_offset: offset,
            ..Pane::default()
        });
        pane.min_offset = pane.min_offset.min(offset);
        let tally = Tally {
            weighted: self.weights.of(event.kind),
            events: 1,
        };
        bump(&mut pane.pets, &event.pet_id, tally);
        match pane.breeds.get_mut(event.species.as_ref()) {
            Some(breeds) => bump(breeds, &event.breed, tally),
            None => {
                let mut breeds = HashMap::new();
                breeds.insert(event.breed.clone().into_owned(), tally);
                pane.breeds
                    .insert(event.species.clone().into_owned(), breeds);
            }
        }
        if event.ts > self.watermark {
            let before = self.watermark;
            self.watermark = event.ts;
            self.emit_between(before, event.ts);
        } else {
            self.mark_fired_windows_dirty(pane_start);
        }
        Admission::Counted
    }

    /// Records that `offset` was read but held no valid event (it went to the dead letters),
    /// so the replay point can move past it.
    pub fn skip(&mut self, offset: i64) {
        self.next_offset = Some(
            self.next_offset
                .map_or(offset + 1, |next| next.max(offset + 1)),
        );
    }

    /// Windows fired or closed since the last call, oldest first (cheap: no rebuild).
    pub fn take_closed(&mut self) -> Vec<ClosedWindow> {
        std::mem::take(&mut self.closed)
    }

    /// Whether late events changed windows already fired.
    pub fn has_updates(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// Fresh provisional emissions of fired windows that late events changed.
    pub fn take_updates(&mut self) -> Vec<ClosedWindow> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .map(|start| self.build_window(start, false))
            .collect()
    }

    /// A late (not watermark-raising) event in `pane_start` changes the fired windows
    /// containing that pane that have not closed yet.
    fn mark_fired_windows_dirty(&mut self, pane_start: i64) {
        if self.spec.lateness_ms() == 0 || self.watermark == i64::MIN {
            return;
        }
        let fired = self.spec.last_fired_start(self.watermark);
        let closed = self.spec.last_closed_start(self.watermark);
        for start in self.spec.windows_of(pane_start) {
            if start > closed && start <= fired {
                self.dirty.insert(start);
            }
        }
    }

    /// The offset a restart must resume from: the oldest event still in an open window,
    /// else the next unread offset. Committing it loses nothing and (with the restored
    /// watermark) double counts nothing.
    pub fn commit_offset(&self) -> Option<i64> {
        let open_min = self.panes.values().map(|pane| pane.min_offset).min();
        open_min.or(self.next_offset)
    }

    /// Fires every window whose end lies in `(before, after]` and closes every window
    /// whose close point (end + lateness) lies there, in that order.
    fn emit_between(&mut self, before: i64, after: i64) {
        if self.panes.is_empty() {
            return;
        }
        let fired_now = self.spec.last_fired_start(after);
        let closed_now = self.spec.last_closed_start(after);
        let (fired_before, closed_before) = if before == i64::MIN {
            (i64::MIN, i64::MIN)
        } else {
            (
                self.spec.last_fired_start(before),
                self.spec.last_closed_start(before),
            )
        };
        if fired_now > fired_before {
            for start in self.window_starts_with_data(fired_before.max(closed_now), fired_now) {
                let window = self.build_window(start, false);
                self.closed.push(window);
            }
        }
        if closed_now <= closed_before {
            return;
        }
        for start in self.window_starts_with_data(closed_before, closed_now) {
            self.dirty.remove(&start);
            let window = self.build_window(start, true);
            self.closed.push(window);
        }
        // A pane is no longer needed once the newest window containing it has closed.
        self.panes = self.panes.split_off(&(closed_now + self.spec.slide_ms()));
    }

    /// Starts in `(after, upto]` of windows that contain at least one pane.
    fn window_starts_with_data(&self, after: i64, upto: i64) -> BTreeSet<i64> {
        let slide = self.spec.slide_ms();
        let per_window = self.spec.panes_per_window();
        let mut starts = BTreeSet::new();
        for &pane_start in self.panes.keys() {
            if pane_start > upto + (per_window - 1) * slide {
                break;
            }
            for back in 0..per_window {
                let start = pane_start - back * slide;
                if start > after && start <= upto {
                    starts.insert(start);
                }
            }
        }
        starts
    }

    fn build_window(&self, start: i64, is_final: bool) -> ClosedWindow {
        let end = start + self.spec.size_ms();
        let mut pets: HashMap<&str, Tally> = HashMap::new();
        let mut breeds: HashMap<(&str, &str), Tally> = HashMap::new();
        for pane in self.panes.range(start..end).map(|(_, pane)| pane) {
            for (pet, tally) in &pane.pets {
                pets.entry(pet.as_str()).or_default().add(*tally);
            }
            for (species, by_breed) in &pane.breeds {
                for (breed, tally) in by_breed {
                    breeds
                        .entry((species.as_str(), breed.as_str()))
                        .or_default()
                        .add(*tally);
                }
            }
        }
        let mut species: BTreeMap<&str, Tally> = BTreeMap::new();
        for ((name, _), tally) in &breeds {
            species.entry(name).or_default().add(*tally);
        }
        let mut rows: Vec<(Dimension, String, Tally)> = Vec::new();
        rows.extend(
            pets.into_iter()
                .map(|(pet, tally)| (Dimension::Pet, pet.to_owned(), tally)),
        );
        rows.extend(
            breeds
                .into_iter()
                .map(|((sp, breed), tally)| (Dimension::Breed, breed_key(sp, breed), tally)),
        );
        rows.extend(
            species
                .into_iter()
                .map(|(sp, tally)| (Dimension::Species, sp.to_owned(), tally)),
        );
        rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        ClosedWindow {
            start,
            end,
            is_final,
            rows,
        }
    }
}
