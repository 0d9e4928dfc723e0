-- One row per `petadota pipeline ingest-images` run. A row whose finished_at is NULL belongs
-- to a run that was killed or is still going.
CREATE TABLE IF NOT EXISTS ingest_runs (
    id                      BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    started_at              DATETIME(6) NOT NULL,
    finished_at             DATETIME(6) NULL,
    status                  VARCHAR(16) NOT NULL DEFAULT 'running',
    dogs_requested          INT UNSIGNED NOT NULL,
    cats_requested          INT UNSIGNED NOT NULL,
    fetched                 INT UNSIGNED NOT NULL DEFAULT 0,
    stored                  INT UNSIGNED NOT NULL DEFAULT 0,
    duplicate               INT UNSIGNED NOT NULL DEFAULT 0,
    failed_listing          INT UNSIGNED NOT NULL DEFAULT 0,
    failed_invalid_listing  INT UNSIGNED NOT NULL DEFAULT 0,
    failed_http_status      INT UNSIGNED NOT NULL DEFAULT 0,
    failed_timeout          INT UNSIGNED NOT NULL DEFAULT 0,
    failed_network          INT UNSIGNED NOT NULL DEFAULT 0,
    failed_truncated        INT UNSIGNED NOT NULL DEFAULT 0,
    failed_too_large        INT UNSIGNED NOT NULL DEFAULT 0,
    failed_not_image        INT UNSIGNED NOT NULL DEFAULT 0,
    failed_bad_header       INT UNSIGNED NOT NULL DEFAULT 0,
    failed_storage          INT UNSIGNED NOT NULL DEFAULT 0,
    failed_database         INT UNSIGNED NOT NULL DEFAULT 0,
    KEY ingest_runs_started_at (started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
