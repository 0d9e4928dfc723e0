//! Integration tests of `petadota pipeline ingest-images`: the fake APIs over real HTTP,
//! MariaDB on 127.0.0.1:3306, the filesystem store, and GCS through gcp-storage-emulator
//! when `PETADOTA_TEST_GCS_ENDPOINT` is set (scripts/setup.d/20-gcs-emulator.sh).

mod ingest_support;

#[path = "ingest_cases/happy.rs"]
mod happy;

#[path = "ingest_cases/faults.rs"]
mod faults;

#[path = "ingest_cases/idempotency.rs"]
mod idempotency;

#[path = "ingest_cases/gcs.rs"]
mod gcs;

#[path = "ingest_cases/cli.rs"]
mod cli;
