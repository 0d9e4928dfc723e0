resource "google_service_account" "kafka" {
  account_id   = "composer-kafka"
  display_name = "petadota composer kafka"
  description  = "Runs the kafka role of stack composer; bound only to what that role uses"
}

resource "google_service_account" "mysql" {
  account_id   = "composer-mysql"
  display_name = "petadota composer mysql"
  description  = "Runs the mysql role of stack composer; bound only to what that role uses"
}

resource "google_service_account" "workers" {
  account_id   = "composer-workers"
  display_name = "petadota composer workers"
  description  = "Runs the workers role of stack composer; bound only to what that role uses"
}

resource "google_service_account" "airflow" {
  account_id   = "composer-airflow"
  display_name = "petadota composer airflow"
  description  = "Runs the airflow role of stack composer; bound only to what that role uses"
}

resource "google_project_iam_member" "kafka_log_writer" {
  project = "petadota-comp-5678"
  role    = "roles/logging.logWriter"
  member  = google_service_account.kafka.member
}

resource "google_project_iam_member" "kafka_metric_writer" {
  project = "petadota-comp-5678"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.kafka.member
}

resource "google_project_iam_member" "mysql_log_writer" {
  project = "petadota-comp-5678"
  role    = "roles/logging.logWriter"
  member  = google_service_account.mysql.member
}

resource "google_project_iam_member" "mysql_metric_writer" {
  project = "petadota-comp-5678"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.mysql.member
}

resource "google_project_iam_member" "workers_log_writer" {
  project = "petadota-comp-5678"
  role    = "roles/logging.logWriter"
  member  = google_service_account.workers.member
}

resource "google_project_iam_member" "workers_metric_writer" {
  project = "petadota-comp-5678"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.workers.member
}

resource "google_project_iam_member" "airflow_log_writer" {
  project = "petadota-comp-5678"
  role    = "roles/logging.logWriter"
  member  = google_service_account.airflow.member
}

resource "google_project_iam_member" "airflow_metric_writer" {
  project = "petadota-comp-5678"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.airflow.member
}

resource "google_project_iam_member" "airflow_composer_worker" {
  # checkov:skip=CKV_GCP_49: Cloud Composer requires roles/composer.worker on its environment's service account at project level; no narrower grant exists
  project = "petadota-comp-5678"
  role    = "roles/composer.worker"
  member  = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "workers_petadota_composer_images_creator" {
  bucket = google_storage_bucket.petadota_composer_images.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.workers.member
}

resource "google_storage_bucket_iam_member" "workers_petadota_composer_images_viewer" {
  bucket = google_storage_bucket.petadota_composer_images.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.workers.member
}

resource "google_storage_bucket_iam_member" "airflow_petadota_composer_images_creator" {
  bucket = google_storage_bucket.petadota_composer_images.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "airflow_petadota_composer_images_viewer" {
  bucket = google_storage_bucket.petadota_composer_images.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.airflow.member
}

resource "google_secret_manager_secret_iam_member" "mysql_composer_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.composer_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.mysql.member
}

resource "google_secret_manager_secret_iam_member" "workers_composer_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.composer_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workers.member
}

resource "google_secret_manager_secret_iam_member" "airflow_composer_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.composer_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.airflow.member
}
