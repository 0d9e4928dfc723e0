resource "google_compute_network" "vpc" {
  name                    = "composer-vpc"
  description             = "petadota stack composer: custom VPC, no default network"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "main" {
  name                       = "composer-subnet"
  network                    = google_compute_network.vpc.id
  region                     = "europe-west4"
  ip_cidr_range              = "10.10.0.0/20"
  private_ip_google_access   = true
  private_ipv6_google_access = "ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE"

  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
    flow_sampling        = 0.5
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_router" "egress" {
  name    = "composer-router"
  network = google_compute_network.vpc.id
  region  = "europe-west4"
}

resource "google_compute_router_nat" "egress" {
  name                               = "composer-nat"
  router                             = google_compute_router.egress.name
  region                             = "europe-west4"
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"

  subnetwork {
    name                    = google_compute_subnetwork.main.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

resource "google_compute_firewall" "allow_iap_ssh" {
  name                    = "composer-allow-iap-ssh"
  description             = "SSH only through Identity-Aware Proxy TCP forwarding"
  network                 = google_compute_network.vpc.id
  direction               = "INGRESS"
  priority                = 1000
  source_ranges           = ["35.235.240.0/20"]
  target_service_accounts = [google_service_account.kafka.email, google_service_account.mysql.email, google_service_account.workers.email]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_kafka_clients" {
  name                    = "composer-allow-kafka-clients"
  description             = "Kafka clients: brokers, pipeline workers and Airflow"
  network                 = google_compute_network.vpc.id
  direction               = "INGRESS"
  priority                = 1000
  source_service_accounts = [google_service_account.kafka.email, google_service_account.workers.email, google_service_account.airflow.email]
  target_service_accounts = [google_service_account.kafka.email]

  allow {
    protocol = "tcp"
    ports    = ["9092"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_kafka_controllers" {
  name                    = "composer-allow-kafka-controllers"
  description             = "KRaft controller quorum, between brokers only"
  network                 = google_compute_network.vpc.id
  direction               = "INGRESS"
  priority                = 1000
  source_service_accounts = [google_service_account.kafka.email]
  target_service_accounts = [google_service_account.kafka.email]

  allow {
    protocol = "tcp"
    ports    = ["9093"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "allow_mysql_clients" {
  name                    = "composer-allow-mysql-clients"
  description             = "MySQL clients: pipeline workers and Airflow"
  network                 = google_compute_network.vpc.id
  direction               = "INGRESS"
  priority                = 1000
  source_service_accounts = [google_service_account.workers.email, google_service_account.airflow.email]
  target_service_accounts = [google_service_account.mysql.email]

  allow {
    protocol = "tcp"
    ports    = ["3306"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}
