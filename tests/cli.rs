//! The binary end to end on a scratch copy of the project: validate, render --check, plan.

use crate::support::{petadota, scratch_project};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn plan_of_unchanged_output_exits_zero() {
    let project = scratch_project();
    for stack in ["stacks/dev.yaml", "stacks/prod.yaml"] {
        let output = petadota(project.path(), &["plan", stack]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{stack}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        assert!(stdout(&output).contains("No changes."));
    }
}

#[test]
fn more_brokers_plan_exactly_the_new_brokers_and_exit_two() {
    let project = scratch_project();
    let path = project.path().join("stacks/prod.yaml");
    let text = std::fs::read_to_string(&path).expect("prod stack");
    std::fs::write(&path, text.replace("brokers: 3", "brokers: 5")).expect("edit");

    let output = petadota(project.path(), &["plan", "stacks/prod.yaml", "--json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON plan");
    let resources: Vec<(String, String)> = plan["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter(|b| b["kind"] == "resource")
        .map(|b| {
            (
                b["address"].as_str().unwrap_or_default().to_owned(),
                b["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        "google_compute_disk.kafka_4_data",
        "google_compute_disk.kafka_5_data",
        "google_compute_instance.kafka_4",
        "google_compute_instance.kafka_5",
    ]
    .iter()
    .map(|a| ((*a).to_owned(), "create".to_owned()))
    .collect();
    assert_eq!(resources, expected);
    assert_eq!(
        plan["summary"],
        serde_json::json!({"add": 4, "change": 0, "destroy": 0})
    );

    let text_plan = petadota(project.path(), &["plan", "stacks/prod.yaml"]);
    assert_eq!(text_plan.status.code(), Some(2));
    let shown = stdout(&text_plan);
    assert!(
        shown.contains("# google_compute_instance.kafka_5 will be created"),
        "{shown}"
    );
    assert!(
        shown.contains("Plan: 4 to add, 0 to change, 0 to destroy."),
        "{shown}"
    );
    assert!(
        !shown.contains('\u{1b}'),
        "piped output must not be colored"
    );

    let render = petadota(project.path(), &["render", "stacks/prod.yaml"]);
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let after = petadota(project.path(), &["plan", "stacks/prod.yaml"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
}

#[test]
fn a_changed_attribute_is_shown_before_and_after() {
    let project = scratch_project();
    let path = project.path().join("stacks/prod.yaml");
    let text = std::fs::read_to_string(&path).expect("prod stack");
    std::fs::write(&path, text.replace("disk_gb: 200", "disk_gb: 500")).expect("edit");
    let output = petadota(
        project.path(),
        &["plan", "stacks/prod.yaml", "--color", "always"],
    );
    assert_eq!(output.status.code(), Some(2));
    let shown = stdout(&output);
    assert!(shown.contains('\u{1b}'), "--color always colors");
    assert!(
        shown.contains("size") && shown.contains("200 -> 500"),
        "{shown}"
    );
    assert!(
        shown.contains("0 to add, 3 to change, 0 to destroy"),
        "{shown}"
    );
}

#[test]
fn render_check_fails_with_a_diff_when_output_is_stale_and_render_removes_stale_files() {
    let project = scratch_project();
    let clean = petadota(project.path(), &["render", "stacks/dev.yaml", "--check"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );

    let network = project.path().join("terraform-out/dev/network.tf");
    let text = std::fs::read_to_string(&network).expect("network.tf");
    std::fs::write(&network, text.replace("INTERVAL_5_SEC", "INTERVAL_10_MIN")).expect("edit");
    std::fs::write(
        project.path().join("terraform-out/dev/leftover.tf"),
        "terraform {}\n",
    )
    .expect("write");
    let stale = petadota(project.path(), &["render", "stacks/dev.yaml", "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let diff = stdout(&stale);
    assert!(
        diff.contains("--- a/terraform-out/dev/network.tf")
            && diff.contains("+++ b/terraform-out/dev/network.tf"),
        "{diff}"
    );
    assert!(
        diff.contains("-    aggregation_interval = \"INTERVAL_10_MIN\""),
        "{diff}"
    );
    assert!(
        diff.contains("+++ /dev/null"),
        "the leftover file shows as deleted: {diff}"
    );
    assert!(stderr(&stale).contains("petadota render stacks/dev.yaml"));

    let fixed = petadota(project.path(), &["render", "stacks/dev.yaml"]);
    assert_eq!(fixed.status.code(), Some(0));
    assert!(
        !project
            .path()
            .join("terraform-out/dev/leftover.tf")
            .exists()
    );
    assert_eq!(
        petadota(project.path(), &["render", "stacks/dev.yaml", "--check"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn invalid_stacks_and_missing_files_exit_one_with_located_errors() {
    let project = scratch_project();
    std::fs::write(
        project.path().join("stacks/bad.yaml"),
        "name: dev\nproject: petadota-dev-1234\nkafka: { brokers: 0 }\n",
    )
    .expect("write");
    for command in ["validate", "plan", "render"] {
        let output = petadota(project.path(), &[command, "stacks/bad.yaml"]);
        assert_eq!(output.status.code(), Some(1), "{command}");
        let error = stderr(&output);
        assert!(
            error.contains("stacks/bad.yaml:1:1")
                && error.contains("missing field `region`")
                && error.contains("hint:"),
            "{command}: {error}"
        );
    }
    let missing = petadota(project.path(), &["plan", "stacks/nope.yaml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("cannot read the stack file"));
}

#[test]
fn plan_terraform_explains_an_uninitialised_directory() {
    let project = scratch_project();
    let output = petadota(project.path(), &["plan", "stacks/dev.yaml", "--terraform"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is not initialised for terraform"),
        "{}",
        stderr(&output)
    );
}
