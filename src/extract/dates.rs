//! Publication dates as sites write them: ISO 8601 in metadata, French or
//! English words in bylines (`mardi 11 février 2025`, `1er avril 2020`,
//! `11 févr. 2025`, `February 11, 2025`, `11/02/2025`). Relative dates
//! (`il y a 3 jours`, `hier`) are refused rather than guessed: the page may
//! be read years after it was written.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::corpus::PubDate;

const MONTHS: [(&str, u32); 67] = [
    ("janvier", 1),
    ("janv", 1),
    ("fevrier", 2),
    ("fevr", 2),
    ("fev", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("aout", 8),
    ("septembre", 9),
    ("sept", 9),
    ("octobre", 10),
    ("oct", 10),
    ("novembre", 11),
    ("nov", 11),
    ("decembre", 12),
    ("dec", 12),
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("october", 10),
    ("december", 12),
    // German, Italian and Spanish names, for the pages of neighbours.
    ("januar", 1),
    ("februar", 2),
    ("marz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("gennaio", 1),
    ("febbraio", 2),
    ("marzo", 3),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("agosto", 8),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("septiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
];

fn month(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.');
    MONTHS.iter().find(|(name, _)| *name == word).map(|&(_, m)| m)
}

/// Lower case without accents, so `Février` and `fevrier` meet.
fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'û' | 'ù' | 'ü' | 'ú' => 'u',
            'í' => 'i',
            'á' => 'a',
            'ó' => 'o',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ä' => 'a',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

fn plausible(date: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    (1990..=2100).contains(&date.year()).then_some(date)
}

/// A machine-written date (metadata, `datetime` attributes): ISO 8601 /
/// RFC 3339 in its usual variants.
pub fn parse_iso(text: &str) -> Option<PubDate> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return plausible(dt.date_naive()).map(|_| PubDate::DateTime(dt));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return plausible(dt.date_naive()).map(|_| PubDate::DateTime(dt));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return plausible(naive.date()).map(PubDate::Date);
        }
    }
    let day = text.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().and_then(plausible).map(PubDate::Date)
}

/// A date in a URL: `/2014/05/18/`, `/2014-05-18-`, `/20140518/`.
pub fn from_url(url: &str) -> Option<PubDate> {
    let bytes = url.as_bytes();
    for start in 0..bytes.len().saturating_sub(8) {
        if bytes[start] != b'/' || !url.is_char_boundary(start + 1) {
            continue;
        }
        let rest = &url[start + 1..];
        // YYYY/MM/DD or YYYY-MM-DD.
        let head: Vec<u8> = rest.bytes().take(10).collect();
        if head.len() == 10 && (head[4] == b'/' || head[4] == b'-') && head[7] == head[4] {
            let part = |r: std::ops::Range<usize>| rest.get(r).and_then(|p| p.parse::<u32>().ok());
            if let (Some(y), Some(m), Some(d)) = (part(0..4), part(5..7), part(8..10))
                && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d).and_then(plausible)
            {
                return Some(PubDate::Date(date));
            }
        }
        let compact: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if compact.len() == 8
            && let Some(date) = NaiveDate::parse_from_str(&compact, "%Y%m%d").ok().and_then(plausible)
        {
            return Some(PubDate::Date(date));
        }
    }
    None
}

/// The first date written in words or digits in `text`, or `None` when the
/// text holds none (or only a relative one).
pub fn parse_human(text: &str) -> Option<PubDate> {
    if let Some(date) = parse_iso(text) {
        return Some(date);
    }
    let folded = fold(text);
    if folded.contains("il y a") || folded.contains(" ago") {
        return None;
    }
    let words: Vec<&str> = folded
        .split(|c: char| !(c.is_alphanumeric() || c == '/' || c == '.' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        // 11/02/2025, 11.02.2025, 11-02-2025 (day first, as in French).
        let parts: Vec<&str> = word.split(['/', '.', '-']).collect();
        if parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty()) {
            let (d, m, y) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse::<i32>().ok()?);
            let y = if parts[2].len() == 2 { 2000 + y } else { y };
            if parts[0].len() == 4 {
                if let Some(date) =
                    NaiveDate::from_ymd_opt(d as i32, m, parts[2].parse().ok()?).and_then(plausible)
                {
                    return Some(PubDate::Date(date));
                }
            } else if let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
                // Day first as in French; month first when the day cannot be a month.
                .or_else(|| (m > 12).then(|| NaiveDate::from_ymd_opt(y, d, m)).flatten())
                .and_then(plausible)
            {
                return Some(PubDate::Date(date));
            }
        }
        let word = word.trim_end_matches('.');
        let Some(m) = month(word) else { continue };
        // Day before the month (French, British): "11 février 2025", "1er avril 2020".
        let day_before = i.checked_sub(1).and_then(|j| {
            let w = words[j].trim_end_matches("er").trim_end_matches(".");
            w.parse::<u32>().ok()
        });
        // Day after (American): "February 11, 2025".
        let day_after = words
            .get(i + 1)
            .and_then(|w| w.trim_end_matches(|c: char| !c.is_ascii_digit()).parse::<u32>().ok());
        let year_at = |j: usize| {
            words.get(j).and_then(|w| w.trim_end_matches('.').parse::<i32>().ok()).filter(|y| *y > 1000)
        };
        let found = match (day_before, day_after) {
            (Some(d), _) => year_at(i + 1).and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            (None, Some(d)) if d <= 31 => year_at(i + 2).and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        };
        if let Some(date) = found.and_then(plausible) {
            return Some(PubDate::Date(date));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<String> {
        parse_human(text).map(|d| d.date().to_string())
    }

    #[test]
    fn french_and_english_dates() {
        assert_eq!(day("mardi 11 février 2025").as_deref(), Some("2025-02-11"));
        assert_eq!(day("Publié le 1er avril 2020 par Jeanne").as_deref(), Some("2020-04-01"));
        assert_eq!(day("11 févr. 2025").as_deref(), Some("2025-02-11"));
        assert_eq!(day("le 3 Août 2024 à 18h30").as_deref(), Some("2024-08-03"));
        assert_eq!(day("February 11, 2025").as_deref(), Some("2025-02-11"));
        assert_eq!(day("11 Feb 2025").as_deref(), Some("2025-02-11"));
        assert_eq!(day("11/02/2025").as_deref(), Some("2025-02-11"));
        assert_eq!(day("2025-02-11T09:30:00Z").as_deref(), Some("2025-02-11"));
        assert_eq!(day("2025-02-11").as_deref(), Some("2025-02-11"));
    }

    #[test]
    fn relative_and_impossible_dates_are_refused() {
        assert_eq!(day("il y a 3 jours"), None);
        assert_eq!(day("hier"), None);
        assert_eq!(day("3 days ago"), None);
        assert_eq!(day("31 février 2025"), None);
        assert_eq!(day("le 12 mai"), None, "no year: no date");
        assert_eq!(day("mai 1871"), None);
        assert_eq!(day(""), None);
    }

    #[test]
    fn odd_urls_do_not_panic() {
        for url in ["/2014-0é-18", "/201é/05/18", "/", "//////////", "/2014/05/1é9"] {
            let _ = from_url(url);
        }
    }

    #[test]
    fn dates_in_urls_and_other_languages() {
        let url = |u: &str| from_url(u).map(|d| d.date().to_string());
        assert_eq!(url("https://x.example/2014/05/18/alles-neu/").as_deref(), Some("2014-05-18"));
        assert_eq!(url("https://x.example/news/20200102/1000.html").as_deref(), Some("2020-01-02"));
        assert_eq!(url("https://x.example/spip.php?article123"), None);
        assert_eq!(day("31. Mai 2012").as_deref(), Some("2012-05-31"));
        assert_eq!(day("5 marzo 2020").as_deref(), Some("2020-03-05"));
        assert_eq!(day("News date : 04/21/2022").as_deref(), Some("2022-04-21"));
    }

    #[test]
    fn iso_keeps_offsets() {
        let d = parse_iso("2026-03-04T07:45:00+01:00").unwrap();
        assert_eq!(d.to_string(), "2026-03-04T07:45:00+01:00");
        assert!(parse_iso("not a date").is_none());
    }
}
