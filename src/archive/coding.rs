//! HTTP content codings: a body as it came over the wire (and as the
//! archive keeps it) made plain again, with a cap on what gzip may inflate
//! to, so that a small "gzip bomb" cannot fill the memory.

use std::io::Read;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodingError {
    #[error("decompressed size passes {0} bytes (gzip bomb?)")]
    TooLarge(u64),
    #[error("bad gzip data: {0}")]
    Gzip(String),
    #[error("unsupported Content-Encoding {0:?}")]
    Unsupported(String),
}

/// Decompresses gzip data, refusing to inflate past `cap` bytes.
pub fn gunzip_capped(data: &[u8], cap: u64) -> Result<Vec<u8>, CodingError> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| CodingError::Gzip(e.to_string()))?;
    if out.len() as u64 > cap {
        return Err(CodingError::TooLarge(cap));
    }
    Ok(out)
}

/// Whether bytes start like gzip data.
pub fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&[0x1f, 0x8b])
}

/// Undoes a `Content-Encoding` (only gzip is asked for), inflating at most `max` bytes.
pub fn decode_content(raw: &[u8], encoding: Option<&str>, max: u64) -> Result<Vec<u8>, CodingError> {
    match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "identity") => Ok(raw.to_vec()),
        Some("gzip" | "x-gzip") => gunzip_capped(raw, max),
        Some(other) => Err(CodingError::Unsupported(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_bombs_are_refused() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &vec![b'a'; 5 << 20]).unwrap();
        let bomb = gz.finish().unwrap();
        assert!(bomb.len() < 20_000);
        assert!(matches!(gunzip_capped(&bomb, 1 << 20), Err(CodingError::TooLarge(_))));
        assert!(matches!(decode_content(&bomb, Some(" GZIP"), 1 << 20), Err(CodingError::TooLarge(_))));
        assert_eq!(decode_content(&bomb, Some("gzip"), 6 << 20).unwrap().len(), 5 << 20);
        assert_eq!(decode_content(b"plain", None, 1).unwrap(), b"plain");
        assert!(matches!(decode_content(b"x", Some("br"), 1), Err(CodingError::Unsupported(_))));
    }
}
