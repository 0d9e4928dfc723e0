//! `petadota pipeline ...`: the subcommands this crate contributes to the binary.

use clap::Subcommand;

/// A pipeline to run. Each variant owns its own argument struct.
#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Produce realistic interaction events (views, likes, adoption requests) into Kafka.
    SimulateInteractions(crate::stream::SimulateArgs),
    /// Consume interaction events and write windowed adoption trends to MySQL and Kafka.
    Trends(Box<crate::stream::TrendsArgs>),
}

/// Runs one pipeline subcommand to completion.
pub fn run(command: PipelineCommand) -> anyhow::Result<()> {
    match command {
        PipelineCommand::SimulateInteractions(args) => {
            crate::stream::cli::simulate_interactions(args)
        }
        PipelineCommand::Trends(args) => crate::stream::cli::trends(*args),
    }
}
