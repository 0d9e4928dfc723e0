# Customer-managed keys for every persistent disk. Key rings cannot be deleted in GCP, so the
# names are stable per stack and the keys are protected from `terraform destroy`.

resource "google_kms_key_ring" "disks" {
  name     = "composer-disks"
  location = "europe-west4"
}

resource "google_kms_crypto_key" "disks" {
  name            = "disks"
  key_ring        = google_kms_key_ring.disks.id
  rotation_period = "7776000s"
  purpose         = "ENCRYPT_DECRYPT"

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "compute_disks" {
  crypto_key_id = google_kms_crypto_key.disks.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-567856785678@compute-system.iam.gserviceaccount.com"
}
