provider "google" {
  project = "petadota-comp-5678"
  region  = "europe-west4"
  zone    = "europe-west4-a"

  default_labels = {
    "env"        = "staging"
    "managed-by" = "petadota"
    "stack"      = "composer"
    "team"       = "platform"
  }
}
