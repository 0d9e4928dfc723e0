//! `petadota pipeline ...`: the subcommands this crate contributes to the binary.

use clap::Subcommand;

/// A pipeline to run. Each variant owns its own argument struct.
#[derive(Debug, Subcommand)]
pub enum PipelineCommand {}

/// Runs one pipeline subcommand to completion.
pub fn run(command: PipelineCommand) -> anyhow::Result<()> {
    match command {}
}
