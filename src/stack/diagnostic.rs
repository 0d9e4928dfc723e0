//! Located, actionable stack errors.

use super::source_map::Location;
use std::fmt;

/// One thing wrong with a stack: what, where (file:line:col and field path), and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (or other origin) the stack came from.
    pub origin: String,
    /// Position of the offending value, when the text has one.
    pub location: Option<Location>,
    /// Field path such as `kafka.topics[1].replication`; empty for the whole document.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let place = match self.location {
            Some(location) => format!("{}:{location}", self.origin),
            None => self.origin.clone(),
        };
        let path = if self.path.is_empty() {
            "<document>"
        } else {
            &self.path
        };
        writeln!(f, "  --> {place} ({path})")?;
        write!(f, "  hint: {}", self.hint)
    }
}

/// Every problem found in one stack, in source order. Loading reports them all at once so a
/// user fixes a file in one pass rather than one error per run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StackError {
    /// The problems, at least one.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.diagnostics.len();
        write!(
            f,
            "{count} problem{} in the stack",
            if count == 1 { "" } else { "s" }
        )
    }
}
