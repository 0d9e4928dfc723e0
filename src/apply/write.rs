//! Writing a rendered tree so that a failure leaves the previous files intact.
//!
//! Phase one writes every changed file to a temporary beside its target; if any write fails,
//! the temporaries are removed and nothing on disk has changed. Phase two renames them into
//! place (a rename within one directory does not fail for want of space) and removes the
//! generated files the stack no longer produces.

use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a tree write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files created or replaced.
    pub written: usize,
    /// Stale generated files removed.
    pub removed: usize,
}

/// Makes the generated files under `root` equal to `wanted`, given what is `on_disk` now.
pub fn write_tree(
    root: &Path,
    wanted: &BTreeMap<String, String>,
    on_disk: &BTreeMap<String, String>,
) -> anyhow::Result<WriteSummary> {
    let changed: Vec<(&String, &String)> = wanted
        .iter()
        .filter(|(path, text)| on_disk.get(*path) != Some(*text))
        .collect();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(changed.len());
    for (path, text) in &changed {
        match stage(&root.join(path), text) {
            Ok(pair) => staged.push(pair),
            Err(error) => {
                for (temporary, _) in &staged {
                    let _ = std::fs::remove_file(temporary);
                }
                return Err(error.context("nothing was changed on disk"));
            }
        }
    }
    for (temporary, target) in &staged {
        std::fs::rename(temporary, target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
    }
    let mut removed = 0;
    for path in on_disk.keys().filter(|path| !wanted.contains_key(*path)) {
        let full = root.join(path);
        std::fs::remove_file(&full)
            .with_context(|| format!("cannot remove stale file {}", full.display()))?;
        removed += 1;
    }
    Ok(WriteSummary {
        written: staged.len(),
        removed,
    })
}

fn stage(target: &Path, contents: &str) -> anyhow::Result<(PathBuf, PathBuf)> {
    let dir = target
        .parent()
        .context("a generated file has a parent directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.petadota-tmp"));
    std::fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    Ok((temporary, target.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("a")).expect("mkdir");
        std::fs::write(dir.path().join("a/one.tf"), "old").expect("write");
        // `b` is a file where the second write needs a directory.
        std::fs::write(dir.path().join("b"), "in the way").expect("write");
        let on_disk = tree(&[("a/one.tf", "old")]);
        let wanted = tree(&[("a/one.tf", "new"), ("b/two.tf", "new")]);
        let error = write_tree(dir.path(), &wanted, &on_disk).expect_err("b is not a directory");
        assert!(
            format!("{error:#}").contains("nothing was changed"),
            "{error:#}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/one.tf")).expect("read"),
            "old"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .expect("read dir")
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn writes_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("a")).expect("mkdir");
        std::fs::write(dir.path().join("a/same.tf"), "same").expect("write");
        std::fs::write(dir.path().join("a/stale.tf"), "stale").expect("write");
        let on_disk = tree(&[("a/same.tf", "same"), ("a/stale.tf", "stale")]);
        let wanted = tree(&[("a/same.tf", "same"), ("a/new.tf", "new")]);
        let summary = write_tree(dir.path(), &wanted, &on_disk).expect("writes");
        assert_eq!(
            summary,
            WriteSummary {
                written: 1,
                removed: 1
            }
        );
        assert!(!dir.path().join("a/stale.tf").exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/new.tf")).expect("read"),
            "new"
        );
    }
}
