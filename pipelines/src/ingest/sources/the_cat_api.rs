//! TheCatAPI: `GET /v1/images/search?limit=N&has_breeds=1` answers a JSON array of
//! `{id, url, width, height, breeds: [{id, name, ...}]}`; at most 10 per call without an API
//! key. Images without breed data exist; they are stored under breed `unknown`.

use super::{Breed, Candidate, ListingError, Species, join, slug};
use serde::Deserialize;
use url::Url;

/// The most images one call returns without an API key.
pub const MAX_PER_CALL_WITHOUT_KEY: u32 = 10;
/// The most images one call returns with an API key.
pub const MAX_PER_CALL_WITH_KEY: u32 = 100;

/// The URL of a listing call for `limit` images that have breed data.
pub fn listing_url(base: &Url, limit: u32) -> Result<Url, url::ParseError> {
    join(
        base,
        &format!("v1/images/search?limit={limit}&has_breeds=1"),
    )
}

#[derive(Deserialize)]
struct Image {
    url: String,
    #[serde(default)]
    breeds: Vec<CatBreed>,
}

#[derive(Deserialize)]
struct CatBreed {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

/// Reads a listing answer into candidates; the breed is the first breed's name.
pub fn parse_listing(body: &[u8]) -> Result<Vec<Candidate>, ListingError> {
    let images: Vec<Image> =
        serde_json::from_slice(body).map_err(|e| ListingError::Json(e.to_string()))?;
    Ok(images
        .into_iter()
        .filter_map(|image| {
            let url = Url::parse(&image.url).ok()?;
            let breed = image
                .breeds
                .first()
                .and_then(|b| b.name.as_deref().or(b.id.as_deref()))
                .map_or_else(Breed::unknown, |name| Breed {
                    breed: slug(name),
                    sub_breed: None,
                });
            Some(Candidate {
                species: Species::Cat,
                breed,
                url,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_url_asks_for_breeds() {
        let base = Url::parse("https://api.thecatapi.com").unwrap();
        assert_eq!(
            listing_url(&base, 10).unwrap().as_str(),
            "https://api.thecatapi.com/v1/images/search?limit=10&has_breeds=1"
        );
    }

    #[test]
    fn parses_the_real_shape_with_and_without_breeds() {
        let body = br#"[
          {"id":"0XYvRd7oD","url":"https://cdn2.thecatapi.com/images/0XYvRd7oD.jpg","width":1204,"height":1445,
           "breeds":[{"weight":{"imperial":"7  -  10","metric":"3 - 5"},"id":"abys","name":"Abyssinian","temperament":"Active"}]},
          {"id":"MTY3ODIyMQ","url":"https://cdn2.thecatapi.com/images/MTY3ODIyMQ.jpg","width":500,"height":375,"breeds":[]},
          {"id":"x","url":"https://cdn2.thecatapi.com/images/x.png","width":1,"height":1}
        ]"#;
        let candidates = parse_listing(body).unwrap();
        let breeds: Vec<_> = candidates.iter().map(|c| c.breed.key_segment()).collect();
        assert_eq!(breeds, ["abyssinian", "unknown", "unknown"]);
        assert!(candidates.iter().all(|c| c.species == Species::Cat));
    }

    #[test]
    fn an_object_or_html_is_an_error() {
        assert!(parse_listing(br#"{"message":"rate limited"}"#).is_err());
        assert!(parse_listing(b"<html></html>").is_err());
    }
}
