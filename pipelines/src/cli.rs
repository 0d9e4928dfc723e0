//! `petadota pipeline ...`: the subcommands this crate contributes to the binary.

use clap::Subcommand;

/// A pipeline to run. Each variant owns its own argument struct.
#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Fetch dog and cat images into object storage and catalogue them in MySQL.
    IngestImages(crate::ingest::cli::IngestImagesArgs),
}

/// Runs one pipeline subcommand to completion.
pub fn run(command: PipelineCommand) -> anyhow::Result<()> {
    match command {
        PipelineCommand::IngestImages(args) => crate::ingest::cli::run(&args),
    }
}
