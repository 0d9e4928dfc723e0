//! Settings of `petadota pipeline ingest-images`, from three layers, later ones winning:
//! a TOML config file (the Ansible playbook writes it), environment variables
//! `PETADOTA_INGEST_<KEY>` (same keys, upper case), and command-line flags. Parsing is separate
//! from I/O so every layer is tested without files or a process environment.
//!
//! The config file (see `pipelines/examples/ingest-images.toml`), every key optional:
//!
//! ```toml
//! dogs = 200                      # Dog CEO images to fetch per run
//! cats = 200                      # TheCatAPI images to fetch per run
//! # dog_breed = "hound-afghan"    # only this breed (or breed-subbreed)
//! storage = "gs://petadota-prod-images/raw"   # or "file:///var/lib/petadota/images"
//! database = "mysql://pipelines@10.0.0.5:3306/petadota"
//! database_password_file = "/etc/petadota/mysql-password"  # replaces the URL's password
//! database_timeout_secs = 30.0    # how long to wait for MySQL at start
//! concurrency = 32                # image downloads in flight
//! requests_per_second = 20.0      # per source; 0 = unlimited
//! request_timeout_secs = 30.0
//! max_attempts = 4                # per request, first included
//! backoff_base_ms = 250
//! max_backoff_secs = 30.0
//! max_image_bytes = 10485760
//! dog_api_base = "https://dog.ceo"
//! cat_api_base = "https://api.thecatapi.com"
//! cat_api_key_file = "/etc/petadota/thecatapi-key"   # or env PETADOTA_INGEST_CAT_API_KEY
//! gcs_endpoint = "https://storage.googleapis.com"
//! # gcs_credentials_file = "/etc/petadota/sa.json"   # default: ADC / the VM's account
//! # gcs_anonymous = false         # default: true only for a non-Google endpoint (emulator)
//! # temp_dir = "/var/tmp"         # where downloads are staged, one file per image in flight;
//!                                 # default: {dir}/.staging for file://dir, else the system's
//! log_format = "auto"             # auto (bar on a terminal, JSON logs otherwise) | json | text
//! ```

use crate::ingest::retry::RetryPolicy;
use crate::storage::gcs::{GOOGLE_ENDPOINT, GcsSettings};
use crate::storage::{StorageTarget, TargetError, fs};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// The prefix of the environment variables this pipeline reads.
pub const ENV_PREFIX: &str = "PETADOTA_INGEST_";
/// The environment variable holding TheCatAPI key itself (never put it in the config file).
pub const ENV_CAT_API_KEY: &str = "PETADOTA_INGEST_CAT_API_KEY";
/// The environment variable naming the config file when `--config` is not given.
pub const ENV_CONFIG: &str = "PETADOTA_INGEST_CONFIG";

/// Default image downloads in flight: enough to hide ~100 ms of latency per request (the
/// benchmark's 20x over sequential needs more than 20), small enough for an e2-small VM since
/// each download is streamed to a temp file.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default storage: a directory beside the working directory, for trying it on a laptop.
pub const DEFAULT_STORAGE: &str = "file://petadota-images";

/// One layer of settings; every key optional so layers can be merged.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub dogs: Option<u32>,
    pub cats: Option<u32>,
    pub dog_breed: Option<String>,
    pub storage: Option<String>,
    pub database: Option<String>,
    pub database_password_file: Option<PathBuf>,
    pub database_timeout_secs: Option<f64>,
    pub concurrency: Option<usize>,
    pub requests_per_second: Option<f64>,
    pub request_timeout_secs: Option<f64>,
    pub max_attempts: Option<u32>,
    pub backoff_base_ms: Option<u64>,
    pub max_backoff_secs: Option<f64>,
    pub max_image_bytes: Option<u64>,
    pub dog_api_base: Option<String>,
    pub cat_api_base: Option<String>,
    pub cat_api_key_file: Option<PathBuf>,
    pub gcs_endpoint: Option<String>,
    pub gcs_credentials_file: Option<PathBuf>,
    pub gcs_anonymous: Option<bool>,
    pub temp_dir: Option<PathBuf>,
    pub log_format: Option<LogFormat>,
}

/// How the run reports itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// A progress bar when stderr is a terminal, JSON logs otherwise.
    #[default]
    Auto,
    /// JSON lines on stderr (for journald, Airflow logs).
    Json,
    /// Human-readable log lines on stderr, no progress bar.
    Text,
}

/// A setting that cannot be used; each says which and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {message}")]
    File { path: String, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error(
        "no database: set `database = \"mysql://user@host:3306/db\"` in the config file, \
         PETADOTA_INGEST_DATABASE, or --database"
    )]
    NoDatabase,
    #[error("nothing to fetch: set dogs and/or cats above 0 (--dogs N --cats N)")]
    NothingRequested,
    #[error("{key} = {value}: {reason}")]
    Invalid {
        key: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error(transparent)]
    Storage(#[from] TargetError),
    #[error("cannot read the secret file {path} ({key}): {source}")]
    Secret {
        key: &'static str,
        path: String,
        source: std::io::Error,
    },
}

macro_rules! merge_fields {
    ($low:ident, $high:ident, $($field:ident),+ $(,)?) => {
        Settings { $($field: $high.$field.or($low.$field)),+ }
    };
}

impl Settings {
    /// Parses a config file's text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::File {
            path: origin.to_owned(),
            message: e.to_string(),
        })
    }

    /// Reads `PETADOTA_INGEST_<KEY>` variables out of `vars` (pass `std::env::vars()`).
    /// The config path and the API key are not settings and are skipped here.
    pub fn from_env(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut settings = Settings::default();
        for (name, raw) in vars {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if name == ENV_CAT_API_KEY || name == ENV_CONFIG {
                continue;
            }
            let key = key.to_ascii_lowercase();
            let value = env_value(&raw);
            let mut table = toml::Table::new();
            table.insert(key, value);
            let layer: Settings =
                toml::Value::Table(table)
                    .try_into()
                    .map_err(|e: toml::de::Error| ConfigError::Env {
                        name: name.clone(),
                        message: e.message().to_owned(),
                    })?;
            settings = settings.merge(layer);
        }
        Ok(settings)
    }

    /// This layer overridden by `higher` wherever `higher` has a value.
    pub fn merge(self, higher: Settings) -> Settings {
        let low = self;
        merge_fields!(
            low,
            higher,
            dogs,
            cats,
            dog_breed,
            storage,
            database,
            database_password_file,
            database_timeout_secs,
            concurrency,
            requests_per_second,
            request_timeout_secs,
            max_attempts,
            backoff_base_ms,
            max_backoff_secs,
            max_image_bytes,
            dog_api_base,
            cat_api_base,
            cat_api_key_file,
            gcs_endpoint,
            gcs_credentials_file,
            gcs_anonymous,
            temp_dir,
            log_format,
        )
    }
}

/// An environment value as TOML would read it (numbers, booleans), else as a plain string.
fn env_value(raw: &str) -> toml::Value {
    match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => match t.remove("v") {
            Some(
                v @ (toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_)),
            ) => v,
            _ => toml::Value::String(raw.to_owned()),
        },
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

/// Everything a run needs, validated, with defaults applied. Secrets are read from their files
/// by [`IngestConfig::resolve`] so that a bad path fails before any work.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    pub dogs: u32,
    pub cats: u32,
    pub dog_breed: Option<String>,
    pub storage: StorageTarget,
    pub database: String,
    pub database_password: Option<String>,
    pub database_timeout: Duration,
    pub concurrency: usize,
    pub requests_per_second: f64,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub max_image_bytes: u64,
    pub dog_api_base: Url,
    pub cat_api_base: Url,
    pub cat_api_key: Option<String>,
    pub gcs: GcsSettings,
    pub temp_dir: PathBuf,
    pub log_format: LogFormat,
}

fn positive_secs(key: &'static str, value: f64) -> Result<Duration, ConfigError> {
    if value.is_finite() && value > 0.0 && value < 1e6 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(ConfigError::Invalid {
            key,
            value: value.to_string(),
            reason: "must be a positive number of seconds",
        })
    }
}

fn base_url(key: &'static str, value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason| ConfigError::Invalid {
        key,
        value: value.to_owned(),
        reason,
    };
    let url = Url::parse(value).map_err(|_| invalid("must be an absolute http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("must be an absolute http(s) URL"));
    }
    Ok(url)
}

fn read_secret(key: &'static str, path: &PathBuf) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|source| ConfigError::Secret {
            key,
            path: path.display().to_string(),
            source,
        })
}

impl IngestConfig {
    /// Applies defaults and checks every value. `cat_api_key_env` is the value of
    /// [`ENV_CAT_API_KEY`], which wins over `cat_api_key_file`.
    pub fn resolve(s: Settings, cat_api_key_env: Option<String>) -> Result<Self, ConfigError> {
        let dogs = s.dogs.unwrap_or(0);
        let cats = s.cats.unwrap_or(0);
        if dogs == 0 && cats == 0 {
            return Err(ConfigError::NothingRequested);
        }
        let database = s.database.ok_or(ConfigError::NoDatabase)?;
        let concurrency = s.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
        if !(1..=1024).contains(&concurrency) {
            return Err(ConfigError::Invalid {
                key: "concurrency",
                value: concurrency.to_string(),
                reason: "must be between 1 and 1024",
            });
        }
        let requests_per_second = s.requests_per_second.unwrap_or(20.0);
        if !requests_per_second.is_finite() || requests_per_second < 0.0 {
            return Err(ConfigError::Invalid {
                key: "requests_per_second",
                value: requests_per_second.to_string(),
                reason: "must be 0 (unlimited) or positive",
            });
        }
        let max_attempts = s.max_attempts.unwrap_or(4);
        if !(1..=20).contains(&max_attempts) {
            return Err(ConfigError::Invalid {
                key: "max_attempts",
                value: max_attempts.to_string(),
                reason: "must be between 1 and 20",
            });
        }
        let max_image_bytes = s.max_image_bytes.unwrap_or(10 * 1024 * 1024);
        if max_image_bytes < 64 {
            return Err(ConfigError::Invalid {
                key: "max_image_bytes",
                value: max_image_bytes.to_string(),
                reason: "must be at least 64 bytes",
            });
        }
        let gcs_endpoint = s.gcs_endpoint.unwrap_or_else(|| GOOGLE_ENDPOINT.to_owned());
        base_url("gcs_endpoint", &gcs_endpoint)?;
        let is_google = gcs_endpoint.trim_end_matches('/') == GOOGLE_ENDPOINT;
        let cat_api_key = match (
            cat_api_key_env.filter(|k| !k.trim().is_empty()),
            &s.cat_api_key_file,
        ) {
            (Some(key), _) => Some(key.trim().to_owned()),
            (None, Some(path)) => Some(read_secret("cat_api_key_file", path)?),
            (None, None) => None,
        };
        let database_password = s
            .database_password_file
            .as_ref()
            .map(|path| read_secret("database_password_file", path))
            .transpose()?;
        let storage = StorageTarget::parse(s.storage.as_deref().unwrap_or(DEFAULT_STORAGE))?;
        // Beside a filesystem store, so a finished download is renamed into place rather
        // than copied.
        let temp_dir = match (s.temp_dir, &storage) {
            (Some(dir), _) => dir,
            (None, StorageTarget::Fs { dir }) => dir.join(fs::STAGING_DIR),
            (None, StorageTarget::Gcs { .. }) => std::env::temp_dir(),
        };
        Ok(Self {
            dogs,
            cats,
            dog_breed: s.dog_breed.filter(|b| !b.trim().is_empty()),
            storage,
            database,
            database_password,
            database_timeout: positive_secs(
                "database_timeout_secs",
                s.database_timeout_secs.unwrap_or(30.0),
            )?,
            concurrency,
            requests_per_second,
            request_timeout: positive_secs(
                "request_timeout_secs",
                s.request_timeout_secs.unwrap_or(30.0),
            )?,
            retry: RetryPolicy {
                max_attempts,
                base_delay: Duration::from_millis(s.backoff_base_ms.unwrap_or(250)),
                max_delay: positive_secs("max_backoff_secs", s.max_backoff_secs.unwrap_or(30.0))?,
            },
            max_image_bytes,
            dog_api_base: base_url(
                "dog_api_base",
                s.dog_api_base.as_deref().unwrap_or("https://dog.ceo"),
            )?,
            cat_api_base: base_url(
                "cat_api_base",
                s.cat_api_base
                    .as_deref()
                    .unwrap_or("https://api.thecatapi.com"),
            )?,
            cat_api_key,
            gcs: GcsSettings {
                endpoint: gcs_endpoint,
                credentials_file: s.gcs_credentials_file,
                anonymous: s.gcs_anonymous.unwrap_or(!is_google),
                ..GcsSettings::default()
            },
            temp_dir,
            log_format: s.log_format.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_example_file_parses_and_resolves() {
        let text = include_str!("../../examples/ingest-images.toml");
        let mut settings = Settings::from_toml(text, "ingest-images.toml").unwrap();
        assert_eq!(settings.dogs, Some(200));
        let secret = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(secret.path(), "s3cret\n").unwrap();
        settings.database_password_file = Some(secret.path().to_owned());
        let config = IngestConfig::resolve(settings, None).unwrap();
        assert_eq!(config.database_password.as_deref(), Some("s3cret"));
        assert!(matches!(config.storage, StorageTarget::Gcs { .. }));
        assert!(!config.gcs.anonymous);
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let file = Settings::from_toml(
            "dogs = 1\ncats = 2\nconcurrency = 3\ndatabase = \"mysql://file\"",
            "f",
        )
        .unwrap();
        let environment = Settings::from_env(env(&[
            ("PETADOTA_INGEST_CATS", "20"),
            ("PETADOTA_INGEST_CONCURRENCY", "30"),
            ("PETADOTA_INGEST_STORAGE", "file:///tmp/x"),
            ("PETADOTA_INGEST_CAT_API_KEY", "secret"),
            ("HOME", "/root"),
        ]))
        .unwrap();
        let flags = Settings {
            concurrency: Some(300),
            ..Settings::default()
        };
        let merged = file.merge(environment).merge(flags);
        assert_eq!(merged.dogs, Some(1));
        assert_eq!(merged.cats, Some(20));
        assert_eq!(merged.concurrency, Some(300));
        assert_eq!(merged.storage.as_deref(), Some("file:///tmp/x"));
        let config = IngestConfig::resolve(merged, Some("secret".into())).unwrap();
        assert_eq!(config.cat_api_key.as_deref(), Some("secret"));
        assert_eq!(config.database, "mysql://file");
    }

    #[test]
    fn errors_name_the_culprit() {
        let err = Settings::from_toml("dogz = 1", "/etc/x.toml").unwrap_err();
        assert!(err.to_string().contains("/etc/x.toml"), "{err}");
        assert!(err.to_string().contains("dogz"), "{err}");
        let err = Settings::from_env(env(&[("PETADOTA_INGEST_DOGS", "many")])).unwrap_err();
        assert!(err.to_string().contains("PETADOTA_INGEST_DOGS"), "{err}");
        let err = Settings::from_env(env(&[("PETADOTA_INGEST_TYPO", "1")])).unwrap_err();
        assert!(err.to_string().contains("PETADOTA_INGEST_TYPO"), "{err}");
    }

    #[test]
    fn resolve_validates() {
        let base = Settings {
            dogs: Some(1),
            database: Some("mysql://x".into()),
            ..Settings::default()
        };
        assert!(matches!(
            IngestConfig::resolve(
                Settings {
                    dogs: None,
                    ..base.clone()
                },
                None
            ),
            Err(ConfigError::NothingRequested)
        ));
        assert!(matches!(
            IngestConfig::resolve(
                Settings {
                    database: None,
                    ..base.clone()
                },
                None
            ),
            Err(ConfigError::NoDatabase)
        ));
        for bad in [
            Settings {
                concurrency: Some(0),
                ..base.clone()
            },
            Settings {
                request_timeout_secs: Some(-1.0),
                ..base.clone()
            },
            Settings {
                dog_api_base: Some("ftp://x".into()),
                ..base.clone()
            },
            Settings {
                requests_per_second: Some(f64::NAN),
                ..base.clone()
            },
        ] {
            assert!(matches!(
                IngestConfig::resolve(bad, None),
                Err(ConfigError::Invalid { .. })
            ));
        }
        assert!(matches!(
            IngestConfig::resolve(
                Settings {
                    cat_api_key_file: Some("/nonexistent/key".into()),
                    ..base.clone()
                },
                None
            ),
            Err(ConfigError::Secret { .. })
        ));
        let config = IngestConfig::resolve(base.clone(), None).unwrap();
        assert_eq!(config.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(
            config.storage,
            StorageTarget::Fs {
                dir: "petadota-images".into()
            }
        );
        let emulator = IngestConfig::resolve(
            Settings {
                gcs_endpoint: Some("http://127.0.0.1:9023".into()),
                ..base
            },
            None,
        )
        .unwrap();
        assert!(emulator.gcs.anonymous);
    }
}
