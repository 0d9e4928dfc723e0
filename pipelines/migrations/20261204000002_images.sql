-- One row per distinct image content. The row is written only after its object, so every
-- row points at an object that exists; sha256 is unique, so reruns never duplicate.
CREATE TABLE IF NOT EXISTS images (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    species       VARCHAR(16) NOT NULL,
    breed         VARCHAR(64) NOT NULL,
    sub_breed     VARCHAR(64) NULL,
    source        VARCHAR(32) NOT NULL,
    source_url    VARCHAR(2048) NOT NULL,
    object_uri    VARCHAR(1024) NOT NULL,
    sha256        CHAR(64) CHARACTER SET ascii NOT NULL,
    bytes         BIGINT UNSIGNED NOT NULL,
    width         INT UNSIGNED NOT NULL,
    height        INT UNSIGNED NOT NULL,
    content_type  VARCHAR(32) NOT NULL,
    fetched_at    DATETIME(6) NOT NULL,
    run_id        BIGINT UNSIGNED NOT NULL,
    UNIQUE KEY images_sha256 (sha256),
    KEY images_species_breed (species, breed),
    KEY images_run_id (run_id),
    CONSTRAINT images_run FOREIGN KEY (run_id) REFERENCES ingest_runs (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
