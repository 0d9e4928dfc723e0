//! `petadota`: parse arguments, dispatch, map errors to exit codes; nothing else.

use clap::Parser;
use petadota::cli::{Cli, Command};
use petadota::commands::{self, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => commands::validate(&args).map(|o| exit(o, 1)),
        Command::Render { stack, check } => commands::render(&stack, check).map(|o| exit(o, 1)),
        Command::Plan {
            stack,
            json,
            terraform,
            color,
        } => commands::plan(&stack, json, terraform, color).map(|o| exit(o, 2)),
        Command::Inventory { stack, outputs } => {
            commands::inventory(&stack, outputs.as_deref()).map(|o| exit(o, 1))
        }
        Command::Apply {
            stack,
            auto_approve,
            only,
            pipeline_binary,
            ansible_args,
        } => {
            let options = commands::ApplyOptions {
                auto_approve,
                only,
                pipeline_binary: pipeline_binary.as_deref(),
                ansible_args: &ansible_args,
            };
            commands::apply(&stack, &options).map(|o| exit(o, 1))
        }
        Command::Destroy {
            stack,
            auto_approve,
        } => commands::destroy(&stack, auto_approve).map(|o| exit(o, 1)),
        Command::Pipeline { command } => {
            petadota_pipelines::cli::run(command).map(|()| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let text = format!("{error:#}");
            if text.starts_with("error:") {
                eprintln!("{text}")
            } else {
                eprintln!("error: {text}")
            }
            ExitCode::FAILURE
        }
    }
}

fn exit(outcome: Outcome, changes: u8) -> ExitCode {
    match outcome {
        Outcome::Clean => ExitCode::SUCCESS,
        Outcome::Changes => ExitCode::from(changes),
    }
}

/// `petadota plan | head` is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
