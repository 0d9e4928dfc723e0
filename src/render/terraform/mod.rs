//! Terraform for one stack: the GCP baseline of DESIGN.md, rendered from `templates/terraform`.

mod contexts;
mod instances;

pub use instances::{Instance, instances};

use super::engine::{self, render};
use super::hcl::{Identifiers, normalise};
use super::{RenderError, Rendered};
use crate::stack::validate::IAP_RANGE;
use crate::stack::{AirflowMode, HostRole, LifecycleAction, Stack};
use contexts::*;
use std::collections::BTreeMap;

/// Adds `terraform-out/<stack>/*.tf` to `out`.
pub fn render_into(stack: &Stack, out: &mut Rendered) -> Result<(), RenderError> {
    let dir = format!("terraform-out/{}", stack.name);
    let mut file = |name: &str,
                    template: &'static str,
                    text: Result<String, RenderError>|
     -> Result<(), RenderError> {
        let _ = template;
        out.insert(format!("{dir}/{name}"), normalise(&text?));
        Ok(())
    };
    let buckets = bucket_identifiers(stack);
    let secrets = secret_identifiers(stack);
    let roles = instances::roles(stack);
    let all_instances = instances(stack);

    file(
        "versions.tf",
        engine::TF_VERSIONS,
        render(engine::TF_VERSIONS, &versions(stack)),
    )?;
    file(
        "provider.tf",
        engine::TF_PROVIDER,
        render(engine::TF_PROVIDER, &provider(stack)),
    )?;
    file(
        "network.tf",
        engine::TF_NETWORK,
        render(engine::TF_NETWORK, &network(stack, &roles)),
    )?;
    file(
        "iam.tf",
        engine::TF_IAM,
        render(engine::TF_IAM, &iam(stack, &roles, &buckets, &secrets)),
    )?;
    file(
        "kms.tf",
        engine::TF_KMS,
        render(
            engine::TF_KMS,
            &Kms {
                project: stack.project.clone(),
                project_number: stack.project_number,
                region: stack.region.clone(),
                key_ring_name: format!("{}-disks", stack.name),
            },
        ),
    )?;
    file(
        "storage.tf",
        engine::TF_STORAGE,
        render(engine::TF_STORAGE, &storage(stack, &buckets)),
    )?;
    file(
        "secrets.tf",
        engine::TF_SECRETS,
        render(
            engine::TF_SECRETS,
            &Secrets {
                region: stack.region.clone(),
                secrets: secret_ids(stack)
                    .into_iter()
                    .map(|id| Secret {
                        resource: secrets[&id].clone(),
                        secret_id: id,
                    })
                    .collect(),
            },
        ),
    )?;
    file(
        "compute.tf",
        engine::TF_COMPUTE,
        render(
            engine::TF_COMPUTE,
            &Compute {
                zone: stack.zone.clone(),
                instances: all_instances.clone(),
            },
        ),
    )?;
    if stack.airflow.mode == AirflowMode::Composer {
        file(
            "composer.tf",
            engine::TF_COMPOSER,
            render(
                engine::TF_COMPOSER,
                &Composer {
                    name: format!("{}-airflow", stack.name),
                    bucket: format!("{}-{}-composer", stack.project, stack.name),
                    region: stack.region.clone(),
                    image_version: stack.airflow.composer_image.clone(),
                },
            ),
        )?;
        file(
            "composer_dags.tf",
            engine::TF_COMPOSER_DAGS,
            render(engine::TF_COMPOSER_DAGS, &composer_dags()?),
        )?;
    }
    let groups = roles
        .iter()
        .map(|role| HostGroup {
            role: role.as_str(),
            instances: all_instances
                .iter()
                .filter(|i| i.role == role.as_str())
                .map(|i| i.resource.clone())
                .collect(),
        })
        .collect();
    file(
        "outputs.tf",
        engine::TF_OUTPUTS,
        render(
            engine::TF_OUTPUTS,
            &Outputs {
                groups,
                roles: roles.iter().map(|r| r.as_str()).collect(),
            },
        ),
    )?;
    Ok(())
}

/// One bucket object per file that `render::airflow` writes into `terraform-out/<stack>/dags/`.
fn composer_dags() -> Result<ComposerDags, RenderError> {
    let mut names: Vec<String> = crate::render::airflow::dag_files()?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    names.push(crate::render::airflow::CONFIG_FILE.to_owned());
    names.sort();
    let files = names
        .into_iter()
        .map(|name| DagObject {
            resource: format!("dag_{}", name.replace(['.', '-'], "_")),
            content_type: if name.ends_with(".json") {
                "application/json"
            } else {
                "text/x-python"
            },
            object: format!("dags/{name}"),
            source: format!("dags/{name}"),
        })
        .collect();
    Ok(ComposerDags { files })
}

fn bucket_identifiers(stack: &Stack) -> BTreeMap<String, String> {
    let mut ids = Identifiers::default();
    ids.allocate("", "access_logs");
    stack
        .buckets
        .iter()
        .map(|b| (b.name.clone(), ids.allocate("", &b.name)))
        .collect()
}

fn secret_identifiers(stack: &Stack) -> BTreeMap<String, String> {
    let mut ids = Identifiers::default();
    secret_ids(stack)
        .into_iter()
        .map(|id| {
            let resource = ids.allocate("", &id);
            (id, resource)
        })
        .collect()
}

/// Every secret the stack creates: the users' passwords, created empty.
fn secret_ids(stack: &Stack) -> Vec<String> {
    stack
        .mysql
        .users
        .iter()
        .map(|u| u.password_secret.clone())
        .collect()
}

fn versions(stack: &Stack) -> Versions {
    Versions {
        state_bucket: stack.state.bucket.clone(),
        state_prefix: stack.state_prefix(),
    }
}

fn provider(stack: &Stack) -> Provider {
    let mut labels: BTreeMap<String, String> = stack.labels.clone();
    labels.insert("stack".to_owned(), stack.name.clone());
    labels.insert("managed-by".to_owned(), "petadota".to_owned());
    Provider {
        project: stack.project.clone(),
        region: stack.region.clone(),
        zone: stack.zone.clone(),
        labels: labels
            .into_iter()
            .map(|(key, value)| Label { key, value })
            .collect(),
    }
}

fn network(stack: &Stack, roles: &[HostRole]) -> Network {
    let name = |suffix: &str| format!("{}-{suffix}", stack.name);
    let present = |role: HostRole| roles.contains(&role);
    let vm_roles: Vec<&'static str> = instances::roles(stack)
        .into_iter()
        .filter(|r| *r != HostRole::Airflow || stack.airflow.mode == AirflowMode::Vm)
        .map(HostRole::as_str)
        .collect();
    let mut rules = vec![FirewallRule {
        resource: "allow_iap_ssh".to_owned(),
        name: name("allow-iap-ssh"),
        description: "SSH only through Identity-Aware Proxy TCP forwarding".to_owned(),
        priority: 1000,
        source_ranges: vec![IAP_RANGE.to_owned()],
        source_roles: Vec::new(),
        target_roles: vm_roles,
        ports: vec![22],
    }];
    if stack.airflow.mode == AirflowMode::Vm {
        rules.push(FirewallRule {
            resource: "allow_iap_airflow_ui".to_owned(),
            name: name("allow-iap-airflow-ui"),
            description: "The Airflow UI, reached through an IAP tunnel".to_owned(),
            priority: 1000,
            source_ranges: vec![IAP_RANGE.to_owned()],
            source_roles: Vec::new(),
            target_roles: vec!["airflow"],
            ports: vec![8080],
        });
    }
    let clients: Vec<&'static str> = [HostRole::Kafka, HostRole::Workers, HostRole::Airflow]
        .into_iter()
        .filter(|r| present(*r))
        .map(HostRole::as_str)
        .collect();
    rules.push(FirewallRule {
        resource: "allow_kafka_clients".to_owned(),
        name: name("allow-kafka-clients"),
        description: "Kafka clients: brokers, pipeline workers and Airflow".to_owned(),
        priority: 1000,
        source_ranges: Vec::new(),
        source_roles: clients,
        target_roles: vec!["kafka"],
        ports: vec![9092],
    });
    rules.push(FirewallRule {
        resource: "allow_kafka_controllers".to_owned(),
        name: name("allow-kafka-controllers"),
        description: "KRaft controller quorum, between brokers only".to_owned(),
        priority: 1000,
        source_ranges: Vec::new(),
        source_roles: vec!["kafka"],
        target_roles: vec!["kafka"],
        ports: vec![9093],
    });
    let sql_clients: Vec<&'static str> = [HostRole::Workers, HostRole::Airflow]
        .into_iter()
        .filter(|r| present(*r))
        .map(HostRole::as_str)
        .collect();
    if !sql_clients.is_empty() {
        rules.push(FirewallRule {
            resource: "allow_mysql_clients".to_owned(),
            name: name("allow-mysql-clients"),
            description: "MySQL clients: pipeline workers and Airflow".to_owned(),
            priority: 1000,
            source_ranges: Vec::new(),
            source_roles: sql_clients,
            target_roles: vec!["mysql"],
            ports: vec![3306],
        });
    }
    Network {
        network_description: format!(
            "petadota stack {}: custom VPC, no default network",
            stack.name
        ),
        region: stack.region.clone(),
        cidr: stack.network.cidr.clone(),
        network_name: name("vpc"),
        subnet_name: name("subnet"),
        router_name: name("router"),
        nat_name: name("nat"),
        firewall_rules: rules,
    }
}

fn iam(
    stack: &Stack,
    roles: &[HostRole],
    buckets: &BTreeMap<String, String>,
    secrets: &BTreeMap<String, String>,
) -> Iam {
    let service_accounts = roles
        .iter()
        .map(|role| ServiceAccount {
            role: role.as_str(),
            account_id: format!("{}-{}", stack.name, role.as_str()),
            display_name: format!("petadota {} {}", stack.name, role.as_str()),
            description: format!(
                "Runs the {} role of stack {}; bound only to what that role uses",
                role.as_str(),
                stack.name
            ),
        })
        .collect();
    let mut project_bindings = Vec::new();
    for role in roles {
        for (suffix, project_role) in [
            ("log_writer", "roles/logging.logWriter"),
            ("metric_writer", "roles/monitoring.metricWriter"),
        ] {
            project_bindings.push(ProjectBinding {
                resource: format!("{}_{suffix}", role.as_str()),
                role: project_role,
                role_of: role.as_str(),
                checkov_skip: None,
            });
        }
    }
    if stack.airflow.mode == AirflowMode::Composer {
        project_bindings.push(ProjectBinding {
            resource: "airflow_composer_worker".to_owned(),
            role: "roles/composer.worker",
            role_of: "airflow",
            checkov_skip: Some(
                "CKV_GCP_49: Cloud Composer requires roles/composer.worker on its environment's service account at project level; no narrower grant exists",
            ),
        });
    }
    let mut bucket_bindings = Vec::new();
    if let Some(ingest) = &stack.pipelines.ingest_images {
        // Airflow runs ingestion itself (see render::airflow), so it writes images too.
        for writer in [HostRole::Workers, HostRole::Airflow]
            .into_iter()
            .filter(|r| roles.contains(r))
        {
            for (suffix, role) in [
                ("creator", "roles/storage.objectCreator"),
                ("viewer", "roles/storage.objectViewer"),
            ] {
                bucket_bindings.push(BucketBinding {
                    resource: format!("{}_{}_{suffix}", writer.as_str(), buckets[&ingest.bucket]),
                    bucket_resource: buckets[&ingest.bucket].clone(),
                    role,
                    role_of: writer.as_str(),
                });
            }
        }
    }
    if let Some(backup) = &stack.mysql.backup_bucket {
        bucket_bindings.push(BucketBinding {
            resource: format!("mysql_{}_creator", buckets[backup]),
            bucket_resource: buckets[backup].clone(),
            role: "roles/storage.objectCreator",
            role_of: "mysql",
        });
    }
    let mut secret_bindings = Vec::new();
    for user in &stack.mysql.users {
        let secret_resource = secrets[&user.password_secret].clone();
        let mut readers: Vec<HostRole> = user
            .readers
            .iter()
            .copied()
            .filter(|r| roles.contains(r))
            .collect();
        readers.push(HostRole::Mysql);
        readers.sort();
        readers.dedup();
        for reader in readers {
            secret_bindings.push(SecretBinding {
                resource: format!("{}_{secret_resource}", reader.as_str()),
                secret_resource: secret_resource.clone(),
                role_of: reader.as_str(),
            });
        }
    }
    Iam {
        project: stack.project.clone(),
        service_accounts,
        project_bindings,
        bucket_bindings,
        secret_bindings,
    }
}

fn storage(stack: &Stack, ids: &BTreeMap<String, String>) -> Storage {
    let buckets = stack
        .buckets
        .iter()
        .map(|bucket| Bucket {
            resource: ids[&bucket.name].clone(),
            name: bucket.name.clone(),
            location: bucket
                .location
                .clone()
                .unwrap_or_else(|| stack.region.clone()),
            storage_class: bucket.storage_class.as_str(),
            versioning: bucket.versioning,
            lifecycle: bucket
                .lifecycle
                .iter()
                .map(|rule| LifecycleRule {
                    age_days: rule.age_days,
                    action: match rule.action {
                        LifecycleAction::Delete => "Delete",
                        LifecycleAction::SetStorageClass => "SetStorageClass",
                    },
                    storage_class: rule.storage_class.map(|c| c.as_str()),
                })
                .collect(),
            retention_seconds: bucket.retention_days.map(|days| u64::from(days) * 86_400),
        })
        .collect();
    Storage {
        region: stack.region.clone(),
        log_bucket: stack.log_bucket_name(),
        buckets,
    }
}
