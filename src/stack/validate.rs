//! Cross-field validation of a parsed stack: naming rules, ranges, references and sanity.
//!
//! Every finding becomes a [`Diagnostic`] located through the [`SourceMap`], so a user sees
//! `file:line:col`, the field path and a hint for each one, all in one run.

use super::cidr::Cidr;
use super::diagnostic::Diagnostic;
use super::model::{AirflowMode, HostRole, LifecycleAction, Stack};
use super::source_map::SourceMap;
use super::{cron, duration, names};
use std::collections::{BTreeMap, HashSet};

/// The range IAP TCP forwarding connects from: the only source SSH is allowed from.
pub const IAP_RANGE: &str = "35.235.240.0/20";

/// Collects findings while walking the stack.
struct Findings<'a> {
    origin: &'a str,
    map: &'a SourceMap,
    diagnostics: Vec<Diagnostic>,
}

impl Findings<'_> {
    fn error(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let path = path.into();
        self.diagnostics.push(Diagnostic {
            origin: self.origin.to_owned(),
            location: self.map.locate(&path),
            path,
            message: message.into(),
            hint: hint.into(),
        });
    }

    /// Records `result`'s reason, prefixed with what the field is, when it is an error.
    fn check(
        &mut self,
        path: impl Into<String>,
        what: &str,
        result: Result<(), String>,
        hint: &str,
    ) {
        if let Err(reason) = result {
            self.error(path, format!("{what} is invalid: {reason}"), hint);
        }
    }

    /// Reports each name seen before, pointing at the second occurrence.
    fn unique<'n>(&mut self, what: &str, items: impl IntoIterator<Item = (String, &'n str)>) {
        let mut seen = HashSet::new();
        for (path, name) in items {
            if !seen.insert(name) {
                self.error(
                    path,
                    format!("duplicate {what} `{name}`"),
                    format!("each {what} must have a unique name; rename or remove one"),
                );
            }
        }
    }
}

/// Validates `stack`, returning every problem found in source order.
pub fn validate(stack: &Stack, origin: &str, map: &SourceMap) -> Vec<Diagnostic> {
    let mut findings = Findings {
        origin,
        map,
        diagnostics: Vec::new(),
    };
    identity(stack, &mut findings);
    network(stack, &mut findings);
    buckets(stack, &mut findings);
    kafka(stack, &mut findings);
    mysql(stack, &mut findings);
    pipelines(stack, &mut findings);
    airflow(stack, &mut findings);
    let mut diagnostics = findings.diagnostics;
    diagnostics.sort_by_key(|d| d.location);
    diagnostics
}

fn identity(stack: &Stack, f: &mut Findings) {
    f.check(
        "name",
        "the stack name",
        names::rfc1035(&stack.name, 1, 20),
        "use a short lowercase name such as `dev` or `prod-eu`; it prefixes every resource name",
    );
    f.check(
        "project",
        "the project id",
        names::rfc1035(&stack.project, 6, 30),
        "use the GCP project id (not its name or number), e.g. `petadota-prod-4821`",
    );
    let region_ok = stack.region.split('-').count() == 2
        && stack.region.ends_with(|c: char| c.is_ascii_digit())
        && stack
            .region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !region_ok {
        f.error(
            "region",
            format!("`{}` is not a GCP region", stack.region),
            "write a region such as `europe-west1` or `southamerica-east1`",
        );
    }
    let zone_ok = stack
        .zone
        .strip_prefix(&stack.region)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|suffix| suffix.len() == 1 && suffix.chars().all(|c| c.is_ascii_lowercase()));
    if !zone_ok {
        f.error(
            "zone",
            format!(
                "zone `{}` is not a zone of region `{}`",
                stack.zone, stack.region
            ),
            format!("write `{}-a` (or -b, -c)", stack.region),
        );
    }
    for (key, value) in &stack.labels {
        let path = format!("labels.{key}");
        f.check(path.clone(), "the label key", names::label(key, true), "label keys start with a lowercase letter and use only lowercase letters, digits, `-` and `_`");
        f.check(
            path.clone(),
            "the label value",
            names::label(value, false),
            "label values use only lowercase letters, digits, `-` and `_`",
        );
        if matches!(key.as_str(), "stack" | "managed-by") {
            f.error(
                path,
                format!("the label `{key}` is set by petadota"),
                "remove it: every resource gets `stack` and `managed-by` automatically",
            );
        }
    }
    f.check(
        "state.bucket",
        "the state bucket",
        names::bucket(&stack.state.bucket),
        "name an existing GCS bucket created for the Terraform state",
    );
    if let Some(log_bucket) = &stack.log_bucket {
        f.check(
            "log_bucket",
            "the log bucket",
            names::bucket(log_bucket),
            "bucket names use lowercase letters, digits, `-`, `_` and `.`",
        );
        if stack.buckets.iter().any(|b| &b.name == log_bucket) {
            f.error(
                "log_bucket",
                format!("`{log_bucket}` is also declared under buckets"),
                "the access-log bucket is created by petadota; pick a name no other bucket uses",
            );
        }
    }
}

fn network(stack: &Stack, f: &mut Findings) {
    let subnet = match Cidr::parse(&stack.network.cidr) {
        Ok(cidr) => Some(cidr),
        Err(reason) => {
            f.error(
                "network.cidr",
                format!("the subnet range {reason}"),
                "write an RFC 1918 range such as 10.20.0.0/20",
            );
            None
        }
    };
    if let Some(subnet) = subnet {
        if !subnet.is_private() {
            f.error(
                "network.cidr",
                format!("`{}` is not a private (RFC 1918) range", stack.network.cidr),
                "use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            );
        } else if !(8..=29).contains(&subnet.prefix) {
            f.error(
                "network.cidr",
                format!(
                    "a /{} subnet is outside what GCP allows (/8 to /29)",
                    subnet.prefix
                ),
                "pick a prefix length from 8 to 29; /20 leaves room for 4,000 VMs",
            );
        }
    }
    let mut ranges: Vec<(String, Cidr)> = subnet
        .map(|s| ("network.cidr".to_owned(), s))
        .into_iter()
        .collect();
    for (index, range) in stack.network.reserved_ranges.iter().enumerate() {
        let path = format!("network.reserved_ranges[{index}]");
        match Cidr::parse(range) {
            Err(reason) => f.error(
                path,
                format!("the reserved range {reason}"),
                "write an IPv4 range such as 10.30.0.0/16",
            ),
            Ok(cidr) => {
                if let Some((other, _)) = ranges.iter().find(|(_, seen)| seen.overlaps(cidr)) {
                    f.error(
                        path.clone(),
                        format!("`{range}` overlaps the range at {other}"),
                        "ranges must not overlap: move the subnet or the reserved range",
                    );
                }
                ranges.push((path, cidr));
            }
        }
    }
}

fn buckets(stack: &Stack, f: &mut Findings) {
    f.unique(
        "bucket",
        stack
            .buckets
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("buckets[{i}].name"), b.name.as_str())),
    );
    for (index, bucket) in stack.buckets.iter().enumerate() {
        let base = format!("buckets[{index}]");
        f.check(
            format!("{base}.name"),
            "the bucket name",
            names::bucket(&bucket.name),
            "bucket names are global: lowercase letters, digits, `-`, `_`, `.`, 3 to 63 characters",
        );
        if bucket.retention_days == Some(0) {
            f.error(
                format!("{base}.retention_days"),
                "a retention of 0 days keeps nothing",
                "remove retention_days, or set it to the number of days objects must be kept",
            );
        }
        for (rule_index, rule) in bucket.lifecycle.iter().enumerate() {
            let path = format!("{base}.lifecycle[{rule_index}]");
            match (rule.action, rule.storage_class) {
                (LifecycleAction::SetStorageClass, None) => f.error(
                    path,
                    "`set_storage_class` needs a `storage_class`",
                    "add `storage_class: NEARLINE` (or COLDLINE, ARCHIVE)",
                ),
                (LifecycleAction::Delete, Some(_)) => f.error(
                    format!("{path}.storage_class"),
                    "`delete` takes no `storage_class`",
                    "remove storage_class, or change the action to set_storage_class",
                ),
                (LifecycleAction::SetStorageClass, Some(class))
                    if class == bucket.storage_class =>
                {
                    f.error(
                        format!("{path}.storage_class"),
                        format!("objects are already {}", class.as_str()),
                        "pick a colder class than the bucket's own",
                    )
                }
                _ => {}
            }
        }
    }
}

fn machine(f: &mut Findings, path: String, machine_type: &str) {
    let ok = machine_type.contains('-') && names::rfc1035(machine_type, 3, 63).is_ok();
    if !ok {
        f.error(
            path,
            format!("`{machine_type}` is not a Compute Engine machine type"),
            "write a type such as `e2-standard-2` or `n2-highmem-4`",
        );
    }
}

fn disk(f: &mut Findings, path: String, size_gb: u32) {
    if !(10..=65_536).contains(&size_gb) {
        f.error(
            path,
            format!("a {size_gb} GB disk is outside 10 to 65536 GB"),
            "size persistent disks from 10 GB to 64 TB",
        );
    }
}

fn kafka(stack: &Stack, f: &mut Findings) {
    let kafka = &stack.kafka;
    if !(1..=1000).contains(&kafka.brokers) {
        f.error(
            "kafka.brokers",
            format!("{} brokers is outside 1 to 1000", kafka.brokers),
            "use 1 broker for dev and 3 or more for production",
        );
    }
    machine(f, "kafka.machine_type".into(), &kafka.machine_type);
    disk(f, "kafka.disk_gb".into(), kafka.disk_gb);
    if !kafka.version.starts_with("4.")
        || kafka
            .version
            .split('.')
            .any(|part| part.parse::<u32>().is_err())
    {
        f.error(
            "kafka.version",
            format!("Kafka `{}` is not a 4.x release", kafka.version),
            "petadota runs Kafka 4.x in KRaft mode: write e.g. `4.0.0`",
        );
    }
    match &kafka.sha512 {
        Some(sum)
            if sum.len() != 128
                || !sum
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) =>
        {
            f.error("kafka.sha512", "the checksum is not 128 lower-case hex digits", "copy the SHA-512 from Apache's .sha512 file for the release tarball, without spaces");
        }
        None if kafka.version != super::model::DEFAULT_KAFKA_VERSION => {
            f.error(
                "kafka.version",
                format!("Kafka {} needs its tarball checksum", kafka.version),
                format!(
                    "add kafka.sha512 (Apache's published SHA-512 of kafka_2.13-{}.tgz), or use {}",
                    kafka.version,
                    super::model::DEFAULT_KAFKA_VERSION
                ),
            );
        }
        _ => {}
    }
    f.unique(
        "topic",
        kafka
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("kafka.topics[{i}].name"), t.name.as_str())),
    );
    for (index, topic) in kafka.topics.iter().enumerate() {
        let base = format!("kafka.topics[{index}]");
        f.check(
            format!("{base}.name"),
            "the topic name",
            names::kafka_topic(&topic.name),
            "topic names use letters, digits, `.`, `_` and `-`",
        );
        if !(1..=10_000).contains(&topic.partitions) {
            f.error(
                format!("{base}.partitions"),
                format!("{} partitions is outside 1 to 10000", topic.partitions),
                "a few partitions per consumer instance is plenty",
            );
        }
        if topic.replication == 0 || topic.replication > kafka.brokers {
            f.error(
                format!("{base}.replication"),
                format!(
                    "replication {} needs at least as many brokers, and the stack has {}",
                    topic.replication, kafka.brokers
                ),
                format!(
                    "set replication between 1 and {}, or raise kafka.brokers",
                    kafka.brokers
                ),
            );
        }
        if topic.retention_hours == Some(0) {
            f.error(
                format!("{base}.retention_hours"),
                "a retention of 0 hours keeps nothing",
                "remove retention_hours for the broker default (168), or set the hours to keep",
            );
        }
    }
}

fn mysql(stack: &Stack, f: &mut Findings) {
    let mysql = &stack.mysql;
    machine(f, "mysql.machine_type".into(), &mysql.machine_type);
    disk(f, "mysql.disk_gb".into(), mysql.disk_gb);
    f.unique(
        "database",
        mysql
            .databases
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("mysql.databases[{i}]"), d.as_str())),
    );
    for (index, database) in mysql.databases.iter().enumerate() {
        f.check(
            format!("mysql.databases[{index}]"),
            "the database name",
            names::mysql_identifier(database, 64),
            "database names use letters, digits and `_`",
        );
    }
    f.unique(
        "user",
        mysql
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (format!("mysql.users[{i}].name"), u.name.as_str())),
    );
    f.unique(
        "password secret",
        mysql.users.iter().enumerate().map(|(i, u)| {
            (
                format!("mysql.users[{i}].password_secret"),
                u.password_secret.as_str(),
            )
        }),
    );
    for (index, user) in mysql.users.iter().enumerate() {
        let base = format!("mysql.users[{index}]");
        f.check(
            format!("{base}.name"),
            "the user name",
            names::mysql_identifier(&user.name, 32),
            "user names use letters, digits and `_`, at most 32",
        );
        f.check(format!("{base}.password_secret"), "the secret id", names::secret_id(&user.password_secret), "name the Secret Manager secret that will hold the password (never the password itself)");
        for (db_index, database) in user.databases.iter().enumerate() {
            if !mysql.databases.contains(database) {
                f.error(
                    format!("{base}.databases[{db_index}]"),
                    format!("database `{database}` is not declared"),
                    format!(
                        "declare it under mysql.databases, or use one of: {}",
                        list(&mysql.databases)
                    ),
                );
            }
        }
    }
    if let Some(bucket) = &mysql.backup_bucket {
        bucket_reference(stack, f, "mysql.backup_bucket", bucket);
    }
}

fn pipelines(stack: &Stack, f: &mut Findings) {
    let needs_workers = stack.has_pipelines();
    machine(
        f,
        "workers.machine_type".into(),
        &stack.workers.machine_type,
    );
    if needs_workers && stack.workers.count == 0 {
        f.error(
            "workers.count",
            "pipelines are configured but there are no workers",
            "set workers.count to 1 or more",
        );
    }
    if stack.workers.count > 1000 {
        f.error(
            "workers.count",
            format!("{} workers is more than 1000", stack.workers.count),
            "split the fleet into several stacks",
        );
    }
    if let Some(ingest) = &stack.pipelines.ingest_images {
        let base = "pipelines.ingest_images";
        f.check(format!("{base}.schedule"), "the schedule", cron::check(&ingest.schedule), "write five cron fields, e.g. \"0 */6 * * *\" for every six hours, or a preset such as @daily");
        if ingest.dogs == 0 && ingest.cats == 0 {
            f.error(
                base,
                "ingestion fetches no images (dogs and cats are both 0)",
                "set dogs or cats to how many images one run fetches",
            );
        }
        bucket_reference(stack, f, &format!("{base}.bucket"), &ingest.bucket);
        match &ingest.database {
            Some(database) if !stack.mysql.databases.contains(database) => {
                f.error(
                    format!("{base}.database"),
                    format!("database `{database}` is not declared"),
                    format!("use one of: {}", list(&stack.mysql.databases)),
                );
            }
            None if stack.mysql.databases.is_empty() => {
                f.error(
                    base,
                    "ingestion needs a MySQL database and mysql.databases is empty",
                    "declare a database under mysql.databases",
                );
            }
            _ => {}
        }
        user_reference(stack, f, &format!("{base}.user"), ingest.user.as_deref());
    }
    if let Some(trends) = &stack.pipelines.trends {
        let base = "pipelines.trends";
        let topic_names: Vec<String> = stack.kafka.topics.iter().map(|t| t.name.clone()).collect();
        // A derived dead-letter name is only worth reporting once the input topic is right.
        let dead_letter = match &trends.dead_letter_topic {
            Some(explicit) => Some(explicit.clone()),
            None if topic_names.contains(&trends.topic) => Some(trends.dead_letter_topic()),
            None => None,
        };
        for (field, topic) in [
            ("topic", Some(&trends.topic)),
            ("output_topic", trends.output_topic.as_ref()),
            ("dead_letter_topic", dead_letter.as_ref()),
        ] {
            if let Some(topic) = topic
                && !topic_names.contains(topic)
            {
                f.error(
                    format!("{base}.{field}"),
                    format!("topic `{topic}` is not declared"),
                    format!(
                        "declare it under kafka.topics, or use one of: {}",
                        list(&topic_names)
                    ),
                );
            }
        }
        let window = duration::parse(&trends.window)
            .map_err(|e| {
                f.error(
                    format!("{base}.window"),
                    e,
                    "write the window length, e.g. 5m",
                )
            })
            .ok();
        let slide = duration::parse(&trends.slide)
            .map_err(|e| {
                f.error(
                    format!("{base}.slide"),
                    e,
                    "write the slide, e.g. 1m (equal to window for tumbling windows)",
                )
            })
            .ok();
        let lateness = duration::parse(&trends.allowed_lateness)
            .map_err(|e| {
                f.error(
                    format!("{base}.allowed_lateness"),
                    e,
                    "write the lateness, e.g. 1m",
                )
            })
            .ok();
        if let (Some(window), Some(slide)) = (window, slide) {
            if slide.is_zero() || window.is_zero() {
                f.error(
                    format!("{base}.slide"),
                    "window and slide must be longer than 0s",
                    "use e.g. window 5m, slide 1m",
                );
            } else if slide > window {
                f.error(format!("{base}.slide"), format!("the slide ({}) is longer than the window ({}): events between windows would be lost", trends.slide, trends.window), "make the slide at most the window length");
            } else if window.as_secs() % slide.as_secs() != 0 {
                f.error(
                    format!("{base}.slide"),
                    format!(
                        "the window ({}) is not a whole number of slides ({})",
                        trends.window, trends.slide
                    ),
                    "pick a slide that divides the window, e.g. window 5m with slide 1m",
                );
            }
            if let Some(lateness) = lateness
                && lateness > window.saturating_mul(12)
            {
                f.error(
                    format!("{base}.allowed_lateness"),
                    "allowed lateness over 12 windows keeps too many windows open",
                    "lower the lateness or lengthen the window",
                );
            }
        }
        if !(1..=1000).contains(&trends.top_k) {
            f.error(
                format!("{base}.top_k"),
                format!("top_k {} is outside 1 to 1000", trends.top_k),
                "report e.g. the top 20",
            );
        }
        f.check(
            format!("{base}.consumer_group"),
            "the consumer group",
            names::kafka_topic(&trends.consumer_group),
            "group ids use letters, digits, `.`, `_` and `-`",
        );
        if let Some(topic) = stack.kafka.topics.iter().find(|t| t.name == trends.topic)
            && (trends.instances == 0 || trends.instances > topic.partitions)
        {
            f.error(format!("{base}.instances"), format!("{} instances for a topic of {} partitions leaves instances idle or none at all", trends.instances, topic.partitions), format!("use 1 to {} instances, or add partitions", topic.partitions));
        }
    }
}

fn airflow(stack: &Stack, f: &mut Findings) {
    if let Some(user) = &stack.ansible.remote_user
        && (user.is_empty()
            || !user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        f.error("ansible.remote_user", format!("`{user}` is not an OS Login user name"), "OS Login user names use letters, digits, `_`, `-` and `.`, e.g. sa_123456789012345678901");
    }
    match stack.airflow.mode {
        AirflowMode::Vm => machine(
            f,
            "airflow.machine_type".into(),
            &stack.airflow.machine_type,
        ),
        AirflowMode::Composer
            if !stack
                .airflow
                .composer_image
                .starts_with("composer-3-airflow-") =>
        {
            f.error(
                "airflow.composer_image",
                format!(
                    "`{}` is not a Cloud Composer 3 image",
                    stack.airflow.composer_image
                ),
                "write e.g. composer-3-airflow-2.10.5",
            );
        }
        _ => {}
    }
    if stack.airflow.mode != AirflowMode::None {
        dags(stack, f);
    }
}

/// The settings the generated DAGs read (`petadota_stack.json`).
fn dags(stack: &Stack, f: &mut Findings) {
    let airflow = &stack.airflow;
    if airflow.owner.is_empty()
        || airflow.owner.len() > 64
        || airflow.owner.chars().any(char::is_control)
    {
        f.error(
            "airflow.owner",
            "the DAG owner must be 1 to 64 printable characters",
            "name the team that answers for the DAGs, e.g. `platform`",
        );
    }
    if airflow.retries > 10 {
        f.error(
            "airflow.retries",
            format!("{} retries is more than 10", airflow.retries),
            "retry a failed task a few times (0 to 10); a persistent failure should alert",
        );
    }
    let positive =
        |f: &mut Findings, path: &str, text: &str, hint: &str| match duration::parse(text) {
            Ok(d) if d.is_zero() => {
                f.error(path, format!("`{text}` is zero"), hint);
                None
            }
            Ok(d) => Some(d),
            Err(reason) => {
                f.error(path, reason, hint);
                None
            }
        };
    positive(
        f,
        "airflow.retry_delay",
        &airflow.retry_delay,
        "write the wait between retries, e.g. 5m",
    );
    positive(
        f,
        "airflow.ingest_timeout",
        &airflow.ingest_timeout,
        "write how long one ingestion run may take, e.g. 1h",
    );
    f.check(
        "airflow.report_schedule",
        "the report schedule",
        cron::check(&airflow.report_schedule),
        "write five cron fields, e.g. \"30 0 * * *\" for 00:30 UTC, or @daily",
    );
    let health = &airflow.trends_health;
    f.check(
        "airflow.trends_health.schedule",
        "the health-check schedule",
        cron::check(&health.schedule),
        "write five cron fields, e.g. \"*/5 * * * *\" for every five minutes",
    );
    if health.max_lag == 0 {
        f.error(
            "airflow.trends_health.max_lag",
            "a lag bound of 0 messages fails whenever an event is in flight",
            "allow the lag a burst may cause, e.g. 10000 messages",
        );
    }
    let staleness = positive(
        f,
        "airflow.trends_health.max_staleness",
        &health.max_staleness,
        "write how old the newest trends window may be, e.g. 15m",
    );
    if let (Some(staleness), Some(trends)) = (staleness, &stack.pipelines.trends)
        && let (Ok(slide), Ok(lateness)) = (
            duration::parse(&trends.slide),
            duration::parse(&trends.allowed_lateness),
        )
        && staleness <= slide + lateness
    {
        f.error(
            "airflow.trends_health.max_staleness",
            format!(
                "`{}` is not longer than slide + allowed_lateness ({} + {}): a healthy processor writes a window only after its end plus the lateness, so the check would always fail",
                health.max_staleness, trends.slide, trends.allowed_lateness
            ),
            "allow at least slide + allowed_lateness plus a margin, e.g. 15m",
        );
    }
}

fn bucket_reference(stack: &Stack, f: &mut Findings, path: &str, bucket: &str) {
    if !stack.buckets.iter().any(|b| b.name == bucket) {
        let declared: Vec<String> = stack.buckets.iter().map(|b| b.name.clone()).collect();
        f.error(
            path,
            format!("bucket `{bucket}` is not declared"),
            format!(
                "declare it under buckets, or use one of: {}",
                list(&declared)
            ),
        );
    }
}

fn user_reference(stack: &Stack, f: &mut Findings, path: &str, user: Option<&str>) {
    let users: BTreeMap<&str, _> = stack
        .mysql
        .users
        .iter()
        .map(|u| (u.name.as_str(), u))
        .collect();
    match user {
        Some(name) if !users.contains_key(name) => {
            let declared: Vec<String> = users.keys().map(|k| (*k).to_owned()).collect();
            f.error(
                path,
                format!("MySQL user `{name}` is not declared"),
                format!(
                    "declare it under mysql.users, or use one of: {}",
                    list(&declared)
                ),
            );
        }
        None if users.is_empty() => f.error(
            path,
            "the pipeline needs a MySQL user and mysql.users is empty",
            "declare a user under mysql.users with a password_secret",
        ),
        Some(name) => workers_can_read(stack, f, path, name),
        None => workers_can_read(stack, f, path, &stack.mysql.users[0].name),
    }
}

/// The workers fetch the pipelines' password at unit start, and the DAGs that run and check
/// the pipelines read it too, so both service accounts must be allowed to read it.
fn workers_can_read(stack: &Stack, f: &mut Findings, path: &str, name: &str) {
    let Some((index, user)) = stack
        .mysql
        .users
        .iter()
        .enumerate()
        .find(|(_, u)| u.name == name)
    else {
        return;
    };
    let mut needed = vec![HostRole::Workers];
    if stack.airflow.mode != AirflowMode::None {
        needed.push(HostRole::Airflow);
    }
    for role in needed
        .into_iter()
        .filter(|role| !user.readers.contains(role))
    {
        f.error(
            format!("mysql.users[{index}].readers"),
            format!(
                "the pipelines connect as `{name}`, but the {} service account may not read its password (used by {path})",
                role.as_str()
            ),
            format!("add `{}` to this user's readers", role.as_str()),
        );
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none declared)".to_owned()
    } else {
        names.join(", ")
    }
}
