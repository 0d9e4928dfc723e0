//! `petadota render STACK [--check]`

use super::{Outcome, files_on_disk, load_and_render};
use crate::cli::StackArgs;
use similar::TextDiff;
use std::collections::BTreeMap;

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
    let summary = crate::apply::write::write_tree(&args.root, rendered.files(), &on_disk)?;
    println!(
        "rendered stack `{}`: {} file(s), {} written, {} removed, {} unchanged",
        stack.name,
        rendered.files().len(),
        summary.written,
        summary.removed,
        rendered.files().len() - summary.written
    );
    Ok(Outcome::Clean)
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
