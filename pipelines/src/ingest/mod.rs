//! Image ingestion: dog and cat pictures from the Dog CEO API and TheCatAPI into object
//! storage, their metadata into MySQL. Run as `petadota pipeline ingest-images`.
//!
//! Synchronous core, thin async shell: `sources` (listing parsing), `sniff` (format and
//! dimensions), `retry`, `dedup` and `outcome` are plain code; `fetch` and `run` move bytes.

pub mod cli;
pub mod config;
pub mod dedup;
pub mod fetch;
pub mod outcome;
mod progress;
pub mod rate_limit;
pub mod retry;
pub mod run;
pub mod sniff;
pub mod sources;
