//! `petadota render STACK [--check]`

use super::{Outcome, files_on_disk, load_and_render};
use crate::cli::StackArgs;
use anyhow::Context as _;
use similar::TextDiff;
use std::collections::BTreeMap;
use std::path::Path;

/// Writes the rendered files, removing generated files the stack no longer produces; with
/// `check`, writes nothing and prints a unified diff of what is stale.
pub fn render(args: &StackArgs, check: bool) -> anyhow::Result<Outcome> {
    let (stack, rendered) = load_and_render(args)?;
    let on_disk = files_on_disk(&args.root, &stack)?;
    if check {
        let diff = unified_diff(&on_disk, rendered.files());
        if diff.is_empty() {
            println!("generated files of stack `{}` are up to date", stack.name);
            return Ok(Outcome::Clean);
        }
        print!("{diff}");
        eprintln!(
            "error: the generated files of stack `{}` are stale\n  hint: run `petadota render {}` and commit the result",
            stack.name,
            args.stack.display()
        );
        return Ok(Outcome::Changes);
    }
    let mut written = 0;
    for (path, contents) in rendered.files() {
        if on_disk.get(path) != Some(contents) {
            write_atomically(&args.root.join(path), contents)?;
            written += 1;
        }
    }
    let mut removed = 0;
    for path in on_disk
        .keys()
        .filter(|path| !rendered.files().contains_key(*path))
    {
        let full = args.root.join(path);
        std::fs::remove_file(&full)
            .with_context(|| format!("cannot remove stale file {}", full.display()))?;
        removed += 1;
    }
    println!(
        "rendered stack `{}`: {} file(s), {written} written, {removed} removed, {} unchanged",
        stack.name,
        rendered.files().len(),
        rendered.files().len() - written
    );
    Ok(Outcome::Clean)
}

/// Writes through a temporary file and a rename, so a crash never leaves a half-written file.
pub(crate) fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .context("a generated file has a parent directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{file_name}.petadota-tmp"));
    std::fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// A unified diff of every file that differs, with `a/` (disk) and `b/` (rendered) headers.
pub(crate) fn unified_diff(
    on_disk: &BTreeMap<String, String>,
    rendered: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    let paths: std::collections::BTreeSet<&String> =
        on_disk.keys().chain(rendered.keys()).collect();
    for path in paths {
        let old = on_disk.get(path).map_or("", String::as_str);
        let new = rendered.get(path).map_or("", String::as_str);
        if old == new && on_disk.contains_key(path) == rendered.contains_key(path) {
            continue;
        }
        let old_name = if on_disk.contains_key(path) {
            format!("a/{path}")
        } else {
            "/dev/null".to_owned()
        };
        let new_name = if rendered.contains_key(path) {
            format!("b/{path}")
        } else {
            "/dev/null".to_owned()
        };
        out.push_str(
            &TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &new_name)
                .to_string(),
        );
    }
    out
}
