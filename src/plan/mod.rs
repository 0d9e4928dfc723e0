//! `plan`: what applying the stack would change in the generated files, resource by resource.

mod blocks;
mod diff;
mod display;

pub use blocks::{Block, BlockKind, parse as parse_blocks};
pub use diff::{Action, AttributeChange, BlockChange, FileChange, Plan, Summary};
pub use display::write;

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Reads the generated files under `root/dir` into a tree keyed like [`crate::render::Rendered`]
/// (relative to `root`). Hidden entries (`.terraform/`), Terraform state and lock files and the
/// staged binary are not generated output, so they are left out. A missing directory is empty.
pub fn read_tree(root: &Path, dir: &str, out: &mut BTreeMap<String, String>) -> io::Result<()> {
    let full = root.join(dir);
    let entries = match std::fs::read_dir(&full) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(io::Error::new(
                error.kind(),
                format!("{}: {error}", full.display()),
            ));
        }
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_generated(dir, &name) {
            continue;
        }
        let relative = format!("{dir}/{name}");
        if entry.file_type()?.is_dir() {
            read_tree(root, &relative, out)?;
        } else {
            let text = std::fs::read_to_string(entry.path()).map_err(|error| {
                io::Error::new(error.kind(), format!("{}: {error}", entry.path().display()))
            })?;
            out.insert(relative, text);
        }
    }
    Ok(())
}

/// Whether `dir/name` is something `render` owns. Hidden entries (`.terraform/`, the apply
/// lock), Terraform state, lock and override files (`*_override.tf`, Terraform's convention for
/// local overrides), the inventory built from Terraform's outputs and the staged binary are
/// not: render neither writes nor removes them.
fn is_generated(dir: &str, name: &str) -> bool {
    let at_stack_root = dir.matches('/').count() == 1;
    let in_ansible_root = at_stack_root && dir.starts_with("ansible-out/");
    !(name.starts_with('.')
        || name.contains(".tfstate")
        || name.ends_with(".lock.hcl")
        || name == "override.tf"
        || name.ends_with("_override.tf")
        || (at_stack_root && name == "files")
        || (in_ansible_root && name == "inventory.yml"))
}
