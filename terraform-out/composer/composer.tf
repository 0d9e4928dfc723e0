# The environment's bucket is petadota's own (hardened like every other bucket), so its DAG
# folder (gs://<bucket>/dags) is known before the environment exists; composer_dags.tf uploads
# the stack's DAGs there.
resource "google_storage_bucket" "composer" {
  name                        = "petadota-comp-5678-composer-composer"
  location                    = "europe-west4"
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  logging {
    log_bucket        = google_storage_bucket.access_logs.name
    log_object_prefix = "petadota-comp-5678-composer-composer"
  }
}

resource "google_composer_environment" "airflow" {
  name   = "composer-airflow"
  region = "europe-west4"

  storage_config {
    bucket = google_storage_bucket.composer.name
  }

  config {
    environment_size           = "ENVIRONMENT_SIZE_SMALL"
    enable_private_environment = true

    software_config {
      image_version = "composer-3-airflow-2.10.5"
      # What the petadota DAGs import at run time (MySQL and Kafka clients).
      pypi_packages = {
        pymysql         = "==1.2.4"
        confluent-kafka = ">=2.3"
      }
    }

    node_config {
      network         = google_compute_network.vpc.id
      subnetwork      = google_compute_subnetwork.main.id
      service_account = google_service_account.airflow.email
    }
  }

  depends_on = [google_project_iam_member.airflow_composer_worker]
}
