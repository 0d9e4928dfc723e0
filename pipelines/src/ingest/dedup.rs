//! Deduplication by content inside one run: the same picture under two URLs is downloaded
//! twice (its hash is unknown until then) but stored once. Across runs the unique `sha256`
//! column does the same job.

use std::collections::HashSet;
use std::sync::Mutex;

/// The content hashes this run has claimed.
#[derive(Debug, Default)]
pub struct SeenHashes {
    claimed: Mutex<HashSet<[u8; 32]>>,
}

impl SeenHashes {
    /// Claims a hash; `false` means another image of this run already has it.
    pub fn claim(&self, sha256: [u8; 32]) -> bool {
        self.lock().insert(sha256)
    }

    /// Gives a claim back after storing failed, so a later copy may try again.
    pub fn release(&self, sha256: &[u8; 32]) {
        self.lock().remove(sha256);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<[u8; 32]>> {
        // A panic while holding this lock cannot leave the set half-updated.
        self.claimed.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_claimed_once_until_released() {
        let seen = SeenHashes::default();
        assert!(seen.claim([1; 32]));
        assert!(!seen.claim([1; 32]));
        assert!(seen.claim([2; 32]));
        seen.release(&[1; 32]);
        assert!(seen.claim([1; 32]));
    }
}
