//! When to try an HTTP request again and how long to wait first: exponential backoff with full
//! jitter, never sooner than the server's `Retry-After`. Pure functions; the async loop that
//! sleeps lives in `fetch`.

use std::time::{Duration, SystemTime};

/// How persistent the fetcher is with one request.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// No single wait is longer than this, whatever the backoff or `Retry-After` says, so a
    /// hostile `Retry-After: 86400` cannot stall the run.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`, after `attempt` (1-based) failed attempts.
    ///
    /// `jitter` in `[0, 1)` picks a point in the exponential window (full jitter, so many
    /// workers that failed together do not retry together). A `Retry-After` is a floor.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let backoff = ceiling.mul_f64(jitter.clamp(0.0, 1.0));
        backoff
            .max(retry_after.unwrap_or_default())
            .min(self.max_delay)
    }

    /// Whether another attempt is allowed after `attempt` failed ones.
    pub fn allows_retry_after(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }
}

/// Whether an HTTP status is worth retrying: rate limiting and server-side failures.
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date (relative to `now`).
/// A date in the past means "now"; anything unparseable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = policy();
        let top: Vec<_> = (1..=6).map(|a| p.delay(a, None, 0.999_999)).collect();
        let ms: Vec<_> = top.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, vec![99, 199, 399, 799, 1599, 1999]);
        assert_eq!(p.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(p.delay(3, None, 0.5), Duration::from_millis(200));
    }

    #[test]
    fn retry_after_is_a_floor_but_still_capped() {
        let p = policy();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(1)), 0.1),
            Duration::from_secs(1)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3600)), 0.1),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn attempts_are_bounded() {
        let p = policy();
        assert!(p.allows_retry_after(4));
        assert!(!p.allows_retry_after(5));
    }

    #[test]
    fn retryable_statuses() {
        for status in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [200, 301, 400, 403, 404, 413] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 21 Oct 2015 07:28:00
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
