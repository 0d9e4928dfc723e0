provider "google" {
  project = "petadota-prod-4821"
  region  = "southamerica-east1"
  zone    = "southamerica-east1-a"

  default_labels = {
    "cost-center" = "data"
    "env"         = "prod"
    "managed-by"  = "petadota"
    "stack"       = "prod"
    "team"        = "platform"
  }
}
