//! Static files compiled into the binary (Ansible roles, DAG files) and copied verbatim into
//! the rendered tree: never parsed, never templated.

use super::{RenderError, Rendered};
use include_dir::Dir;

/// Every file under `dir`, at any depth, as (path relative to `dir`, text), in path order.
/// `what` names the files in the error when one is not UTF-8 text.
pub fn text_files(
    dir: &Dir<'static>,
    what: &str,
) -> Result<Vec<(String, &'static str)>, RenderError> {
    let mut files = Vec::new();
    collect(dir, what, &mut files)?;
    files.sort();
    Ok(files)
}

fn collect(
    dir: &Dir<'static>,
    what: &str,
    out: &mut Vec<(String, &'static str)>,
) -> Result<(), RenderError> {
    for file in dir.files() {
        let path = file.path().display().to_string();
        let text = file.contents_utf8().ok_or_else(|| RenderError::Template {
            template: path.clone(),
            message: format!("{what} must be UTF-8 text"),
        })?;
        out.push((path, text));
    }
    for sub in dir.dirs() {
        collect(sub, what, out)?;
    }
    Ok(())
}

/// Adds every file under `dir` to `out` beneath `target`.
pub fn copy_into(
    dir: &Dir<'static>,
    what: &str,
    target: &str,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    for (path, text) in text_files(dir, what)? {
        out.insert(format!("{target}/{path}"), text.to_owned());
    }
    Ok(())
}
