//! The MySQL sink: idempotent writes of closed windows, re-scoring, and checkpoints.
//!
//! Order of a flush, each step safe to repeat after a crash:
//! 1. upsert every closed window's per-partition totals (`adoption_trend_parts`);
//! 2. re-score each touched window from the sum over all partitions, plus the later
//!    windows whose baseline it feeds (`adoption_trends`, top-K, upserts);
//! 3. raise the partitions' checkpointed watermarks (`GREATEST`, never lowered);
//!
//! and only then does the shell commit Kafka offsets.

use super::aggregate::{ClosedWindow, Dimension, Tally};
use super::score::{KeyHistory, ScoreParams, TrendRow, top_k};
use sqlx::mysql::{MySqlPool, MySqlPoolOptions};
use sqlx::{MySql, QueryBuilder, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

/// A sink failure; the processor stops without committing offsets, so nothing is lost.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("cannot connect to MySQL at {url_without_password}")]
    Connect {
        url_without_password: String,
        source: sqlx::Error,
    },
    #[error("cannot apply the pipelines migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("MySQL {during} failed")]
    Query {
        during: &'static str,
        source: sqlx::Error,
    },
}

fn query_error(during: &'static str) -> impl FnOnce(sqlx::Error) -> SinkError {
    move |source| SinkError::Query { during, source }
}

/// Strips the password from a MySQL URL so it can appear in an error message.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_part = &url[scheme + 3..at];
            let user = user_part.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Identifies the partition a batch of windows came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourcePartition {
    pub topic: String,
    pub partition: i32,
}

/// The closed windows of one partition plus its checkpoint after them.
#[derive(Debug, Clone)]
pub struct PartitionFlush {
    pub source: SourcePartition,
    pub windows: Vec<ClosedWindow>,
    pub watermark: i64,
    pub next_offset: i64,
}

/// The ranked rows of one window and dimension, as published to the `trends` topic.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RankedWindow {
    pub window_start_ms: i64,
    pub window_end_ms: i64,
    #[serde(serialize_with = "serialize_dimension")]
    pub dimension: Dimension,
    /// Increases with every re-score of the window: the latest ranking has the highest.
    pub revision: i64,
    pub rows: Vec<TrendRow>,
}

fn serialize_dimension<S: serde::Serializer>(dim: &Dimension, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(dim.as_str())
}

/// MySQL writer for one consumer group.
#[derive(Clone)]
pub struct TrendSink {
    pool: MySqlPool,
    group: String,
    window_size_ms: i64,
    score: ScoreParams,
}

/// Rows per multi-row INSERT: well under max_allowed_packet, few round trips.
const ROWS_PER_INSERT: usize = 1000;

fn is_retryable(err: &SinkError) -> bool {
    match err {
        SinkError::Query {
            source: sqlx::Error::Database(db),
            ..
        } => {
            matches!(db.code().as_deref(), Some("40001") | Some("HY000"))
                && (db.message().contains("Deadlock") || db.message().contains("Lock wait"))
        }
        _ => false,
    }
}

impl TrendSink {
    /// Connects and applies the migrations (idempotent).
    pub async fn connect(
        url: &str,
        group: &str,
        window_size_ms: i64,
        score: ScoreParams,
    ) -> Result<Self, SinkError> {
        let pool = MySqlPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            // READ COMMITTED: a re-score that waited for a window's lock must see the
            // parts other members committed meanwhile, and no gap locks between windows.
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    sqlx::query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
                        .execute(conn)
                        .await
                        .map(|_| ())
                })
            })
            .connect(url)
            .await
            .map_err(|source| SinkError::Connect {
                url_without_password: redact(url),
                source,
            })?;
        migrate(&pool).await?;
        Ok(TrendSink {
            pool,
            group: group.to_owned(),
            window_size_ms,
            score,
        })
    }

    /// The pool, for callers that read the results.
    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }

    /// The checkpointed watermark of a partition, if a processor ever wrote one.
    pub async fn load_watermark(&self, source: &SourcePartition) -> Result<Option<i64>, SinkError> {
        let row = sqlx::query(
            "SELECT watermark_ms FROM adoption_trend_checkpoints \
             WHERE consumer_group = ? AND source_topic = ? AND source_partition = ?",
        )
        .bind(&self.group)
        .bind(&source.topic)
        .bind(source.partition)
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("reading a checkpoint"))?;
        row.map(|row| row.try_get::<i64, _>(0))
            .transpose()
            .map_err(query_error("reading a checkpoint"))
    }

    /// Writes a batch of flushes (steps 1-3 above) and returns the re-ranked windows.
    pub async fn write(&self, flushes: &[PartitionFlush]) -> Result<Vec<RankedWindow>, SinkError> {
        let mut touched = BTreeSet::new();
        if flushes.iter().any(|flush| !flush.windows.is_empty()) {
            retry(|| self.write_parts(flushes)).await?;
            for flush in flushes {
                touched.extend(flush.windows.iter().map(|window| window.start));
            }
        }
        let targets = self.with_dependents(&touched).await?;
        let mut ranked = Vec::new();
        for start in targets {
            ranked.extend(retry(|| self.rescore(start)).await?);
        }
        retry(|| self.write_checkpoints(flushes)).await?;
        Ok(ranked)
    }

    async fn write_parts(&self, flushes: &[PartitionFlush]) -> Result<(), SinkError> {
        const DURING: &str = "writing window parts";
        let mut tx = self.pool.begin().await.map_err(query_error(DURING))?;
        for flush in flushes {
            for window in &flush.windows {
                for chunk in window.rows.chunks(ROWS_PER_INSERT) {
                    let mut insert = QueryBuilder::<MySql>::new(
                        "INSERT INTO adoption_trend_parts (window_start_ms, window_end_ms, dimension, \
                         trend_key, source_topic, source_partition, weighted, events) ",
                    );
                    insert.push_values(chunk, |mut row, (dimension, key, tally)| {
                        row.push_bind(window.start)
                            .push_bind(window.end)
                            .push_bind(dimension.as_str())
                            .push_bind(key.as_str())
                            .push_bind(flush.source.topic.as_str())
                            .push_bind(flush.source.partition)
                            .push_bind(tally.weighted)
                            .push_bind(tally.events);
                    });
                    insert.push(
                        " ON DUPLICATE KEY UPDATE weighted = VALUES(weighted), events = VALUES(events)",
                    );
                    insert
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(query_error(DURING))?;
                }
                sqlx::query(
                    "INSERT IGNORE INTO adoption_trend_windows (window_start_ms, window_end_ms) VALUES (?, ?)",
                )
                .bind(window.start)
                .bind(window.end)
                .execute(&mut *tx)
                .await
                .map_err(query_error(DURING))?;
            }
        }
        tx.commit().await.map_err(query_error(DURING))
    }

    /// The touched windows plus the already-closed later windows whose baseline they feed.
    async fn with_dependents(&self, touched: &BTreeSet<i64>) -> Result<BTreeSet<i64>, SinkError> {
        let mut targets = touched.clone();
        let mut candidates: BTreeSet<i64> = BTreeSet::new();
        for &start in touched {
            for back in 1..=self.score.baseline_windows as i64 {
                candidates.insert(start + back * self.window_size_ms);
            }
        }
        candidates.retain(|start| !touched.contains(start));
        if candidates.is_empty() {
            return Ok(targets);
        }
        let mut query = QueryBuilder::<MySql>::new(
            "SELECT window_start_ms FROM adoption_trend_windows WHERE window_start_ms IN (",
        );
        let mut list = query.separated(", ");
        for start in &candidates {
            list.push_bind(*start);
        }
        query.push(")");
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(query_error("finding dependent windows"))?;
        for row in rows {
            targets.insert(
                row.try_get::<i64, _>(0)
                    .map_err(query_error("finding dependent windows"))?,
            );
        }
        Ok(targets)
    }

    /// Recomputes the top-K of one window from all partitions' parts, under the window's lock.
    async fn rescore(&self, start: i64) -> Result<Vec<RankedWindow>, SinkError> {
        const DURING: &str = "re-scoring a window";
        let mut tx = self.pool.begin().await.map_err(query_error(DURING))?;
        let lock = sqlx::query(
            "SELECT window_end_ms FROM adoption_trend_windows WHERE window_start_ms = ? FOR UPDATE",
        )
        .bind(start)
        .fetch_optional(&mut *tx)
        .await
        .map_err(query_error(DURING))?;
        let Some(lock) = lock else {
            return Ok(Vec::new());
        };
        let end: i64 = lock.try_get(0).map_err(query_error(DURING))?;
        let size = self.window_size_ms;
        let mut query = QueryBuilder::<MySql>::new(
            "SELECT p.window_start_ms, CAST(p.dimension AS CHAR), CAST(p.trend_key AS CHAR), \
             CAST(SUM(p.weighted) AS UNSIGNED), CAST(SUM(p.events) AS UNSIGNED) \
             FROM adoption_trend_parts p JOIN (SELECT DISTINCT dimension, trend_key \
             FROM adoption_trend_parts WHERE window_start_ms = ",
        );
        query.push_bind(start);
        query.push(") cur ON cur.dimension = p.dimension AND cur.trend_key = p.trend_key WHERE p.window_start_ms IN (");
        let mut list = query.separated(", ");
        for back in 0..=self.score.baseline_windows as i64 {
            list.push_bind(start - back * size);
        }
        query.push(") GROUP BY p.window_start_ms, p.dimension, p.trend_key");
        let rows = query
            .build()
            .fetch_all(&mut *tx)
            .await
            .map_err(query_error(DURING))?;
        let mut totals: Vec<WindowTotal> = Vec::with_capacity(rows.len());
        for row in rows {
            let dimension: String = row.try_get(1).map_err(query_error(DURING))?;
            let Some(dimension) = Dimension::parse(&dimension) else {
                continue;
            };
            totals.push(WindowTotal {
                window_start: row.try_get(0).map_err(query_error(DURING))?,
                dimension,
                key: row.try_get(2).map_err(query_error(DURING))?,
                tally: Tally {
                    weighted: row.try_get(3).map_err(query_error(DURING))?,
                    events: row.try_get(4).map_err(query_error(DURING))?,
                },
            });
        }
        sqlx::query(
            "UPDATE adoption_trend_windows SET rescored_at = CURRENT_TIMESTAMP(6), \
             revision = revision + 1 WHERE window_start_ms = ?",
        )
        .bind(start)
        .execute(&mut *tx)
        .await
        .map_err(query_error(DURING))?;
        let revision: i64 = sqlx::query_scalar(
            "SELECT revision FROM adoption_trend_windows WHERE window_start_ms = ?",
        )
        .bind(start)
        .fetch_one(&mut *tx)
        .await
        .map_err(query_error(DURING))?;
        let mut ranked = rank_window(start, end, size, totals, &self.score);
        for window in &mut ranked {
            window.revision = revision;
            self.replace_rows(&mut tx, window).await?;
        }
        tx.commit().await.map_err(query_error(DURING))?;
        Ok(ranked)
    }

    /// Upserts the new top-K of one window and dimension and removes keys that fell out.
    async fn replace_rows(
        &self,
        tx: &mut sqlx::Transaction<'_, MySql>,
        window: &RankedWindow,
    ) -> Result<(), SinkError> {
        const DURING: &str = "writing adoption_trends";
        if !window.rows.is_empty() {
            let mut insert = QueryBuilder::<MySql>::new(
                "INSERT INTO adoption_trends (window_start_ms, window_end_ms, dimension, trend_key, \
                 weighted, events, baseline, score, trend_rank) ",
            );
            insert.push_values(&window.rows, |mut row, trend| {
                row.push_bind(window.window_start_ms)
                    .push_bind(window.window_end_ms)
                    .push_bind(window.dimension.as_str())
                    .push_bind(trend.key.as_str())
                    .push_bind(trend.weighted)
                    .push_bind(trend.events)
                    .push_bind(trend.baseline)
                    .push_bind(trend.score)
                    .push_bind(trend.rank);
            });
            insert.push(
                " ON DUPLICATE KEY UPDATE window_end_ms = VALUES(window_end_ms), \
                 weighted = VALUES(weighted), events = VALUES(events), baseline = VALUES(baseline), \
                 score = VALUES(score), trend_rank = VALUES(trend_rank)",
            );
            insert
                .build()
                .execute(&mut **tx)
                .await
                .map_err(query_error(DURING))?;
        }
        let mut delete =
            QueryBuilder::<MySql>::new("DELETE FROM adoption_trends WHERE window_start_ms = ");
        delete.push_bind(window.window_start_ms);
        delete.push(" AND dimension = ");
        delete.push_bind(window.dimension.as_str());
        if !window.rows.is_empty() {
            delete.push(" AND trend_key NOT IN (");
            let mut list = delete.separated(", ");
            for trend in &window.rows {
                list.push_bind(trend.key.as_str());
            }
            delete.push(")");
        }
        delete
            .build()
            .execute(&mut **tx)
            .await
            .map_err(query_error(DURING))?;
        Ok(())
    }

    async fn write_checkpoints(&self, flushes: &[PartitionFlush]) -> Result<(), SinkError> {
        const DURING: &str = "writing checkpoints";
        if flushes.is_empty() {
            return Ok(());
        }
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO adoption_trend_checkpoints (consumer_group, source_topic, source_partition, \
             watermark_ms, next_offset) ",
        );
        insert.push_values(flushes, |mut row, flush| {
            row.push_bind(self.group.as_str())
                .push_bind(flush.source.topic.as_str())
                .push_bind(flush.source.partition)
                .push_bind(flush.watermark)
                .push_bind(flush.next_offset);
        });
        insert.push(
            " ON DUPLICATE KEY UPDATE next_offset = IF(VALUES(watermark_ms) >= watermark_ms, \
             VALUES(next_offset), next_offset), watermark_ms = GREATEST(watermark_ms, VALUES(watermark_ms))",
        );
        insert
            .build()
            .execute(&self.pool)
            .await
            .map_err(query_error(DURING))?;
        Ok(())
    }
}

/// Applies the pipelines migrations, serialised across processes by a named lock.
///
/// sqlx's own migration lock is `GET_LOCK(name, -1)`, which MariaDB treats as "do not
/// wait", so two instances starting together could both migrate and one would then see
/// the other's half-applied ("dirty") migration and fail. A bounded `GET_LOCK` held on
/// the migrating connection closes that race.
pub async fn migrate(pool: &MySqlPool) -> Result<(), SinkError> {
    const DURING: &str = "taking the migration lock";
    let mut conn = pool.acquire().await.map_err(query_error(DURING))?;
    let locked: Option<i64> =
        sqlx::query_scalar("SELECT GET_LOCK('petadota_pipelines_migrate', 120)")
            .fetch_one(&mut *conn)
            .await
            .map_err(query_error(DURING))?;
    if locked != Some(1) {
        return Err(SinkError::Query {
            during: DURING,
            source: sqlx::Error::Protocol(
                "another instance held the migration lock for 120 s".into(),
            ),
        });
    }
    let outcome = sqlx::migrate!("./migrations").run_direct(&mut *conn).await;
    let _ = sqlx::query("SELECT RELEASE_LOCK('petadota_pipelines_migrate')")
        .execute(&mut *conn)
        .await;
    outcome.map_err(SinkError::from)
}

/// Retries a sink step that InnoDB aborted as a deadlock victim (instances in one group
/// write the same windows concurrently); every step is idempotent, so this is safe.
async fn retry<T, F, Fut>(mut step: F) -> Result<T, SinkError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, SinkError>>,
{
    let mut attempt = 0;
    loop {
        match step().await {
            Err(err) if attempt < 5 && is_retryable(&err) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
            }
            other => return other,
        }
    }
}

/// The summed total of one key in one window (over all partitions).
#[derive(Debug, Clone, PartialEq)]
pub struct WindowTotal {
    pub window_start: i64,
    pub dimension: Dimension,
    pub key: String,
    pub tally: Tally,
}

/// Ranks one window from the totals of it and its baseline windows: pure, and shared
/// with the reference computation in the tests.
pub fn rank_window(
    start: i64,
    end: i64,
    window_size_ms: i64,
    totals: Vec<WindowTotal>,
    params: &ScoreParams,
) -> Vec<RankedWindow> {
    let mut by_key: BTreeMap<(Dimension, String), KeyHistory> = BTreeMap::new();
    let mut earlier: HashMap<(Dimension, String, i64), u64> = HashMap::new();
    for total in totals {
        if total.window_start == start {
            by_key.insert(
                (total.dimension, total.key.clone()),
                KeyHistory {
                    key: total.key,
                    current: total.tally,
                    previous: Vec::new(),
                },
            );
        } else {
            earlier.insert(
                (total.dimension, total.key, total.window_start),
                total.tally.weighted,
            );
        }
    }
    let mut per_dimension: BTreeMap<Dimension, Vec<KeyHistory>> = BTreeMap::new();
    for ((dimension, key), mut history) in by_key {
        history.previous = (1..=params.baseline_windows as i64)
            .map(|back| {
                earlier
                    .get(&(dimension, key.clone(), start - back * window_size_ms))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
        per_dimension.entry(dimension).or_default().push(history);
    }
    per_dimension
        .into_iter()
        .map(|(dimension, keys)| RankedWindow {
            window_start_ms: start,
            window_end_ms: end,
            dimension,
            revision: 0,
            rows: top_k(dimension, keys, params),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_errors() {
        assert_eq!(
            redact("mysql://pipelines:s3cret@10.0.0.5:3306/petadota"),
            "mysql://pipelines:***@10.0.0.5:3306/petadota"
        );
        assert_eq!(redact("mysql://127.0.0.1/test"), "mysql://127.0.0.1/test");
    }
}
