//! Rows of `images`: one per distinct content hash.

use super::DbError;
use chrono::{DateTime, Utc};
use sqlx::MySqlPool;

/// A row to insert, after its object was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImage {
    pub species: String,
    pub breed: String,
    pub sub_breed: Option<String>,
    pub source: String,
    pub source_url: String,
    pub object_uri: String,
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
    pub fetched_at: DateTime<Utc>,
    pub run_id: u64,
}

/// Whether the insert added a row or found the content already catalogued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New,
    AlreadyThere,
}

/// Whether an image with this content hash is already catalogued.
pub async fn exists(pool: &MySqlPool, sha256: &str) -> Result<bool, DbError> {
    let found: Option<(u64,)> = sqlx::query_as("SELECT id FROM images WHERE sha256 = ?")
        .bind(sha256)
        .fetch_optional(pool)
        .await
        .map_err(DbError::query("looking up an image by sha256"))?;
    Ok(found.is_some())
}

/// Inserts the row; a concurrent or earlier run's row with the same hash wins, quietly.
pub async fn insert(pool: &MySqlPool, image: &NewImage) -> Result<Inserted, DbError> {
    let result = sqlx::query(
        "INSERT INTO images (species, breed, sub_breed, source, source_url, object_uri, sha256, \
         bytes, width, height, content_type, fetched_at, run_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&image.species)
    .bind(&image.breed)
    .bind(&image.sub_breed)
    .bind(&image.source)
    .bind(&image.source_url)
    .bind(&image.object_uri)
    .bind(&image.sha256)
    .bind(image.bytes)
    .bind(image.width)
    .bind(image.height)
    .bind(&image.content_type)
    .bind(image.fetched_at)
    .bind(image.run_id)
    .execute(pool)
    .await;
    match result {
        Ok(_) => Ok(Inserted::New),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Inserted::AlreadyThere),
        Err(e) => Err(DbError::query("inserting an image row")(e)),
    }
}
