//! `petadota`: parse arguments, dispatch, map errors to exit codes; nothing else.

use clap::Parser;
use petadota::cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Pipeline { command } => {
            petadota_pipelines::cli::run(command).map(|()| ExitCode::SUCCESS)
        }
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
