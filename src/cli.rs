//! Command-line arguments: clap types only, one doc comment per flag.

use clap::{Args, Parser, Subcommand, ValueEnum};
use petadota_pipelines::cli::PipelineCommand;
use std::path::PathBuf;

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
    /// Check a stack file and report every problem with file:line:col, field and hint.
    Validate(StackArgs),
    /// Write the generated Terraform for a stack into terraform-out/<stack>/.
    Render {
        /// The stack and where its output lives.
        #[command(flatten)]
        stack: StackArgs,
        /// Render in memory only and fail with a unified diff if the files on disk differ.
        #[arg(long)]
        check: bool,
    },
    /// Show what rendering the stack would change, resource by resource (exit 0: nothing, 2: changes).
    Plan {
        /// The stack and where its output lives.
        #[command(flatten)]
        stack: StackArgs,
        /// Print the plan as JSON for machines instead of text.
        #[arg(long)]
        json: bool,
        /// Also run `terraform plan` in terraform-out/<stack>/ (needs terraform on the PATH and `terraform init` done).
        #[arg(long)]
        terraform: bool,
        /// When to color the text plan.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Write the inventory ansible-out/<stack>/inventory.yml from Terraform's outputs.
    Inventory {
        /// The stack and where its output lives.
        #[command(flatten)]
        stack: StackArgs,
        /// Read a saved `terraform output -json` document instead of running terraform.
        #[arg(long, value_name = "FILE")]
        outputs: Option<PathBuf>,
    },
    /// Render, show the plan, then run terraform apply, build the inventory, stage this binary and run the playbook.
    Apply {
        /// The stack and where its output lives.
        #[command(flatten)]
        stack: StackArgs,
        /// Do not ask for confirmation (and pass -auto-approve to terraform).
        #[arg(long)]
        auto_approve: bool,
        /// Run only the Terraform stages or only the Ansible stages.
        #[arg(long, value_enum)]
        only: Option<Stage>,
        /// The petadota binary to deploy to the hosts (default: this executable; give a linux-x86_64 build when this machine is not one).
        #[arg(long, value_name = "PATH")]
        pipeline_binary: Option<PathBuf>,
        /// Extra argument for ansible-playbook, e.g. --ansible-arg=--limit=workers (repeatable).
        #[arg(long = "ansible-arg", value_name = "ARG", allow_hyphen_values = true)]
        ansible_args: Vec<String>,
    },
    /// Destroy everything Terraform created for the stack.
    Destroy {
        /// The stack and where its output lives.
        #[command(flatten)]
        stack: StackArgs,
        /// Do not ask for confirmation (and pass -auto-approve to terraform).
        #[arg(long)]
        auto_approve: bool,
    },
    /// Run one of the data pipelines that the playbooks deploy.
    Pipeline {
        /// The pipeline to run.
        #[command(subcommand)]
        command: PipelineCommand,
    },
}

/// Which stack, and the project directory holding terraform-out/.
#[derive(Debug, Args)]
pub struct StackArgs {
    /// Path of the stack file, e.g. stacks/dev.yaml.
    pub stack: PathBuf,
    /// Project root under which terraform-out/<stack>/ lives.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Color choice for terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// The halves of `apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    /// Write the files, terraform init and apply, build the inventory.
    Terraform,
    /// Stage the binary and run the playbook against the existing inventory.
    Ansible,
}
