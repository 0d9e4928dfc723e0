//! One function per subcommand: arguments in, an exit status out.

mod apply;
mod inventory;
mod plan;
mod render;
mod validate;

pub use apply::{ApplyOptions, apply, destroy};
pub use inventory::inventory;
pub use plan::plan;
pub use render::render;
pub use validate::validate;

use crate::cli::StackArgs;
use crate::render::Rendered;
use crate::stack::Stack;
use std::collections::BTreeMap;
use std::path::Path;

/// How a successful command ended, mapped to exit codes by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// Changes pending (plan) or files stale (render --check): exit 2 for plan, 1 for check.
    Changes,
}

/// Loads, validates and renders the stack of `args`.
fn load_and_render(args: &StackArgs) -> anyhow::Result<(Stack, Rendered)> {
    let stack = Stack::load(&args.stack)?;
    let rendered = crate::render::render(&stack)?;
    Ok((stack, rendered))
}

/// The directories a stack's generated files live in, relative to the project root.
fn output_dirs(stack: &Stack) -> Vec<String> {
    vec![
        format!("terraform-out/{}", stack.name),
        format!("ansible-out/{}", stack.name),
    ]
}

/// The generated files currently on disk for `stack`.
fn files_on_disk(root: &Path, stack: &Stack) -> anyhow::Result<BTreeMap<String, String>> {
    let mut tree = BTreeMap::new();
    for dir in output_dirs(stack) {
        crate::plan::read_tree(root, &dir, &mut tree)?;
    }
    Ok(tree)
}
