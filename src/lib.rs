//! petadota: typed stacks for a GCP data platform.

pub mod apply;
pub mod cli;
pub mod commands;
pub mod plan;
pub mod render;
pub mod stack;
