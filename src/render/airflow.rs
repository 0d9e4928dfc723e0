//! Airflow DAGs for one stack: the DAG files are static Python under `templates/airflow/`,
//! copied verbatim (embedded in the binary, never templated), and read `petadota_stack.json`,
//! rendered beside them from the typed [`DagConfig`] with serde_json. No stack string is ever
//! pasted into Python source, and no secret is in either file: the DAGs read the pipelines'
//! database URL from Secret Manager at run time (or `PETADOTA_DATABASE_URL` in tests).
//!
//! Where the files go: with Airflow on a VM, `ansible-out/<stack>/dags/`, which the airflow role
//! copies to the DAGs folder; with Cloud Composer, `terraform-out/<stack>/dags/`, which
//! `composer_dags.tf` uploads to the environment's DAG bucket.
//!
//! Where ingestion runs: on the Airflow host itself, as `petadota pipeline ingest-images`
//! started by the DAG's task. The binary is one static file that `apply` already stages (the
//! site playbook installs it on the Airflow VM with the pipelines role's verified-binary tasks),
//! the Airflow service account already reads the pipelines user's password secret and is granted the image
//! bucket, and the run is I/O-bound and streams images through temp files, so it fits the
//! Airflow VM. Running it on the Airflow host keeps Airflow's timeout, retries and task log
//! attached to the real process; the alternative (SSH through IAP to a worker) would need OS
//! Login admin rights for Airflow on every worker and leaves an orphan when the task is killed.
//!
//! With Cloud Composer the same DAG runs the binary from `/home/airflow/gcs/data/petadota` (the
//! environment bucket's `data/` folder, mounted on every worker). Staging the binary there is
//! not automated yet: `apply` stages it for Ansible only.

use super::{RenderError, Rendered};
use crate::stack::{AirflowMode, Stack, duration};
use include_dir::{Dir, include_dir};
use serde::Serialize;

static DAGS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates/airflow");

/// Name of the rendered configuration the DAG files read.
pub const CONFIG_FILE: &str = "petadota_stack.json";

/// Where the binary is on the Airflow VM (the pipelines role's link).
const VM_BINARY: &str = "/usr/local/bin/petadota";
/// Composer mounts its bucket's `data/` folder here on every worker.
const COMPOSER_BINARY: &str = "/home/airflow/gcs/data/petadota";
/// The Kafka listener the brokers serve clients on.
const MYSQL_PORT: u16 = 3306;
const KAFKA_PORT: u16 = 9092;

/// Everything the DAG files read, in `petadota_stack.json`.
#[derive(Debug, Serialize)]
pub struct DagConfig {
    /// Stack name, shown in DAG tags and descriptions.
    pub stack: String,
    /// GCP project, for the Secret Manager call.
    pub project: String,
    /// `default_args` shared by every DAG.
    pub defaults: Defaults,
    /// How the DAGs reach MySQL; the URL itself stays in Secret Manager.
    pub mysql: Mysql,
    /// `petadota_ingest_images`, when the stack ingests images.
    pub ingest: Option<Ingest>,
    /// `petadota_trends_health`, when the stack runs the trends processors.
    pub trends_health: Option<TrendsHealth>,
    /// `petadota_daily_report`.
    pub daily_report: DailyReport,
}

/// `default_args` of every DAG.
#[derive(Debug, Serialize)]
pub struct Defaults {
    pub owner: String,
    pub retries: u32,
    pub retry_delay_seconds: u64,
}

/// MySQL access without the password: the DAGs read it from the user's Secret Manager secret,
/// the same one the workers read, at run time.
#[derive(Debug, Serialize)]
pub struct Mysql {
    /// The MySQL VM's internal DNS name.
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password_secret: Option<String>,
    /// Database the pipelines write.
    pub database: Option<String>,
}

/// The ingestion DAG.
#[derive(Debug, Serialize)]
pub struct Ingest {
    pub dag_id: &'static str,
    pub schedule: String,
    pub timeout_seconds: u64,
    pub dogs: u32,
    pub cats: u32,
    /// `gs://bucket/images`, the same prefix the worker timer uses.
    pub storage: String,
    /// The petadota binary on the machine that runs the task.
    pub binary: &'static str,
}

/// The trends health DAG.
#[derive(Debug, Serialize)]
pub struct TrendsHealth {
    pub dag_id: &'static str,
    pub schedule: String,
    pub max_lag: u64,
    pub max_staleness_seconds: u64,
    /// Brokers by their zonal internal DNS names, known before any VM exists.
    pub kafka_bootstrap: Vec<String>,
    pub consumer_group: String,
    pub topic: String,
}

/// The daily report DAG.
#[derive(Debug, Serialize)]
pub struct DailyReport {
    pub dag_id: &'static str,
    pub schedule: String,
    /// Window length of the trends processor: only windows starting at a multiple of it are
    /// summed, so that overlapping sliding windows count each event once.
    pub trends_window_seconds: Option<u64>,
    /// How many trending breeds the report keeps.
    pub top_breeds: u32,
}

fn seconds(text: &str) -> u64 {
    // Validation has parsed every duration already; 0 is never reached for a valid stack.
    duration::parse(text).map_or(0, |d| d.as_secs())
}

impl DagConfig {
    /// The configuration for `stack`.
    pub fn from_stack(stack: &Stack) -> Self {
        let airflow = &stack.airflow;
        let binary = match airflow.mode {
            AirflowMode::Composer => COMPOSER_BINARY,
            _ => VM_BINARY,
        };
        let login = stack.pipelines_login();
        DagConfig {
            stack: stack.name.clone(),
            project: stack.project.clone(),
            defaults: Defaults {
                owner: airflow.owner.clone(),
                retries: airflow.retries,
                retry_delay_seconds: seconds(&airflow.retry_delay),
            },
            mysql: Mysql {
                host: format!(
                    "{}-mysql-1.{}.c.{}.internal",
                    stack.name, stack.zone, stack.project
                ),
                port: MYSQL_PORT,
                user: login.map(|(_, user)| user.name.clone()),
                password_secret: login.map(|(_, user)| user.password_secret.clone()),
                database: login.map(|(database, _)| database.to_owned()),
            },
            ingest: stack.pipelines.ingest_images.as_ref().map(|i| Ingest {
                dag_id: "petadota_ingest_images",
                schedule: i.schedule.clone(),
                timeout_seconds: seconds(&airflow.ingest_timeout),
                dogs: i.dogs,
                cats: i.cats,
                storage: format!("gs://{}/images", i.bucket),
                binary,
            }),
            trends_health: stack.pipelines.trends.as_ref().map(|t| TrendsHealth {
                dag_id: "petadota_trends_health",
                schedule: airflow.trends_health.schedule.clone(),
                max_lag: airflow.trends_health.max_lag,
                max_staleness_seconds: seconds(&airflow.trends_health.max_staleness),
                kafka_bootstrap: (1..=stack.kafka.brokers)
                    .map(|n| {
                        format!(
                            "{}-kafka-{n}.{}.c.{}.internal:{KAFKA_PORT}",
                            stack.name, stack.zone, stack.project
                        )
                    })
                    .collect(),
                consumer_group: t.consumer_group.clone(),
                topic: t.topic.clone(),
            }),
            daily_report: DailyReport {
                dag_id: "petadota_daily_report",
                schedule: airflow.report_schedule.clone(),
                trends_window_seconds: stack.pipelines.trends.as_ref().map(|t| seconds(&t.window)),
                top_breeds: stack.pipelines.trends.as_ref().map_or(10, |t| t.top_k),
            },
        }
    }
}

/// Adds the DAG files and their configuration to `out`, where the stack's Airflow reads them;
/// nothing when the stack runs no Airflow.
pub fn render_into(stack: &Stack, out: &mut Rendered) -> Result<(), RenderError> {
    let dir = match stack.airflow.mode {
        AirflowMode::Vm => format!("ansible-out/{}/dags", stack.name),
        AirflowMode::Composer => format!("terraform-out/{}/dags", stack.name),
        AirflowMode::None => return Ok(()),
    };
    super::embedded::copy_into(&DAGS, "DAG files", &dir, out)?;
    let json = serde_json::to_string_pretty(&DagConfig::from_stack(stack)).map_err(|e| {
        RenderError::Template {
            template: CONFIG_FILE.to_owned(),
            message: e.to_string(),
        }
    })?;
    out.insert(format!("{dir}/{CONFIG_FILE}"), format!("{json}\n"));
    Ok(())
}

/// The static DAG files, by file name, in name order.
pub fn dag_files() -> Result<Vec<(String, &'static str)>, RenderError> {
    super::embedded::text_files(&DAGS, "DAG files")
}
