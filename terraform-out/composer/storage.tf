resource "google_storage_bucket" "access_logs" {
  # checkov:skip=CKV_GCP_62: this bucket is the access-log sink; logging it into itself would recurse.
  name                        = "petadota-comp-5678-composer-access-logs"
  location                    = "europe-west4"
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 365
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "petadota_composer_images" {
  name                        = "petadota-composer-images"
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
    log_object_prefix = "petadota-composer-images"
  }
}
