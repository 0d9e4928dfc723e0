//! Top-level HCL blocks flattened into `attribute path -> value text`, the unit a plan compares.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use std::collections::BTreeMap;

/// What kind of top-level block this is; the summary counts resources only, as Terraform does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// `resource "type" "name"`
    Resource,
    /// `data "type" "name"`
    Data,
    /// `output "name"`
    Output,
    /// `terraform`, `provider`, `locals`, `variable`, `module` and the like.
    Setting,
}

/// A top-level block: its address and its attributes, nested blocks flattened with dots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Terraform address: `google_compute_instance.kafka_1`, `data.google_project.this`,
    /// `output.hosts`, `provider.google`, `terraform`.
    pub address: String,
    /// The kind of block.
    pub kind: BlockKind,
    /// `boot_disk.initialize_params.size` -> `20`, in path order.
    pub attributes: BTreeMap<String, String>,
}

/// Parses HCL text into its top-level blocks.
pub fn parse(text: &str) -> Result<Vec<Block>, String> {
    let body: Body = hcl_edit::parser::parse_body(text).map_err(|error| error.to_string())?;
    let mut blocks = Vec::new();
    for structure in body.iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        let ident = block.ident.as_str();
        let labels: Vec<&str> = block.labels.iter().map(label_text).collect();
        let (kind, address) = match (ident, labels.as_slice()) {
            ("resource", [kind, name]) => (BlockKind::Resource, format!("{kind}.{name}")),
            ("data", [kind, name]) => (BlockKind::Data, format!("data.{kind}.{name}")),
            ("output", [name]) => (BlockKind::Output, format!("output.{name}")),
            (ident, labels) => (
                BlockKind::Setting,
                std::iter::once(ident)
                    .chain(labels.iter().copied())
                    .collect::<Vec<_>>()
                    .join("."),
            ),
        };
        let mut attributes = BTreeMap::new();
        flatten_body(&block.body, "", &mut attributes);
        blocks.push(Block {
            address,
            kind,
            attributes,
        });
    }
    Ok(blocks)
}

/// Splits canonical HCL (as `terraform fmt` and the renderer lay it out: a top-level block opens
/// on an unindented line ending in `{` and closes on a line that is exactly `}`) into
/// `(address, block text)` without parsing it. `None` when the text is not in that shape; the
/// caller then parses the whole file. This lets a plan parse only the blocks that differ.
pub fn split(text: &str) -> Option<Vec<(String, &str)>> {
    let mut chunks = Vec::new();
    let mut start: Option<(usize, String)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        match &start {
            None if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") => {
            }
            None => {
                let header = trimmed.strip_suffix('{')?;
                if header.starts_with(char::is_whitespace) {
                    return None;
                }
                start = Some((offset, header_address(header)?));
            }
            Some((begin, address)) if trimmed == "}" => {
                chunks.push((address.clone(), &text[*begin..offset + line.len()]));
                start = None;
            }
            Some(_) => {}
        }
        offset += line.len();
    }
    start.is_none().then_some(chunks)
}

/// `resource "a" "b"` -> `a.b`, with the same addressing as [`parse`]; `None` for anything
/// that is not plain identifiers and simple quoted labels.
fn header_address(header: &str) -> Option<String> {
    let mut words = Vec::new();
    for word in header.split_whitespace() {
        let word = match word.strip_prefix('"') {
            Some(rest) => rest
                .strip_suffix('"')
                .filter(|w| !w.contains(['"', '\\', '$', '%']))?,
            None => word,
        };
        if !word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return None;
        }
        words.push(word);
    }
    let (ident, labels) = words.split_first()?;
    Some(match (*ident, labels) {
        ("resource", [kind, name]) => format!("{kind}.{name}"),
        ("data", [kind, name]) => format!("data.{kind}.{name}"),
        ("output", [name]) => format!("output.{name}"),
        (ident, labels) => std::iter::once(ident)
            .chain(labels.iter().copied())
            .collect::<Vec<_>>()
            .join("."),
    })
}

fn label_text(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::Ident(ident) => ident.as_str(),
        BlockLabel::String(text) => text.as_str(),
    }
}

fn flatten_body(body: &Body, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut block_counts: BTreeMap<String, usize> = BTreeMap::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                flatten_value(
                    &attribute.value,
                    &format!("{prefix}{}", attribute.key.as_str()),
                    out,
                );
            }
            Structure::Block(block) => {
                let mut name = block.ident.as_str().to_owned();
                for label in &block.labels {
                    name.push('.');
                    name.push_str(label_text(label));
                }
                let index = block_counts.entry(name.clone()).or_insert(0);
                let path = if *index == 0 {
                    format!("{prefix}{name}")
                } else {
                    format!("{prefix}{name}[{index}]")
                };
                *index += 1;
                flatten_body(&block.body, &format!("{path}."), out);
            }
        }
    }
}

/// Objects are flattened key by key so a plan shows the one label that changed, not the map.
fn flatten_value(value: &Expression, path: &str, out: &mut BTreeMap<String, String>) {
    if let Expression::Object(object) = value
        && !object.is_empty()
    {
        for (key, item) in object.iter() {
            let key = match key {
                ObjectKey::Ident(ident) => ident.as_str().to_owned(),
                ObjectKey::Expression(Expression::String(text)) => text.as_str().to_owned(),
                ObjectKey::Expression(other) => compact(&other.to_string()),
            };
            flatten_value(item.expr(), &format!("{path}.{key}"), out);
        }
        return;
    }
    out.insert(path.to_owned(), compact(&value.to_string()));
}

/// One line, single spaces, no trailing commas before closing brackets: how a value reads in a
/// plan, whatever its layout in the file.
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut pending_space = false;
    for c in text.trim().chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if matches!(c, ']' | '}' | ')') && out.ends_with(',') {
            out.pop();
        }
        if pending_space
            && !out.is_empty()
            && !out.ends_with(['[', '{', '('])
            && !matches!(c, ']' | '}' | ')' | ',')
        {
            out.push(' ');
        }
        pending_space = false;
        if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_nested_blocks_objects_and_repeats() {
        let text = r#"
resource "google_compute_instance" "kafka_1" {
  name = "dev-kafka-1"
  metadata = {
    enable-oslogin = "TRUE"
  }
  boot_disk {
    initialize_params {
      size = 20
    }
  }
  allow { ports = ["22"] }
  allow {
    ports = [
      "80",
    ]
  }
}
output "hosts" {
  value = 1
}
terraform {
  required_version = ">= 1.5"
}
"#;
        let blocks = parse(text).expect("parses");
        assert_eq!(blocks.len(), 3);
        let resource = &blocks[0];
        assert_eq!(resource.address, "google_compute_instance.kafka_1");
        let attributes: Vec<(&str, &str)> = resource
            .attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            attributes,
            [
                ("allow.ports", r#"["22"]"#),
                ("allow[1].ports", r#"["80"]"#),
                ("boot_disk.initialize_params.size", "20"),
                ("metadata.enable-oslogin", r#""TRUE""#),
                ("name", r#""dev-kafka-1""#),
            ]
        );
        assert_eq!(
            (blocks[1].kind, blocks[1].address.as_str()),
            (BlockKind::Output, "output.hosts")
        );
        assert_eq!(
            (blocks[2].kind, blocks[2].address.as_str()),
            (BlockKind::Setting, "terraform")
        );
    }

    #[test]
    fn splits_canonical_text_with_the_same_addresses_as_parsing() {
        let text = "# comment\nresource \"a\" \"b\" {\n  x = {\n    y = 1\n  }\n}\n\ndata \"c\" \"d\" {\n}\noutput \"e\" {\n  value = 1\n}\nterraform {\n  backend \"gcs\" {\n  }\n}\n";
        let split = split(text).expect("canonical");
        let addresses: Vec<&str> = split.iter().map(|(a, _)| a.as_str()).collect();
        let parsed: Vec<String> = parse(text)
            .expect("parses")
            .into_iter()
            .map(|b| b.address)
            .collect();
        assert_eq!(addresses, parsed);
        assert_eq!(
            split[0].1,
            "resource \"a\" \"b\" {\n  x = {\n    y = 1\n  }\n}\n"
        );
    }

    #[test]
    fn declines_text_that_is_not_canonical() {
        assert!(split("resource \"a\" \"b\" { x = 1 }\n").is_none());
        assert!(split("resource \"a\" \"b\" {\n  x = 1\n").is_none());
        assert!(split("  resource \"a\" \"b\" {\n}\n").is_none());
        assert!(split("resource \"a\" \"${b}\" {\n}\n").is_none());
    }

    #[test]
    fn reports_syntax_errors() {
        assert!(parse("resource \"a\" {").is_err());
    }
}
