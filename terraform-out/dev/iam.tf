resource "google_service_account" "kafka" {
  account_id   = "dev-kafka"
  display_name = "petadota dev kafka"
  description  = "Runs the kafka role of stack dev; bound only to what that role uses"
}

resource "google_service_account" "mysql" {
  account_id   = "dev-mysql"
  display_name = "petadota dev mysql"
  description  = "Runs the mysql role of stack dev; bound only to what that role uses"
}

resource "google_service_account" "workers" {
  account_id   = "dev-workers"
  display_name = "petadota dev workers"
  description  = "Runs the workers role of stack dev; bound only to what that role uses"
}

resource "google_service_account" "airflow" {
  account_id   = "dev-airflow"
  display_name = "petadota dev airflow"
  description  = "Runs the airflow role of stack dev; bound only to what that role uses"
}

resource "google_project_iam_member" "kafka_log_writer" {
  project = "petadota-dev-1234"
  role    = "roles/logging.logWriter"
  member  = google_service_account.kafka.member
}

resource "google_project_iam_member" "kafka_metric_writer" {
  project = "petadota-dev-1234"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.kafka.member
}

resource "google_project_iam_member" "mysql_log_writer" {
  project = "petadota-dev-1234"
  role    = "roles/logging.logWriter"
  member  = google_service_account.mysql.member
}

resource "google_project_iam_member" "mysql_metric_writer" {
  project = "petadota-dev-1234"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.mysql.member
}

resource "google_project_iam_member" "workers_log_writer" {
  project = "petadota-dev-1234"
  role    = "roles/logging.logWriter"
  member  = google_service_account.workers.member
}

resource "google_project_iam_member" "workers_metric_writer" {
  project = "petadota-dev-1234"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.workers.member
}

resource "google_project_iam_member" "airflow_log_writer" {
  project = "petadota-dev-1234"
  role    = "roles/logging.logWriter"
  member  = google_service_account.airflow.member
}

resource "google_project_iam_member" "airflow_metric_writer" {
  project = "petadota-dev-1234"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "workers_petadota_dev_images_creator" {
  bucket = google_storage_bucket.petadota_dev_images.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.workers.member
}

resource "google_storage_bucket_iam_member" "workers_petadota_dev_images_viewer" {
  bucket = google_storage_bucket.petadota_dev_images.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.workers.member
}

resource "google_storage_bucket_iam_member" "airflow_petadota_dev_images_creator" {
  bucket = google_storage_bucket.petadota_dev_images.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "airflow_petadota_dev_images_viewer" {
  bucket = google_storage_bucket.petadota_dev_images.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.airflow.member
}

resource "google_secret_manager_secret_iam_member" "mysql_dev_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.dev_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.mysql.member
}

resource "google_secret_manager_secret_iam_member" "workers_dev_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.dev_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workers.member
}

resource "google_secret_manager_secret_iam_member" "airflow_dev_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.dev_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.airflow.member
}
