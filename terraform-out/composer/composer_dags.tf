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

# The petadota binary the ingestion DAG runs, from gs://<bucket>/data (mounted on every worker
# at /home/airflow/gcs/data). `petadota apply` stages it into files/ beside this file before
# Terraform runs; files/ is not committed because it belongs to one build.
resource "google_storage_bucket_object" "petadota_binary" {
  bucket = google_storage_bucket.composer.name
  name   = "data/petadota"
  source = "${path.module}/files/petadota"
  # A new build re-uploads; without a staged file (validate, plan before apply) nothing is read.
  source_md5hash = fileexists("${path.module}/files/petadota") ? filemd5("${path.module}/files/petadota") : null
  content_type   = "application/octet-stream"

  depends_on = [google_composer_environment.airflow]
}
