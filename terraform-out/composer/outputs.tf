output "hosts" {
  description = "VMs by role, with the names and internal IPs the Ansible inventory is built from."
  value = {
    kafka = [
      {
        name        = google_compute_instance.kafka_1.name
        internal_ip = google_compute_instance.kafka_1.network_interface[0].network_ip
        zone        = google_compute_instance.kafka_1.zone
      },
    ]
    mysql = [
      {
        name        = google_compute_instance.mysql_1.name
        internal_ip = google_compute_instance.mysql_1.network_interface[0].network_ip
        zone        = google_compute_instance.mysql_1.zone
      },
    ]
    workers = [
      {
        name        = google_compute_instance.workers_1.name
        internal_ip = google_compute_instance.workers_1.network_interface[0].network_ip
        zone        = google_compute_instance.workers_1.zone
      },
    ]
    airflow = [
    ]
  }
}

output "service_accounts" {
  description = "Service account e-mail of each role."
  value = {
    kafka   = google_service_account.kafka.email
    mysql   = google_service_account.mysql.email
    workers = google_service_account.workers.email
    airflow = google_service_account.airflow.email
  }
}
