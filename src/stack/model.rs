//! The typed stack: what a platform team writes in `stacks/*.yaml`.
//!
//! Every struct rejects unknown fields so a typo is an error rather than a silently ignored
//! setting, and every optional field has a named default so the dev stack stays short.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One environment of the data platform: a GCP project and everything petadota builds in it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// Short name of the environment; prefixes every resource name (`dev`, `prod`).
    pub name: String,
    /// GCP project id the stack is deployed into.
    pub project: String,
    /// The project's number (`gcloud projects describe ID --format='value(projectNumber)'`);
    /// names the Compute Engine service agent that encrypts disks. Looked up by Terraform at
    /// plan time when absent.
    #[serde(default)]
    pub project_number: Option<u64>,
    /// GCP region for the subnet, buckets, NAT and secrets replication.
    pub region: String,
    /// GCP zone for the VMs and their disks; must lie in `region`.
    pub zone: String,
    /// Labels put on every resource that takes labels (plus `stack` and `managed-by`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Where Terraform keeps its state.
    pub state: StateBackend,
    /// The VPC.
    #[serde(default)]
    pub network: Network,
    /// Bucket that receives the access logs of every other bucket; defaults to
    /// `<project>-<name>-access-logs`.
    #[serde(default)]
    pub log_bucket: Option<String>,
    /// Object storage buckets for images, backups and the like.
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    /// The Kafka (KRaft) cluster.
    pub kafka: Kafka,
    /// The MySQL host.
    pub mysql: Mysql,
    /// VMs that run `petadota pipeline ...`.
    #[serde(default)]
    pub workers: Workers,
    /// Which pipelines run and how.
    #[serde(default)]
    pub pipelines: Pipelines,
    /// Where Airflow runs.
    #[serde(default)]
    pub airflow: Airflow,
    /// How Ansible reaches the hosts.
    #[serde(default)]
    pub ansible: AnsibleSettings,
}

/// Ansible connection settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnsibleSettings {
    /// OS Login user for SSH (e.g. `sa_1234...` for a CI service account); when absent, Ansible
    /// uses `ANSIBLE_REMOTE_USER` or the local user name of whoever runs `apply`.
    #[serde(default)]
    pub remote_user: Option<String>,
}

/// The remote Terraform state: a GCS bucket created before the first apply.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateBackend {
    /// Existing GCS bucket for the state (not managed by the stack itself).
    pub bucket: String,
    /// Object prefix inside the bucket; defaults to `petadota/<stack name>`.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// The custom VPC. SSH is only ever allowed from Google's IAP range, so it is not configurable.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Primary IPv4 range of the subnet, e.g. `10.20.0.0/20`.
    #[serde(default = "Network::default_cidr")]
    pub cidr: String,
    /// Extra ranges that must not overlap the subnet (peered networks, VPNs, on-premises).
    #[serde(default)]
    pub reserved_ranges: Vec<String>,
}

impl Network {
    fn default_cidr() -> String {
        "10.10.0.0/20".to_owned()
    }
}

impl Default for Network {
    fn default() -> Self {
        Self {
            cidr: Self::default_cidr(),
            reserved_ranges: Vec::new(),
        }
    }
}

/// A GCS bucket.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// Globally unique bucket name.
    pub name: String,
    /// Location; defaults to the stack's region.
    #[serde(default)]
    pub location: Option<String>,
    /// Default storage class of new objects.
    #[serde(default)]
    pub storage_class: StorageClass,
    /// Keep noncurrent object versions (on by default: the baseline wants it).
    #[serde(default = "default_true")]
    pub versioning: bool,
    /// Lifecycle rules, applied in order.
    #[serde(default)]
    pub lifecycle: Vec<LifecycleRule>,
    /// Minimum days an object must be kept (a retention policy), if any.
    #[serde(default)]
    pub retention_days: Option<u32>,
}

fn default_true() -> bool {
    true
}

/// GCS storage classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StorageClass {
    /// Hot data.
    #[default]
    Standard,
    /// Read about once a month.
    Nearline,
    /// Read about once a quarter.
    Coldline,
    /// Read about once a year.
    Archive,
}

impl StorageClass {
    /// The name GCS uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::Nearline => "NEARLINE",
            Self::Coldline => "COLDLINE",
            Self::Archive => "ARCHIVE",
        }
    }
}

/// One lifecycle rule: after `age_days`, delete objects or move them to a colder class.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRule {
    /// Object age in days at which the rule applies.
    pub age_days: u32,
    /// What happens then.
    pub action: LifecycleAction,
    /// Target class, required for `set_storage_class`.
    #[serde(default)]
    pub storage_class: Option<StorageClass>,
}

/// Lifecycle actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleAction {
    /// Delete the object.
    Delete,
    /// Rewrite the object to `storage_class`.
    SetStorageClass,
}

/// The Kafka cluster, in KRaft mode: every broker is also a controller.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kafka {
    /// Number of broker VMs.
    #[serde(default = "Kafka::default_brokers")]
    pub brokers: u32,
    /// Compute Engine machine type of a broker.
    #[serde(default = "default_machine_type")]
    pub machine_type: String,
    /// Size of each broker's data disk in GB.
    #[serde(default = "Kafka::default_disk_gb")]
    pub disk_gb: u32,
    /// Apache Kafka release (4.x: KRaft only).
    #[serde(default = "Kafka::default_version")]
    pub version: String,
    /// SHA-512 of the release tarball as Apache publishes it; required for any version other
    /// than the default, whose checksum the kafka role carries.
    #[serde(default)]
    pub sha512: Option<String>,
    /// Topics created by the playbook.
    #[serde(default)]
    pub topics: Vec<Topic>,
}

impl Kafka {
    fn default_brokers() -> u32 {
        1
    }
    fn default_disk_gb() -> u32 {
        50
    }
    fn default_version() -> String {
        DEFAULT_KAFKA_VERSION.to_owned()
    }
}

/// The Kafka release whose checksum the kafka role ships with.
pub const DEFAULT_KAFKA_VERSION: &str = "4.0.0";

fn default_machine_type() -> String {
    "e2-standard-2".to_owned()
}

/// A Kafka topic.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Topic name.
    pub name: String,
    /// Number of partitions.
    #[serde(default = "Topic::default_partitions")]
    pub partitions: u32,
    /// Replication factor; at most the number of brokers.
    #[serde(default = "Topic::default_replication")]
    pub replication: u32,
    /// How long records are kept, in hours; the broker default (168) when absent.
    #[serde(default)]
    pub retention_hours: Option<u32>,
}

impl Topic {
    fn default_partitions() -> u32 {
        3
    }
    fn default_replication() -> u32 {
        1
    }
}

/// The MySQL host.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mysql {
    /// Compute Engine machine type.
    #[serde(default = "default_machine_type")]
    pub machine_type: String,
    /// Size of the data disk in GB.
    #[serde(default = "Mysql::default_disk_gb")]
    pub disk_gb: u32,
    /// Server flavour.
    #[serde(default)]
    pub flavor: MysqlFlavor,
    /// Server version (MySQL 8.4 LTS by default).
    #[serde(default = "Mysql::default_version")]
    pub version: String,
    /// Databases to create.
    #[serde(default)]
    pub databases: Vec<String>,
    /// Users to create; their passwords live in Secret Manager.
    #[serde(default)]
    pub users: Vec<MysqlUser>,
    /// Bucket (declared under `buckets`) that receives nightly backups, if any.
    #[serde(default)]
    pub backup_bucket: Option<String>,
}

impl Mysql {
    fn default_disk_gb() -> u32 {
        50
    }
    fn default_version() -> String {
        "8.4".to_owned()
    }
}

/// Which server the mysql role installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MysqlFlavor {
    /// Oracle MySQL (8.4 LTS).
    #[default]
    Mysql,
    /// MariaDB from Debian.
    Mariadb,
}

/// A MySQL user. The stack names the secret that holds the password; it never holds the password.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MysqlUser {
    /// User name.
    pub name: String,
    /// Secret Manager secret id holding the password.
    pub password_secret: String,
    /// Databases the user gets privileges on; all of the stack's when empty.
    #[serde(default)]
    pub databases: Vec<String>,
    /// Host roles whose service account may read the password.
    #[serde(default = "MysqlUser::default_readers")]
    pub readers: Vec<HostRole>,
}

impl MysqlUser {
    fn default_readers() -> Vec<HostRole> {
        vec![HostRole::Workers]
    }
}

/// The roles a VM can have; each gets its own service account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostRole {
    /// Kafka brokers.
    Kafka,
    /// The MySQL host.
    Mysql,
    /// Pipeline workers.
    Workers,
    /// The Airflow VM (or the Composer environment's service account).
    Airflow,
}

impl HostRole {
    /// All roles, in the order they are rendered.
    pub const ALL: [HostRole; 4] = [Self::Kafka, Self::Mysql, Self::Workers, Self::Airflow];

    /// Lower-case name used in resource names and inventory groups.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kafka => "kafka",
            Self::Mysql => "mysql",
            Self::Workers => "workers",
            Self::Airflow => "airflow",
        }
    }
}

/// Pipeline worker VMs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Workers {
    /// Number of worker VMs.
    #[serde(default = "Workers::default_count")]
    pub count: u32,
    /// Compute Engine machine type.
    #[serde(default = "default_machine_type")]
    pub machine_type: String,
}

impl Workers {
    fn default_count() -> u32 {
        1
    }
}

impl Default for Workers {
    fn default() -> Self {
        Self {
            count: Self::default_count(),
            machine_type: default_machine_type(),
        }
    }
}

/// The pipelines the stack runs; each is off when absent.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pipelines {
    /// Dog and cat images into a bucket, metadata into MySQL.
    #[serde(default)]
    pub ingest_images: Option<IngestImages>,
    /// The adoption-trends stream processor.
    #[serde(default)]
    pub trends: Option<Trends>,
}

/// Image ingestion settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IngestImages {
    /// Cron expression (five fields, UTC) or an Airflow preset such as `@daily`.
    pub schedule: String,
    /// Dog images per run.
    #[serde(default)]
    pub dogs: u32,
    /// Cat images per run.
    #[serde(default)]
    pub cats: u32,
    /// Target bucket, declared under `buckets`.
    pub bucket: String,
    /// MySQL database for the metadata; the first of `mysql.databases` when absent.
    #[serde(default)]
    pub database: Option<String>,
    /// MySQL user the pipeline connects as; the first user when absent.
    #[serde(default)]
    pub user: Option<String>,
}

/// Trends processor settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Trends {
    /// Input topic of interaction events, declared under `kafka.topics`.
    pub topic: String,
    /// Window length, e.g. `5m`.
    pub window: String,
    /// Slide between windows; equal to `window` for tumbling windows.
    pub slide: String,
    /// How late an event may arrive and still update its window.
    #[serde(default = "Trends::default_allowed_lateness")]
    pub allowed_lateness: String,
    /// How many pets, breeds and species each window reports.
    #[serde(default = "Trends::default_top_k")]
    pub top_k: u32,
    /// Kafka consumer group shared by the processors.
    #[serde(default = "Trends::default_consumer_group")]
    pub consumer_group: String,
    /// Processor instances across the workers.
    #[serde(default = "Trends::default_instances")]
    pub instances: u32,
    /// Output topic for window results; declared under `kafka.topics` when set.
    #[serde(default)]
    pub output_topic: Option<String>,
    /// Topic for events that cannot be processed, with the reason; declared under
    /// `kafka.topics`. Defaults to `<topic>-dead-letter`.
    #[serde(default)]
    pub dead_letter_topic: Option<String>,
}

impl Trends {
    /// The dead-letter topic, explicit or by convention.
    pub fn dead_letter_topic(&self) -> String {
        self.dead_letter_topic
            .clone()
            .unwrap_or_else(|| format!("{}-dead-letter", self.topic))
    }
}

impl Trends {
    fn default_allowed_lateness() -> String {
        "1m".to_owned()
    }
    fn default_top_k() -> u32 {
        10
    }
    fn default_consumer_group() -> String {
        "petadota-trends".to_owned()
    }
    fn default_instances() -> u32 {
        1
    }
}

/// Where Airflow runs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Airflow {
    /// On a VM of its own, on Cloud Composer, or not at all.
    #[serde(default)]
    pub mode: AirflowMode,
    /// Machine type of the Airflow VM (mode `vm`).
    #[serde(default = "default_machine_type")]
    pub machine_type: String,
    /// Composer image (mode `composer`).
    #[serde(default = "Airflow::default_composer_image")]
    pub composer_image: String,
    /// Owner shown on every petadota DAG (Airflow's `owner` default argument).
    #[serde(default = "Airflow::default_owner")]
    pub owner: String,
    /// How often a failed task is retried before the DAG run fails.
    #[serde(default = "Airflow::default_retries")]
    pub retries: u32,
    /// Wait between retries, e.g. `5m`.
    #[serde(default = "Airflow::default_retry_delay")]
    pub retry_delay: String,
    /// How long one ingestion run may take before Airflow kills it, e.g. `1h`.
    #[serde(default = "Airflow::default_ingest_timeout")]
    pub ingest_timeout: String,
    /// The health check of the trends processors (`petadota_trends_health`).
    #[serde(default)]
    pub trends_health: TrendsHealth,
    /// Schedule of the daily report (`petadota_daily_report`), cron or preset, UTC.
    #[serde(default = "Airflow::default_report_schedule")]
    pub report_schedule: String,
}

impl Airflow {
    fn default_composer_image() -> String {
        "composer-3-airflow-2.10.5".to_owned()
    }
    fn default_owner() -> String {
        "platform".to_owned()
    }
    fn default_retries() -> u32 {
        2
    }
    fn default_retry_delay() -> String {
        "5m".to_owned()
    }
    fn default_ingest_timeout() -> String {
        "1h".to_owned()
    }
    fn default_report_schedule() -> String {
        "30 0 * * *".to_owned()
    }
}

impl Default for Airflow {
    fn default() -> Self {
        Self {
            mode: AirflowMode::default(),
            machine_type: default_machine_type(),
            composer_image: Self::default_composer_image(),
            owner: Self::default_owner(),
            retries: Self::default_retries(),
            retry_delay: Self::default_retry_delay(),
            ingest_timeout: Self::default_ingest_timeout(),
            trends_health: TrendsHealth::default(),
            report_schedule: Self::default_report_schedule(),
        }
    }
}

/// Bounds of the trends health DAG: it fails (and so alerts) when the processors fall behind.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrendsHealth {
    /// How often the check runs, cron or preset, UTC.
    #[serde(default = "TrendsHealth::default_schedule")]
    pub schedule: String,
    /// Most messages the consumer group may be behind, summed over the input topic's partitions.
    #[serde(default = "TrendsHealth::default_max_lag")]
    pub max_lag: u64,
    /// Oldest the newest `adoption_trends` window may be (its end vs now), e.g. `15m`.
    #[serde(default = "TrendsHealth::default_max_staleness")]
    pub max_staleness: String,
}

impl TrendsHealth {
    fn default_schedule() -> String {
        "*/5 * * * *".to_owned()
    }
    fn default_max_lag() -> u64 {
        10_000
    }
    fn default_max_staleness() -> String {
        "15m".to_owned()
    }
}

impl Default for TrendsHealth {
    fn default() -> Self {
        Self {
            schedule: Self::default_schedule(),
            max_lag: Self::default_max_lag(),
            max_staleness: Self::default_max_staleness(),
        }
    }
}

/// Airflow deployment modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AirflowMode {
    /// Airflow 3 on a VM configured by Ansible.
    #[default]
    Vm,
    /// A Cloud Composer 3 environment.
    Composer,
    /// No Airflow; ingestion runs from a systemd timer.
    None,
}
