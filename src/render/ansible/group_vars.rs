//! `group_vars/all.yml`: the stack as the variables `templates/ansible/VARS.md` documents,
//! produced by serialising typed values, never by pasting strings into YAML.

use crate::stack::cidr::Cidr;
use crate::stack::{AirflowMode, MysqlFlavor, Stack};
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The service user the pipelines run as on every host.
const SERVICE_USER: &str = "petadota";

/// Every variable the roles read from `group_vars/all.yml`.
#[derive(Debug, Serialize)]
pub struct GroupVars {
    pub petadota_stack: String,
    pub petadota_project: String,
    pub petadota_service_user: &'static str,
    pub petadota_service_group: &'static str,
    pub kafka_version: String,
    /// Left out for the default release, whose checksum the role carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kafka_sha512: Option<String>,
    pub kafka_cluster_id: String,
    pub kafka_topics: Vec<Topic>,
    pub mysql_flavor: &'static str,
    pub mysql_version: String,
    pub mysql_databases: Vec<String>,
    pub mysql_users: Vec<User>,
    pub mysql_user_host: String,
    pub mysql_backup_bucket: Option<String>,
    pub pipelines_database: Option<Database>,
    pub pipelines_ingest: Option<Ingest>,
    pub pipelines_trends: Option<Trends>,
    pub airflow_enabled: bool,
}

/// A topic as the kafka role creates it.
#[derive(Debug, Serialize)]
pub struct Topic {
    pub name: String,
    pub partitions: u32,
    pub replication: u32,
    pub retention_hours: Option<u32>,
}

/// A MySQL account; the password stays in Secret Manager.
#[derive(Debug, Serialize)]
pub struct User {
    pub name: String,
    pub password_secret: String,
    pub databases: Vec<String>,
}

/// Where the pipelines keep their data; the password stays in Secret Manager and is fetched
/// on the worker when a unit starts.
#[derive(Debug, Serialize)]
pub struct Database {
    pub name: String,
    pub user: String,
    pub password_secret: String,
}

/// Image ingestion settings for the pipelines role.
#[derive(Debug, Serialize)]
pub struct Ingest {
    pub schedule: String,
    pub dogs: u32,
    pub cats: u32,
    pub bucket: String,
}

/// Trends processor settings for the pipelines role.
#[derive(Debug, Serialize)]
pub struct Trends {
    pub topic: String,
    pub group: String,
    pub window: String,
    pub slide: String,
    pub lateness: String,
    pub top_k: u32,
    /// Processors per worker: the stack's total spread over the workers, rounded up.
    pub instances: u32,
    pub output_topic: Option<String>,
    pub dead_letter_topic: String,
}

impl GroupVars {
    /// The variables for `stack`.
    pub fn from_stack(stack: &Stack) -> Self {
        let mysql = &stack.mysql;
        GroupVars {
            petadota_stack: stack.name.clone(),
            petadota_project: stack.project.clone(),
            petadota_service_user: SERVICE_USER,
            petadota_service_group: SERVICE_USER,
            kafka_version: stack.kafka.version.clone(),
            kafka_sha512: stack.kafka.sha512.clone(),
            kafka_cluster_id: cluster_id(stack),
            kafka_topics: stack
                .kafka
                .topics
                .iter()
                .map(|t| Topic {
                    name: t.name.clone(),
                    partitions: t.partitions,
                    replication: t.replication,
                    retention_hours: t.retention_hours,
                })
                .collect(),
            mysql_flavor: match mysql.flavor {
                MysqlFlavor::Mysql => "mysql",
                MysqlFlavor::Mariadb => "mariadb",
            },
            mysql_version: mysql.version.clone(),
            mysql_databases: mysql.databases.clone(),
            mysql_users: mysql
                .users
                .iter()
                .map(|u| User {
                    name: u.name.clone(),
                    password_secret: u.password_secret.clone(),
                    databases: if u.databases.is_empty() {
                        mysql.databases.clone()
                    } else {
                        u.databases.clone()
                    },
                })
                .collect(),
            mysql_user_host: Cidr::parse(&stack.network.cidr)
                .map_or_else(|_| "%".to_owned(), Cidr::with_netmask),
            mysql_backup_bucket: mysql.backup_bucket.clone(),
            pipelines_database: pipelines_database(stack),
            pipelines_ingest: stack.pipelines.ingest_images.as_ref().map(|i| Ingest {
                schedule: i.schedule.clone(),
                dogs: i.dogs,
                cats: i.cats,
                bucket: i.bucket.clone(),
            }),
            pipelines_trends: stack.pipelines.trends.as_ref().map(|t| Trends {
                topic: t.topic.clone(),
                group: t.consumer_group.clone(),
                window: t.window.clone(),
                slide: t.slide.clone(),
                lateness: t.allowed_lateness.clone(),
                top_k: t.top_k,
                instances: t.instances.div_ceil(stack.workers.count.max(1)),
                output_topic: t.output_topic.clone(),
                dead_letter_topic: t.dead_letter_topic(),
            }),
            airflow_enabled: stack.airflow.mode != AirflowMode::None,
        }
    }
}

fn pipelines_database(stack: &Stack) -> Option<Database> {
    stack.pipelines_login().map(|(name, user)| Database {
        name: name.to_owned(),
        user: user.name.clone(),
        password_secret: user.password_secret.clone(),
    })
}

/// The KRaft cluster id: a UUID-sized value as 22 characters of URL-safe base64, derived from
/// the project and stack name so that renders are reproducible and the id never changes for a
/// live cluster.
pub fn cluster_id(stack: &Stack) -> String {
    let digest = Sha256::digest(format!(
        "petadota-kafka-cluster:{}:{}",
        stack.project, stack.name
    ));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}
