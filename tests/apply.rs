//! `petadota apply` and `destroy` end to end, with a stand-in `terraform` on the PATH that
//! records its arguments and prints recorded outputs (Terraform cannot reach a cloud here),
//! and the real `ansible-playbook` where the test script provides one.

use crate::support::{root, scratch_project};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const STAND_IN_TERRAFORM: &str = r#"#!/bin/sh
staged=""
[ -f files/petadota ] && staged=" (binary staged)"
echo "$(basename "$PWD") $*$staged" >> "$STAND_IN_LOG"
case "$1" in
  init) [ "$STAND_IN_FAIL" = init ] && { echo "Error: backend bucket not found" >&2; exit 1; } ;;
  apply) [ "$STAND_IN_FAIL" = apply ] && { echo "Error: quota exceeded" >&2; exit 1; } ;;
  output) cat "$STAND_IN_OUTPUTS" ;;
esac
exit 0
"#;

struct Apply {
    project: tempfile::TempDir,
    bin: tempfile::TempDir,
    log: PathBuf,
}

impl Apply {
    fn new() -> Apply {
        let project = scratch_project();
        let bin = tempfile::tempdir().expect("temp dir");
        let terraform = bin.path().join("terraform");
        std::fs::write(&terraform, STAND_IN_TERRAFORM).expect("write stand-in");
        set_executable(&terraform);
        let log = project.path().join("terraform-calls.log");
        Apply { project, bin, log }
    }

    fn run(&self, args: &[&str], fail: &str) -> Output {
        let path = format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new(env!("CARGO_BIN_EXE_petadota"));
        command
            .args(args)
            .current_dir(self.project.path())
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env("STAND_IN_LOG", &self.log)
            .env("STAND_IN_FAIL", fail)
            .env(
                "STAND_IN_OUTPUTS",
                root().join("tests/fixtures/terraform-outputs/dev.json"),
            )
            .env_remove("PETADOTA_TERRAFORM")
            .stdin(std::process::Stdio::null());
        match std::env::var("PETADOTA_TEST_ANSIBLE_PLAYBOOK") {
            Ok(playbook) => command.env("PETADOTA_ANSIBLE_PLAYBOOK", playbook),
            Err(_) => command.env("PETADOTA_ANSIBLE_PLAYBOOK", "/nonexistent/ansible-playbook"),
        };
        command.output().expect("petadota runs")
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.project.path().join(relative)
    }
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn real_ansible() -> bool {
    let present = std::env::var_os("PETADOTA_TEST_ANSIBLE_PLAYBOOK").is_some();
    if !present {
        eprintln!(
            "skipped: set PETADOTA_TEST_ANSIBLE_PLAYBOOK to an ansible-playbook (./scripts/test does)"
        );
    }
    present
}

#[test]
fn apply_runs_every_stage_in_order_and_ends_with_a_playbook_ansible_accepts() {
    if !real_ansible() {
        return;
    }
    let apply = Apply::new();
    let stack = apply.path("stacks/dev.yaml");
    let text = std::fs::read_to_string(&stack).expect("dev stack");
    std::fs::write(&stack, text.replace("dogs: 20", "dogs: 25")).expect("edit");
    let output = apply.run(
        &[
            "apply",
            "stacks/dev.yaml",
            "--auto-approve",
            "--ansible-arg=--syntax-check",
        ],
        "",
    );
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert_eq!(
        apply.calls(),
        [
            "dev init -input=false",
            "dev apply -input=false -auto-approve",
            "dev output -json"
        ]
    );
    let stages: Vec<&str> = log.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!(
        stages,
        [
            "==> write terraform-out and ansible-out",
            "==> terraform init",
            "==> terraform apply",
            "==> inventory from terraform outputs",
            "==> stage the pipeline binary",
            "==> ansible-playbook site.yml (dev)",
        ]
    );
    assert!(
        log.contains("done in"),
        "each stage reports its duration: {log}"
    );
    let vars = std::fs::read_to_string(apply.path("ansible-out/dev/group_vars/all.yml"))
        .expect("group vars");
    assert!(
        vars.contains("dogs: 25"),
        "the edit was written before terraform ran"
    );
    let inventory =
        std::fs::read_to_string(apply.path("ansible-out/dev/inventory.yml")).expect("inventory");
    assert!(
        inventory.contains("dev-kafka-1") && inventory.contains("kafka_node_id: 1"),
        "{inventory}"
    );
    let staged = apply.path("ansible-out/dev/files/petadota");
    let digest = petadota::apply::staging::sha256_file(&staged).expect("staged binary");
    let recorded = std::fs::read_to_string(apply.path("ansible-out/dev/files/petadota.sha256"))
        .expect("checksum");
    assert_eq!(recorded, format!("{digest}  petadota\n"));
    assert_eq!(
        digest,
        petadota::apply::staging::sha256_file(Path::new(env!("CARGO_BIN_EXE_petadota")))
            .expect("binary")
    );
}

#[test]
fn a_failed_terraform_apply_stops_before_ansible_and_says_how_to_resume() {
    let apply = Apply::new();
    let output = apply.run(&["apply", "stacks/dev.yaml", "--auto-approve"], "apply");
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("Error: quota exceeded"),
        "terraform's own output is shown: {log}"
    );
    assert!(
        log.contains("stage `terraform apply` failed") && log.contains("--only terraform"),
        "{log}"
    );
    assert_eq!(
        apply.calls(),
        [
            "dev init -input=false",
            "dev apply -input=false -auto-approve"
        ]
    );
    assert!(!apply.path("ansible-out/dev/inventory.yml").exists());
    assert!(!apply.path("ansible-out/dev/files/petadota").exists());
}

#[test]
fn a_failed_write_leaves_the_previous_files_and_runs_nothing() {
    let apply = Apply::new();
    let stack = apply.path("stacks/dev.yaml");
    let text = std::fs::read_to_string(&stack).expect("dev stack");
    std::fs::write(&stack, text.replace("partitions: 3 }", "partitions: 6 }")).expect("edit");
    let before = std::fs::read_to_string(apply.path("ansible-out/dev/group_vars/all.yml"))
        .expect("group vars");
    // A file where the renderer needs a directory: the write fails part-way.
    std::fs::remove_dir_all(apply.path("ansible-out/dev/roles")).expect("remove roles");
    std::fs::write(apply.path("ansible-out/dev/roles"), "in the way").expect("block");
    let output = apply.run(&["apply", "stacks/dev.yaml", "--auto-approve"], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("nothing was changed on disk"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(apply.path("ansible-out/dev/group_vars/all.yml"))
            .expect("group vars"),
        before
    );
    assert!(
        apply.calls().is_empty(),
        "terraform must not run after a failed write"
    );
}

#[test]
fn a_second_apply_waits_for_the_lock() {
    let apply = Apply::new();
    let lock =
        petadota::apply::lock::StackLock::acquire(apply.project.path(), "dev").expect("lock");
    let output = apply.run(&["apply", "stacks/dev.yaml", "--auto-approve"], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("another petadota apply or destroy of stack `dev` is running"),
        "{}",
        stderr(&output)
    );
    assert!(apply.calls().is_empty());
    drop(lock);
}

#[test]
fn without_a_terminal_apply_and_destroy_need_auto_approve() {
    let apply = Apply::new();
    for command in ["apply", "destroy"] {
        let output = apply.run(&[command, "stacks/dev.yaml"], "");
        assert_eq!(output.status.code(), Some(1), "{command}");
        assert!(
            stderr(&output).contains("pass --auto-approve"),
            "{command}: {}",
            stderr(&output)
        );
    }
    assert!(apply.calls().is_empty());
}

#[test]
fn missing_tools_are_named_with_what_to_install() {
    let apply = Apply::new();
    std::fs::remove_file(apply.bin.path().join("terraform")).expect("remove stand-in");
    let mut command = Command::new(env!("CARGO_BIN_EXE_petadota"));
    let output = command
        .args([
            "apply",
            "stacks/dev.yaml",
            "--auto-approve",
            "--only",
            "terraform",
        ])
        .current_dir(apply.project.path())
        .env("PATH", apply.bin.path())
        .env_remove("PETADOTA_TERRAFORM")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`terraform` was not found")
            && stderr(&output).contains("install Terraform"),
        "{}",
        stderr(&output)
    );

    std::fs::write(apply.path("ansible-out/dev/inventory.yml"), "all: {}\n").expect("inventory");
    let output = Command::new(env!("CARGO_BIN_EXE_petadota"))
        .args([
            "apply",
            "stacks/dev.yaml",
            "--auto-approve",
            "--only",
            "ansible",
        ])
        .current_dir(apply.project.path())
        .env("PATH", apply.bin.path())
        .env_remove("PETADOTA_ANSIBLE_PLAYBOOK")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`ansible-playbook` was not found")
            && stderr(&output).contains("pip install ansible-core"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn only_ansible_needs_an_inventory_first() {
    let apply = Apply::new();
    let output = apply.run(
        &[
            "apply",
            "stacks/dev.yaml",
            "--auto-approve",
            "--only",
            "ansible",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("has no inventory.yml")
            && stderr(&output).contains("--only terraform"),
        "{}",
        stderr(&output)
    );
    assert!(apply.calls().is_empty());
}

#[test]
fn destroy_runs_terraform_destroy_and_forgets_the_inventory() {
    let apply = Apply::new();
    std::fs::write(apply.path("ansible-out/dev/inventory.yml"), "all: {}\n").expect("inventory");
    let output = apply.run(&["destroy", "stacks/dev.yaml", "--auto-approve"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let calls = apply.calls();
    assert_eq!(calls[0], "dev init -input=false");
    let destroy: Vec<&str> = calls[1].split(' ').collect();
    assert_eq!(
        destroy[..4],
        ["dev", "destroy", "-input=false", "-auto-approve"]
    );
    assert!(
        destroy.contains(&"-target=google_compute_instance.kafka_1"),
        "{destroy:?}"
    );
    assert!(
        destroy.contains(&"-target=google_kms_crypto_key_iam_member.compute_disks"),
        "{destroy:?}"
    );
    for kept in [
        "-target=google_kms_crypto_key.disks",
        "-target=google_kms_key_ring.disks",
    ] {
        assert!(!destroy.contains(&kept), "KMS keys are kept: {destroy:?}");
    }
    assert!(!apply.path("ansible-out/dev/inventory.yml").exists());
}

#[test]
fn with_composer_the_binary_is_staged_for_terraform_before_it_runs() {
    let apply = Apply::new();
    let output = apply.run(
        &[
            "apply",
            "stacks/composer.yaml",
            "--auto-approve",
            "--only",
            "terraform",
        ],
        "",
    );
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert_eq!(
        apply.calls(),
        [
            "composer init -input=false (binary staged)",
            "composer apply -input=false -auto-approve (binary staged)",
            "composer output -json (binary staged)",
        ]
    );
    let staged = apply.path("terraform-out/composer/files/petadota");
    let digest = petadota::apply::staging::sha256_file(&staged).expect("staged binary");
    assert_eq!(
        digest,
        petadota::apply::staging::sha256_file(Path::new(env!("CARGO_BIN_EXE_petadota")))
            .expect("binary")
    );
    let plan = Command::new(env!("CARGO_BIN_EXE_petadota"))
        .args(["plan", "stacks/composer.yaml"])
        .current_dir(apply.project.path())
        .output()
        .expect("plan runs");
    assert_eq!(
        plan.status.code(),
        Some(0),
        "the staged files/ is not generated output: {}",
        String::from_utf8_lossy(&plan.stdout)
    );
}
