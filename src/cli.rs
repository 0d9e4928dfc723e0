//! Command-line arguments: clap types only, one doc comment per flag.

use clap::{Parser, Subcommand};
use petadota_pipelines::cli::PipelineCommand;

/// Build and run a data platform on Google Cloud from one typed stack file.
#[derive(Debug, Parser)]
#[command(name = "petadota", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one of the data pipelines that the playbooks deploy.
    Pipeline {
        /// The pipeline to run.
        #[command(subcommand)]
        command: PipelineCommand,
    },
}
