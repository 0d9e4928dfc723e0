//! Parsing `--storage`: `gs://bucket/prefix` or `file://dir`.

use std::path::PathBuf;

/// Where images go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageTarget {
    /// A GCS bucket, with an optional prefix (no leading or trailing `/`).
    Gcs { bucket: String, prefix: String },
    /// A local directory (relative paths are relative to the working directory).
    Fs { dir: PathBuf },
}

/// A storage URI that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("storage {0:?} is neither gs://bucket[/prefix] nor file://dir")]
    Scheme(String),
    #[error("storage {0:?}: the bucket name is empty or not a valid GCS bucket name")]
    Bucket(String),
    #[error("storage {0:?}: the directory is empty")]
    EmptyDir(String),
}

impl StorageTarget {
    /// Parses a storage URI. `file://images` is the relative directory `images`;
    /// `file:///var/lib/x` is absolute.
    pub fn parse(uri: &str) -> Result<Self, TargetError> {
        if let Some(rest) = uri.strip_prefix("gs://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid = (3..=222).contains(&bucket.len())
                && bucket
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
                && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
                && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
            if !valid {
                return Err(TargetError::Bucket(uri.to_owned()));
            }
            let prefix = prefix
                .split('/')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("/");
            Ok(Self::Gcs {
                bucket: bucket.to_owned(),
                prefix,
            })
        } else if let Some(dir) = uri.strip_prefix("file://") {
            if dir.is_empty() {
                return Err(TargetError::EmptyDir(uri.to_owned()));
            }
            Ok(Self::Fs { dir: dir.into() })
        } else {
            Err(TargetError::Scheme(uri.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_schemes() {
        assert_eq!(
            StorageTarget::parse("gs://petadota-prod-images/raw/v1/").unwrap(),
            StorageTarget::Gcs {
                bucket: "petadota-prod-images".into(),
                prefix: "raw/v1".into()
            }
        );
        assert_eq!(
            StorageTarget::parse("gs://bucket").unwrap(),
            StorageTarget::Gcs {
                bucket: "bucket".into(),
                prefix: String::new()
            }
        );
        assert_eq!(
            StorageTarget::parse("file:///tmp/x").unwrap(),
            StorageTarget::Fs {
                dir: "/tmp/x".into()
            }
        );
        assert_eq!(
            StorageTarget::parse("file://images").unwrap(),
            StorageTarget::Fs {
                dir: "images".into()
            }
        );
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        assert!(matches!(
            StorageTarget::parse("s3://b"),
            Err(TargetError::Scheme(_))
        ));
        assert!(matches!(
            StorageTarget::parse("gs://"),
            Err(TargetError::Bucket(_))
        ));
        assert!(matches!(
            StorageTarget::parse("gs://Bad_Bucket"),
            Err(TargetError::Bucket(_))
        ));
        assert!(matches!(
            StorageTarget::parse("file://"),
            Err(TargetError::EmptyDir(_))
        ));
    }
}
