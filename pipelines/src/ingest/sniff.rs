//! What an image really is, decided from its bytes: servers send HTML error pages with
//! `Content-Type: image/jpeg`, so the header the server sent is never trusted.
//!
//! Plain functions over byte slices, tested without a runtime.

use std::fmt;

/// The image formats the pipeline accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageKind {
    /// The file extension used in object names.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    /// The MIME type stored with the object and in the `images` row.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }
}

impl fmt::Display for ImageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.content_type())
    }
}

/// How many leading bytes [`sniff`] needs to decide; fewer means "not an image".
pub const SNIFF_LEN: usize = 12;

/// Identifies the format from the magic bytes, or `None` for anything else (HTML, JSON, ...).
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// Width and height in pixels, as the image header states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// Why the dimensions could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The header continues past the bytes given (the caller keeps only a prefix in memory).
    #[error("the image header does not end within the first {0} bytes")]
    Incomplete(usize),
    /// The bytes contradict the format.
    #[error("malformed {kind} header: {what}")]
    Malformed { kind: ImageKind, what: &'static str },
}

/// Reads the dimensions of an image of `kind` from its leading bytes.
pub fn dimensions(kind: ImageKind, bytes: &[u8]) -> Result<Dimensions, HeaderError> {
    let dims = match kind {
        ImageKind::Png => png(bytes)?,
        ImageKind::Gif => gif(bytes)?,
        ImageKind::Jpeg => jpeg(bytes)?,
        ImageKind::Webp => webp(bytes)?,
    };
    if dims.width == 0 || dims.height == 0 {
        return Err(HeaderError::Malformed {
            kind,
            what: "zero width or height",
        });
    }
    Ok(dims)
}

fn need(bytes: &[u8], end: usize) -> Result<(), HeaderError> {
    if bytes.len() < end {
        Err(HeaderError::Incomplete(bytes.len()))
    } else {
        Ok(())
    }
}

fn be16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

fn le16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le24(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], 0])
}

fn png(b: &[u8]) -> Result<Dimensions, HeaderError> {
    need(b, 24)?;
    if &b[12..16] != b"IHDR" {
        return Err(HeaderError::Malformed {
            kind: ImageKind::Png,
            what: "first chunk is not IHDR",
        });
    }
    let width = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let height = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    Ok(Dimensions { width, height })
}

fn gif(b: &[u8]) -> Result<Dimensions, HeaderError> {
    need(b, 10)?;
    Ok(Dimensions {
        width: le16(b, 6),
        height: le16(b, 8),
    })
}

/// Walks the JPEG marker segments up to the first start-of-frame (baseline, progressive, ...).
fn jpeg(b: &[u8]) -> Result<Dimensions, HeaderError> {
    let malformed = |what| HeaderError::Malformed {
        kind: ImageKind::Jpeg,
        what,
    };
    let mut at = 2;
    loop {
        need(b, at + 2)?;
        if b[at] != 0xFF {
            return Err(malformed("expected a marker"));
        }
        let marker = b[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        at += 2;
        match marker {
            0x01 | 0xD0..=0xD7 => continue, // standalone markers carry no length
            0xD9 | 0xDA => return Err(malformed("no frame header before the image data")),
            _ => {}
        }
        need(b, at + 2)?;
        let len = be16(b, at) as usize;
        if len < 2 {
            return Err(malformed("segment length below 2"));
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            need(b, at + 7)?;
            return Ok(Dimensions {
                height: be16(b, at + 3),
                width: be16(b, at + 5),
            });
        }
        at += len;
    }
}

fn webp(b: &[u8]) -> Result<Dimensions, HeaderError> {
    let malformed = |what| HeaderError::Malformed {
        kind: ImageKind::Webp,
        what,
    };
    need(b, 20)?;
    match &b[12..16] {
        b"VP8 " => {
            need(b, 30)?;
            if b[23..26] != [0x9D, 0x01, 0x2A] {
                return Err(malformed("VP8 start code missing"));
            }
            Ok(Dimensions {
                width: le16(b, 26) & 0x3FFF,
                height: le16(b, 28) & 0x3FFF,
            })
        }
        b"VP8L" => {
            need(b, 25)?;
            if b[20] != 0x2F {
                return Err(malformed("VP8L signature missing"));
            }
            let bits = u32::from_le_bytes([b[21], b[22], b[23], b[24]]);
            Ok(Dimensions {
                width: (bits & 0x3FFF) + 1,
                height: ((bits >> 14) & 0x3FFF) + 1,
            })
        }
        b"VP8X" => {
            need(b, 30)?;
            Ok(Dimensions {
                width: le24(b, 24) + 1,
                height: le24(b, 27) + 1,
            })
        }
        _ => Err(malformed("unknown first chunk")),
    }
}

#[cfg(test)]
#[path = "../../tests/ingest_support/fixtures.rs"]
mod fixtures;
#[cfg(test)]
#[path = "../../tests/ingest_support/png.rs"]
mod png;

#[cfg(test)]
mod tests {
    use super::*;

    use super::{fixtures, png};

    fn read(bytes: &[u8]) -> (ImageKind, Dimensions) {
        let kind = sniff(bytes).expect("fixture is an image");
        (kind, dimensions(kind, bytes).expect("fixture has a header"))
    }

    fn dims(width: u32, height: u32) -> Dimensions {
        Dimensions { width, height }
    }

    #[test]
    fn reads_every_format_pillow_wrote() {
        assert_eq!(read(fixtures::JPEG_5X3), (ImageKind::Jpeg, dims(5, 3)));
        assert_eq!(
            read(fixtures::JPEG_PROGRESSIVE_4X6),
            (ImageKind::Jpeg, dims(4, 6))
        );
        assert_eq!(read(fixtures::GIF_7X2), (ImageKind::Gif, dims(7, 2)));
        assert_eq!(
            read(fixtures::WEBP_LOSSY_9X4),
            (ImageKind::Webp, dims(9, 4))
        );
        assert_eq!(
            read(fixtures::WEBP_LOSSLESS_3X8),
            (ImageKind::Webp, dims(3, 8))
        );
        assert_eq!(
            read(fixtures::WEBP_EXTENDED_6X5),
            (ImageKind::Webp, dims(6, 5))
        );
        assert_eq!(
            read(&png::png_rgb(31, 17, 1)),
            (ImageKind::Png, dims(31, 17))
        );
    }

    #[test]
    fn html_json_and_empty_bodies_are_not_images() {
        assert_eq!(sniff(b"<!DOCTYPE html><html><body>502</body></html>"), None);
        assert_eq!(sniff(b"{\"status\":\"error\"}"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
    }

    #[test]
    fn a_cut_header_asks_for_more_bytes_instead_of_guessing() {
        let jpeg = fixtures::JPEG_5X3;
        for cut in [3, 10, 100] {
            assert_eq!(
                dimensions(ImageKind::Jpeg, &jpeg[..cut]),
                Err(HeaderError::Incomplete(cut))
            );
        }
        let png = png::png_rgb(2, 2, 0);
        assert!(matches!(
            dimensions(ImageKind::Png, &png[..20]),
            Err(HeaderError::Incomplete(20))
        ));
    }

    #[test]
    fn garbage_after_a_magic_number_is_malformed_not_a_panic() {
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00];
        fake.extend_from_slice(&[0u8; 40]);
        assert!(matches!(
            dimensions(ImageKind::Jpeg, &fake),
            Err(HeaderError::Malformed { .. })
        ));
        let mut zero = png::png_rgb(1, 1, 0);
        zero[16..20].copy_from_slice(&0u32.to_be_bytes());
        assert!(matches!(
            dimensions(ImageKind::Png, &zero),
            Err(HeaderError::Malformed { .. })
        ));
        // Every prefix of every fixture either reads or errs, never panics.
        for image in [
            fixtures::JPEG_5X3,
            fixtures::GIF_7X2,
            fixtures::WEBP_EXTENDED_6X5,
        ] {
            for cut in 0..image.len() {
                if let Some(kind) = sniff(&image[..cut]) {
                    let _ = dimensions(kind, &image[..cut]);
                }
            }
        }
    }
}
