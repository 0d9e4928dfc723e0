# The stack's DAGs (rendered into dags/ beside this file) in the Composer environment's DAG
# folder, gs://<its bucket>/dags.

resource "google_storage_bucket_object" "dag_petadota_common_py" {
  bucket         = google_storage_bucket.composer.name
  name           = "dags/petadota_common.py"
  source         = "${path.module}/dags/petadota_common.py"
  source_md5hash = filemd5("${path.module}/dags/petadota_common.py")
  content_type   = "text/x-python"

  depends_on = [google_composer_environment.airflow]
}

resource "google_storage_bucket_object" "dag_petadota_daily_report_py" {
  bucket         = google_storage_bucket.composer.name
  name           = "dags/petadota_daily_report.py"
  source         = "${path.module}/dags/petadota_daily_report.py"
  source_md5hash = filemd5("${path.module}/dags/petadota_daily_report.py")
  content_type   = "text/x-python"

  depends_on = [google_composer_environment.airflow]
}

resource "google_storage_bucket_object" "dag_petadota_ingest_images_py" {
  bucket         = google_storage_bucket.composer.name
  name           = "dags/petadota_ingest_images.py"
  source         = "${path.module}/dags/petadota_ingest_images.py"
  source_md5hash = filemd5("${path.module}/dags/petadota_ingest_images.py")
  content_type   = "text/x-python"

  depends_on = [google_composer_environment.airflow]
}

resource "google_storage_bucket_object" "dag_petadota_stack_json" {
  bucket         = google_storage_bucket.composer.name
  name           = "dags/petadota_stack.json"
  source         = "${path.module}/dags/petadota_stack.json"
  source_md5hash = filemd5("${path.module}/dags/petadota_stack.json")
  content_type   = "application/json"

  depends_on = [google_composer_environment.airflow]
}

resource "google_storage_bucket_object" "dag_petadota_trends_health_py" {
  bucket         = google_storage_bucket.composer.name
  name           = "dags/petadota_trends_health.py"
  source         = "${path.module}/dags/petadota_trends_health.py"
  source_md5hash = filemd5("${path.module}/dags/petadota_trends_health.py")
  content_type   = "text/x-python"

  depends_on = [google_composer_environment.airflow]
}
