//! One `Serialize` struct per Terraform template, built from the stack. Templates see nothing
//! else, so what a template can print is exactly what these types hold.

use super::instances::Instance;
use serde::Serialize;

/// `versions.tf`
#[derive(Debug, Serialize)]
pub struct Versions {
    pub state_bucket: String,
    pub state_prefix: String,
}

/// A label as a key and value pair, in sorted key order.
#[derive(Debug, Serialize)]
pub struct Label {
    pub key: String,
    pub value: String,
}

/// `provider.tf`
#[derive(Debug, Serialize)]
pub struct Provider {
    pub project: String,
    pub region: String,
    pub zone: String,
    pub labels: Vec<Label>,
}

/// An ingress firewall rule between roles, or from a range to a role.
#[derive(Debug, Serialize)]
pub struct FirewallRule {
    pub resource: String,
    pub name: String,
    pub description: String,
    pub priority: u32,
    pub source_ranges: Vec<String>,
    pub source_roles: Vec<&'static str>,
    pub target_roles: Vec<&'static str>,
    pub ports: Vec<u16>,
}

/// `network.tf`
#[derive(Debug, Serialize)]
pub struct Network {
    pub network_description: String,
    pub region: String,
    pub cidr: String,
    pub network_name: String,
    pub subnet_name: String,
    pub router_name: String,
    pub nat_name: String,
    pub firewall_rules: Vec<FirewallRule>,
}

/// A service account, one per role.
#[derive(Debug, Serialize)]
pub struct ServiceAccount {
    pub role: &'static str,
    pub account_id: String,
    pub display_name: String,
    pub description: String,
}

/// A project-level role (logging, monitoring: never a basic role).
#[derive(Debug, Serialize)]
pub struct ProjectBinding {
    pub resource: String,
    pub role: &'static str,
    pub role_of: &'static str,
    /// A checkov check this binding cannot meet, with the reason (`CKV_X: why`).
    pub checkov_skip: Option<&'static str>,
}

/// A role on one bucket.
#[derive(Debug, Serialize)]
pub struct BucketBinding {
    pub resource: String,
    pub bucket_resource: String,
    pub role: &'static str,
    pub role_of: &'static str,
}

/// Read access to one secret.
#[derive(Debug, Serialize)]
pub struct SecretBinding {
    pub resource: String,
    pub secret_resource: String,
    pub role_of: &'static str,
}

/// `iam.tf`
#[derive(Debug, Serialize)]
pub struct Iam {
    pub project: String,
    pub service_accounts: Vec<ServiceAccount>,
    pub project_bindings: Vec<ProjectBinding>,
    pub bucket_bindings: Vec<BucketBinding>,
    pub secret_bindings: Vec<SecretBinding>,
}

/// `kms.tf`
#[derive(Debug, Serialize)]
pub struct Kms {
    pub project: String,
    pub project_number: Option<u64>,
    pub region: String,
    pub key_ring_name: String,
}

/// A lifecycle rule with GCS's action names.
#[derive(Debug, Serialize)]
pub struct LifecycleRule {
    pub age_days: u32,
    pub action: &'static str,
    pub storage_class: Option<&'static str>,
}

/// A bucket.
#[derive(Debug, Serialize)]
pub struct Bucket {
    pub resource: String,
    pub name: String,
    pub location: String,
    pub storage_class: &'static str,
    pub versioning: bool,
    pub lifecycle: Vec<LifecycleRule>,
    pub retention_seconds: Option<u64>,
}

/// `storage.tf`
#[derive(Debug, Serialize)]
pub struct Storage {
    pub region: String,
    pub log_bucket: String,
    pub buckets: Vec<Bucket>,
}

/// A Secret Manager secret, created without a value.
#[derive(Debug, Serialize)]
pub struct Secret {
    pub resource: String,
    pub secret_id: String,
}

/// `secrets.tf`
#[derive(Debug, Serialize)]
pub struct Secrets {
    pub region: String,
    pub secrets: Vec<Secret>,
}

/// `compute.tf`
#[derive(Debug, Serialize)]
pub struct Compute {
    pub zone: String,
    pub instances: Vec<Instance>,
}

/// `composer.tf`
#[derive(Debug, Serialize)]
pub struct Composer {
    pub name: String,
    pub bucket: String,
    pub region: String,
    pub image_version: String,
}

/// `composer_dags.tf`
#[derive(Debug, Serialize)]
pub struct ComposerDags {
    pub files: Vec<DagObject>,
}

/// One file uploaded to the Composer DAG folder. Names are petadota's own (embedded DAG files
/// and the JSON config), never stack input.
#[derive(Debug, Serialize)]
pub struct DagObject {
    pub resource: String,
    /// Object name in the bucket, `dags/<file>`.
    pub object: String,
    /// Path relative to the Terraform directory, `dags/<file>`.
    pub source: String,
    pub content_type: &'static str,
}

/// The instances of one role, for the outputs.
#[derive(Debug, Serialize)]
pub struct HostGroup {
    pub role: &'static str,
    pub instances: Vec<String>,
}

/// `outputs.tf`
#[derive(Debug, Serialize)]
pub struct Outputs {
    pub groups: Vec<HostGroup>,
    pub roles: Vec<&'static str>,
}
