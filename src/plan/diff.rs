//! The difference between the files a stack renders to and the files on disk, block by block
//! and attribute by attribute.

use super::blocks::{self, Block, BlockKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What happens to a block or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// It does not exist yet.
    Create,
    /// It exists with other attributes.
    Update,
    /// It exists and the stack no longer has it.
    Delete,
}

/// One attribute whose value differs; `None` when absent on that side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeChange {
    /// Flattened path, e.g. `boot_disk.initialize_params.size`.
    pub path: String,
    /// Value on disk.
    pub before: Option<String>,
    /// Value the stack renders.
    pub after: Option<String>,
}

/// A top-level block that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockChange {
    /// Terraform address.
    pub address: String,
    /// Resource, data source, output or setting.
    pub kind: BlockKind,
    /// Create, update or delete.
    pub action: Action,
    /// The attributes that differ (all of them for a create or delete).
    pub attributes: Vec<AttributeChange>,
}

/// A generated file that changes, for files that are not compared block by block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Path relative to the project root.
    pub path: String,
    /// Create, update or delete.
    pub action: Action,
    /// Why the file is compared as a whole, when it is a Terraform file that did not parse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Counts in the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Resources to create.
    pub add: usize,
    /// Resources to update.
    pub change: usize,
    /// Resources to delete.
    pub destroy: usize,
}

/// Everything that would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Resource counts.
    pub summary: Summary,
    /// Block changes: resources first, then data sources, outputs and settings.
    pub blocks: Vec<BlockChange>,
    /// Whole-file changes.
    pub files: Vec<FileChange>,
}

impl Plan {
    /// Whether applying would change nothing.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty() && self.files.is_empty()
    }

    /// Compares `wanted` (rendered) with `current` (on disk), both keyed by relative path.
    /// Identical files are skipped without parsing, so an unchanged stack costs one byte
    /// comparison per file.
    pub fn compute(wanted: &BTreeMap<String, String>, current: &BTreeMap<String, String>) -> Plan {
        let mut plan = Plan::default();
        let mut before: BTreeMap<String, Entry> = BTreeMap::new();
        let mut after: BTreeMap<String, Entry> = BTreeMap::new();
        let paths: BTreeSet<&String> = wanted.keys().chain(current.keys()).collect();
        for path in paths {
            let (new, old) = (wanted.get(path), current.get(path));
            if new == old {
                continue;
            }
            let action = match (old, new) {
                (None, _) => Action::Create,
                (_, None) => Action::Delete,
                _ => Action::Update,
            };
            if !path.ends_with(".tf") {
                plan.files.push(FileChange {
                    path: path.clone(),
                    action,
                    note: None,
                });
                continue;
            }
            let entries = (
                old.map(|text| entries(path, text)).transpose(),
                new.map(|text| entries(path, text)).transpose(),
            );
            match entries {
                (Ok(old_entries), Ok(new_entries)) => {
                    before.extend(old_entries.into_iter().flatten());
                    after.extend(new_entries.into_iter().flatten());
                }
                (Err(error), _) | (_, Err(error)) => {
                    let note = Some(format!("not valid HCL, compared as a whole: {error}"));
                    plan.files.push(FileChange {
                        path: path.clone(),
                        action,
                        note,
                    });
                }
            }
        }
        let addresses: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for address in addresses {
            let (old, new) = (before.get(address), after.get(address));
            if let (Some(Entry::Text { text: a, .. }), Some(Entry::Text { text: b, .. })) =
                (old, new)
                && a == b
            {
                continue;
            }
            match (
                old.map(Entry::block).transpose(),
                new.map(Entry::block).transpose(),
            ) {
                (Ok(old), Ok(new)) => plan.blocks.extend(block_change(old.as_ref(), new.as_ref())),
                (Err(note), _) | (_, Err(note)) => plan.files.push(note),
            }
        }
        plan.blocks
            .sort_by(|a, b| (a.kind, &a.address).cmp(&(b.kind, &b.address)));
        plan.files.sort_by(|a, b| a.path.cmp(&b.path));
        for change in plan.blocks.iter().filter(|c| c.kind == BlockKind::Resource) {
            match change.action {
                Action::Create => plan.summary.add += 1,
                Action::Update => plan.summary.change += 1,
                Action::Delete => plan.summary.destroy += 1,
            }
        }
        plan
    }
}

/// A top-level block of a changed file: its text when the file is canonical (parsed only if the
/// other side differs), or already parsed when the whole file had to be.
enum Entry<'a> {
    Text { path: &'a str, text: &'a str },
    Parsed(Block),
}

impl Entry<'_> {
    fn block(&self) -> Result<Block, FileChange> {
        match self {
            Entry::Parsed(block) => Ok(block.clone()),
            Entry::Text { path, text } => blocks::parse(text)
                .ok()
                .and_then(|mut parsed| (parsed.len() == 1).then(|| parsed.remove(0)))
                .ok_or_else(|| FileChange {
                    path: (*path).to_owned(),
                    action: Action::Update,
                    note: Some(
                        "a block is not valid HCL; the file is compared as a whole".to_owned(),
                    ),
                }),
        }
    }
}

fn entries<'a>(path: &'a str, text: &'a str) -> Result<Vec<(String, Entry<'a>)>, String> {
    if let Some(chunks) = blocks::split(text) {
        return Ok(chunks
            .into_iter()
            .map(|(address, text)| (address, Entry::Text { path, text }))
            .collect());
    }
    Ok(blocks::parse(text)?
        .into_iter()
        .map(|block| (block.address.clone(), Entry::Parsed(block)))
        .collect())
}

fn block_change(old: Option<&Block>, new: Option<&Block>) -> Option<BlockChange> {
    let (action, kind, address) = match (old, new) {
        (None, Some(new)) => (Action::Create, new.kind, &new.address),
        (Some(old), None) => (Action::Delete, old.kind, &old.address),
        (Some(old), Some(new)) if old.attributes != new.attributes => {
            (Action::Update, new.kind, &new.address)
        }
        _ => return None,
    };
    let empty = BTreeMap::new();
    let old_attributes = old.map_or(&empty, |b| &b.attributes);
    let new_attributes = new.map_or(&empty, |b| &b.attributes);
    let paths: std::collections::BTreeSet<&String> =
        old_attributes.keys().chain(new_attributes.keys()).collect();
    let attributes = paths
        .into_iter()
        .filter_map(|path| {
            let (before, after) = (old_attributes.get(path), new_attributes.get(path));
            (before != after).then(|| AttributeChange {
                path: path.clone(),
                before: before.cloned(),
                after: after.cloned(),
            })
        })
        .collect();
    Some(BlockChange {
        address: address.clone(),
        kind,
        action,
        attributes,
    })
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
    fn identical_trees_plan_nothing() {
        let files = tree(&[("t/a.tf", "resource \"x\" \"a\" {\n  n = 1\n}\n")]);
        assert!(Plan::compute(&files, &files).is_empty());
    }

    #[test]
    fn creates_updates_and_deletes_by_address_across_files() {
        let current = tree(&[
            (
                "t/a.tf",
                "resource \"x\" \"keep\" {\n  n = 1\n}\nresource \"x\" \"moved\" {\n  n = 1\n}\n",
            ),
            ("t/b.tf", "resource \"x\" \"gone\" {\n  n = 1\n}\n"),
            ("t/notes.txt", "old"),
        ]);
        let wanted = tree(&[
            (
                "t/a.tf",
                "resource \"x\" \"keep\" {\n  n = 2\n  m = \"new\"\n}\n",
            ),
            (
                "t/c.tf",
                "resource \"x\" \"moved\" {\n  n = 1\n}\nresource \"x\" \"added\" {\n  n = 1\n}\n",
            ),
        ]);
        let plan = Plan::compute(&wanted, &current);
        let actions: Vec<(&str, Action)> = plan
            .blocks
            .iter()
            .map(|c| (c.address.as_str(), c.action))
            .collect();
        assert_eq!(
            actions,
            [
                ("x.added", Action::Create),
                ("x.gone", Action::Delete),
                ("x.keep", Action::Update)
            ]
        );
        assert_eq!(
            plan.summary,
            Summary {
                add: 1,
                change: 1,
                destroy: 1
            }
        );
        assert_eq!(
            plan.blocks[2].attributes,
            [
                AttributeChange {
                    path: "m".into(),
                    before: None,
                    after: Some("\"new\"".into())
                },
                AttributeChange {
                    path: "n".into(),
                    before: Some("1".into()),
                    after: Some("2".into())
                },
            ]
        );
        assert_eq!(
            plan.files,
            [FileChange {
                path: "t/notes.txt".into(),
                action: Action::Delete,
                note: None
            }]
        );
    }

    #[test]
    fn an_unparseable_file_on_disk_is_replaced_whole() {
        let plan = Plan::compute(
            &tree(&[("t/a.tf", "terraform {}\n")]),
            &tree(&[("t/a.tf", "terraform {")]),
        );
        assert_eq!(plan.files.len(), 1);
        assert!(
            plan.files[0]
                .note
                .as_deref()
                .is_some_and(|n| n.contains("not valid HCL"))
        );
    }
}
