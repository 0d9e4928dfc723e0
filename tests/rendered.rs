//! The rendered output of every example stack: one snapshot per stack with each file under a
//! header, valid HCL for hcl-rs, determinism, and the baseline properties DESIGN.md asks for.

use crate::support::{example_stacks, render};
use petadota::render::Rendered;

/// Every generated file under a header; files copied verbatim from templates/ansible (the
/// roles and site.yml, snapshotted once in their own right by the Ansible checks) and from
/// templates/airflow (the static DAG files, checked by scripts/checks.d/50-airflow-dags.sh) by
/// name only. The DAGs' petadota_stack.json is rendered from the stack, so it is shown in full.
fn combined(rendered: &Rendered) -> String {
    let mut out = String::new();
    for (path, contents) in rendered.files() {
        let copied = path.contains("/roles/")
            || path.ends_with("/site.yml")
            || (path.contains("/dags/") && path.ends_with(".py"));
        if copied {
            out.push_str(&format!(
                "===== {path} (copied verbatim, {} bytes) =====\n",
                contents.len()
            ));
        } else {
            out.push_str(&format!("===== {path} =====\n{contents}\n"));
        }
    }
    out
}

#[test]
fn every_example_stack_renders_as_snapshotted() {
    for (name, stack) in example_stacks() {
        insta::assert_snapshot!(format!("rendered-{name}"), combined(&render(&stack)));
    }
}

#[test]
fn rendering_is_deterministic() {
    for (_, stack) in example_stacks() {
        assert_eq!(render(&stack), render(&stack));
    }
}

#[test]
fn every_rendered_file_is_valid_hcl() {
    for (name, stack) in example_stacks() {
        for (path, contents) in render(&stack).files() {
            if path.ends_with(".tf") {
                hcl::parse(contents)
                    .unwrap_or_else(|e| panic!("{name}: {path} does not parse: {e}"));
            }
        }
    }
}

/// Walks every `resource` block of the rendered tree.
fn resources(rendered: &Rendered) -> Vec<(String, String, hcl::Body)> {
    let mut out = Vec::new();
    for (path, contents) in rendered.files() {
        if !path.ends_with(".tf") {
            continue;
        }
        let body = hcl::parse(contents).expect("valid HCL");
        for block in body.blocks().filter(|b| b.identifier() == "resource") {
            let labels: Vec<String> = block
                .labels()
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect();
            out.push((labels[0].clone(), labels[1].clone(), block.body().clone()));
        }
    }
    out
}

fn attribute<'a>(body: &'a hcl::Body, key: &str) -> Option<&'a hcl::Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

fn block<'a>(body: &'a hcl::Body, name: &str) -> Option<&'a hcl::Body> {
    body.blocks()
        .find(|b| b.identifier() == name)
        .map(|b| b.body())
}

#[test]
fn instances_meet_the_baseline() {
    for (name, stack) in example_stacks() {
        let rendered = render(&stack);
        let instances: Vec<_> = resources(&rendered)
            .into_iter()
            .filter(|(kind, ..)| kind == "google_compute_instance")
            .collect();
        assert!(!instances.is_empty());
        for (_, resource, body) in instances {
            let context = format!("{name}: {resource}");
            let interface = block(&body, "network_interface").expect("network interface");
            assert!(
                block(interface, "access_config").is_none(),
                "{context} has an external IP"
            );
            let shielded = block(&body, "shielded_instance_config").expect("shielded VM");
            for key in [
                "enable_secure_boot",
                "enable_vtpm",
                "enable_integrity_monitoring",
            ] {
                assert_eq!(
                    attribute(shielded, key),
                    Some(&hcl::Expression::Bool(true)),
                    "{context}: {key}"
                );
            }
            let metadata = attribute(&body, "metadata").expect("metadata").to_string();
            for needed in [
                "enable-oslogin",
                "block-project-ssh-keys",
                "serial-port-enable",
            ] {
                assert!(
                    metadata.contains(needed),
                    "{context}: metadata lacks {needed}"
                );
            }
            let account = block(&body, "service_account").expect("service account");
            let email = attribute(account, "email").expect("email").to_string();
            assert!(
                email.starts_with("google_service_account."),
                "{context}: default compute account in use"
            );
        }
    }
}

#[test]
fn ssh_is_only_open_to_iap_and_no_basic_roles_are_granted() {
    for (name, stack) in example_stacks() {
        for (kind, resource, body) in resources(&render(&stack)) {
            if kind == "google_compute_firewall" {
                let allow = block(&body, "allow").expect("allow");
                let ports = attribute(allow, "ports").expect("ports").to_string();
                if ports.contains("\"22\"") {
                    let iap_only = hcl::Expression::Array(vec![hcl::Expression::String(
                        "35.235.240.0/20".to_owned(),
                    )]);
                    assert_eq!(
                        attribute(&body, "source_ranges"),
                        Some(&iap_only),
                        "{name}: {resource}"
                    );
                }
            }
            if let Some(role) = attribute(&body, "role") {
                let role = role.to_string();
                for basic in ["roles/owner", "roles/editor", "roles/viewer"] {
                    assert!(!role.contains(basic), "{name}: {resource} grants {basic}");
                }
            }
        }
    }
}

#[test]
fn secrets_are_created_without_values() {
    for (name, stack) in example_stacks() {
        let kinds: Vec<String> = resources(&render(&stack))
            .into_iter()
            .map(|(kind, ..)| kind)
            .collect();
        assert!(
            kinds.iter().any(|k| k == "google_secret_manager_secret"),
            "{name}"
        );
        assert!(
            !kinds
                .iter()
                .any(|k| k == "google_secret_manager_secret_version"),
            "{name}: a secret value would land in state"
        );
    }
}

#[test]
fn one_instance_per_vm_and_composer_only_when_asked() {
    let (_, mut stack) = example_stacks()
        .into_iter()
        .find(|(n, _)| n == "dev.yaml")
        .expect("dev stack");
    stack.kafka.brokers = 4;
    stack.workers.count = 3;
    let count = |rendered: &Rendered, kind: &str| {
        resources(rendered)
            .iter()
            .filter(|(k, ..)| k == kind)
            .count()
    };
    let rendered = render(&stack);
    assert_eq!(count(&rendered, "google_compute_instance"), 4 + 1 + 3 + 1);
    assert_eq!(count(&rendered, "google_composer_environment"), 0);
    stack.airflow.mode = petadota::stack::AirflowMode::Composer;
    let rendered = render(&stack);
    assert_eq!(count(&rendered, "google_compute_instance"), 4 + 1 + 3);
    assert_eq!(count(&rendered, "google_composer_environment"), 1);
}

#[test]
fn dags_go_where_the_stacks_airflow_reads_them() {
    let (_, mut stack) = example_stacks()
        .into_iter()
        .find(|(n, _)| n == "dev.yaml")
        .expect("dev stack");
    let dags = |rendered: &Rendered, tree: &str| {
        rendered
            .files()
            .keys()
            .filter(|p| p.starts_with(&format!("{tree}/dev/dags/")))
            .count()
    };
    let expected = petadota::render::airflow::dag_files()
        .expect("embedded DAG files")
        .len()
        + 1;
    let rendered = render(&stack);
    assert_eq!(dags(&rendered, "ansible-out"), expected);
    assert_eq!(dags(&rendered, "terraform-out"), 0);
    stack.airflow.mode = petadota::stack::AirflowMode::Composer;
    let rendered = render(&stack);
    assert_eq!(dags(&rendered, "ansible-out"), 0);
    assert_eq!(dags(&rendered, "terraform-out"), expected);
    let uploads = resources(&rendered)
        .iter()
        .filter(|(kind, ..)| kind == "google_storage_bucket_object")
        .count();
    assert_eq!(
        uploads,
        expected + 1,
        "one upload per file in terraform-out/dev/dags, plus the petadota binary"
    );
    stack.airflow.mode = petadota::stack::AirflowMode::None;
    let rendered = render(&stack);
    assert_eq!(
        dags(&rendered, "ansible-out") + dags(&rendered, "terraform-out"),
        0
    );
}
