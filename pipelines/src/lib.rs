//! The data pipelines that petadota deploys and runs on the pipeline workers.
//!
//! The `petadota` binary embeds this crate so the same executable that renders the
//! infrastructure also runs the workloads (`petadota pipeline ...`).

pub mod cli;
pub mod db;
pub mod ingest;
pub mod storage;
