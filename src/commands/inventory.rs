//! `petadota inventory STACK [--outputs FILE]`

use super::Outcome;
use crate::apply::tools::{self, Tool};
use crate::cli::StackArgs;
use crate::render::ansible::inventory;
use crate::stack::Stack;
use anyhow::Context as _;
use std::path::Path;

/// Builds ansible-out/<stack>/inventory.yml from Terraform's outputs.
pub fn inventory(args: &StackArgs, outputs: Option<&Path>) -> anyhow::Result<Outcome> {
    let stack = Stack::load(&args.stack)?;
    let json = match outputs {
        Some(file) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the Terraform outputs {}", file.display()))?,
        None => tools::capture(
            Tool::Terraform,
            &args.root.join(format!("terraform-out/{}", stack.name)),
            ["output", "-json"],
        )?,
    };
    let path = write_inventory(&args.root, &stack, &json)?;
    println!("wrote {}", path.display());
    Ok(Outcome::Clean)
}

/// Writes the inventory for `stack` from `json` and returns its path.
pub(crate) fn write_inventory(
    root: &Path,
    stack: &Stack,
    json: &str,
) -> anyhow::Result<std::path::PathBuf> {
    let yaml = inventory::from_terraform_outputs(json)?;
    let path = root.join(format!("ansible-out/{}/inventory.yml", stack.name));
    let mut tree = std::collections::BTreeMap::new();
    let relative = format!("ansible-out/{}/inventory.yml", stack.name);
    tree.insert(relative, yaml);
    crate::apply::write::write_tree(root, &tree, &std::collections::BTreeMap::new())?;
    Ok(path)
}
