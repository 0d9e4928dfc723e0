//! Configuration of `trends` and `simulate-interactions`: flags > env vars > config file > defaults.
//!
//! The config file is YAML (the Ansible playbook writes it); see
//! `pipelines/examples/trends.yaml` for every field. Raw inputs are resolved into
//! [`TrendsSettings`] before any work starts, so a bad value fails fast with its source.

use super::score::ScoreParams;
use super::weights::Weights;
use super::window::WindowSpec;
use clap::Args;
use serde::Deserialize;
use std::path::PathBuf;

/// A configuration problem, naming the field and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {origin} is invalid: {message}")]
    Parse { origin: String, message: String },
    #[error("`{field}`: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("`{0}` is required: pass --{0}, set its env var or put it in the config file")]
    Missing(&'static str),
}

/// Parses `500ms`, `90s`, `5m`, `1h` (a bare number means seconds) into milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: i64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 500ms, 90s, 5m or 1h"))?;
    let factor = match unit {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{text}`; use ms, s, m or h"
            ));
        }
    };
    value
        .checked_mul(factor)
        .ok_or_else(|| format!("duration `{text}` is too large"))
}

/// `petadota pipeline trends` flags. Every flag also reads an env var; unset ones fall
/// back to the config file, then to the defaults shown.
#[derive(Debug, Clone, Default, Args)]
pub struct TrendsArgs {
    /// YAML config file (see pipelines/examples/trends.yaml).
    #[arg(long, env = "TRENDS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Check the settings (file, environment, flags) and exit without connecting. The password
    /// file is not read, so a deployment can check a config before the secret is in place.
    #[arg(long)]
    pub check_config: bool,
    /// Kafka bootstrap servers, comma-separated [default: 127.0.0.1:9092].
    #[arg(long, env = "TRENDS_BROKERS")]
    pub brokers: Option<String>,
    /// Topic with the interaction events [default: interactions].
    #[arg(long, env = "TRENDS_TOPIC")]
    pub topic: Option<String>,
    /// Consumer group; instances in one group share the partitions [default: trends].
    #[arg(long, env = "TRENDS_GROUP")]
    pub group: Option<String>,
    /// Window length, e.g. 5m [default: 5m].
    #[arg(long, env = "TRENDS_WINDOW")]
    pub window: Option<String>,
    /// Window slide, e.g. 1m; equal to the window for tumbling windows [default: 1m].
    #[arg(long, env = "TRENDS_SLIDE")]
    pub slide: Option<String>,
    /// How long after its end a window still accepts late events [default: 30s].
    #[arg(long, env = "TRENDS_LATENESS")]
    pub lateness: Option<String>,
    /// Weight overrides, e.g. `view=1,adoption_request=25`.
    #[arg(long, env = "TRENDS_WEIGHTS")]
    pub weights: Option<String>,
    /// Keys kept per dimension and window [default: 20].
    #[arg(long, env = "TRENDS_TOP_K")]
    pub top_k: Option<usize>,
    /// MySQL URL, e.g. mysql://pipelines@10.0.0.5:3306/petadota (required).
    #[arg(long, env = "TRENDS_DATABASE_URL")]
    pub database_url: Option<String>,
    /// File holding the MySQL password, which replaces the URL's (so no password sits in a
    /// config file or the environment; the unit fetches it from Secret Manager at start).
    #[arg(long, env = "TRENDS_DATABASE_PASSWORD_FILE")]
    pub database_password_file: Option<PathBuf>,
    /// Topic for invalid events with their reason [default: interactions-dead-letter].
    #[arg(long, env = "TRENDS_DEAD_LETTER_TOPIC")]
    pub dead_letter_topic: Option<String>,
    /// Topic the ranked windows are published to [default: trends].
    #[arg(long, env = "TRENDS_OUTPUT_TOPIC")]
    pub output_topic: Option<String>,
    /// Earlier windows in the baseline [default: 6].
    #[arg(long, env = "TRENDS_BASELINE_WINDOWS")]
    pub baseline_windows: Option<usize>,
    /// Decay between consecutive baseline windows, in (0, 1] [default: 0.5].
    #[arg(long, env = "TRENDS_DECAY")]
    pub decay: Option<f64>,
    /// How far ahead of this host's clock an event time may be [default: 5m].
    #[arg(long, env = "TRENDS_MAX_FUTURE")]
    pub max_future: Option<String>,
}

/// The config file, every field optional (flags and env vars take precedence).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendsFile {
    pub brokers: Option<String>,
    pub topic: Option<String>,
    pub group: Option<String>,
    pub window: Option<String>,
    pub slide: Option<String>,
    pub lateness: Option<String>,
    pub weights: Option<Weights>,
    pub top_k: Option<usize>,
    pub database_url: Option<String>,
    pub database_password_file: Option<PathBuf>,
    pub dead_letter_topic: Option<String>,
    pub output_topic: Option<String>,
    pub baseline_windows: Option<usize>,
    pub decay: Option<f64>,
    pub max_future: Option<String>,
}

impl TrendsFile {
    /// Parses the YAML text of a config file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        serde_saphyr::from_str(text).map_err(|err| ConfigError::Parse {
            origin: origin.to_owned(),
            message: err.to_string(),
        })
    }
}

/// Validated settings of one `trends` instance.
#[derive(Debug, Clone)]
pub struct TrendsSettings {
    pub brokers: String,
    pub topic: String,
    pub group: String,
    pub windows: WindowSpec,
    pub weights: Weights,
    pub score: ScoreParams,
    pub database_url: String,
    pub dead_letter_topic: String,
    pub output_topic: String,
    pub max_future_ms: i64,
}

fn duration_field(
    field: &'static str,
    flag: Option<String>,
    file: Option<String>,
    default: &str,
) -> Result<i64, ConfigError> {
    let text = flag.or(file).unwrap_or_else(|| default.to_owned());
    parse_duration_ms(&text).map_err(|message| ConfigError::Invalid { field, message })
}

/// Puts the password read from `file` (trimmed) into `url`, replacing any it has.
fn with_password_file(url: String, file: Option<PathBuf>) -> Result<String, ConfigError> {
    let Some(path) = file else { return Ok(url) };
    let password = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    let mut parsed = url::Url::parse(&url).map_err(|error| ConfigError::Invalid {
        field: "database_url",
        message: format!("not a URL: {error}"),
    })?;
    parsed
        .set_password(Some(password.trim()))
        .map_err(|()| ConfigError::Invalid {
            field: "database_url",
            message: "this URL cannot carry a password".into(),
        })?;
    Ok(parsed.into())
}

impl TrendsSettings {
    /// Reads the config file named by `args.config` (if any) and resolves everything.
    pub fn load(args: TrendsArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                TrendsFile::parse(&text, &path.display().to_string())?
            }
            None => TrendsFile::default(),
        };
        Self::resolve(args, file)
    }

    /// Merges flags/env (`args`) over the file over defaults, and validates.
    pub fn resolve(args: TrendsArgs, file: TrendsFile) -> Result<Self, ConfigError> {
        let size = duration_field("window", args.window, file.window, "5m")?;
        let slide = duration_field("slide", args.slide, file.slide, "1m")?;
        let lateness = duration_field("lateness", args.lateness, file.lateness, "30s")?;
        let windows =
            WindowSpec::new(size, slide, lateness).map_err(|err| ConfigError::Invalid {
                field: "window",
                message: err.to_string(),
            })?;
        let mut weights = file.weights.unwrap_or_default();
        if let Some(overrides) = &args.weights {
            weights
                .apply_overrides(overrides)
                .map_err(|message| ConfigError::Invalid {
                    field: "weights",
                    message,
                })?;
        }
        let defaults = ScoreParams::default();
        let score = ScoreParams {
            baseline_windows: args
                .baseline_windows
                .or(file.baseline_windows)
                .unwrap_or(defaults.baseline_windows),
            decay: args.decay.or(file.decay).unwrap_or(defaults.decay),
            prior: defaults.prior,
            top_k: args.top_k.or(file.top_k).unwrap_or(defaults.top_k),
        };
        if !(score.decay > 0.0 && score.decay <= 1.0) {
            return Err(ConfigError::Invalid {
                field: "decay",
                message: format!("must be in (0, 1], got {}", score.decay),
            });
        }
        if score.top_k == 0 {
            return Err(ConfigError::Invalid {
                field: "top_k",
                message: "must be at least 1".into(),
            });
        }
        Ok(TrendsSettings {
            brokers: args
                .brokers
                .or(file.brokers)
                .unwrap_or_else(|| "127.0.0.1:9092".into()),
            topic: args
                .topic
                .or(file.topic)
                .unwrap_or_else(|| "interactions".into()),
            group: args.group.or(file.group).unwrap_or_else(|| "trends".into()),
            windows,
            weights,
            score,
            database_url: with_password_file(
                args.database_url
                    .or(file.database_url)
                    .ok_or(ConfigError::Missing("database_url"))?,
                args.database_password_file
                    .or(file.database_password_file)
                    .filter(|_| !args.check_config),
            )?,
            dead_letter_topic: args
                .dead_letter_topic
                .or(file.dead_letter_topic)
                .unwrap_or_else(|| "interactions-dead-letter".into()),
            output_topic: args
                .output_topic
                .or(file.output_topic)
                .unwrap_or_else(|| "trends".into()),
            max_future_ms: duration_field("max_future", args.max_future, file.max_future, "5m")?,
        })
    }
}

/// `petadota pipeline simulate-interactions` flags.
#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Kafka bootstrap servers, comma-separated.
    #[arg(long, env = "TRENDS_BROKERS", default_value = "127.0.0.1:9092")]
    pub brokers: String,
    /// Topic to produce to.
    #[arg(long, env = "TRENDS_TOPIC", default_value = "interactions")]
    pub topic: String,
    /// Events per second.
    #[arg(long, default_value_t = 1000)]
    pub rate: u32,
    /// How long to run, e.g. 60s or 10m.
    #[arg(long, default_value = "60s", value_parser = parse_duration_ms)]
    pub duration: i64,
    /// Number of pets in the catalogue.
    #[arg(long, default_value_t = 5000)]
    pub pets: u32,
    /// Random seed; the same seed and start time give the same traffic.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration_ms("5m"), Ok(300_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("30"), Ok(30_000));
        assert!(parse_duration_ms("5 weeks").is_err());
    }

    #[test]
    fn flags_override_file_and_file_overrides_defaults() {
        let file = TrendsFile::parse(
            "window: 10m\nslide: 2m\ntop_k: 5\ndatabase_url: mysql://f/db\nweights: { view: 2 }\n",
            "test.yaml",
        )
        .unwrap();
        let args = TrendsArgs {
            top_k: Some(7),
            weights: Some("adopted=99".into()),
            ..TrendsArgs::default()
        };
        let settings = TrendsSettings::resolve(args, file).unwrap();
        assert_eq!(settings.windows.size_ms(), 600_000);
        assert_eq!(settings.windows.slide_ms(), 120_000);
        assert_eq!(settings.score.top_k, 7);
        assert_eq!(settings.weights.view, 2);
        assert_eq!(settings.weights.adopted, 99);
        assert_eq!(settings.weights.adoption_request, 20);
        assert_eq!(settings.topic, "interactions");
    }

    #[test]
    fn unknown_fields_and_bad_geometry_are_refused() {
        assert!(TrendsFile::parse("windw: 5m\n", "t").is_err());
        let file = TrendsFile {
            database_url: Some("mysql://x/y".into()),
            database_password_file: None,
            window: Some("5m".into()),
            slide: Some("2m".into()),
            ..TrendsFile::default()
        };
        assert!(TrendsSettings::resolve(TrendsArgs::default(), file).is_err());
        assert!(matches!(
            TrendsSettings::resolve(TrendsArgs::default(), TrendsFile::default()),
            Err(ConfigError::Missing("database_url"))
        ));
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../examples/trends.yaml");
        let file = TrendsFile::parse(text, "examples/trends.yaml").unwrap();
        TrendsSettings::resolve(TrendsArgs::default(), file).unwrap();
    }

    #[test]
    fn the_password_file_replaces_the_urls_password() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("mysql-password");
        std::fs::write(&path, "s3cr@t/?\n").expect("write");
        let url = with_password_file(
            "mysql://pipelines:old@10.0.0.5:3306/petadota".into(),
            Some(path),
        )
        .expect("valid");
        assert_eq!(
            url,
            "mysql://pipelines:s3cr%40t%2F%3F@10.0.0.5:3306/petadota"
        );
        let missing = with_password_file("mysql://p@h/db".into(), Some(dir.path().join("absent")));
        assert!(matches!(missing, Err(ConfigError::Read { .. })));
        assert_eq!(
            with_password_file("mysql://p@h/db".into(), None).expect("unchanged"),
            "mysql://p@h/db"
        );
    }

    #[test]
    fn check_config_does_not_read_the_password_file() {
        let file = TrendsFile {
            database_url: Some("mysql://p@h/db".into()),
            database_password_file: Some("/nonexistent/mysql-password".into()),
            ..TrendsFile::default()
        };
        let checking = TrendsArgs {
            check_config: true,
            ..TrendsArgs::default()
        };
        assert!(TrendsSettings::resolve(checking, file.clone()).is_ok());
        let running = TrendsArgs::default();
        assert!(matches!(
            TrendsSettings::resolve(running, file),
            Err(ConfigError::Read { .. })
        ));
    }
}
