//! The binary the playbook deploys: this very executable (or one given), staged beside the
//! playbook with its SHA-256 so the hosts can verify what they install.

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::Path;

/// Copies `binary` to `<ansible dir>/files/petadota` and writes `files/petadota.sha256` in
/// `sha256sum` format. Returns the hex digest.
pub fn stage_binary(binary: &Path, ansible_dir: &Path) -> anyhow::Result<String> {
    let files = ansible_dir.join("files");
    std::fs::create_dir_all(&files)
        .with_context(|| format!("cannot create {}", files.display()))?;
    let target = files.join("petadota");
    let temporary = files.join(".petadota.petadota-tmp");
    std::fs::copy(binary, &temporary).with_context(|| {
        format!(
            "cannot copy {} to {}",
            binary.display(),
            temporary.display()
        )
    })?;
    let digest = sha256_file(&temporary)?;
    std::fs::rename(&temporary, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    std::fs::write(
        files.join("petadota.sha256"),
        format!("{digest}  petadota\n"),
    )
    .context("cannot write petadota.sha256")?;
    Ok(digest)
}

/// The SHA-256 of a file, read in blocks.
pub fn sha256_file(path: &Path) -> anyhow::Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
