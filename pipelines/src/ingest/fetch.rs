//! The HTTP side: listing calls and image downloads, each retried with backoff and spaced by a
//! per-source rate limit. An image is streamed to a temp file while it is hashed, sniffed and
//! size-checked, so memory per download is one chunk plus the header prefix.

use crate::ingest::outcome::FailureReason;
use crate::ingest::rate_limit::RateLimiter;
use crate::ingest::retry::{RetryPolicy, is_retryable_status, parse_retry_after};
use crate::ingest::sniff::{self, Dimensions, HeaderError, ImageKind, SNIFF_LEN};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;
use url::Url;

/// Bytes of an image kept in memory to read its dimensions (JPEG headers can follow large
/// EXIF blocks); the rest only goes to the temp file.
pub const HEADER_PREFIX_LIMIT: usize = 256 * 1024;
/// Download buffer: each flush is a trip to the blocking pool, so a typical image takes two.
const WRITE_BUFFER: usize = 64 * 1024;
/// Listing answers are small JSON; anything larger is not one.
pub const MAX_LISTING_BYTES: usize = 2 * 1024 * 1024;

/// A request that failed for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {detail}")]
pub struct FetchError {
    pub reason: FailureReason,
    pub detail: String,
}

/// One attempt's failure, and whether another attempt may help.
#[derive(Debug)]
struct AttemptError {
    reason: FailureReason,
    detail: String,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl AttemptError {
    fn fatal(reason: FailureReason, detail: impl Into<String>) -> Self {
        Self {
            reason,
            detail: detail.into(),
            retryable: false,
            retry_after: None,
        }
    }

    fn retry(reason: FailureReason, detail: impl Into<String>) -> Self {
        Self {
            retryable: true,
            ..Self::fatal(reason, detail)
        }
    }

    /// Classifies a transport error: timeouts and dropped connections are worth a retry,
    /// redirect loops and malformed requests are not.
    fn from_reqwest(error: &reqwest::Error, while_reading_body: bool) -> Self {
        let detail = error_chain(error);
        if error.is_timeout() {
            Self::retry(FailureReason::Timeout, detail)
        } else if error.is_redirect() || error.is_builder() {
            Self::fatal(FailureReason::Network, detail)
        } else if while_reading_body {
            Self::retry(FailureReason::Truncated, detail)
        } else {
            Self::retry(FailureReason::Network, detail)
        }
    }

    fn from_status(response: &reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        Self {
            reason: FailureReason::HttpStatus,
            detail: format!("HTTP {status} from {}", response.url()),
            retryable: is_retryable_status(status),
            retry_after,
        }
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// An image on local disk, checked and hashed, ready to store.
#[derive(Debug)]
pub struct Downloaded {
    /// Deleted when dropped.
    pub file: tempfile::TempPath,
    pub sha256: [u8; 32],
    pub bytes: u64,
    pub kind: ImageKind,
    pub dimensions: Dimensions,
}

impl Downloaded {
    /// The hash as lowercase hex, as in object names and the `sha256` column.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }
}

/// Shared HTTP settings for all sources.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    retry: RetryPolicy,
    request_timeout: Duration,
    max_image_bytes: u64,
    temp_dir: PathBuf,
}

impl Fetcher {
    /// Builds the client (rustls, redirects followed up to 10 hops).
    pub fn new(
        retry: RetryPolicy,
        request_timeout: Duration,
        max_image_bytes: u64,
        temp_dir: PathBuf,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("petadota-ingest/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(request_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(10))
            .build()?;
        Ok(Self {
            client,
            retry,
            request_timeout,
            max_image_bytes,
            temp_dir,
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or attempts run out.
    async fn with_retry<T, F, Fut>(
        &self,
        gate: &RateLimiter,
        mut attempt: F,
    ) -> Result<T, FetchError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AttemptError>>,
    {
        let mut attempts = 0;
        loop {
            attempts += 1;
            gate.acquire().await;
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(e) if e.retryable && self.retry.allows_retry_after(attempts) => {
                    let wait = self.retry.delay(attempts, e.retry_after, rand::random());
                    tracing::debug!(reason = %e.reason, detail = %e.detail, attempts, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    let detail = if attempts > 1 {
                        format!("{} (after {attempts} attempts)", e.detail)
                    } else {
                        e.detail
                    };
                    return Err(FetchError {
                        reason: e.reason,
                        detail,
                    });
                }
            }
        }
    }

    /// Fetches a listing answer's body (the caller parses it).
    pub async fn listing(
        &self,
        gate: &RateLimiter,
        url: &Url,
        api_key: Option<&str>,
    ) -> Result<Vec<u8>, FetchError> {
        self.with_retry(gate, || async {
            let mut request = self.client.get(url.clone()).timeout(self.request_timeout);
            if let Some(key) = api_key {
                request = request.header("x-api-key", key);
            }
            let response = request
                .send()
                .await
                .map_err(|e| AttemptError::from_reqwest(&e, false))?;
            if !response.status().is_success() {
                return Err(AttemptError::from_status(&response));
            }
            let mut body = Vec::new();
            let mut stream = response.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| AttemptError::from_reqwest(&e, true))?;
                if body.len() + chunk.len() > MAX_LISTING_BYTES {
                    return Err(AttemptError::fatal(
                        FailureReason::InvalidListing,
                        format!("listing from {url} exceeds {MAX_LISTING_BYTES} bytes"),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        })
        .await
    }

    /// Downloads one image into a temp file and checks it.
    pub async fn image(&self, gate: &RateLimiter, url: &Url) -> Result<Downloaded, FetchError> {
        self.with_retry(gate, || self.image_attempt(url)).await
    }

    async fn image_attempt(&self, url: &Url) -> Result<Downloaded, AttemptError> {
        let response = self
            .client
            .get(url.clone())
            .timeout(self.request_timeout)
            .send()
            .await
            .map_err(|e| AttemptError::from_reqwest(&e, false))?;
        if !response.status().is_success() {
            return Err(AttemptError::from_status(&response));
        }
        let too_large = |n: u64| {
            AttemptError::fatal(
                FailureReason::TooLarge,
                format!(
                    "{url} is {n} bytes or more, above max_image_bytes = {}",
                    self.max_image_bytes
                ),
            )
        };
        let announced = response.content_length();
        if let Some(n) = announced.filter(|n| *n > self.max_image_bytes) {
            return Err(too_large(n));
        }

        let staging_error = |e: std::io::Error| {
            AttemptError::fatal(
                FailureReason::Storage,
                format!(
                    "cannot stage the download in {}: {e}",
                    self.temp_dir.display()
                ),
            )
        };
        let temp = tempfile::Builder::new()
            .prefix("petadota-ingest-")
            .tempfile_in(&self.temp_dir)
            .map_err(staging_error)?;
        let (std_file, path) = temp.into_parts();
        let mut file =
            tokio::io::BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(std_file));

        let mut hasher = Sha256::new();
        let mut prefix: Vec<u8> = Vec::new();
        let mut kind = None;
        let mut total: u64 = 0;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| AttemptError::from_reqwest(&e, true))?;
            total += chunk.len() as u64;
            if total > self.max_image_bytes {
                return Err(too_large(total));
            }
            if prefix.len() < HEADER_PREFIX_LIMIT {
                let room = HEADER_PREFIX_LIMIT - prefix.len();
                prefix.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            if kind.is_none() && prefix.len() >= SNIFF_LEN {
                kind = Some(sniff_or_refuse(&prefix, url)?);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(staging_error)?;
        }
        if let Some(n) = announced.filter(|n| *n != total) {
            return Err(AttemptError::retry(
                FailureReason::Truncated,
                format!("{url} announced {n} bytes but sent {total}"),
            ));
        }
        let kind = match kind {
            Some(kind) => kind,
            None => sniff_or_refuse(&prefix, url)?,
        };
        let dimensions = sniff::dimensions(kind, &prefix).map_err(|e| {
            let detail = match e {
                HeaderError::Incomplete(_) if (prefix.len() as u64) == total => {
                    format!("{url}: the {kind} header is cut short ({total} bytes)")
                }
                e => format!("{url}: {e}"),
            };
            AttemptError::fatal(FailureReason::BadHeader, detail)
        })?;
        file.flush().await.map_err(staging_error)?;
        Ok(Downloaded {
            file: path,
            sha256: hasher.finalize().into(),
            bytes: total,
            kind,
            dimensions,
        })
    }
}

fn sniff_or_refuse(prefix: &[u8], url: &Url) -> Result<ImageKind, AttemptError> {
    sniff::sniff(prefix).ok_or_else(|| {
        let shown: String = String::from_utf8_lossy(&prefix[..prefix.len().min(40)])
            .chars()
            .map(|c| if c.is_control() { '.' } else { c })
            .collect();
        AttemptError::fatal(
            FailureReason::NotImage,
            format!("{url} is not a JPEG, PNG, GIF or WebP (starts with {shown:?})"),
        )
    })
}
