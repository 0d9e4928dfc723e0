provider "google" {
  project = "petadota-dev-1234"
  region  = "europe-west1"
  zone    = "europe-west1-b"

  default_labels = {
    "env"        = "dev"
    "managed-by" = "petadota"
    "stack"      = "dev"
    "team"       = "platform"
  }
}
