//! Trending score and top-K: "rising", not merely "large".
//!
//! A key's score in a window is its weighted total relative to its own recent baseline,
//! an exponentially decayed average of the same key in the preceding non-overlapping
//! windows. A `prior` smooths both sides so one stray event on an unknown pet does not
//! outrank a real surge: `score = (current + prior) / (baseline + prior)`.

use super::aggregate::{Dimension, Tally};
use serde::Serialize;
use std::cmp::Ordering;

/// Knobs of the score; all come from the `trends` configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParams {
    /// How many earlier windows feed the baseline.
    pub baseline_windows: usize,
    /// Weight ratio between a window and the one after it in the baseline (0 < decay <= 1).
    pub decay: f64,
    /// Pseudo-count added to current and baseline.
    pub prior: f64,
    /// How many keys per dimension and window are kept.
    pub top_k: usize,
}

impl Default for ScoreParams {
    fn default() -> Self {
        ScoreParams {
            baseline_windows: 6,
            decay: 0.5,
            prior: 10.0,
            top_k: 20,
        }
    }
}

/// One key's total in the scored window plus its totals in earlier windows.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyHistory {
    pub key: String,
    pub current: Tally,
    /// Weighted totals of windows `1..=baseline_windows` sizes earlier (most recent first);
    /// shorter slices mean zero.
    pub previous: Vec<u64>,
}

/// A ranked result row, as written to MySQL and the `trends` topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    #[serde(serialize_with = "serialize_dimension")]
    pub dimension: Dimension,
    pub key: String,
    pub weighted: u64,
    pub events: u64,
    pub baseline: f64,
    pub score: f64,
    /// 1 is the most trending.
    pub rank: u32,
}

fn serialize_dimension<S: serde::Serializer>(dim: &Dimension, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(dim.as_str())
}

/// Decayed average of earlier windows (most recent first); missing windows count as 0.
pub fn baseline(previous: &[u64], params: &ScoreParams) -> f64 {
    if params.baseline_windows == 0 {
        return 0.0;
    }
    let mut weight = 1.0;
    let mut sum = 0.0;
    let mut norm = 0.0;
    for back in 0..params.baseline_windows {
        let total = previous.get(back).copied().unwrap_or(0);
        sum += weight * total as f64;
        norm += weight;
        weight *= params.decay;
    }
    sum / norm
}

/// The trending score of `current` against `baseline`.
pub fn trend_score(current: u64, baseline: f64, params: &ScoreParams) -> f64 {
    (current as f64 + params.prior) / (baseline + params.prior)
}

/// Scores every key of one dimension in one window and keeps the top K, ranked by
/// score, then weighted total, then key (so ties never depend on input order).
pub fn top_k(dimension: Dimension, keys: Vec<KeyHistory>, params: &ScoreParams) -> Vec<TrendRow> {
    let mut rows: Vec<TrendRow> = keys
        .into_iter()
        .filter(|key| key.current.events > 0)
        .map(|key| {
            let base = baseline(&key.previous, params);
            TrendRow {
                dimension,
                score: trend_score(key.current.weighted, base, params),
                baseline: base,
                weighted: key.current.weighted,
                events: key.current.events,
                key: key.key,
                rank: 0,
            }
        })
        .collect();
    let order = |a: &TrendRow, b: &TrendRow| -> Ordering {
        b.score
            .total_cmp(&a.score)
            .then(b.weighted.cmp(&a.weighted))
            .then_with(|| a.key.cmp(&b.key))
    };
    if rows.len() > params.top_k {
        rows.select_nth_unstable_by(params.top_k, order);
        rows.truncate(params.top_k);
    }
    rows.sort_by(order);
    for (index, row) in rows.iter_mut().enumerate() {
        row.rank = u32::try_from(index + 1).unwrap_or(u32::MAX);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, current: u64, previous: Vec<u64>) -> KeyHistory {
        KeyHistory {
            key: name.into(),
            current: Tally {
                weighted: current,
                events: current,
            },
            previous,
        }
    }

    #[test]
    fn a_surge_outranks_a_perennial_favourite() {
        let params = ScoreParams {
            top_k: 2,
            ..ScoreParams::default()
        };
        let rows = top_k(
            Dimension::Breed,
            vec![
                key("dog/labrador", 1000, vec![1000; 6]),
                key("cat/sphynx", 200, vec![5, 5, 5]),
                key("dog/pug", 8, vec![10; 6]),
            ],
            &params,
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, "cat/sphynx");
        assert_eq!(rows[0].rank, 1);
        assert_eq!(rows[1].key, "dog/labrador");
    }

    #[test]
    fn baseline_decays_and_missing_windows_are_zero() {
        let params = ScoreParams {
            baseline_windows: 2,
            decay: 0.5,
            ..ScoreParams::default()
        };
        assert!((baseline(&[30, 60], &params) - 40.0).abs() < 1e-9);
        assert!((baseline(&[30], &params) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn ties_are_broken_by_key() {
        let rows = top_k(
            Dimension::Pet,
            vec![key("b", 5, vec![]), key("a", 5, vec![])],
            &ScoreParams::default(),
        );
        assert_eq!(rows[0].key, "a");
        assert_eq!(rows[1].key, "b");
    }
}
