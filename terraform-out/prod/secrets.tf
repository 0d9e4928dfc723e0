# Secrets are created empty: values are added out of band (`gcloud secrets versions add`) and read
# on the hosts at run time, so no password ever reaches the Terraform state or this repository.

resource "google_secret_manager_secret" "prod_mysql_pipelines_password" {
  secret_id = "prod-mysql-pipelines-password"

  replication {
    user_managed {
      replicas {
        location = "southamerica-east1"
      }
    }
  }
}

resource "google_secret_manager_secret" "prod_mysql_airflow_password" {
  secret_id = "prod-mysql-airflow-password"

  replication {
    user_managed {
      replicas {
        location = "southamerica-east1"
      }
    }
  }
}
