//! `petadota plan STACK [--json] [--terraform]`

use super::{Outcome, files_on_disk, load_and_render};
use crate::cli::{ColorChoice, StackArgs};
use crate::plan::{self, Plan};
use anyhow::{Context as _, bail};
use std::io::Write;
use std::process::Command;

/// Compares the rendered stack with terraform-out/<stack>/ and prints the plan.
pub fn plan(
    args: &StackArgs,
    json: bool,
    run_terraform: bool,
    color: ColorChoice,
) -> anyhow::Result<Outcome> {
    let (stack, rendered) = load_and_render(args)?;
    let on_disk = files_on_disk(&args.root, &stack)?;
    let plan = Plan::compute(rendered.files(), &on_disk);
    let stdout = std::io::stdout();
    if json {
        let mut out = stdout.lock();
        serde_json::to_writer_pretty(&mut out, &plan)?;
        writeln!(out)?;
    } else {
        let choice = match color {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        let mut out = anstream::AutoStream::new(stdout.lock(), choice);
        plan::write(&plan, &stack.name, &mut out)?;
        out.flush()?;
    }
    if run_terraform {
        terraform_plan(&args.root.join(format!("terraform-out/{}", stack.name)))?;
    }
    Ok(if plan.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Changes
    })
}

fn terraform_plan(dir: &std::path::Path) -> anyhow::Result<()> {
    if !dir.join(".terraform").is_dir() {
        bail!(
            "{} is not initialised for terraform\n  hint: run `terraform -chdir={} init` first (it needs access to the state bucket)",
            dir.display(),
            dir.display()
        );
    }
    eprintln!("running terraform plan in {}", dir.display());
    let status = Command::new("terraform")
        .arg(format!("-chdir={}", dir.display()))
        .args(["plan", "-input=false", "-detailed-exitcode"])
        .status()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => anyhow::anyhow!("terraform is not on the PATH\n  hint: install Terraform 1.5 or later (https://developer.hashicorp.com/terraform/install)"),
            _ => anyhow::Error::new(error).context("cannot run terraform"),
        })?;
    match status.code() {
        Some(0 | 2) => Ok(()),
        _ => Err(anyhow::anyhow!("terraform plan failed ({status})"))
            .context("see terraform's output above"),
    }
}
