//! The public APIs images come from: how to ask them for a page of image URLs and how to read
//! the answer. Parsing is plain code over bytes; `run` does the HTTP.

pub mod dog_ceo;
pub mod the_cat_api;

use std::fmt;
use url::Url;

/// Which animal; the first segment of every object name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Species {
    Dog,
    Cat,
}

impl Species {
    /// The lowercase name used in object keys and the `species` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dog => "dog",
            Self::Cat => "cat",
        }
    }

    /// The API this species is fetched from, as stored in the `source` column.
    pub fn source(self) -> &'static str {
        match self {
            Self::Dog => "dog_ceo",
            Self::Cat => "the_cat_api",
        }
    }
}

impl fmt::Display for Species {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A breed as a safe path segment (`[a-z0-9-]`), with the sub-breed apart when the API has one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Breed {
    pub breed: String,
    pub sub_breed: Option<String>,
}

impl Breed {
    /// The breed for images that come without breed data.
    pub fn unknown() -> Self {
        Self {
            breed: UNKNOWN.to_owned(),
            sub_breed: None,
        }
    }

    /// The object-key segment: `hound-afghan` for breed hound, sub-breed afghan.
    pub fn key_segment(&self) -> String {
        match &self.sub_breed {
            Some(sub) => format!("{}-{sub}", self.breed),
            None => self.breed.clone(),
        }
    }
}

/// The breed name used when the API gives none.
pub const UNKNOWN: &str = "unknown";

/// One image to download, as a listing call announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub species: Species,
    pub breed: Breed,
    pub url: Url,
}

/// Why a listing answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("the listing is not the expected JSON: {0}")]
    Json(String),
    #[error("the API reported status {0:?} instead of \"success\"")]
    Status(String),
}

/// Makes an arbitrary name safe as one path segment: lowercase ASCII letters and digits, runs
/// of anything else become one `-`, at most 64 characters; empty becomes [`UNKNOWN`].
/// Names come from remote URLs and JSON, so `..` or `/` must never reach an object key.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(64));
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
        if out.len() >= 64 {
            break;
        }
    }
    out.truncate(64);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        UNKNOWN.to_owned()
    } else {
        out
    }
}

/// Appends an API path to a configured base URL that may itself end in a path (`http://h/x/`).
pub(crate) fn join(base: &Url, path_and_query: &str) -> Result<Url, url::ParseError> {
    let base = base.as_str().trim_end_matches('/');
    Url::parse(&format!(
        "{base}/{}",
        path_and_query.trim_start_matches('/')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_path_segments() {
        assert_eq!(slug("American Shorthair"), "american-shorthair");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("  "), "unknown");
        assert_eq!(slug("Ragdoll"), "ragdoll");
        assert_eq!(slug(&"a".repeat(100)).len(), 64);
        assert_eq!(slug("Bengal!!"), "bengal");
    }

    #[test]
    fn join_keeps_a_base_path() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        assert_eq!(
            join(&base, "/api/x?y=1").unwrap().as_str(),
            "http://127.0.0.1:9/prefix/api/x?y=1"
        );
    }
}
