//! The typed stack model: parsing with located errors, validation and defaults.
//!
//! Parsing is separate from I/O ([`Stack::parse`] takes text and an origin) so tests and
//! benchmarks need no files.

pub mod cidr;
pub mod cron;
mod diagnostic;
pub mod duration;
mod model;
pub mod names;
mod source_map;
pub mod validate;

pub use diagnostic::{Diagnostic, StackError};
pub use model::*;
pub use source_map::{Location, SourceMap};

use std::path::Path;

impl Stack {
    /// Parses and validates a stack from YAML text. `origin` names the text in errors
    /// (normally the file path).
    pub fn parse(text: &str, origin: &str) -> Result<Stack, StackError> {
        let stack = Self::parse_unvalidated(text, origin)?;
        let map = SourceMap::build(text);
        let diagnostics = validate::validate(&stack, origin, &map);
        if diagnostics.is_empty() {
            Ok(stack)
        } else {
            Err(StackError { diagnostics })
        }
    }

    /// Parses without the cross-field validation: for tests that need values validation
    /// would refuse (hostile strings for the escaping tests).
    pub fn parse_unvalidated(text: &str, origin: &str) -> Result<Stack, StackError> {
        let single = |location, path: &str, message: String, hint: &str| StackError {
            diagnostics: vec![Diagnostic {
                origin: origin.to_owned(),
                location,
                path: path.to_owned(),
                message,
                hint: hint.to_owned(),
            }],
        };
        let has_content = text.lines().any(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#') && line != "---"
        });
        if !has_content {
            return Err(single(
                None,
                "",
                "the stack file is empty".to_owned(),
                "start from stacks/dev.yaml: a stack needs at least name, project, region, zone, state, kafka and mysql",
            ));
        }
        let mut field_path = None;
        let parsed = serde_saphyr::with_deserializer_from_str(text, |deserializer| {
            serde_path_to_error::deserialize::<_, Stack>(deserializer).map_err(|error| {
                field_path = Some(error.path().to_string());
                error.into_inner()
            })
        });
        parsed.map_err(|error| {
            let map = SourceMap::build(text);
            let (message, hint) = explain(&error);
            let reported = error.location().map(|at| Location {
                line: at.line() as usize,
                column: at.column() as usize,
            });
            let path = match field_path.as_deref() {
                Some(".") | None => reported
                    .and_then(|at| map.path_at(at))
                    .unwrap_or("")
                    .to_owned(),
                Some(path) => path.to_owned(),
            };
            // A missing field is reported where its mapping ends, with the last key read as its
            // path; point at the mapping that lacks it instead.
            let (path, location) = if message.starts_with("missing field") {
                let parent = path
                    .rfind(['.', '['])
                    .map_or("", |cut| &path[..cut])
                    .to_owned();
                let location = map.locate(&parent).or(reported);
                (parent, location)
            } else {
                (path, reported)
            };
            single(location, &path, message, &hint)
        })
    }

    /// Reads and parses the stack file at `path`.
    pub fn load(path: &Path) -> Result<Stack, StackError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| StackError {
            diagnostics: vec![Diagnostic {
                origin: origin.clone(),
                location: None,
                path: String::new(),
                message: format!("cannot read the stack file: {error}"),
                hint: "check the path; stacks live in stacks/<name>.yaml".to_owned(),
            }],
        })?;
        Self::parse(&text, &origin)
    }

    /// The bucket receiving access logs of every other bucket.
    pub fn log_bucket_name(&self) -> String {
        self.log_bucket
            .clone()
            .unwrap_or_else(|| format!("{}-{}-access-logs", self.project, self.name))
    }

    /// The database and MySQL user the pipelines (and the DAGs that check them) connect as:
    /// ingestion's choice, else the first declared of each. `None` without pipelines.
    pub fn pipelines_login(&self) -> Option<(&str, &MysqlUser)> {
        if !self.has_pipelines() {
            return None;
        }
        let ingest = self.pipelines.ingest_images.as_ref();
        let database = ingest
            .and_then(|i| i.database.as_deref())
            .or_else(|| self.mysql.databases.first().map(String::as_str))?;
        let user = match ingest.and_then(|i| i.user.as_deref()) {
            Some(name) => self.mysql.users.iter().find(|u| u.name == name),
            None => self.mysql.users.first(),
        }?;
        Some((database, user))
    }

    /// Whether any pipeline runs.
    pub fn has_pipelines(&self) -> bool {
        self.pipelines.ingest_images.is_some() || self.pipelines.trends.is_some()
    }

    /// Object prefix of the Terraform state.
    pub fn state_prefix(&self) -> String {
        self.state
            .prefix
            .clone()
            .unwrap_or_else(|| format!("petadota/{}", self.name))
    }
}

/// Turns a deserializer error into a message without position noise and a hint.
fn explain(error: &serde_saphyr::Error) -> (String, String) {
    let full = error.to_string();
    // The deserializer appends its own position (and sometimes a snippet); we print ours.
    let first_line = full.lines().next().unwrap_or(&full);
    let message = match strip_position(first_line) {
        "invalid u32" | "invalid u64" => "expected a whole number of 0 or more".to_owned(),
        other => other.to_owned(),
    };
    let hint = if message.contains("unknown field") {
        "remove the field or fix its spelling; the fields this section accepts are listed above"
    } else if message.contains("missing field") {
        "add the field; stacks/dev.yaml shows every required field"
    } else if message.contains("invalid type")
        || message.contains("invalid value")
        || message.starts_with("expected a whole number")
    {
        "give the field a value of the type shown (numbers without quotes or units, strings quoted if they contain `:` or `#`)"
    } else if message.contains("unknown variant") {
        "use one of the values listed"
    } else {
        "fix the YAML syntax at this position (indentation, quotes, a missing `:`)"
    };
    (message, hint.to_owned())
}

/// Drops the `error: line N column M: ` prefix the deserializer puts on its messages.
fn strip_position(message: &str) -> &str {
    let rest = message.trim().trim_start_matches("error:").trim_start();
    if rest.starts_with("line ")
        && let Some((_, after)) = rest.split_once(": ")
    {
        return after.trim();
    }
    rest
}
