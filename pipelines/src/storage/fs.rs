//! The filesystem store: `{dir}/{key}` plus a `{key}.json` sidecar with the metadata.
//! Each file is written under a temporary name and renamed into place, so a killed run never
//! leaves a partial object under its real name.

use super::{ObjectKey, ObjectMeta, StorageError};
use std::path::{Path, PathBuf};

/// A directory of objects.
#[derive(Debug)]
pub struct FsStore {
    root: PathBuf,
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StorageError {
    let path = path.display().to_string();
    move |source| StorageError::Io { what, path, source }
}

impl FsStore {
    /// Creates the directory if needed and resolves it to an absolute path for the URIs.
    pub async fn open(dir: &Path) -> Result<Self, StorageError> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(io("cannot create the directory", dir))?;
        let root = tokio::fs::canonicalize(dir)
            .await
            .map_err(io("cannot resolve the directory", dir))?;
        Ok(Self { root })
    }

    fn path(&self, key: &ObjectKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    pub(super) async fn exists(&self, key: &ObjectKey) -> Result<bool, StorageError> {
        let path = self.path(key);
        tokio::fs::try_exists(&path)
            .await
            .map_err(io("cannot check", &path))
    }

    pub(super) async fn put_file(
        &self,
        key: &ObjectKey,
        source: &Path,
        meta: &ObjectMeta,
    ) -> Result<(), StorageError> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io("cannot create the directory", parent))?;
        }
        let sidecar = PathBuf::from(format!("{}.json", path.display()));
        let json = serde_json::to_vec_pretty(meta).unwrap_or_default();
        let staged = staging_name(&sidecar);
        tokio::fs::write(&staged, json)
            .await
            .map_err(io("cannot write", &staged))?;
        tokio::fs::rename(&staged, &sidecar)
            .await
            .map_err(io("cannot rename into place", &sidecar))?;

        let staged = staging_name(&path);
        let result = async {
            tokio::fs::copy(source, &staged)
                .await
                .map_err(io("cannot copy into", &staged))?;
            let file = tokio::fs::File::open(&staged)
                .await
                .map_err(io("cannot reopen", &staged))?;
            file.sync_data().await.map_err(io("cannot sync", &staged))?;
            tokio::fs::rename(&staged, &path)
                .await
                .map_err(io("cannot rename into place", &path))
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&staged).await;
        }
        result
    }

    pub(super) fn uri(&self, key: &ObjectKey) -> String {
        format!("file://{}", self.path(key).display())
    }
}

/// A unique hidden name beside `path`, so concurrent writers of the same key never collide.
fn staging_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial-{:016x}", rand::random::<u64>()))
}
