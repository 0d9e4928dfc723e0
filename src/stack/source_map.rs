//! Where each value of a stack file sits in the source, keyed by its field path.
//!
//! serde turns YAML into typed values but forgets positions; validation runs on the typed
//! values. This map, built from the same text with the YAML parser's events, lets every
//! validation error point at `file:line:col` of the offending value.

use serde_saphyr::granit_parser::{Event, Parser};
use std::collections::HashMap;
use std::fmt;

/// A 1-based line and column in a stack file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Field path (`kafka.topics[1].replication`) to the location of its value (and key).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    values: HashMap<String, Location>,
    /// Every node in document order, for mapping a parser error back to a path.
    nodes: Vec<(Location, String)>,
}

enum Frame {
    Mapping {
        path: String,
        pending_key: Option<String>,
    },
    Sequence {
        path: String,
        next_index: usize,
    },
}

impl SourceMap {
    /// Builds the map from YAML text. Syntax errors are left to the deserializer, which reports
    /// them with positions; the map then simply holds what was parsed before the error.
    pub fn build(text: &str) -> Self {
        let mut map = SourceMap::default();
        let mut stack: Vec<Frame> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let location = Location {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            match event {
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Mapping { pending_key, path }) = stack.last_mut()
                        && pending_key.is_none()
                    {
                        let key_path = join_key(path, &value);
                        map.record_key(&key_path, location);
                        *pending_key = Some(key_path);
                        continue;
                    }
                    let path = next_value_path(&mut stack);
                    map.record(path, location);
                }
                Event::Alias(_) => {
                    let path = next_value_path(&mut stack);
                    map.record(path, location);
                }
                Event::MappingStart(..) => {
                    let path = next_value_path(&mut stack);
                    map.record(path.clone(), location);
                    stack.push(Frame::Mapping {
                        path,
                        pending_key: None,
                    });
                }
                Event::SequenceStart(..) => {
                    let path = next_value_path(&mut stack);
                    map.record(path.clone(), location);
                    stack.push(Frame::Sequence {
                        path,
                        next_index: 0,
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        map
    }

    fn record_key(&mut self, path: &str, location: Location) {
        self.nodes.push((location, path.to_owned()));
    }

    fn record(&mut self, path: String, location: Location) {
        self.nodes.push((location, path.clone()));
        self.values.entry(path).or_insert(location);
    }

    /// Location of the value at `path`, or of its closest recorded ancestor.
    pub fn locate(&self, path: &str) -> Option<Location> {
        let mut candidate = path;
        loop {
            if let Some(location) = self.values.get(candidate) {
                return Some(*location);
            }
            candidate = parent_path(candidate)?;
        }
    }

    /// The path of the last node that starts at or before `location`: the field a parser error
    /// at that position is about.
    pub fn path_at(&self, location: Location) -> Option<&str> {
        self.nodes
            .iter()
            .filter(|(at, _)| *at <= location)
            .max_by_key(|(at, _)| *at)
            .map(|(_, path)| path.as_str())
    }
}

/// After the value at `path` is consumed, the path the next value of its parent will have.
fn next_value_path(stack: &mut [Frame]) -> String {
    match stack.last_mut() {
        None => String::new(),
        Some(Frame::Mapping { pending_key, path }) => {
            pending_key.take().unwrap_or_else(|| join_key(path, "?"))
        }
        Some(Frame::Sequence { path, next_index }) => {
            let indexed = format!("{path}[{next_index}]");
            *next_index += 1;
            indexed
        }
    }
}

fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name: dev\nkafka:\n  topics:\n    - name: a\n      partitions: 3\n    - { name: b, replication: 2 }\n";

    #[test]
    fn locates_nested_values_by_path() {
        let map = SourceMap::build(TEXT);
        let cases = [
            ("name", (1, 7)),
            ("kafka.topics[0].name", (4, 13)),
            ("kafka.topics[0].partitions", (5, 19)),
            ("kafka.topics[1].replication", (6, 31)),
            ("kafka.topics[1]", (6, 7)),
        ];
        for (path, (line, column)) in cases {
            assert_eq!(map.locate(path), Some(Location { line, column }), "{path}");
        }
    }

    #[test]
    fn falls_back_to_the_closest_ancestor() {
        let map = SourceMap::build(TEXT);
        assert_eq!(
            map.locate("kafka.topics[1].retention_hours"),
            map.locate("kafka.topics[1]")
        );
        assert_eq!(map.locate("mysql.users"), map.locate(""));
    }

    #[test]
    fn maps_a_position_back_to_its_field() {
        let map = SourceMap::build(TEXT);
        assert_eq!(
            map.path_at(Location { line: 5, column: 7 }),
            Some("kafka.topics[0].partitions")
        );
    }
}
