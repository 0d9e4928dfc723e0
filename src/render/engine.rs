//! The template engine: every template embedded in the binary, named by a constant, with the
//! escaping filters registered and undefined variables treated as errors.

use super::RenderError;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;
use tera::{Context, Tera, Value};

/// A template compiled into the binary.
pub struct Template {
    /// Name used to render it, also its path under `templates/`.
    pub name: &'static str,
    /// The template text.
    pub source: &'static str,
}

macro_rules! templates {
    ($($constant:ident => $path:literal),* $(,)?) => {
        $(
            #[doc = concat!("`templates/", $path, "`")]
            pub const $constant: &str = $path;
        )*
        /// Every embedded template.
        pub const ALL: &[Template] = &[
            $(Template { name: $path, source: include_str!(concat!("../../templates/", $path)) },)*
        ];
    };
}

templates! {
    TF_VERSIONS => "terraform/versions.tf.tera",
    TF_PROVIDER => "terraform/provider.tf.tera",
    TF_NETWORK => "terraform/network.tf.tera",
    TF_IAM => "terraform/iam.tf.tera",
    TF_KMS => "terraform/kms.tf.tera",
    TF_STORAGE => "terraform/storage.tf.tera",
    TF_SECRETS => "terraform/secrets.tf.tera",
    TF_COMPUTE => "terraform/compute.tf.tera",
    TF_COMPOSER => "terraform/composer.tf.tera",
    TF_COMPOSER_DAGS => "terraform/composer_dags.tf.tera",
    TF_OUTPUTS => "terraform/outputs.tf.tera",
    ANSIBLE_CFG => "ansible/ansible.cfg.tera",
}

/// The compiled templates, built once per process.
pub fn engine() -> Result<&'static Tera, RenderError> {
    static ENGINE: OnceLock<Result<Tera, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut tera = Tera::default();
            tera.autoescape_on(Vec::new());
            tera.register_filter("hcl", hcl_filter);
            tera.register_filter("ini", ini_filter);
            tera.add_raw_templates(ALL.iter().map(|t| (t.name, t.source)))
                .map_err(|e| describe(&e))?;
            Ok(tera)
        })
        .as_ref()
        .map_err(|message| RenderError::Template {
            template: "(compiling)".to_owned(),
            message: message.clone(),
        })
}

/// Renders `template` with `context`, one typed struct per template.
pub fn render(template: &'static str, context: &impl Serialize) -> Result<String, RenderError> {
    let tera = engine()?;
    let context = Context::from_serialize(context).map_err(|e| RenderError::Template {
        template: template.to_owned(),
        message: describe(&e),
    })?;
    tera.render(template, &context)
        .map_err(|e| RenderError::Template {
            template: template.to_owned(),
            message: describe(&e),
        })
}

fn hcl_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match value {
        Value::String(text) => Ok(Value::String(super::hcl::quote(text))),
        other => Err(tera::Error::msg(format!(
            "the hcl filter quotes strings, got {other}"
        ))),
    }
}

/// A value for an INI line (`ansible.cfg`): refused when a control character could start a
/// new line and so a new setting.
fn ini_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match value {
        Value::String(text) if !text.chars().any(char::is_control) => Ok(value.clone()),
        other => Err(tera::Error::msg(format!(
            "{other} cannot be written into an INI file safely"
        ))),
    }
}

/// Tera nests the useful message in its error sources.
fn describe(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_every_file_is_embedded() {
        engine().expect("templates compile");
        let on_disk: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/terraform"))
                .expect("templates/terraform exists")
                .map(|entry| {
                    format!(
                        "terraform/{}",
                        entry.expect("readable").file_name().to_string_lossy()
                    )
                })
                .collect();
        for file in &on_disk {
            assert!(ALL.iter().any(|t| t.name == file), "{file} is not embedded");
        }
    }
}
