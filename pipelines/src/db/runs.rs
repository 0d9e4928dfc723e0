//! Rows of `ingest_runs`: opened when a run starts, closed with its counts when it ends.

use super::DbError;
use crate::ingest::outcome::{FailureReason, RunCounts};
use chrono::Utc;
use sqlx::MySqlPool;

/// Opens a run and returns its id (stored in every image row it writes).
pub async fn start(pool: &MySqlPool, dogs: u32, cats: u32) -> Result<u64, DbError> {
    let result = sqlx::query(
        "INSERT INTO ingest_runs (started_at, status, dogs_requested, cats_requested) \
         VALUES (?, 'running', ?, ?)",
    )
    .bind(Utc::now())
    .bind(dogs)
    .bind(cats)
    .execute(pool)
    .await
    .map_err(DbError::query("opening the ingest run"))?;
    Ok(result.last_insert_id())
}

/// Writes the counts so far; `finished` also stamps the end and the final status.
pub async fn record(
    pool: &MySqlPool,
    run_id: u64,
    counts: &RunCounts,
    finished: Option<&str>,
) -> Result<(), DbError> {
    let mut sql = String::from("UPDATE ingest_runs SET fetched = ?, stored = ?, duplicate = ?");
    for reason in FailureReason::ALL {
        sql.push_str(&format!(", failed_{} = ?", reason.as_str()));
    }
    if finished.is_some() {
        sql.push_str(", finished_at = ?, status = ?");
    }
    sql.push_str(" WHERE id = ?");
    let mut query = sqlx::query(&sql)
        .bind(counts.fetched)
        .bind(counts.stored)
        .bind(counts.duplicate);
    for reason in FailureReason::ALL {
        query = query.bind(counts.failed(reason));
    }
    if let Some(status) = finished {
        query = query.bind(Utc::now()).bind(status);
    }
    query
        .bind(run_id)
        .execute(pool)
        .await
        .map_err(DbError::query("recording the ingest run's counts"))?;
    Ok(())
}
