//! Event-time windows: which windows an instant belongs to, and when each closes.
//!
//! Windows are `size` long and start every `slide` (tumbling when the two are equal),
//! aligned to the Unix epoch so that every processor instance agrees on the same
//! window boundaries without talking to the others.

/// Window geometry plus the allowed lateness, all in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpec {
    size_ms: i64,
    slide_ms: i64,
    lateness_ms: i64,
}

/// Why a window geometry is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowSpecError {
    #[error("window size and slide must be positive (got size {size_ms} ms, slide {slide_ms} ms)")]
    NotPositive { size_ms: i64, slide_ms: i64 },
    #[error(
        "window size {size_ms} ms must be a whole multiple of the slide {slide_ms} ms (e.g. 5m and 1m)"
    )]
    NotMultiple { size_ms: i64, slide_ms: i64 },
    #[error("allowed lateness must not be negative (got {0} ms)")]
    NegativeLateness(i64),
}

impl WindowSpec {
    /// Validates the geometry: positive sizes, size a multiple of slide, lateness >= 0.
    pub fn new(size_ms: i64, slide_ms: i64, lateness_ms: i64) -> Result<Self, WindowSpecError> {
        if size_ms <= 0 || slide_ms <= 0 {
            return Err(WindowSpecError::NotPositive { size_ms, slide_ms });
        }
        if size_ms % slide_ms != 0 {
            return Err(WindowSpecError::NotMultiple { size_ms, slide_ms });
        }
        if lateness_ms < 0 {
            return Err(WindowSpecError::NegativeLateness(lateness_ms));
        }
        Ok(WindowSpec {
            size_ms,
            slide_ms,
            lateness_ms,
        })
    }

    pub fn size_ms(&self) -> i64 {
        self.size_ms
    }

    pub fn slide_ms(&self) -> i64 {
        self.slide_ms
    }

    pub fn lateness_ms(&self) -> i64 {
        self.lateness_ms
    }

    /// How many slide-long panes make up one window.
    pub fn panes_per_window(&self) -> i64 {
        self.size_ms / self.slide_ms
    }

    /// The pane (slide-aligned interval) holding instant `ts`: its start.
    pub fn pane_of(&self, ts: i64) -> i64 {
        ts.div_euclid(self.slide_ms) * self.slide_ms
    }

    /// Starts of every window containing `ts`, oldest first.
    pub fn windows_of(&self, ts: i64) -> impl Iterator<Item = i64> + use<> {
        let last = self.pane_of(ts);
        let slide = self.slide_ms;
        let count = self.panes_per_window();
        (0..count).rev().map(move |back| last - back * slide)
    }

    /// The watermark at which the window starting at `start` closes for good.
    pub fn closes_at(&self, start: i64) -> i64 {
        start
            .saturating_add(self.size_ms)
            .saturating_add(self.lateness_ms)
    }

    /// The start of the newest window whose end the watermark has passed: it and every
    /// earlier window have a provisional result.
    pub fn last_fired_start(&self, watermark: i64) -> i64 {
        let bound = watermark.saturating_sub(self.size_ms);
        bound.div_euclid(self.slide_ms) * self.slide_ms
    }

    /// The start of the newest window already closed at `watermark`, if any can be.
    /// Every window starting at or before it is closed.
    pub fn last_closed_start(&self, watermark: i64) -> i64 {
        let bound = watermark
            .saturating_sub(self.size_ms)
            .saturating_sub(self.lateness_ms);
        bound.div_euclid(self.slide_ms) * self.slide_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_windows_contain_the_instant() {
        let spec = WindowSpec::new(300_000, 60_000, 0).unwrap();
        let starts: Vec<i64> = spec.windows_of(610_000).collect();
        assert_eq!(starts, vec![360_000, 420_000, 480_000, 540_000, 600_000]);
        for start in starts {
            assert!(start <= 610_000 && 610_000 < start + 300_000);
        }
    }

    #[test]
    fn tumbling_is_one_window_and_negative_time_floors() {
        let spec = WindowSpec::new(60_000, 60_000, 0).unwrap();
        assert_eq!(spec.windows_of(-1).collect::<Vec<_>>(), vec![-60_000]);
    }

    #[test]
    fn closing_respects_lateness() {
        let spec = WindowSpec::new(300_000, 60_000, 30_000).unwrap();
        assert_eq!(spec.closes_at(0), 330_000);
        assert_eq!(spec.last_closed_start(330_000), 0);
        assert_eq!(spec.last_closed_start(329_999), -60_000);
    }

    #[test]
    fn rejects_bad_geometry() {
        assert!(WindowSpec::new(300_000, 70_000, 0).is_err());
        assert!(WindowSpec::new(0, 0, 0).is_err());
        assert!(WindowSpec::new(60_000, 60_000, -1).is_err());
    }
}
