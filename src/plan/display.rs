//! The plan as a person reads it, in the shape of `terraform plan`.

use super::blocks::BlockKind;
use super::diff::{Action, BlockChange, Plan};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

const ADD: Style = AnsiColor::Green.on_default();
const CHANGE: Style = AnsiColor::Yellow.on_default();
const DESTROY: Style = AnsiColor::Red.on_default();
const BOLD: Style = Style::new().bold();

fn marker(action: Action) -> (Style, &'static str) {
    match action {
        Action::Create => (ADD, "+"),
        Action::Update => (CHANGE, "~"),
        Action::Delete => (DESTROY, "-"),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "will be created",
        Action::Update => "will be updated in-place",
        Action::Delete => "will be destroyed",
    }
}

/// Writes the plan with ANSI styles; wrap `out` in `anstream::AutoStream` to drop them when
/// the output is not a terminal.
pub fn write(plan: &Plan, stack: &str, out: &mut impl Write) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(
            out,
            "{BOLD}No changes.{BOLD:#} The generated files for stack `{stack}` match the stack."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "petadota will change the generated files of stack `{stack}` as follows. Symbols:"
    )?;
    for action in [Action::Create, Action::Update, Action::Delete] {
        let (style, symbol) = marker(action);
        writeln!(
            out,
            "  {style}{symbol}{style:#} {}",
            verb(action).trim_start_matches("will be ")
        )?;
    }
    writeln!(out)?;
    for change in &plan.blocks {
        write_block(change, out)?;
    }
    for file in &plan.files {
        let (style, symbol) = marker(file.action);
        write!(
            out,
            "  {style}{symbol}{style:#} file {} {}",
            file.path,
            verb(file.action)
        )?;
        match &file.note {
            Some(note) => writeln!(out, " ({note})")?,
            None => writeln!(out)?,
        }
    }
    if !plan.files.is_empty() {
        writeln!(out)?;
    }
    let summary = plan.summary;
    writeln!(
        out,
        "{BOLD}Plan:{BOLD:#} {} to add, {} to change, {} to destroy.",
        summary.add, summary.change, summary.destroy
    )
}

fn write_block(change: &BlockChange, out: &mut impl Write) -> io::Result<()> {
    let (style, symbol) = marker(change.action);
    let header = match change.kind {
        BlockKind::Resource | BlockKind::Data => {
            let (keyword, address) = match change.kind {
                BlockKind::Data => ("data", change.address.trim_start_matches("data.")),
                _ => ("resource", change.address.as_str()),
            };
            let (kind, name) = address.split_once('.').unwrap_or((address, ""));
            format!("{keyword} \"{kind}\" \"{name}\"")
        }
        BlockKind::Output => format!(
            "output \"{}\"",
            change.address.trim_start_matches("output.")
        ),
        BlockKind::Setting => change.address.replace('.', " "),
    };
    writeln!(
        out,
        "  {BOLD}# {}{BOLD:#} {}",
        change.address,
        verb(change.action)
    )?;
    writeln!(out, "  {style}{symbol}{style:#} {header} {{")?;
    let width = change
        .attributes
        .iter()
        .map(|a| a.path.len())
        .max()
        .unwrap_or(0);
    for attribute in &change.attributes {
        let (line_style, line_symbol, value) = match (&attribute.before, &attribute.after) {
            (None, Some(after)) => (ADD, "+", after.clone()),
            (Some(before), None) => (DESTROY, "-", format!("{before} -> null")),
            (Some(before), Some(after)) => (CHANGE, "~", format!("{before} -> {after}")),
            (None, None) => continue,
        };
        writeln!(
            out,
            "      {line_style}{line_symbol}{line_style:#} {:width$} = {value}",
            attribute.path
        )?;
    }
    writeln!(out, "    }}")?;
    writeln!(out)
}
