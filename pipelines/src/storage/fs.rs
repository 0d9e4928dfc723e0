//! The filesystem store: `{dir}/{key}` plus a `{key}.json` sidecar with the metadata.
//! Each file is written under a temporary name and renamed into place, so a killed run never
//! leaves a partial object under its real name. A staged download on the same filesystem is
//! renamed, not copied: no second write, and no deleted inode per image (ext4 pays for those
//! when it allocates the next one).

use super::{ObjectKey, ObjectMeta, StorageError};
use std::path::{Path, PathBuf};

/// The hidden directory under the store where downloads are staged by default (same
/// filesystem, so storing is a rename).
pub const STAGING_DIR: &str = ".staging";

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
        let source = source.to_owned();
        let key = key.as_str().to_owned();
        let json = serde_json::to_vec_pretty(meta).unwrap_or_default();
        // One trip to the blocking pool for the whole sequence, not one per call.
        tokio::task::spawn_blocking(move || put_blocking(&path, &source, &json))
            .await
            .unwrap_or_else(|e| {
                Err(StorageError::Io {
                    what: "the writer thread failed for",
                    path: key,
                    source: std::io::Error::other(e),
                })
            })
    }

    pub(super) fn uri(&self, key: &ObjectKey) -> String {
        format!("file://{}", self.path(key).display())
    }
}

/// Sidecar first, then the object, each staged and renamed, so an object that exists is
/// complete and has its metadata.
fn put_blocking(path: &Path, source: &Path, json: &[u8]) -> Result<(), StorageError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io("cannot create the directory", parent))?;
    }
    let sidecar = PathBuf::from(format!("{}.json", path.display()));
    write_staged(&sidecar, |staged| {
        std::fs::write(staged, json).map_err(io("cannot write", staged))
    })?;
    // Durable before the row that points at it is committed.
    let file = std::fs::File::open(source).map_err(io("cannot reopen", source))?;
    file.sync_data().map_err(io("cannot sync", source))?;
    drop(file);
    // Temp files are created 0600; objects are ordinary readable files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(source, std::fs::Permissions::from_mode(0o644))
            .map_err(io("cannot set permissions of", source))?;
    }
    match std::fs::rename(source, path) {
        Ok(()) => Ok(()),
        // Another filesystem (a separate temp_dir): copy, then rename.
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => write_staged(path, |staged| {
            std::fs::copy(source, staged).map_err(io("cannot copy into", staged))?;
            let file = std::fs::File::open(staged).map_err(io("cannot reopen", staged))?;
            file.sync_data().map_err(io("cannot sync", staged))
        }),
        Err(e) => Err(io("cannot rename into place", path)(e)),
    }
}

/// Writes `target` under a staging name with `write`, then renames it into place; the
/// staging file is removed if anything fails.
fn write_staged(
    target: &Path,
    write: impl FnOnce(&Path) -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    let staged = staging_name(target);
    let result = write(&staged).and_then(|()| {
        std::fs::rename(&staged, target).map_err(io("cannot rename into place", target))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    result
}

/// A unique hidden name beside `path`, so concurrent writers of the same key never collide.
fn staging_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial-{:016x}", rand::random::<u64>()))
}
