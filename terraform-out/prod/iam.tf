resource "google_service_account" "kafka" {
  account_id   = "prod-kafka"
  display_name = "petadota prod kafka"
  description  = "Runs the kafka role of stack prod; bound only to what that role uses"
}

resource "google_service_account" "mysql" {
  account_id   = "prod-mysql"
  display_name = "petadota prod mysql"
  description  = "Runs the mysql role of stack prod; bound only to what that role uses"
}

resource "google_service_account" "workers" {
  account_id   = "prod-workers"
  display_name = "petadota prod workers"
  description  = "Runs the workers role of stack prod; bound only to what that role uses"
}

resource "google_service_account" "airflow" {
  account_id   = "prod-airflow"
  display_name = "petadota prod airflow"
  description  = "Runs the airflow role of stack prod; bound only to what that role uses"
}

resource "google_project_iam_member" "kafka_log_writer" {
  project = "petadota-prod-4821"
  role    = "roles/logging.logWriter"
  member  = google_service_account.kafka.member
}

resource "google_project_iam_member" "kafka_metric_writer" {
  project = "petadota-prod-4821"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.kafka.member
}

resource "google_project_iam_member" "mysql_log_writer" {
  project = "petadota-prod-4821"
  role    = "roles/logging.logWriter"
  member  = google_service_account.mysql.member
}

resource "google_project_iam_member" "mysql_metric_writer" {
  project = "petadota-prod-4821"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.mysql.member
}

resource "google_project_iam_member" "workers_log_writer" {
  project = "petadota-prod-4821"
  role    = "roles/logging.logWriter"
  member  = google_service_account.workers.member
}

resource "google_project_iam_member" "workers_metric_writer" {
  project = "petadota-prod-4821"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.workers.member
}

resource "google_project_iam_member" "airflow_log_writer" {
  project = "petadota-prod-4821"
  role    = "roles/logging.logWriter"
  member  = google_service_account.airflow.member
}

resource "google_project_iam_member" "airflow_metric_writer" {
  project = "petadota-prod-4821"
  role    = "roles/monitoring.metricWriter"
  member  = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "workers_petadota_prod_images_creator" {
  bucket = google_storage_bucket.petadota_prod_images.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.workers.member
}

resource "google_storage_bucket_iam_member" "workers_petadota_prod_images_viewer" {
  bucket = google_storage_bucket.petadota_prod_images.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.workers.member
}

resource "google_storage_bucket_iam_member" "airflow_petadota_prod_images_creator" {
  bucket = google_storage_bucket.petadota_prod_images.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "airflow_petadota_prod_images_viewer" {
  bucket = google_storage_bucket.petadota_prod_images.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.airflow.member
}

resource "google_storage_bucket_iam_member" "mysql_petadota_prod_mysql_backups_creator" {
  bucket = google_storage_bucket.petadota_prod_mysql_backups.name
  role   = "roles/storage.objectCreator"
  member = google_service_account.mysql.member
}

resource "google_secret_manager_secret_iam_member" "mysql_prod_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.prod_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.mysql.member
}

resource "google_secret_manager_secret_iam_member" "workers_prod_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.prod_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workers.member
}

resource "google_secret_manager_secret_iam_member" "airflow_prod_mysql_pipelines_password" {
  secret_id = google_secret_manager_secret.prod_mysql_pipelines_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.airflow.member
}

resource "google_secret_manager_secret_iam_member" "mysql_prod_mysql_airflow_password" {
  secret_id = google_secret_manager_secret.prod_mysql_airflow_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.mysql.member
}

resource "google_secret_manager_secret_iam_member" "airflow_prod_mysql_airflow_password" {
  secret_id = google_secret_manager_secret.prod_mysql_airflow_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.airflow.member
}
