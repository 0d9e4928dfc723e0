//! One ingestion run: listing producers (one per source) feed a bounded channel; at most
//! `concurrency` images are downloaded at once, and as many stored and catalogued at once.
//! Per image: download to a temp file, dedupe by hash, write the object, then the row, so a
//! row never exists without its object and a rerun converges on the same state.

use crate::db::{self, DbError, images};
use crate::ingest::config::IngestConfig;
use crate::ingest::dedup::SeenHashes;
use crate::ingest::fetch::{Downloaded, Fetcher};
use crate::ingest::outcome::{FailureReason, ImageOutcome, RunCounts};
use crate::ingest::rate_limit::RateLimiter;
use crate::ingest::sources::{Candidate, ListingError, Species, dog_ceo, the_cat_api};
use crate::storage::{ObjectKey, ObjectMeta, ObjectStore, StorageError};
use futures_util::StreamExt;
use sqlx::MySqlPool;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// After this many listing calls in a row that brought nothing, a source is given up on for
/// this run rather than hammered.
pub const MAX_BARREN_LISTINGS: u32 = 3;
/// Interim counts are written to `ingest_runs` after every this many images.
pub const FLUSH_EVERY: u64 = 100;

/// Why a run could not start or finish (per-image problems are counted, not raised).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("cannot create the staging directory {path} (set temp_dir): {source}")]
    TempDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// What a finished run reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub run_id: u64,
    pub counts: RunCounts,
    pub elapsed: Duration,
}

/// Observes images as they finish (the progress bar); called from the run's task.
pub trait Progress: Sync {
    /// How many candidates are expected in total.
    fn start(&self, total: u64);
    /// One image reached an end state.
    fn image_done(&self, outcome: ImageOutcome);
}

/// No progress display.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn image_done(&self, _outcome: ImageOutcome) {}
}

/// Connects, migrates and runs.
pub async fn run(config: &IngestConfig, progress: &dyn Progress) -> Result<RunReport, RunError> {
    let pool = db::connect(
        &config.database,
        config.database_password.as_deref(),
        u32::try_from(config.concurrency.min(64)).unwrap_or(64) + 2,
        config.database_timeout,
    )
    .await?;
    db::migrate(&pool).await?;
    let store = ObjectStore::open(&config.storage, &config.gcs).await?;
    let report = run_with(config, &pool, &store, progress).await;
    pool.close().await;
    report
}

/// Runs against an open pool and store (the schema must be migrated).
pub async fn run_with(
    config: &IngestConfig,
    pool: &MySqlPool,
    store: &ObjectStore,
    progress: &dyn Progress,
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let fetcher = Fetcher::new(
        config.retry.clone(),
        config.request_timeout,
        config.max_image_bytes,
        config.temp_dir.clone(),
    )?;
    tokio::fs::create_dir_all(&config.temp_dir)
        .await
        .map_err(|source| RunError::TempDir {
            path: config.temp_dir.display().to_string(),
            source,
        })?;
    let run_id = db::runs::start(pool, config.dogs, config.cats).await?;
    tracing::info!(run_id, dogs = config.dogs, cats = config.cats, storage = ?config.storage, "ingest run started");
    progress.start(u64::from(config.dogs) + u64::from(config.cats));

    let shared = Shared {
        config,
        fetcher,
        pool,
        store,
        run_id,
        progress,
        seen: SeenHashes::default(),
        counts: Mutex::new(RunCounts::default()),
        dog_gate: RateLimiter::new(config.requests_per_second),
        cat_gate: RateLimiter::new(config.requests_per_second),
    };
    let shared = &shared;
    // Three stages joined by bounded channels: listings -> downloads -> storage. Storing does
    // not hold a download slot, so `concurrency` requests stay in flight while earlier images
    // are written; a waiting image is a temp file, not memory.
    let (candidate_tx, candidate_rx) = mpsc::channel::<Candidate>(config.concurrency * 2);
    let (fetched_tx, fetched_rx) = mpsc::channel::<(Candidate, Downloaded)>(config.concurrency);
    let producers = async move {
        let dogs = shared.produce(Species::Dog, config.dogs, candidate_tx.clone());
        let cats = shared.produce(Species::Cat, config.cats, candidate_tx);
        tokio::join!(dogs, cats);
    };
    let downloads = async move {
        receiver_stream(candidate_rx)
            .for_each_concurrent(config.concurrency, |candidate| {
                let fetched_tx = fetched_tx.clone();
                async move {
                    if let Some(downloaded) = shared.download(&candidate).await {
                        // Fails only if the storage stage is gone, which cannot happen first.
                        let _ = fetched_tx.send((candidate, downloaded)).await;
                    }
                }
            })
            .await;
    };
    let storing = receiver_stream(fetched_rx).for_each_concurrent(
        config.concurrency,
        |(candidate, downloaded)| async move {
            let outcome = shared.store(&candidate, &downloaded).await;
            shared.finish(outcome, true).await;
        },
    );
    tokio::join!(producers, downloads, storing);

    let counts = shared.lock_counts().clone();
    let status = if counts.nothing_stored() {
        "failed"
    } else {
        "finished"
    };
    db::runs::record(pool, run_id, &counts, Some(status)).await?;
    let report = RunReport {
        run_id,
        counts,
        elapsed: started.elapsed(),
    };
    tracing::info!(run_id, status, counts = %report.counts, elapsed_ms = report.elapsed.as_millis() as u64, "ingest run finished");
    Ok(report)
}

/// A receiver as a stream, for `for_each_concurrent`.
fn receiver_stream<T>(rx: mpsc::Receiver<T>) -> impl futures_util::Stream<Item = T> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

struct Shared<'a> {
    config: &'a IngestConfig,
    fetcher: Fetcher,
    pool: &'a MySqlPool,
    store: &'a ObjectStore,
    run_id: u64,
    progress: &'a dyn Progress,
    seen: SeenHashes,
    counts: Mutex<RunCounts>,
    dog_gate: RateLimiter,
    cat_gate: RateLimiter,
}

impl Shared<'_> {
    fn lock_counts(&self) -> std::sync::MutexGuard<'_, RunCounts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn gate(&self, species: Species) -> &RateLimiter {
        match species {
            Species::Dog => &self.dog_gate,
            Species::Cat => &self.cat_gate,
        }
    }

    /// Pages through a source's listings until `wanted` candidates were sent (or the source
    /// keeps failing), counting listing failures.
    async fn produce(&self, species: Species, wanted: u32, tx: mpsc::Sender<Candidate>) {
        let mut remaining = wanted;
        let mut barren = 0;
        while remaining > 0 && barren < MAX_BARREN_LISTINGS {
            match self.list(species, remaining).await {
                Ok(candidates) if !candidates.is_empty() => {
                    barren = 0;
                    for candidate in candidates.into_iter().take(remaining as usize) {
                        if tx.send(candidate).await.is_err() {
                            return;
                        }
                        remaining -= 1;
                    }
                }
                Ok(_) => {
                    barren += 1;
                    tracing::warn!(%species, "listing returned no images");
                }
                Err(reason) => {
                    barren += 1;
                    self.lock_counts().fail(reason);
                }
            }
        }
        if remaining > 0 {
            tracing::warn!(%species, remaining, "giving up on this source after {MAX_BARREN_LISTINGS} listing calls in a row brought nothing");
        }
    }

    async fn list(
        &self,
        species: Species,
        remaining: u32,
    ) -> Result<Vec<Candidate>, FailureReason> {
        let config = self.config;
        let (url, key) = match species {
            Species::Dog => (
                dog_ceo::listing_url(&config.dog_api_base, config.dog_breed.as_deref(), remaining),
                None,
            ),
            Species::Cat => {
                let per_call = if config.cat_api_key.is_some() {
                    the_cat_api::MAX_PER_CALL_WITH_KEY
                } else {
                    the_cat_api::MAX_PER_CALL_WITHOUT_KEY
                };
                (
                    the_cat_api::listing_url(&config.cat_api_base, remaining.min(per_call)),
                    config.cat_api_key.as_deref(),
                )
            }
        };
        let url = url.map_err(|e| {
            tracing::error!(%species, error = %e, "cannot build the listing URL");
            FailureReason::Listing
        })?;
        let body = self
            .fetcher
            .listing(self.gate(species), &url, key)
            .await
            .map_err(|e| {
                tracing::warn!(%species, %url, reason = %e.reason, detail = %e.detail, "listing failed");
                FailureReason::Listing
            })?;
        let parsed = match species {
            Species::Dog => dog_ceo::parse_listing(&body),
            Species::Cat => the_cat_api::parse_listing(&body),
        };
        parsed.map_err(|e: ListingError| {
            tracing::warn!(%species, %url, error = %e, "listing answer unusable");
            FailureReason::InvalidListing
        })
    }

    /// Takes one candidate to an end state; the flag says whether its bytes arrived intact.
    /// Downloads one candidate; a failure is counted here and ends its journey.
    async fn download(&self, candidate: &Candidate) -> Option<Downloaded> {
        match self
            .fetcher
            .image(self.gate(candidate.species), &candidate.url)
            .await
        {
            Ok(downloaded) => Some(downloaded),
            Err(e) => {
                tracing::warn!(url = %candidate.url, reason = %e.reason, detail = %e.detail, "image not fetched");
                self.finish(ImageOutcome::Failed(e.reason), false).await;
                None
            }
        }
    }

    /// Takes a downloaded image to its end state: duplicate, stored, or failed.
    async fn store(&self, candidate: &Candidate, downloaded: &Downloaded) -> ImageOutcome {
        if !self.seen.claim(downloaded.sha256) {
            tracing::debug!(url = %candidate.url, sha256 = %downloaded.sha256_hex(), "duplicate within this run");
            return ImageOutcome::Duplicate;
        }
        let outcome = self.store_and_catalogue(candidate, downloaded).await;
        if matches!(outcome, ImageOutcome::Failed(_)) {
            self.seen.release(&downloaded.sha256);
        }
        outcome
    }

    /// Counts an image's end state, moves the progress bar, and now and then writes the
    /// interim counts so a long (or killed) run shows how far it got.
    async fn finish(&self, outcome: ImageOutcome, fetched: bool) {
        let snapshot = {
            let mut counts = self.lock_counts();
            counts.record(outcome, fetched);
            counts
                .finished_images()
                .is_multiple_of(FLUSH_EVERY)
                .then(|| counts.clone())
        };
        self.progress.image_done(outcome);
        if let Some(counts) = snapshot
            && let Err(e) = db::runs::record(self.pool, self.run_id, &counts, None).await
        {
            tracing::warn!(run_id = self.run_id, error = %e, "cannot record interim counts");
        }
    }

    async fn store_and_catalogue(&self, candidate: &Candidate, image: &Downloaded) -> ImageOutcome {
        let sha256 = image.sha256_hex();
        match images::exists(self.pool, &sha256).await {
            Ok(true) => return ImageOutcome::Duplicate,
            Ok(false) => {}
            Err(e) => {
                tracing::error!(%sha256, error = %e, "catalogue lookup failed");
                return ImageOutcome::Failed(FailureReason::Database);
            }
        }
        let breed_segment = candidate.breed.key_segment();
        let key = ObjectKey::new(
            candidate.species.as_str(),
            &breed_segment,
            &sha256,
            image.kind.extension(),
        );
        let meta = ObjectMeta {
            content_type: image.kind.content_type(),
            sha256: sha256.clone(),
            species: candidate.species.as_str().to_owned(),
            breed: breed_segment,
            source: candidate.species.source().to_owned(),
            source_url: candidate.url.to_string(),
            width: image.dimensions.width,
            height: image.dimensions.height,
        };
        // Object first: if the run dies before the row, a rerun finds no row, rewrites the
        // same content-addressed object and then adds the row.
        if let Err(e) = self
            .store
            .put_file(&key, &image.file, image.bytes, &meta)
            .await
        {
            tracing::error!(key = key.as_str(), error = %e, "storing the object failed");
            return ImageOutcome::Failed(FailureReason::Storage);
        }
        let row = images::NewImage {
            species: meta.species,
            breed: candidate.breed.breed.clone(),
            sub_breed: candidate.breed.sub_breed.clone(),
            source: meta.source,
            source_url: meta.source_url,
            object_uri: self.store.uri(&key),
            sha256,
            bytes: image.bytes,
            width: image.dimensions.width,
            height: image.dimensions.height,
            content_type: image.kind.content_type().to_owned(),
            fetched_at: chrono::Utc::now(),
            run_id: self.run_id,
        };
        match images::insert(self.pool, &row).await {
            Ok(images::Inserted::New) => {
                tracing::debug!(object = %row.object_uri, "stored");
                ImageOutcome::Stored
            }
            Ok(images::Inserted::AlreadyThere) => ImageOutcome::Duplicate,
            Err(e) => {
                tracing::error!(object = %row.object_uri, error = %e, "cataloguing failed");
                ImageOutcome::Failed(FailureReason::Database)
            }
        }
    }
}
