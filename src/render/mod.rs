//! Rendering: a validated stack in, a map of relative paths to file contents out.
//!
//! Pure by design: the same stack always gives byte-identical files, with no clock, no host
//! paths and no map order in them. Only `plan` and `apply` touch the disk.

pub mod airflow;
pub mod ansible;
pub mod embedded;
pub mod engine;
pub mod hcl;
pub mod terraform;

use crate::stack::Stack;
use std::collections::BTreeMap;

/// What went wrong while rendering; a bug in a template rather than in the stack.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to compile or render.
    #[error("template {template} failed: {message}")]
    Template {
        /// The template name.
        template: String,
        /// Tera's explanation.
        message: String,
    },
}

/// Rendered files, keyed by path relative to the project root (`terraform-out/dev/network.tf`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rendered {
    files: BTreeMap<String, String>,
}

impl Rendered {
    /// Adds or replaces a file.
    pub fn insert(&mut self, path: String, contents: String) {
        self.files.insert(path, contents);
    }

    /// The files in path order.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }
}

/// Renders everything a stack produces.
pub fn render(stack: &Stack) -> Result<Rendered, RenderError> {
    let mut out = Rendered::default();
    terraform::render_into(stack, &mut out)?;
    ansible::render_into(stack, &mut out)?;
    airflow::render_into(stack, &mut out)?;
    Ok(out)
}
