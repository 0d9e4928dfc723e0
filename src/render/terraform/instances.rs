//! The VMs a stack asks for, one per Terraform resource block so that a plan names exactly the
//! machines that come and go.

use crate::stack::{AirflowMode, HostRole, Stack};
use serde::Serialize;

/// One Compute Engine instance.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    /// Terraform resource name, e.g. `kafka_2`.
    pub resource: String,
    /// GCP instance name, e.g. `prod-kafka-2`.
    pub name: String,
    /// Role, which also names its service account resource.
    pub role: &'static str,
    /// Human description.
    pub description: String,
    /// Machine type.
    pub machine_type: String,
    /// Size of the separate data disk, for roles that keep data.
    pub data_disk_gb: Option<u32>,
    /// Terraform resource name of the data disk.
    pub data_disk_resource: String,
    /// GCP name of the data disk.
    pub data_disk_name: String,
}

/// Every instance of the stack, grouped by role in a fixed order.
pub fn instances(stack: &Stack) -> Vec<Instance> {
    let mut all = Vec::new();
    let mut add =
        |role: HostRole, count: u32, machine_type: &str, data_disk_gb: Option<u32>, what: &str| {
            for number in 1..=count {
                let resource = format!("{}_{number}", role.as_str());
                let name = format!("{}-{}-{number}", stack.name, role.as_str());
                all.push(Instance {
                    data_disk_resource: format!("{resource}_data"),
                    data_disk_name: format!("{name}-data"),
                    resource,
                    name,
                    role: role.as_str(),
                    description: format!("petadota {}: {what} {number}", stack.name),
                    machine_type: machine_type.to_owned(),
                    data_disk_gb,
                });
            }
        };
    add(
        HostRole::Kafka,
        stack.kafka.brokers,
        &stack.kafka.machine_type,
        Some(stack.kafka.disk_gb),
        "Kafka broker",
    );
    add(
        HostRole::Mysql,
        1,
        &stack.mysql.machine_type,
        Some(stack.mysql.disk_gb),
        "MySQL host",
    );
    add(
        HostRole::Workers,
        stack.workers.count,
        &stack.workers.machine_type,
        None,
        "pipeline worker",
    );
    if stack.airflow.mode == AirflowMode::Vm {
        add(
            HostRole::Airflow,
            1,
            &stack.airflow.machine_type,
            None,
            "Airflow",
        );
    }
    all
}

/// The roles that exist in this stack (and so get a service account).
pub fn roles(stack: &Stack) -> Vec<HostRole> {
    HostRole::ALL
        .into_iter()
        .filter(|role| match role {
            HostRole::Workers => stack.workers.count > 0,
            HostRole::Airflow => stack.airflow.mode != AirflowMode::None,
            _ => true,
        })
        .collect()
}
