//! A requests-per-second limit per source, so a run stays polite to the public APIs however
//! high the concurrency. Slots are spaced evenly; the slot arithmetic is a plain function.

use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Hands out evenly spaced start times for requests to one source.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Option<Duration>,
    next_free: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `requests_per_second` of 0 (or less) means unlimited.
    pub fn new(requests_per_second: f64) -> Self {
        let interval =
            (requests_per_second > 0.0).then(|| Duration::from_secs_f64(1.0 / requests_per_second));
        Self {
            interval,
            next_free: Mutex::new(None),
        }
    }

    /// Waits until this caller's slot has come.
    pub async fn acquire(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let start = {
            let mut next_free = self.next_free.lock().await;
            let (start, next) = reserve_slot(*next_free, Instant::now(), interval);
            *next_free = Some(next);
            start
        };
        tokio::time::sleep_until(start.into()).await;
    }
}

/// Given the first free slot (if any), the time now and the spacing, returns when this request
/// may start and the next free slot after it. Idle time is not banked: no bursts after a pause.
pub fn reserve_slot(
    next_free: Option<Instant>,
    now: Instant,
    interval: Duration,
) -> (Instant, Instant) {
    let start = next_free.map_or(now, |slot| slot.max(now));
    (start, start + interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_and_idle_time_is_not_banked() {
        let t0 = Instant::now();
        let step = Duration::from_millis(100);
        let (a, next) = reserve_slot(None, t0, step);
        assert_eq!(a, t0);
        let (b, next) = reserve_slot(Some(next), t0, step);
        assert_eq!(b, t0 + step);
        let (c, _) = reserve_slot(Some(next), t0 + Duration::from_secs(5), step);
        assert_eq!(c, t0 + Duration::from_secs(5));
    }
}
