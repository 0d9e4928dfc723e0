//! The Dog CEO API: `GET /api/breeds/image/random/N` (or `/api/breed/{breed}[/{sub}]/images/random/N`)
//! answers `{"message": [urls], "status": "success"}` with at most 50 URLs. The breed is the
//! folder of the image URL: `.../breeds/hound-afghan/n02088094_1003.jpg` is hound, sub-breed afghan.

use super::{Breed, Candidate, ListingError, Species, join, slug};
use serde::Deserialize;
use url::Url;

/// The most URLs one call returns.
pub const MAX_PER_CALL: u32 = 50;

/// The URL of a listing call for `count` random images, of one breed (`hound` or
/// `hound-afghan`) when given.
pub fn listing_url(base: &Url, breed: Option<&str>, count: u32) -> Result<Url, url::ParseError> {
    let count = count.clamp(1, MAX_PER_CALL);
    match breed {
        None => join(base, &format!("api/breeds/image/random/{count}")),
        Some(breed) => {
            let path = breed.split('-').map(slug).collect::<Vec<_>>().join("/");
            join(base, &format!("api/breed/{path}/images/random/{count}"))
        }
    }
}

#[derive(Deserialize)]
struct Listing {
    message: Vec<String>,
    status: String,
}

/// Reads a listing answer into candidates. URLs that do not parse are skipped, not fatal.
pub fn parse_listing(body: &[u8]) -> Result<Vec<Candidate>, ListingError> {
    let listing: Listing =
        serde_json::from_slice(body).map_err(|e| ListingError::Json(e.to_string()))?;
    if listing.status != "success" {
        return Err(ListingError::Status(listing.status));
    }
    Ok(listing
        .message
        .iter()
        .filter_map(|raw| Url::parse(raw).ok())
        .map(|url| Candidate {
            species: Species::Dog,
            breed: breed_from_url(&url),
            url,
        })
        .collect())
}

/// The breed from an image URL's folder: the segment after `breeds`, else the parent folder.
pub fn breed_from_url(url: &Url) -> Breed {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let folder = match segments.iter().position(|s| *s == "breeds") {
        Some(i) if i + 2 < segments.len() => segments[i + 1],
        _ if segments.len() >= 2 => segments[segments.len() - 2],
        _ => return Breed::unknown(),
    };
    let folder = percent_encoding::percent_decode_str(folder).decode_utf8_lossy();
    match folder.split_once('-') {
        Some((breed, sub)) => Breed {
            breed: slug(breed),
            sub_breed: Some(slug(sub)),
        },
        None => Breed {
            breed: slug(&folder),
            sub_breed: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn listing_urls() {
        let base = url("https://dog.ceo");
        assert_eq!(
            listing_url(&base, None, 80).unwrap().as_str(),
            "https://dog.ceo/api/breeds/image/random/50"
        );
        assert_eq!(
            listing_url(&base, Some("hound-afghan"), 3)
                .unwrap()
                .as_str(),
            "https://dog.ceo/api/breed/hound/afghan/images/random/3"
        );
    }

    #[test]
    fn parses_the_real_shape_and_breeds() {
        let body = br#"{"message":["https://images.dog.ceo/breeds/hound-afghan/n02088094_1003.jpg",
            "https://images.dog.ceo/breeds/pug/n02110958_15626.jpg", "not a url"],"status":"success"}"#;
        let candidates = parse_listing(body).unwrap();
        assert_eq!(candidates.len(), 2);
        assert_eq!(
            candidates[0].breed,
            Breed {
                breed: "hound".into(),
                sub_breed: Some("afghan".into())
            }
        );
        assert_eq!(candidates[0].breed.key_segment(), "hound-afghan");
        assert_eq!(candidates[1].breed.key_segment(), "pug");
        assert_eq!(candidates[1].species, Species::Dog);
    }

    #[test]
    fn errors_and_odd_urls() {
        assert!(matches!(
            parse_listing(b"<html>"),
            Err(ListingError::Json(_))
        ));
        assert!(matches!(
            parse_listing(br#"{"message":"Breed not found","status":"error"}"#),
            Err(ListingError::Json(_))
        ));
        assert!(matches!(
            parse_listing(br#"{"message":[],"status":"error"}"#),
            Err(ListingError::Status(_))
        ));
        assert_eq!(breed_from_url(&url("https://x/a.jpg")), Breed::unknown());
        assert_eq!(
            breed_from_url(&url("https://x/breeds/a.jpg")).breed,
            "breeds"
        );
        assert_eq!(
            breed_from_url(&url("https://x/c/..%2F..%2Fetc/a.jpg")).breed,
            "etc"
        );
    }
}
