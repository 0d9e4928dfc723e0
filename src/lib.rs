//! petadota: typed stacks for a GCP data platform.

pub mod cli;
