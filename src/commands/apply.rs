//! `petadota apply STACK` and `petadota destroy STACK`.

use super::inventory::write_inventory;
use super::{Outcome, files_on_disk, load_and_render};
use crate::apply::lock::StackLock;
use crate::apply::staging::stage_binary;
use crate::apply::tools::{self, Tool, stage};
use crate::apply::write::write_tree;
use crate::cli::{StackArgs, Stage};
use crate::plan::{self, Plan};
use crate::stack::{AirflowMode, Stack};
use anyhow::{Context as _, bail};
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

/// What `apply` was asked to do.
#[derive(Debug)]
pub struct ApplyOptions<'a> {
    /// Skip the confirmation.
    pub auto_approve: bool,
    /// Only one half.
    pub only: Option<Stage>,
    /// The binary to deploy.
    pub pipeline_binary: Option<&'a Path>,
    /// Extra ansible-playbook arguments.
    pub ansible_args: &'a [String],
}

/// Render and write, terraform init and apply, inventory, stage the binary, run the playbook.
pub fn apply(args: &StackArgs, options: &ApplyOptions) -> anyhow::Result<Outcome> {
    let (stack, rendered) = load_and_render(args)?;
    let root = &args.root;
    let terraform_dir = root.join(format!("terraform-out/{}", stack.name));
    let ansible_dir = root.join(format!("ansible-out/{}", stack.name));
    let binary = match options.pipeline_binary {
        Some(path) => path.to_path_buf(),
        None => std::env::current_exe().context("cannot find this executable to stage it")?,
    };
    // Composer runs the binary from its bucket, which Terraform fills: then the Terraform half
    // needs it too.
    let composer = stack.airflow.mode == AirflowMode::Composer;
    let needs_binary = options.only != Some(Stage::Terraform) || composer;
    if needs_binary && !binary.is_file() {
        bail!(
            "the pipeline binary {} does not exist\n  hint: pass --pipeline-binary with a linux-x86_64 petadota build",
            binary.display()
        );
    }
    let _lock = StackLock::acquire(root, &stack.name)?;
    if options.only != Some(Stage::Ansible) {
        let on_disk = files_on_disk(root, &stack)?;
        let plan = Plan::compute(rendered.files(), &on_disk);
        let mut out = anstream::stderr();
        plan::write(&plan, &stack.name, &mut out)?;
        confirm(
            &format!(
                "apply stack `{}` (write the files above, then terraform apply and the playbook)",
                stack.name
            ),
            options.auto_approve,
        )?;
        stage("write terraform-out and ansible-out", || {
            let summary = write_tree(root, rendered.files(), &on_disk)?;
            eprintln!(
                "    {} file(s) written, {} removed",
                summary.written, summary.removed
            );
            Ok(())
        })?;
        if composer {
            stage("stage the pipeline binary for Composer", || {
                let digest = stage_binary(&binary, &terraform_dir)?;
                eprintln!("    {} (sha256 {digest})", binary.display());
                Ok(())
            })?;
        }
        let rerun = format!(
            "rerun `petadota apply {} --only terraform`",
            args.stack.display()
        );
        terraform_stages(
            &terraform_dir,
            "apply",
            options.auto_approve,
            Vec::new(),
            &rerun,
        )?;
        stage("inventory from terraform outputs", || {
            let json = tools::capture(Tool::Terraform, &terraform_dir, ["output", "-json"])?;
            let path = write_inventory(root, &stack, &json)?;
            eprintln!("    wrote {}", path.display());
            Ok(())
        })?;
    }
    if options.only != Some(Stage::Terraform) {
        run_ansible(args, &stack, &ansible_dir, &binary, options.ansible_args)?;
    }
    eprintln!("apply of stack `{}` complete", stack.name);
    Ok(Outcome::Clean)
}

fn run_ansible(
    args: &StackArgs,
    stack: &Stack,
    ansible_dir: &Path,
    binary: &Path,
    extra: &[String],
) -> anyhow::Result<()> {
    if !ansible_dir.join("inventory.yml").is_file() {
        bail!(
            "{} has no inventory.yml\n  hint: run `petadota apply {} --only terraform` (or `petadota inventory`) first",
            ansible_dir.display(),
            args.stack.display()
        );
    }
    stage("stage the pipeline binary", || {
        let digest = stage_binary(binary, ansible_dir)?;
        eprintln!("    {} (sha256 {digest})", binary.display());
        Ok(())
    })?;
    let rerun = format!(
        "rerun `petadota apply {} --only ansible`",
        args.stack.display()
    );
    let mut playbook_args: Vec<String> = vec!["site.yml".to_owned()];
    playbook_args.extend(extra.iter().cloned());
    stage(
        &format!("ansible-playbook site.yml ({})", stack.name),
        || tools::run(Tool::AnsiblePlaybook, ansible_dir, &playbook_args, &rerun),
    )
}

/// Runs `terraform destroy` for the stack's resources.
pub fn destroy(args: &StackArgs, auto_approve: bool) -> anyhow::Result<Outcome> {
    let stack = Stack::load(&args.stack)?;
    let terraform_dir: PathBuf = args.root.join(format!("terraform-out/{}", stack.name));
    if !terraform_dir.join("versions.tf").is_file() {
        bail!(
            "{} holds no generated Terraform\n  hint: nothing to destroy, or run `petadota render {}` first",
            terraform_dir.display(),
            args.stack.display()
        );
    }
    let _lock = StackLock::acquire(&args.root, &stack.name)?;
    confirm(
        &format!(
            "DESTROY every resource of stack `{}` in project {}",
            stack.name, stack.project
        ),
        auto_approve,
    )?;
    let rerun = format!("rerun `petadota destroy {}`", args.stack.display());
    let targets = destroy_targets(&stack)?
        .into_iter()
        .map(|address| format!("-target={address}"))
        .collect();
    eprintln!(
        "    keeping the KMS key ring and key: GCP cannot delete them, so they stay in state for the next apply"
    );
    terraform_stages(&terraform_dir, "destroy", auto_approve, targets, &rerun)?;
    let inventory = args
        .root
        .join(format!("ansible-out/{}/inventory.yml", stack.name));
    if inventory.exists() {
        std::fs::remove_file(&inventory)
            .with_context(|| format!("cannot remove {}", inventory.display()))?;
    }
    eprintln!("destroy of stack `{}` complete", stack.name);
    Ok(Outcome::Clean)
}

/// `terraform init`, then `terraform VERB -input=false [-auto-approve] EXTRA...`, each a stage.
fn terraform_stages(
    dir: &Path,
    verb: &str,
    auto_approve: bool,
    extra: Vec<String>,
    rerun: &str,
) -> anyhow::Result<()> {
    stage("terraform init", || {
        tools::run(Tool::Terraform, dir, ["init", "-input=false"], rerun)
    })?;
    let mut args = vec![verb.to_owned(), "-input=false".to_owned()];
    if auto_approve {
        args.push("-auto-approve".to_owned());
    }
    args.extend(extra);
    stage(&format!("terraform {verb}"), || {
        tools::run(Tool::Terraform, dir, &args, rerun)
    })
}

/// Resources that kept keys (KMS key rings and keys) are never destroyed: GCP cannot delete
/// them, so destroying would only orphan them and make the next apply collide with the names.
const KEPT_ON_DESTROY: [&str; 2] = ["google_kms_key_ring.", "google_kms_crypto_key."];

/// Every resource the stack renders except the kept ones, as `-target` addresses.
fn destroy_targets(stack: &Stack) -> anyhow::Result<Vec<String>> {
    let rendered = crate::render::render(stack)?;
    let mut targets = Vec::new();
    for (path, text) in rendered
        .files()
        .iter()
        .filter(|(path, _)| path.ends_with(".tf"))
    {
        let blocks =
            plan::parse_blocks(text).map_err(|error| anyhow::anyhow!("{path}: {error}"))?;
        targets.extend(
            blocks
                .into_iter()
                .filter(|b| b.kind == plan::BlockKind::Resource)
                .map(|b| b.address)
                .filter(|address| !KEPT_ON_DESTROY.iter().any(|kept| address.starts_with(kept))),
        );
    }
    Ok(targets)
}

/// Asks on the terminal; without one, only `--auto-approve` proceeds.
fn confirm(what: &str, auto_approve: bool) -> anyhow::Result<()> {
    if auto_approve {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "refusing to {what} without confirmation: standard input is not a terminal\n  hint: pass --auto-approve in scripts and CI"
        );
    }
    eprint!("Do you want to {what}? Only 'yes' is accepted: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        bail!("cancelled: the answer was not 'yes'");
    }
    Ok(())
}
