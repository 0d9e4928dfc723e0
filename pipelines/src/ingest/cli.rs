//! `petadota pipeline ingest-images`: flags, then config layers, then the run, then a summary.
//!
//! Exit status (through the binary's error mapping): 0 when the run finished and something
//! ended in the catalogue (stored, or already there), or nothing failed; non-zero (1) when
//! the configuration is invalid, MySQL or the store cannot be reached, or nothing could be
//! stored. The summary goes to stdout, logs and the bar to stderr.

use crate::ingest::config::{ENV_CAT_API_KEY, ENV_CONFIG, IngestConfig, LogFormat, Settings};
use crate::ingest::progress;
use crate::ingest::run::{self, NoProgress, RunReport};
use anyhow::{Context, bail};
use std::path::PathBuf;

/// Fetch dog and cat images into object storage and catalogue them in MySQL.
///
/// Settings come from the config file, then PETADOTA_INGEST_<KEY> environment variables,
/// then these flags (flags win).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IngestImagesArgs {
    /// TOML config file (default: $PETADOTA_INGEST_CONFIG if set).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Dog images to fetch from the Dog CEO API.
    #[arg(long, value_name = "N")]
    pub dogs: Option<u32>,
    /// Cat images to fetch from TheCatAPI.
    #[arg(long, value_name = "N")]
    pub cats: Option<u32>,
    /// Only this dog breed (`hound`, or `hound-afghan` for a sub-breed).
    #[arg(long, value_name = "BREED")]
    pub dog_breed: Option<String>,
    /// Where images go: gs://bucket/prefix or file://dir (default file://petadota-images).
    #[arg(long, value_name = "URI")]
    pub storage: Option<String>,
    /// The catalogue: mysql://user:password@host:3306/database.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Seconds to wait for MySQL at start (default 30).
    #[arg(long, value_name = "SECS")]
    pub database_timeout_secs: Option<f64>,
    /// Image downloads in flight at once (default 32).
    #[arg(long, value_name = "K")]
    pub concurrency: Option<usize>,
    /// Requests per second per source; 0 for no limit (default 20).
    #[arg(long, value_name = "RPS")]
    pub requests_per_second: Option<f64>,
    /// Seconds one request may take, body included (default 30).
    #[arg(long, value_name = "SECS")]
    pub request_timeout_secs: Option<f64>,
    /// Images larger than this many bytes are refused (default 10 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_image_bytes: Option<u64>,
    /// Base URL of the Dog CEO API (default https://dog.ceo).
    #[arg(long, value_name = "URL")]
    pub dog_api_base: Option<String>,
    /// Base URL of TheCatAPI (default https://api.thecatapi.com).
    #[arg(long, value_name = "URL")]
    pub cat_api_base: Option<String>,
    /// GCS JSON API endpoint, e.g. an emulator's http://127.0.0.1:9023.
    #[arg(long, value_name = "URL")]
    pub gcs_endpoint: Option<String>,
    /// auto: a progress bar on a terminal, JSON logs otherwise.
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
}

impl IngestImagesArgs {
    fn as_settings(&self) -> Settings {
        Settings {
            dogs: self.dogs,
            cats: self.cats,
            dog_breed: self.dog_breed.clone(),
            storage: self.storage.clone(),
            database: self.database.clone(),
            database_timeout_secs: self.database_timeout_secs,
            concurrency: self.concurrency,
            requests_per_second: self.requests_per_second,
            request_timeout_secs: self.request_timeout_secs,
            max_image_bytes: self.max_image_bytes,
            dog_api_base: self.dog_api_base.clone(),
            cat_api_base: self.cat_api_base.clone(),
            gcs_endpoint: self.gcs_endpoint.clone(),
            log_format: self.log_format,
            ..Settings::default()
        }
    }

    /// Merges file, environment and flags into a checked configuration.
    pub fn resolve(
        &self,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<IngestConfig> {
        let env: Vec<(String, String)> = env.into_iter().collect();
        let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let config_path = self
            .config
            .clone()
            .or_else(|| lookup(ENV_CONFIG).map(PathBuf::from));
        let file = match &config_path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the config file {}", path.display()))?;
                Settings::from_toml(&text, &path.display().to_string())?
            }
            None => Settings::default(),
        };
        let settings = file
            .merge(Settings::from_env(env.iter().cloned())?)
            .merge(self.as_settings());
        Ok(IngestConfig::resolve(settings, lookup(ENV_CAT_API_KEY))?)
    }
}

/// Runs the pipeline to completion on its own runtime.
pub fn run(args: &IngestImagesArgs) -> anyhow::Result<()> {
    let config = args.resolve(std::env::vars())?;
    let show_bar = progress::wants_bar(config.log_format);
    progress::init_logging(config.log_format, show_bar);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = if show_bar {
        let bar = progress::bar();
        let report = runtime.block_on(run::run(&config, &bar));
        bar.finish();
        report
    } else {
        runtime.block_on(run::run(&config, &NoProgress))
    }?;
    println!("{}", summary(&report));
    if report.counts.nothing_stored() {
        bail!(
            "run {} stored nothing: every attempt failed ({}); see the log for causes",
            report.run_id,
            report.counts
        );
    }
    Ok(())
}

/// The one-line summary printed at the end.
pub fn summary(report: &RunReport) -> String {
    format!(
        "ingest run {}: {} in {:.1}s",
        report.run_id,
        report.counts,
        report.elapsed.as_secs_f64()
    )
}
