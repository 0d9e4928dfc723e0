//! The metadata catalogue in MySQL (MariaDB in tests): `images` and `ingest_runs`, created by
//! the migrations under `pipelines/migrations/` on every start (a no-op when current).

pub mod images;
pub mod runs;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Why the catalogue could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL is not a valid mysql:// URL: {0}")]
    Url(#[source] sqlx::Error),
    #[error(
        "cannot connect to MySQL at {target}: {source}; check the URL, that the server runs and the user may connect"
    )]
    Connect { target: String, source: sqlx::Error },
    #[error("cannot migrate the catalogue schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{what}: {source}")]
    Query {
        what: &'static str,
        source: sqlx::Error,
    },
}

impl DbError {
    pub(crate) fn query(what: &'static str) -> impl FnOnce(sqlx::Error) -> DbError {
        move |source| DbError::Query { what, source }
    }
}

/// Connects a pool of at most `max_connections`, waiting up to `timeout` for the server; `password` (from a secret file) replaces
/// any password in the URL, so the URL can live in a world-readable config file.
pub async fn connect(
    url: &str,
    password: Option<&str>,
    max_connections: u32,
    timeout: Duration,
) -> Result<MySqlPool, DbError> {
    let mut options = MySqlConnectOptions::from_str(url).map_err(DbError::Url)?;
    if let Some(password) = password {
        options = options.password(password);
    }
    let target = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("")
    );
    MySqlPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(timeout)
        .connect_with(options)
        .await
        .map_err(|source| DbError::Connect { target, source })
}

/// Brings the schema up to date.
pub async fn migrate(pool: &MySqlPool) -> Result<(), DbError> {
    sqlx::migrate!("./migrations").run(pool).await?;
    Ok(())
}
