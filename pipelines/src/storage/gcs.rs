//! Google Cloud Storage through its JSON API with reqwest: a multipart upload whose media part
//! is streamed from the downloaded temp file (never the whole batch in memory), with
//! `ifGenerationMatch=0` so an existing object is left alone. Tokens come from gcp_auth (the
//! VM's service account, Application Default Credentials, or a key file); an emulator
//! endpoint runs without them.

use super::{ObjectKey, ObjectMeta};
use crate::ingest::retry::{RetryPolicy, is_retryable_status};
use futures_util::StreamExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::io::ReaderStream;

/// The production endpoint of the JSON API.
pub const GOOGLE_ENDPOINT: &str = "https://storage.googleapis.com";
/// Percent-encoding of a path segment: everything but RFC 3986 unreserved characters (so `/`
/// in object names is encoded, as the JSON API requires).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
const SCOPE: &str = "https://www.googleapis.com/auth/devstorage.read_write";

/// How to reach GCS.
#[derive(Debug, Clone, PartialEq)]
pub struct GcsSettings {
    /// The JSON API base URL; an emulator's (`http://127.0.0.1:PORT`) in tests.
    pub endpoint: String,
    /// A service-account key file; without it, Application Default Credentials or the VM's
    /// metadata server are used.
    pub credentials_file: Option<PathBuf>,
    /// Send no `Authorization` header (for an emulator).
    pub anonymous: bool,
    /// Per-request timeout of uploads and existence checks.
    pub timeout: Duration,
}

impl Default for GcsSettings {
    fn default() -> Self {
        Self {
            endpoint: GOOGLE_ENDPOINT.to_owned(),
            credentials_file: None,
            anonymous: false,
            timeout: Duration::from_secs(60),
        }
    }
}

/// What went wrong talking to GCS.
#[derive(Debug, thiserror::Error)]
pub enum GcsError {
    #[error(
        "cannot get GCS credentials ({0}); on a VM attach a service account, elsewhere run \
         `gcloud auth application-default login` or set gcs_credentials_file"
    )]
    Auth(#[source] gcp_auth::Error),
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("{what} gs://{bucket}/{key}: {source}")]
    Transport {
        what: &'static str,
        bucket: String,
        key: String,
        source: reqwest::Error,
    },
    #[error("{what} gs://{bucket}/{key}: HTTP {status}: {body}")]
    Status {
        what: &'static str,
        bucket: String,
        key: String,
        status: u16,
        body: String,
    },
    #[error("cannot read the staged file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// A bucket (and prefix) in GCS.
pub struct GcsStore {
    client: reqwest::Client,
    endpoint: String,
    bucket: String,
    prefix: String,
    auth: Option<Arc<dyn gcp_auth::TokenProvider>>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for GcsStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GcsStore")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("authenticated", &self.auth.is_some())
            .finish()
    }
}

impl GcsStore {
    /// Resolves credentials (unless anonymous) and builds the client.
    pub async fn open(
        bucket: &str,
        prefix: &str,
        settings: &GcsSettings,
    ) -> Result<Self, GcsError> {
        let auth: Option<Arc<dyn gcp_auth::TokenProvider>> = if settings.anonymous {
            None
        } else if let Some(file) = &settings.credentials_file {
            Some(Arc::new(
                gcp_auth::CustomServiceAccount::from_file(file).map_err(GcsError::Auth)?,
            ))
        } else {
            Some(gcp_auth::provider().await.map_err(GcsError::Auth)?)
        };
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .map_err(GcsError::Client)?;
        Ok(Self {
            client,
            endpoint: settings.endpoint.trim_end_matches('/').to_owned(),
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            auth,
            retry: RetryPolicy::default(),
        })
    }

    fn name(&self, key: &ObjectKey) -> String {
        if self.prefix.is_empty() {
            key.as_str().to_owned()
        } else {
            format!("{}/{}", self.prefix, key.as_str())
        }
    }

    pub(super) fn uri(&self, key: &ObjectKey) -> String {
        format!("gs://{}/{}", self.bucket, self.name(key))
    }

    async fn authorize(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, GcsError> {
        match &self.auth {
            None => Ok(request),
            Some(provider) => {
                let token = provider.token(&[SCOPE]).await.map_err(GcsError::Auth)?;
                Ok(request.bearer_auth(token.as_str()))
            }
        }
    }

    fn transport(
        &self,
        what: &'static str,
        key: &ObjectKey,
    ) -> impl FnOnce(reqwest::Error) -> GcsError {
        let (bucket, key) = (self.bucket.clone(), self.name(key));
        move |source| GcsError::Transport {
            what,
            bucket,
            key,
            source,
        }
    }

    async fn status_error(
        &self,
        what: &'static str,
        key: &ObjectKey,
        response: reqwest::Response,
    ) -> GcsError {
        let status = response.status().as_u16();
        let mut body = response.text().await.unwrap_or_default();
        body.truncate(500);
        GcsError::Status {
            what,
            bucket: self.bucket.clone(),
            key: self.name(key),
            status,
            body,
        }
    }

    pub(super) async fn exists(&self, key: &ObjectKey) -> Result<bool, GcsError> {
        let url = format!(
            "{}/storage/v1/b/{}/o/{}",
            self.endpoint,
            utf8_percent_encode(&self.bucket, SEGMENT),
            utf8_percent_encode(&self.name(key), SEGMENT)
        );
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = self.authorize(self.client.get(&url)).await?;
            let outcome = request.send().await;
            match outcome {
                Ok(r) if r.status().is_success() => return Ok(true),
                // The emulator answers 404 with an empty body, so only the status is read.
                Ok(r) if r.status().as_u16() == 404 => return Ok(false),
                Ok(r)
                    if is_retryable_status(r.status().as_u16())
                        && self.retry.allows_retry_after(attempt) => {}
                Ok(r) => return Err(self.status_error("checking", key, r).await),
                Err(e)
                    if self.retry.allows_retry_after(attempt)
                        && (e.is_timeout() || e.is_connect()) => {}
                Err(e) => return Err(self.transport("checking", key)(e)),
            }
            tokio::time::sleep(self.retry.delay(attempt, None, rand::random())).await;
        }
    }

    pub(super) async fn put_file(
        &self,
        key: &ObjectKey,
        path: &Path,
        len: u64,
        meta: &ObjectMeta,
    ) -> Result<(), GcsError> {
        let url = format!(
            "{}/upload/storage/v1/b/{}/o?uploadType=multipart&ifGenerationMatch=0",
            self.endpoint,
            utf8_percent_encode(&self.bucket, SEGMENT),
        );
        let boundary = format!("petadota-{:032x}", rand::random::<u128>());
        let resource = serde_json::json!({
            "name": self.name(key),
            "contentType": meta.content_type,
            "metadata": {
                "sha256": meta.sha256,
                "species": meta.species,
                "breed": meta.breed,
                "source": meta.source,
                "source_url": meta.source_url,
                "width": meta.width.to_string(),
                "height": meta.height.to_string(),
            },
        });
        let head = format!(
            "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{resource}\r\n\
             --{boundary}\r\nContent-Type: {}\r\n\r\n",
            meta.content_type
        );
        let tail = format!("\r\n--{boundary}--\r\n");
        let total = head.len() as u64 + len + tail.len() as u64;

        let mut attempt = 0;
        loop {
            attempt += 1;
            let file = tokio::fs::File::open(path)
                .await
                .map_err(|source| GcsError::File {
                    path: path.display().to_string(),
                    source,
                })?;
            let body = futures_util::stream::iter([Ok(bytes::Bytes::from(head.clone()))])
                .chain(ReaderStream::new(file))
                .chain(futures_util::stream::iter([Ok(bytes::Bytes::from(
                    tail.clone(),
                ))]));
            let request = self
                .client
                .post(&url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    format!("multipart/related; boundary={boundary}"),
                )
                .header(reqwest::header::CONTENT_LENGTH, total)
                .body(reqwest::Body::wrap_stream(body));
            let outcome = self.authorize(request).await?.send().await;
            match outcome {
                Ok(r) if r.status().is_success() => return Ok(()),
                // ifGenerationMatch=0 failed: the object exists, and being content-addressed
                // it already holds these bytes.
                Ok(r) if r.status().as_u16() == 412 => return Ok(()),
                Ok(r)
                    if is_retryable_status(r.status().as_u16())
                        && self.retry.allows_retry_after(attempt) => {}
                Ok(r) => return Err(self.status_error("uploading", key, r).await),
                Err(e)
                    if self.retry.allows_retry_after(attempt)
                        && (e.is_timeout() || e.is_connect()) => {}
                Err(e) => return Err(self.transport("uploading", key)(e)),
            }
            tokio::time::sleep(self.retry.delay(attempt, None, rand::random())).await;
        }
    }
}
