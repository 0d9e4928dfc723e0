//! One apply or destroy per stack at a time.

use anyhow::{Context as _, bail};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Held for the whole run; the operating system releases it when the process ends, even on a
/// crash, so a stale lock never needs cleaning up by hand.
#[derive(Debug)]
pub struct StackLock {
    _file: File,
    path: PathBuf,
}

impl StackLock {
    /// Takes the lock of `stack` under `root`, failing at once if another run holds it.
    pub fn acquire(root: &Path, stack: &str) -> anyhow::Result<StackLock> {
        let dir = root.join("terraform-out").join(stack);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(".petadota.lock");
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => bail!(
                "another petadota apply or destroy of stack `{stack}` is running (it holds {})\n  hint: wait for it to finish; the lock is released when that process exits",
                path.display()
            ),
            Err(TryLockError::Error(error)) => {
                return Err(error).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        file.set_len(0)?;
        writeln!(file, "pid {}", std::process::id())?;
        Ok(StackLock { _file: file, path })
    }

    /// Where the lock lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::StackLock;

    #[test]
    fn a_second_lock_on_the_same_stack_fails_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = StackLock::acquire(dir.path(), "dev").expect("first lock");
        let error = StackLock::acquire(dir.path(), "dev")
            .expect_err("second lock")
            .to_string();
        assert!(
            error.contains("another petadota apply or destroy of stack `dev` is running"),
            "{error}"
        );
        StackLock::acquire(dir.path(), "prod").expect("other stacks are independent");
        drop(first);
        StackLock::acquire(dir.path(), "dev").expect("released");
    }
}
