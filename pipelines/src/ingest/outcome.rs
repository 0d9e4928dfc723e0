//! What happened to each image and the tally of a run, as stored in `ingest_runs`.

use std::fmt;

/// Why an image (or a listing call) was not stored. Each has its own counter in `ingest_runs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureReason {
    /// An API listing call failed for good (HTTP error after retries, network error).
    Listing,
    /// An API listing answered something that is not its documented JSON shape.
    InvalidListing,
    /// The server answered a non-retryable status, or retryable ones until attempts ran out.
    HttpStatus,
    /// Requests timed out until attempts ran out.
    Timeout,
    /// Connection refused or reset, redirect loops and other transport errors.
    Network,
    /// The body ended before its announced length.
    Truncated,
    /// Larger than the configured maximum image size.
    TooLarge,
    /// The bytes are not JPEG, PNG, GIF or WebP (often an HTML error page).
    NotImage,
    /// An image signature with a header that cannot be read.
    BadHeader,
    /// Writing to object storage failed.
    Storage,
    /// Writing the metadata row failed.
    Database,
}

impl FailureReason {
    /// Every reason, in the order of the `ingest_runs` columns.
    pub const ALL: [FailureReason; 11] = [
        Self::Listing,
        Self::InvalidListing,
        Self::HttpStatus,
        Self::Timeout,
        Self::Network,
        Self::Truncated,
        Self::TooLarge,
        Self::NotImage,
        Self::BadHeader,
        Self::Storage,
        Self::Database,
    ];

    /// The name used in logs, the summary and (prefixed with `failed_`) the column name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Listing => "listing",
            Self::InvalidListing => "invalid_listing",
            Self::HttpStatus => "http_status",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::Truncated => "truncated",
            Self::TooLarge => "too_large",
            Self::NotImage => "not_image",
            Self::BadHeader => "bad_header",
            Self::Storage => "storage",
            Self::Database => "database",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The end state of one candidate image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageOutcome {
    /// New object and new row.
    Stored,
    /// Downloaded, but its content is already in the catalogue (or in flight in this run).
    Duplicate,
    /// Not stored, for this reason.
    Failed(FailureReason),
}

/// Counters of one run. `fetched` counts images whose bytes arrived and checked out, so
/// `fetched = stored + duplicate + failed(storage) + failed(database)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub fetched: u64,
    pub stored: u64,
    pub duplicate: u64,
    failed: [u64; FailureReason::ALL.len()],
}

impl RunCounts {
    /// Counts one finished image; `fetched` tells whether its bytes had arrived intact.
    pub fn record(&mut self, outcome: ImageOutcome, fetched: bool) {
        if fetched {
            self.fetched += 1;
        }
        match outcome {
            ImageOutcome::Stored => self.stored += 1,
            ImageOutcome::Duplicate => self.duplicate += 1,
            ImageOutcome::Failed(reason) => self.fail(reason),
        }
    }

    /// Counts one failure that is not tied to a single image (a listing call).
    pub fn fail(&mut self, reason: FailureReason) {
        self.failed[reason.index()] += 1;
    }

    /// Failures for one reason.
    pub fn failed(&self, reason: FailureReason) -> u64 {
        self.failed[reason.index()]
    }

    /// All failures.
    pub fn failed_total(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// Candidates that reached an end state.
    pub fn finished_images(&self) -> u64 {
        self.stored + self.duplicate + self.failed_total()
            - self.failed(FailureReason::Listing)
            - self.failed(FailureReason::InvalidListing)
    }

    /// Non-zero failure counts, for the summary.
    pub fn failures(&self) -> impl Iterator<Item = (FailureReason, u64)> + '_ {
        FailureReason::ALL
            .iter()
            .map(|r| (*r, self.failed(*r)))
            .filter(|(_, n)| *n > 0)
    }

    /// The run's verdict: it failed when something was attempted and nothing ended in the
    /// catalogue, neither new nor already there.
    pub fn nothing_stored(&self) -> bool {
        self.stored == 0 && self.duplicate == 0 && self.failed_total() > 0
    }
}

impl fmt::Display for RunCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fetched {}, stored {}, duplicate {}, failed {}",
            self.fetched,
            self.stored,
            self.duplicate,
            self.failed_total()
        )?;
        let mut first = true;
        for (reason, n) in self.failures() {
            f.write_str(if first { " (" } else { ", " })?;
            write!(f, "{reason} {n}")?;
            first = false;
        }
        if !first {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_and_summary() {
        let mut counts = RunCounts::default();
        counts.record(ImageOutcome::Stored, true);
        counts.record(ImageOutcome::Duplicate, true);
        counts.record(ImageOutcome::Failed(FailureReason::Timeout), false);
        counts.record(ImageOutcome::Failed(FailureReason::Storage), true);
        counts.fail(FailureReason::InvalidListing);
        assert_eq!(counts.fetched, 3);
        assert_eq!(counts.failed(FailureReason::Timeout), 1);
        assert_eq!(counts.failed_total(), 3);
        assert_eq!(counts.finished_images(), 4);
        assert_eq!(
            counts.to_string(),
            "fetched 3, stored 1, duplicate 1, failed 3 (invalid_listing 1, timeout 1, storage 1)"
        );
        assert!(!counts.nothing_stored());
    }

    #[test]
    fn a_run_of_only_failures_stored_nothing_but_an_empty_or_all_duplicate_run_is_fine() {
        let mut failed = RunCounts::default();
        failed.fail(FailureReason::Listing);
        assert!(failed.nothing_stored());
        assert!(!RunCounts::default().nothing_stored());
        let mut dup = RunCounts::default();
        dup.record(ImageOutcome::Duplicate, true);
        dup.fail(FailureReason::NotImage);
        assert!(!dup.nothing_stored());
    }

    #[test]
    fn reason_names_are_distinct_column_suffixes() {
        let mut names: Vec<_> = FailureReason::ALL.iter().map(|r| r.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FailureReason::ALL.len());
        for (i, r) in FailureReason::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
        }
    }
}
