-- Interaction streaming (`petadota pipeline trends`). Times are epoch milliseconds (UTC).
-- See pipelines/src/stream/SCHEMA.md for how these tables are written.

-- Partial totals of one Kafka partition for one closed window: the idempotent unit a
-- processor writes. Upserts keyed by partition make replays rewrite identical rows.
CREATE TABLE IF NOT EXISTS adoption_trend_parts (
    window_start_ms  BIGINT          NOT NULL,
    window_end_ms    BIGINT          NOT NULL,
    dimension        VARCHAR(16)     NOT NULL,
    trend_key        VARCHAR(191)    NOT NULL,
    source_topic     VARCHAR(191)    NOT NULL,
    source_partition INT             NOT NULL,
    weighted         BIGINT UNSIGNED NOT NULL,
    events           BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (window_start_ms, dimension, trend_key, source_topic, source_partition)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per window any partition has closed: the lock that serialises re-scoring.
CREATE TABLE IF NOT EXISTS adoption_trend_windows (
    window_start_ms BIGINT       NOT NULL PRIMARY KEY,
    window_end_ms   BIGINT       NOT NULL,
    rescored_at     TIMESTAMP(6) NULL,
    -- Bumped by every re-score under the row lock: readers of the `trends` topic keep the
    -- message with the highest revision per key, whatever order deliveries arrive in.
    revision        BIGINT       NOT NULL DEFAULT 0
) ENGINE = InnoDB;

-- The result: top-K keys per window and dimension, summed over all partitions and
-- scored against their own decayed baseline.
CREATE TABLE IF NOT EXISTS adoption_trends (
    window_start_ms BIGINT          NOT NULL,
    window_end_ms   BIGINT          NOT NULL,
    dimension       VARCHAR(16)     NOT NULL,
    trend_key       VARCHAR(191)    NOT NULL,
    weighted        BIGINT UNSIGNED NOT NULL,
    events          BIGINT UNSIGNED NOT NULL,
    baseline        DOUBLE          NOT NULL,
    score           DOUBLE          NOT NULL,
    trend_rank      INT UNSIGNED    NOT NULL,
    updated_at      TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (window_start_ms, dimension, trend_key),
    KEY adoption_trends_by_rank (dimension, window_start_ms, trend_rank)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Per partition: the watermark up to which windows are written. Restored when a
-- processor takes a partition over so closed windows are never reopened.
CREATE TABLE IF NOT EXISTS adoption_trend_checkpoints (
    consumer_group   VARCHAR(191) NOT NULL,
    source_topic     VARCHAR(191) NOT NULL,
    source_partition INT          NOT NULL,
    watermark_ms     BIGINT       NOT NULL,
    next_offset      BIGINT       NOT NULL,
    updated_at       TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (consumer_group, source_topic, source_partition)
) ENGINE = InnoDB;
