//! Bytes to text: the charset chain every fetched page goes through.
//!
//! Byte-order mark first (it cannot lie), then the `Content-Type` header,
//! then a `<meta>` in the first kilobytes, then statistical detection; the
//! text is decoded with the WHATWG decoders (so `iso-8859-1` means
//! windows-1252, as browsers do) and broken bytes become U+FFFD.

use encoding_rs::Encoding;

/// How far into a page a `<meta charset>` is looked for.
const PRESCAN_BYTES: usize = 4096;

/// The charset named in a `Content-Type` value (`text/html; charset=ISO-8859-1`).
fn from_content_type(value: &str) -> Option<&'static Encoding> {
    let lower = value.to_ascii_lowercase();
    let start = lower.find("charset=")? + "charset=".len();
    let label: String = lower[start..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, '"' | '\'' | ';' | ' '))
        .collect();
    Encoding::for_label(label.as_bytes())
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(found) = from_content_type(tag) {
            // UTF-16 in a meta is a lie: the bytes were read as ASCII to find it.
            if found == encoding_rs::UTF_16LE || found == encoding_rs::UTF_16BE {
                return Some(encoding_rs::UTF_8);
            }
            return Some(found);
        }
        rest = &rest[tag_end..];
    }
    None
}

/// Decodes a page; returns the text and the encoding used.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding);
    }
    let encoding =
        content_type.and_then(from_content_type).or_else(|| from_meta(bytes)).unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                return encoding_rs::UTF_8;
            }
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            detector.guess(Some(b"fr"), true)
        });
    let (text, _, _) = encoding.decode(bytes);
    (text.into_owned(), encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_in_order() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"></head><body>\xe9t\xe9</body></html>";
        assert!(decode(latin1, None).0.contains("été"));
        // The header wins over the meta.
        let (_, enc) = decode(latin1, Some("text/html; charset=UTF-8"));
        assert_eq!(enc, encoding_rs::UTF_8);
        // A BOM wins over everything.
        let bom = b"\xef\xbb\xbf<meta charset=\"iso-8859-1\">\xc3\xa9t\xc3\xa9";
        assert!(decode(bom, Some("text/html; charset=windows-1252")).0.ends_with("été"));
        // No label: valid UTF-8 is UTF-8, and latin-1 French is detected.
        assert!(decode("déjà".as_bytes(), None).0 == "déjà");
        let bare =
            b"<p>L'\xe9t\xe9 o\xf9 la rivi\xe8re s'est tarie, les r\xe9serves d'eau ont baiss\xe9.</p>";
        assert!(decode(bare, None).0.contains("rivière"));
        // Broken bytes are replaced, not fatal.
        assert!(decode(b"<meta charset=utf-8>a\xffb", None).0.contains('\u{fffd}'));
    }

    #[test]
    fn http_equiv_meta_is_read() {
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">\xe0 bient\xf4t";
        assert!(decode(page, None).0.ends_with("à bientôt"));
    }
}
