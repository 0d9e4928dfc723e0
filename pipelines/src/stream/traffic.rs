//! The synchronous traffic model behind `simulate-interactions`.
//!
//! Realistic enough to exercise the trends processor:
//! - Zipf-like popularity over pets (rank r drawn with weight 1/r^s) whose ranking
//!   drifts: every `shift_every_ms` a few pets swap places with less popular ones;
//! - user sessions: a user looks at a few pets, intent (like, favorite, share, request)
//!   grows with the number of views in the session;
//! - occasional bursts in which one breed gets a large share of all traffic.

use super::event::{Event, EventKind};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Breeds the simulator draws from, per species.
const DOG_BREEDS: [&str; 10] = [
    "labrador",
    "husky",
    "beagle",
    "pug",
    "poodle",
    "boxer",
    "akita",
    "corgi",
    "dachshund",
    "hound-afghan",
];
const CAT_BREEDS: [&str; 8] = [
    "siamese",
    "persian",
    "sphynx",
    "bengal",
    "ragdoll",
    "maine-coon",
    "abyssinian",
    "mixed",
];

#[derive(Debug, Clone)]
struct Pet {
    id: String,
    species: &'static str,
    breed: &'static str,
}

#[derive(Debug, Clone)]
struct Session {
    user: u64,
    remaining: u32,
    views: u32,
}

#[derive(Debug, Clone)]
struct Burst {
    breed: &'static str,
    until_ms: i64,
    pets: Vec<usize>,
}

/// Knobs of the model; the defaults give a long tail and a burst every few minutes.
#[derive(Debug, Clone, Copy)]
pub struct TrafficParams {
    pub pets: u32,
    pub zipf_exponent: f64,
    pub shift_every_ms: i64,
    pub burst_chance_per_shift: f64,
    pub burst_length_ms: i64,
    pub burst_share: f64,
    pub concurrent_sessions: usize,
}

impl Default for TrafficParams {
    fn default() -> Self {
        TrafficParams {
            pets: 5000,
            zipf_exponent: 1.1,
            shift_every_ms: 30_000,
            burst_chance_per_shift: 0.2,
            burst_length_ms: 120_000,
            burst_share: 0.3,
            concurrent_sessions: 200,
        }
    }
}

/// A seeded, deterministic event generator: same seed and clock give the same events.
pub struct TrafficModel {
    rng: SmallRng,
    params: TrafficParams,
    pets: Vec<Pet>,
    /// `ranking[r]` is the pet at popularity rank r.
    ranking: Vec<usize>,
    /// Cumulative Zipf weights over ranks, for binary-search sampling.
    cumulative: Vec<f64>,
    sessions: Vec<Session>,
    next_user: u64,
    next_shift_ms: i64,
    burst: Option<Burst>,
    sequence: u64,
    seed: u64,
}

impl TrafficModel {
    pub fn new(seed: u64, params: TrafficParams, start_ms: i64) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let count = params.pets.max(1) as usize;
        let pets: Vec<Pet> = (0..count)
            .map(|index| {
                let is_dog = rng.random_bool(0.6);
                let breed = if is_dog {
                    DOG_BREEDS[rng.random_range(0..DOG_BREEDS.len())]
                } else {
                    CAT_BREEDS[rng.random_range(0..CAT_BREEDS.len())]
                };
                Pet {
                    id: format!("pet-{index:06}"),
                    species: if is_dog { "dog" } else { "cat" },
                    breed,
                }
            })
            .collect();
        let mut total = 0.0;
        let cumulative = (1..=count)
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(params.zipf_exponent);
                total
            })
            .collect();
        TrafficModel {
            rng,
            params,
            ranking: (0..count).collect(),
            pets,
            cumulative,
            sessions: Vec::new(),
            next_user: 0,
            next_shift_ms: start_ms + params.shift_every_ms,
            burst: None,
            sequence: 0,
            seed,
        }
    }

    /// The breed currently bursting, if any (for logs and tests).
    pub fn bursting_breed(&self) -> Option<&'static str> {
        self.burst.as_ref().map(|burst| burst.breed)
    }

    fn zipf_pet(&mut self) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = self.rng.random_range(0.0..total);
        let rank = self.cumulative.partition_point(|&c| c < target);
        self.ranking[rank.min(self.ranking.len() - 1)]
    }

    fn shift(&mut self, now_ms: i64) {
        while now_ms >= self.next_shift_ms {
            self.next_shift_ms += self.params.shift_every_ms;
            let count = self.ranking.len();
            // A handful of pets climb from the tail into the head.
            for _ in 0..(count / 200).max(1) {
                let head = self.rng.random_range(0..count.min(50));
                let tail = self.rng.random_range(0..count);
                self.ranking.swap(head, tail);
            }
            if self.burst.as_ref().is_some_and(|b| now_ms >= b.until_ms) {
                self.burst = None;
            }
            if self.burst.is_none() && self.rng.random_bool(self.params.burst_chance_per_shift) {
                let all: Vec<&'static str> = DOG_BREEDS
                    .iter()
                    .chain(CAT_BREEDS.iter())
                    .copied()
                    .collect();
                let breed = all[self.rng.random_range(0..all.len())];
                let pets: Vec<usize> = (0..self.pets.len())
                    .filter(|&index| self.pets[index].breed == breed)
                    .collect();
                if !pets.is_empty() {
                    self.burst = Some(Burst {
                        breed,
                        until_ms: now_ms + self.params.burst_length_ms,
                        pets,
                    });
                }
            }
        }
    }

    fn pick_kind(&mut self, views: u32) -> EventKind {
        let intent = f64::from(views.min(6)) / 6.0;
        let roll: f64 = self.rng.random();
        if roll < 0.002 * intent {
            EventKind::Adopted
        } else if roll < 0.03 * intent {
            EventKind::AdoptionRequest
        } else if roll < 0.03 * intent + 0.05 {
            EventKind::Favorite
        } else if roll < 0.03 * intent + 0.09 {
            EventKind::Share
        } else if roll < 0.03 * intent + 0.25 {
            EventKind::Like
        } else {
            EventKind::View
        }
    }

    /// The next event, stamped `now_ms`.
    pub fn next_event(&mut self, now_ms: i64) -> Event {
        self.shift(now_ms);
        if self.sessions.len() < self.params.concurrent_sessions {
            self.next_user += 1;
            let remaining = self.rng.random_range(1..20);
            self.sessions.push(Session {
                user: self.next_user,
                remaining,
                views: 0,
            });
        }
        let slot = self.rng.random_range(0..self.sessions.len());
        let pet_index = match &self.burst {
            Some(burst) if self.rng.random_bool(self.params.burst_share) => {
                burst.pets[self.rng.random_range(0..burst.pets.len())]
            }
            _ => self.zipf_pet(),
        };
        let views = self.sessions[slot].views;
        let kind = self.pick_kind(views);
        let session = &mut self.sessions[slot];
        session.views += 1;
        session.remaining = session.remaining.saturating_sub(1);
        let user = session.user;
        if session.remaining == 0 {
            self.sessions.swap_remove(slot);
        }
        self.sequence += 1;
        let pet = &self.pets[pet_index];
        Event {
            event_id: format!("{:08x}-{:012x}", self.seed, self.sequence),
            user_id: format!("user-{user}"),
            pet_id: pet.id.clone(),
            species: pet.species.to_owned(),
            breed: pet.breed.to_owned(),
            kind,
            ts: now_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn popularity_is_skewed_and_deterministic() {
        let mut model = TrafficModel::new(7, TrafficParams::default(), 0);
        let mut again = TrafficModel::new(7, TrafficParams::default(), 0);
        let mut counts: HashMap<String, u32> = HashMap::new();
        for step in 0..20_000 {
            let event = model.next_event(step);
            assert_eq!(event, again.next_event(step));
            *counts.entry(event.pet_id).or_default() += 1;
        }
        let mut sorted: Vec<u32> = counts.into_values().collect();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        // The head pet gets far more than the median one.
        assert!(sorted[0] > 20 * sorted[sorted.len() / 2]);
    }

    #[test]
    fn bursts_concentrate_on_one_breed() {
        let params = TrafficParams {
            burst_chance_per_shift: 1.0,
            shift_every_ms: 10,
            burst_length_ms: 1_000_000,
            ..TrafficParams::default()
        };
        let mut model = TrafficModel::new(3, params, 0);
        model.next_event(10);
        let breed = model.bursting_breed().expect("a burst started");
        let hits = (0..5000)
            .filter(|step| model.next_event(20 + step).breed == breed)
            .count();
        assert!(hits > 5000 / 4, "{hits} of 5000 events were {breed}");
    }
}
