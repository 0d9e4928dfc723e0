//! ansible-out: the inventory from recorded `terraform output -json` documents, group_vars
//! serialised from the stack, and no secret anywhere in what is generated or staged.

use crate::support::{example_stacks, render, root};
use petadota::render::ansible::inventory::from_terraform_outputs;

#[test]
fn inventories_from_recorded_terraform_outputs() {
    // Recorded with tf-local (real terraform, offline provider): apply, then output -json.
    for stack in ["dev", "prod"] {
        let json = std::fs::read_to_string(
            root().join(format!("tests/fixtures/terraform-outputs/{stack}.json")),
        )
        .expect("recorded outputs");
        let inventory = from_terraform_outputs(&json).unwrap_or_else(|e| panic!("{stack}: {e}"));
        insta::assert_snapshot!(format!("inventory-{stack}"), inventory);
    }
}

#[test]
fn group_vars_carry_the_stack_and_parse_back_as_yaml() {
    for (name, stack) in example_stacks() {
        let rendered = render(&stack);
        let path = format!("ansible-out/{}/group_vars/all.yml", stack.name);
        let text = rendered
            .files()
            .get(&path)
            .unwrap_or_else(|| panic!("{name}: {path}"));
        let vars: serde_json::Value =
            serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(vars["petadota_stack"], stack.name.as_str());
        assert_eq!(
            vars["kafka_topics"].as_array().map(Vec::len),
            Some(stack.kafka.topics.len())
        );
        assert_eq!(
            vars["kafka_cluster_id"].as_str().map(str::len),
            Some(22),
            "{name}: KRaft ids are 22 chars"
        );
        assert_eq!(
            vars["mysql_users"][0]["password_secret"],
            stack.mysql.users[0].password_secret.as_str()
        );
    }
}

#[test]
fn the_cluster_id_is_stable_per_stack_and_differs_between_stacks() {
    let stacks = example_stacks();
    let ids: Vec<String> = stacks
        .iter()
        .map(|(_, s)| petadota::render::ansible::group_vars::cluster_id(s))
        .collect();
    assert_eq!(
        ids,
        stacks
            .iter()
            .map(|(_, s)| petadota::render::ansible::group_vars::cluster_id(s))
            .collect::<Vec<_>>()
    );
    assert_ne!(ids[0], ids[1]);
}

/// Patterns that would mean a secret value leaked: key material, or a password, token or key
/// assigned a literal. Secret NAMES (`password_secret: x`) are the design and do not match.
fn leaks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        if lower.contains("-----begin") && lower.contains("private key") {
            found.push(format!("line {}: key material", number + 1));
        }
        for key in [
            "password",
            "passwd",
            "token",
            "api_key",
            "apikey",
            "secret_key",
        ] {
            for separator in [":", "="] {
                let needle = format!("{key}{separator}");
                if let Some(at) = lower.find(&needle) {
                    let value = lower[at + needle.len()..].trim().trim_matches(['"', '\'']);
                    let templated = value.starts_with("{{")
                        || value.starts_with('$')
                        || value.starts_with('!')
                        || value.is_empty();
                    let named = lower[..at].ends_with('_') || lower[..at].ends_with("_url_");
                    if !templated
                        && !named
                        && !value.starts_with("null")
                        && !value.starts_with('%')
                        && !value.starts_with('(')
                    {
                        found.push(format!("line {}: `{}`", number + 1, line.trim()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn the_secret_scan_finds_what_it_looks_for() {
    assert_eq!(leaks("password: hunter2").len(), 1);
    assert_eq!(leaks("-----BEGIN RSA PRIVATE KEY-----").len(), 1);
    assert!(leaks("password_secret: dev-mysql-pipelines-password").is_empty());
    assert!(leaks("password: \"{{ lookup('x') }}\"").is_empty());
}

#[test]
fn no_generated_file_holds_a_secret() {
    for (name, stack) in example_stacks() {
        for (path, contents) in render(&stack).files() {
            let found = leaks(contents);
            assert!(found.is_empty(), "{name}: {path}: {found:?}");
        }
    }
}
