resource "google_compute_disk" "kafka_1_data" {
  name = "composer-kafka-1-data"
  type = "pd-balanced"
  zone = "europe-west4-a"
  size = 50

  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_disks]
}

resource "google_compute_instance" "kafka_1" {
  name           = "composer-kafka-1"
  description    = "petadota composer: Kafka broker 1"
  machine_type   = "e2-standard-2"
  zone           = "europe-west4-a"
  can_ip_forward = false
  tags           = ["kafka"]

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id

    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 20
      type  = "pd-balanced"
    }
  }

  attached_disk {
    source            = google_compute_disk.kafka_1_data.id
    device_name       = "data"
    kms_key_self_link = google_kms_crypto_key.disks.id
  }

  network_interface {
    subnetwork = google_compute_subnetwork.main.id
  }

  service_account {
    email  = google_service_account.kafka.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
    serial-port-enable     = "FALSE"
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_disks]
}

resource "google_compute_disk" "mysql_1_data" {
  name = "composer-mysql-1-data"
  type = "pd-balanced"
  zone = "europe-west4-a"
  size = 50

  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_disks]
}

resource "google_compute_instance" "mysql_1" {
  name           = "composer-mysql-1"
  description    = "petadota composer: MySQL host 1"
  machine_type   = "e2-standard-2"
  zone           = "europe-west4-a"
  can_ip_forward = false
  tags           = ["mysql"]

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id

    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 20
      type  = "pd-balanced"
    }
  }

  attached_disk {
    source            = google_compute_disk.mysql_1_data.id
    device_name       = "data"
    kms_key_self_link = google_kms_crypto_key.disks.id
  }

  network_interface {
    subnetwork = google_compute_subnetwork.main.id
  }

  service_account {
    email  = google_service_account.mysql.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
    serial-port-enable     = "FALSE"
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_disks]
}

resource "google_compute_instance" "workers_1" {
  name           = "composer-workers-1"
  description    = "petadota composer: pipeline worker 1"
  machine_type   = "e2-standard-2"
  zone           = "europe-west4-a"
  can_ip_forward = false
  tags           = ["workers"]

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id

    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 20
      type  = "pd-balanced"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.main.id
  }

  service_account {
    email  = google_service_account.workers.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
    serial-port-enable     = "FALSE"
  }

  depends_on = [google_kms_crypto_key_iam_member.compute_disks]
}
