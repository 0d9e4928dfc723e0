//! Object storage for the images: Google Cloud Storage in production, a local directory for
//! trying the pipeline on a laptop. Objects are content-addressed
//! (`{species}/{breed}/{sha256}.{ext}`), so writing one twice is harmless, and a write is
//! all-or-nothing, so an object that exists is complete.

pub mod fs;
pub mod gcs;
mod target;

pub use target::{StorageTarget, TargetError};

use std::path::Path;

/// Where an object lives inside the bucket or directory (without any configured prefix).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

impl ObjectKey {
    /// `{species}/{breed}/{sha256}.{ext}`. The parts must already be safe path segments
    /// (the sources slug breeds; species, hash and extension come from this program).
    pub fn new(species: &str, breed: &str, sha256_hex: &str, extension: &str) -> Self {
        Self(format!("{species}/{breed}/{sha256_hex}.{extension}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is stored with an object besides its bytes, so a bucket listing alone says what an
/// object is and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ObjectMeta {
    pub content_type: &'static str,
    pub sha256: String,
    pub species: String,
    pub breed: String,
    pub source: String,
    pub source_url: String,
    pub width: u32,
    pub height: u32,
}

/// Why storage failed; each says which object and backend.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("filesystem store: {what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("GCS: {0}")]
    Gcs(#[from] gcs::GcsError),
}

/// The configured object store.
#[derive(Debug)]
pub enum ObjectStore {
    Fs(fs::FsStore),
    Gcs(gcs::GcsStore),
}

impl ObjectStore {
    /// Opens the store a target names: creates the directory, or sets up GCS credentials.
    pub async fn open(
        target: &StorageTarget,
        gcs: &gcs::GcsSettings,
    ) -> Result<Self, StorageError> {
        Ok(match target {
            StorageTarget::Fs { dir } => Self::Fs(fs::FsStore::open(dir).await?),
            StorageTarget::Gcs { bucket, prefix } => {
                Self::Gcs(gcs::GcsStore::open(bucket, prefix, gcs).await?)
            }
        })
    }

    /// Whether a complete object exists under `key`.
    pub async fn exists(&self, key: &ObjectKey) -> Result<bool, StorageError> {
        match self {
            Self::Fs(store) => store.exists(key).await,
            Self::Gcs(store) => Ok(store.exists(key).await?),
        }
    }

    /// Streams the file at `path` (`len` bytes) into the object `key`. Writing an object that
    /// already exists is not an error: keys are content hashes, so it holds the same bytes.
    /// The filesystem store may move the file into place, so `path` is gone afterwards.
    pub async fn put_file(
        &self,
        key: &ObjectKey,
        path: &Path,
        len: u64,
        meta: &ObjectMeta,
    ) -> Result<(), StorageError> {
        match self {
            Self::Fs(store) => store.put_file(key, path, meta).await,
            Self::Gcs(store) => Ok(store.put_file(key, path, len, meta).await?),
        }
    }

    /// The URI recorded in `images.object_uri`: `gs://bucket/prefix/key` or `file:///dir/key`.
    pub fn uri(&self, key: &ObjectKey) -> String {
        match self {
            Self::Fs(store) => store.uri(key),
            Self::Gcs(store) => store.uri(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_species_breed_hash_extension() {
        assert_eq!(
            ObjectKey::new("dog", "hound-afghan", "ab12", "jpg").as_str(),
            "dog/hound-afghan/ab12.jpg"
        );
    }
}
