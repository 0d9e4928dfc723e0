//! Hostile stack strings (quotes, backslashes, `${`, `%{`, newlines, unicode) in every string
//! field that reaches HCL come back out of the rendered files unchanged and inert.

use petadota::render::hcl::quote;
use petadota::stack::{AirflowMode, Stack};
use proptest::prelude::*;

const HOSTILE: &str = "\"q\" \\b ${var.x} %{ if true }y%{ endif } $${z} \n\r\t ünï 🐕 \u{7}";

fn hostile(field: &str) -> String {
    format!("H-{field}-{HOSTILE}")
}

/// Every plain string and object key in the HCL, decoded; template expressions separately.
fn strings(body: &hcl::Body, plain: &mut Vec<String>, templates: &mut Vec<String>) {
    for attribute in body.attributes() {
        expression(attribute.expr(), plain, templates);
    }
    for block in body.blocks() {
        plain.extend(block.labels().iter().map(|l| l.as_str().to_owned()));
        strings(block.body(), plain, templates);
    }
}

fn expression(expr: &hcl::Expression, plain: &mut Vec<String>, templates: &mut Vec<String>) {
    match expr {
        hcl::Expression::String(text) => plain.push(text.clone()),
        hcl::Expression::TemplateExpr(template) => templates.push(template.to_string()),
        hcl::Expression::Array(items) => items
            .iter()
            .for_each(|item| expression(item, plain, templates)),
        hcl::Expression::Object(object) => {
            for (key, value) in object {
                match key {
                    hcl::ObjectKey::Identifier(ident) => plain.push(ident.to_string()),
                    hcl::ObjectKey::Expression(key) => expression(key, plain, templates),
                    _ => {}
                }
                expression(value, plain, templates);
            }
        }
        _ => {}
    }
}

fn hostile_stack() -> (Stack, Vec<(&'static str, String)>) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/stacks/prod.yaml"))
        .expect("prod stack");
    let mut stack = Stack::parse_unvalidated(&text, "stacks/prod.yaml").expect("parses");
    let mut fields = Vec::new();
    let mut set = |field: &'static str, target: &mut String| {
        *target = hostile(field);
        fields.push((field, target.clone()));
    };
    set("name", &mut stack.name);
    set("project", &mut stack.project);
    set("region", &mut stack.region);
    set("zone", &mut stack.zone);
    set("state.bucket", &mut stack.state.bucket);
    stack.state.prefix = Some(String::new());
    set("state.prefix", stack.state.prefix.as_mut().expect("set"));
    set("network.cidr", &mut stack.network.cidr);
    stack.log_bucket = Some(String::new());
    set("log_bucket", stack.log_bucket.as_mut().expect("set"));
    stack.buckets[0].location = Some(String::new());
    set(
        "buckets[].location",
        stack.buckets[0].location.as_mut().expect("set"),
    );
    set("kafka.machine_type", &mut stack.kafka.machine_type);
    set("mysql.machine_type", &mut stack.mysql.machine_type);
    set("workers.machine_type", &mut stack.workers.machine_type);
    set("airflow.machine_type", &mut stack.airflow.machine_type);
    set(
        "mysql.users[].password_secret",
        &mut stack.mysql.users[1].password_secret,
    );
    // Bucket names are also references elsewhere in the stack: rename them consistently.
    let old = stack.buckets[0].name.clone();
    set("buckets[].name", &mut stack.buckets[0].name);
    if let Some(ingest) = stack
        .pipelines
        .ingest_images
        .as_mut()
        .filter(|i| i.bucket == old)
    {
        ingest.bucket = stack.buckets[0].name.clone();
    }
    let key = hostile("labels.key");
    stack.labels.insert(key.clone(), hostile("labels.value"));
    fields.push(("labels.key", key));
    fields.push(("labels.value", hostile("labels.value")));
    (stack, fields)
}

#[test]
fn hostile_values_in_every_string_field_round_trip_through_hcl() {
    let (stack, fields) = hostile_stack();
    let mut composer = stack.clone();
    composer.airflow.mode = AirflowMode::Composer;
    composer.airflow.composer_image = hostile("airflow.composer_image");
    let mut fields = fields;
    fields.push((
        "airflow.composer_image",
        composer.airflow.composer_image.clone(),
    ));

    let mut plain = Vec::new();
    let mut templates = Vec::new();
    for variant in [&stack, &composer] {
        // Terraform only: ansible.cfg refuses such values outright (see the next test).
        let mut rendered = petadota::render::Rendered::default();
        petadota::render::terraform::render_into(variant, &mut rendered).expect("renders");
        for (path, contents) in rendered.files() {
            let body = hcl::parse(contents)
                .unwrap_or_else(|e| panic!("{path} is not valid HCL: {e}\n{contents}"));
            strings(&body, &mut plain, &mut templates);
        }
    }
    for (field, value) in &fields {
        assert!(
            plain.iter().any(|s| s.contains(value.as_str())),
            "{field} did not survive: {value:?}"
        );
    }
    for template in &templates {
        assert!(
            !template.contains("H-"),
            "a stack value became a template: {template}"
        );
    }
}

#[test]
fn ansible_cfg_refuses_values_that_could_start_a_new_setting() {
    let (stack, _) = hostile_stack();
    let error = petadota::render::render(&stack)
        .expect_err("newline in project")
        .to_string();
    assert!(
        error.contains("cannot be written into an INI file safely"),
        "{error}"
    );
}

#[test]
fn quote_table_round_trips() {
    for value in [
        "",
        "plain",
        "\"",
        "\\",
        "${a}",
        "%{a}",
        "$${a}",
        "%%{a}",
        "$",
        "%",
        "a\nb",
        "\u{0}",
        "\u{1F415}",
        "\u{2028}",
    ] {
        let body = hcl::parse(&format!("a = {}\n", quote(value)))
            .unwrap_or_else(|e| panic!("{value:?}: {e}"));
        let parsed = body
            .attributes()
            .next()
            .expect("one attribute")
            .expr()
            .clone();
        assert_eq!(
            parsed,
            hcl::Expression::String(value.to_owned()),
            "{value:?}"
        );
    }
}

proptest! {
    #[test]
    fn quote_round_trips_any_string(value in any::<String>()) {
        let body = hcl::parse(&format!("a = {}\n", quote(&value))).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let parsed = body.attributes().next().expect("one attribute").expr().clone();
        prop_assert_eq!(parsed, hcl::Expression::String(value));
    }
}
