//! How a run shows itself: a progress bar on a terminal, structured logs otherwise.

use crate::ingest::config::LogFormat;
use crate::ingest::outcome::ImageOutcome;
use crate::ingest::run::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar on stderr that counts images by outcome.
pub struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }

    fn image_done(&self, outcome: ImageOutcome) {
        if let ImageOutcome::Failed(reason) = outcome {
            self.0.set_message(format!("last failure: {reason}"));
        }
        self.0.inc(1);
    }
}

impl Bar {
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Whether to draw a bar: `auto` draws one only when stderr is a terminal.
pub fn wants_bar(format: LogFormat) -> bool {
    format == LogFormat::Auto && std::io::stderr().is_terminal()
}

/// A bar drawing to stderr.
pub fn bar() -> Bar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} images ({per_sec}) {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Bar(bar)
}

/// Installs the log subscriber: JSON lines unless text was asked for or a bar is drawn
/// (then only warnings, as text). `RUST_LOG` overrides the level.
pub fn init_logging(format: LogFormat, bar: bool) {
    use tracing_subscriber::EnvFilter;
    let default_level = if bar { "warn" } else { "info" };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init: a subscriber may already be installed (tests, another pipeline).
    let _ = match (format, bar) {
        (LogFormat::Text, _) | (LogFormat::Auto, true) => builder.try_init(),
        _ => builder.json().flatten_event(true).try_init(),
    };
}
