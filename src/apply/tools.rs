//! The external programs apply runs, each as a timed stage.

use anyhow::{anyhow, bail};
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// An external tool petadota drives.
#[derive(Debug, Clone, Copy)]
pub enum Tool {
    /// `terraform` (or `$PETADOTA_TERRAFORM`).
    Terraform,
    /// `ansible-playbook` (or `$PETADOTA_ANSIBLE_PLAYBOOK`).
    AnsiblePlaybook,
}

impl Tool {
    fn program(self) -> String {
        let (variable, default) = match self {
            Tool::Terraform => ("PETADOTA_TERRAFORM", "terraform"),
            Tool::AnsiblePlaybook => ("PETADOTA_ANSIBLE_PLAYBOOK", "ansible-playbook"),
        };
        std::env::var(variable)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    }

    fn install_hint(self) -> &'static str {
        match self {
            Tool::Terraform => {
                "install Terraform 1.5 or later and put it on the PATH (or set PETADOTA_TERRAFORM)"
            }
            Tool::AnsiblePlaybook => {
                "install Ansible (`pip install ansible-core`) and put ansible-playbook on the PATH (or set PETADOTA_ANSIBLE_PLAYBOOK)"
            }
        }
    }
}

/// Prints a stage heading, runs `body`, and prints how long it took.
pub fn stage<T>(name: &str, body: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    eprintln!("==> {name}");
    let started = Instant::now();
    let result = body();
    let seconds = started.elapsed().as_secs_f64();
    match &result {
        Ok(_) => eprintln!("    {name}: done in {seconds:.1}s"),
        Err(_) => eprintln!("    {name}: FAILED after {seconds:.1}s"),
    }
    result.map_err(|error| error.context(format!("stage `{name}` failed")))
}

/// Runs `tool args` in `dir` with the terminal attached, failing with a clear message.
pub fn run<I, S>(tool: Tool, dir: &Path, args: I, rerun_hint: &str) -> anyhow::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let program = tool.program();
    let status = Command::new(&program)
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|error| missing(tool, &program, error))?;
    if !status.success() {
        bail!(
            "{program} exited with {status}; its output is above\n  hint: fix the cause, then {rerun_hint}"
        );
    }
    Ok(())
}

/// Runs `tool args` in `dir` and returns its standard output (errors still reach the terminal).
pub fn capture<I, S>(tool: Tool, dir: &Path, args: I) -> anyhow::Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let program = tool.program();
    let output = Command::new(&program)
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| missing(tool, &program, error))?;
    if !output.status.success() {
        bail!("{program} exited with {}", output.status);
    }
    String::from_utf8(output.stdout)
        .map_err(|_| anyhow!("{program} printed something that is not UTF-8"))
}

fn missing(tool: Tool, program: &str, error: std::io::Error) -> anyhow::Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        anyhow!("`{program}` was not found\n  hint: {}", tool.install_hint())
    } else {
        anyhow!("cannot run `{program}`: {error}")
    }
}
