//! Entry points for the two subcommands: resolve settings, start a runtime, run, report.

use super::config::{SimulateArgs, TrendsArgs, TrendsSettings};
use super::internal_events::Counters;
use anyhow::Context;
use std::sync::Arc;

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Resolves when SIGTERM or Ctrl-C arrives (the systemd unit stops us with SIGTERM).
async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `petadota pipeline trends`.
pub fn trends(args: TrendsArgs) -> anyhow::Result<()> {
    init_logging();
    let check_only = args.check_config;
    let settings = TrendsSettings::load(args).context("invalid trends configuration")?;
    if check_only {
        println!(
            "trends settings are valid: topic {} in group {}, top {}",
            settings.topic, settings.group, settings.score.top_k
        );
        return Ok(());
    }
    let counters = Arc::new(Counters::default());
    let summary = runtime()?
        .block_on(super::trends::run_trends(settings, termination(), counters))
        .context("trends stopped")?;
    tracing::info!(?summary, "trends finished");
    Ok(())
}

/// `petadota pipeline simulate-interactions`.
pub fn simulate_interactions(args: SimulateArgs) -> anyhow::Result<()> {
    init_logging();
    let summary = runtime()?
        .block_on(super::simulate::simulate(&args))
        .context("simulate-interactions stopped")?;
    println!("produced {} events to {}", summary.produced, args.topic);
    Ok(())
}
