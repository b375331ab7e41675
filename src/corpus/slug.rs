//! File names for articles: ASCII slugs that are safe on every filesystem.
//!
//! A slug is made of `[a-z0-9-]` only, so it cannot hold `/`, `..`, NUL,
//! control or right-to-left characters, and is bounded in length. Names that
//! Windows reserves (`con`, `nul`, `com1`…) get a suffix.

/// Longest slug, in bytes; leaves room for a collision suffix and `.md`
/// well under the 255-byte limit of common filesystems.
pub const MAX_SLUG_LEN: usize = 80;

const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A filesystem-safe slug for `text`, at most `max_len` bytes; `fallback`
/// when nothing of `text` survives (an all-emoji or empty title).
pub fn slugify(text: &str, max_len: usize, fallback: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len().min(max_len + 1));
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
            if slug.len() >= max_len {
                break;
            }
        } else {
            dash = true;
        }
    }
    if slug.len() > max_len {
        slug.truncate(max_len);
    }
    // Cut at a word boundary when a long title was truncated mid-word.
    if slug.len() >= max_len
        && let Some(cut) = slug.rfind('-').filter(|&cut| cut > max_len / 2)
    {
        slug.truncate(cut);
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        return fallback.to_string();
    }
    if WINDOWS_RESERVED.contains(&slug.as_str()) {
        return format!("{slug}-{fallback}");
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_safe(slug: &str) {
        assert!(!slug.is_empty());
        assert!(slug.len() <= MAX_SLUG_LEN + 12, "{slug}");
        assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{slug}");
        assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug}");
        assert!(!slug.contains(".."));
    }

    #[test]
    fn french_titles_become_readable_slugs() {
        assert_eq!(
            slugify("L’eau des « data centers » : qui paie ?", 80, "x"),
            "l-eau-des-data-centers-qui-paie"
        );
        assert_eq!(slugify("Pièces et Main d'Œuvre", 80, "x"), "pieces-et-main-d-oeuvre");
    }

    #[test]
    fn hostile_titles_are_made_safe() {
        let long = "mot ".repeat(500);
        let hostile = [
            "../../etc/passwd",
            "..",
            ".",
            "a/b\\c:d*e?f\"g<h>i|j",
            &long,
            &"x".repeat(2000),
            "🌊🔥💧",
            "مرحبا بالعالم",
            "\u{202e}txt.exe",
            "nul\0byte",
            "CON",
            "   ",
            "",
        ];
        for title in hostile {
            let slug = slugify(title, MAX_SLUG_LEN, "article");
            is_safe(&slug);
        }
        assert_eq!(slugify("../../etc", 80, "article"), "etc");
        assert_eq!(slugify("", 80, "article"), "article");
        assert_eq!(slugify("CON", 80, "article"), "con-article");
        assert_eq!(slugify(&"x".repeat(2000), 80, "article").len(), 80);
        assert!(slugify(&long, 80, "article").ends_with("mot"));
    }
}
