//! Publication dates as sites write them: ISO 8601 in metadata, French or
//! English words in bylines (`mardi 11 février 2025`, `1er avril 2020`,
//! `11 févr. 2025`, `February 11, 2025`, `11/02/2025`). Relative dates
//! (`il y a 3 jours`, `hier`) are refused rather than guessed: the page may
//! be read years after it was written.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::corpus::{FRENCH_MONTHS, PubDate};

/// Month names besides the French ones ([`FRENCH_MONTHS`], folded), as
/// [`fold`] leaves them.
const MONTHS: &[(&str, u32)] = &[
    ("janv", 1),
    ("fevr", 2),
    ("fev", 2),
    ("avr", 4),
    ("juil", 7),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
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
    ("diciembre", 12),
    ("november", 11),
    ("okt", 10),
    ("dez", 12),
    // Portuguese and Dutch.
    ("janeiro", 1),
    ("fevereiro", 2),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    // Russian, Ukrainian and Polish, in the genitive that dates use.
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
    ("січня", 1),
    ("лютого", 2),
    ("березня", 3),
    ("квітня", 4),
    ("травня", 5),
    ("червня", 6),
    ("липня", 7),
    ("серпня", 8),
    ("вересня", 9),
    ("жовтня", 10),
    ("листопада", 11),
    ("грудня", 12),
    ("stycznia", 1),
    ("lutego", 2),
    ("marca", 3),
    ("kwietnia", 4),
    ("maja", 5),
    ("czerwca", 6),
    ("lipca", 7),
    ("sierpnia", 8),
    ("września", 9),
    ("października", 10),
    ("listopada", 11),
    ("grudnia", 12),
];

fn month(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.');
    let french = FRENCH_MONTHS.iter().position(|name| name.chars().map(fold_char).eq(word.chars()));
    french.map(|i| i as u32 + 1).or_else(|| MONTHS.iter().find(|(name, _)| *name == word).map(|&(_, m)| m))
}

/// Lower case without accents, so `Février` and `fevrier` meet; a word run
/// into a number (`am09.02.2022`, from elements read without their
/// spaces) is split from it.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_letter = false;
    for c in text.to_lowercase().chars() {
        if after_letter && c.is_ascii_digit() {
            out.push(' ');
        }
        after_letter = c.is_alphabetic();
        out.push(fold_char(c));
    }
    out
}

fn fold_char(c: char) -> char {
    match c {
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
    }
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
    // `%z` wants an offset in digits: `Z` is UTC.
    let zoned = match text.strip_suffix(['Z', 'z']) {
        Some(utc) => std::borrow::Cow::Owned(format!("{utc}+0000")),
        None => std::borrow::Cow::Borrowed(text),
    };
    for format in ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(&zoned, format) {
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

/// A date in a URL: `/2014/05/18/`, `/2014-05-18-`, `/2020-02/19/`,
/// `/20140518/`, and day first `/23-01-2022-titre`, `/08112021-titre`,
/// `nid03052022`. Only the path and query are read (a web archive's
/// address holds the archived one there); a whole date is needed, so
/// `/2022/` or `/2010/05/` give none.
pub fn from_url(url: &str) -> Option<PubDate> {
    let after_scheme = url.find("://").map_or(url, |at| &url[at + 3..]);
    let path = after_scheme.find(['/', '?']).map_or("", |at| &after_scheme[at..]);
    // Maximal runs of digits, and the byte that follows each.
    let mut runs: Vec<(&str, Option<u8>)> = Vec::new();
    let bytes = path.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        runs.push((&path[start..at], bytes.get(at).copied()));
    }
    let separated = |i: usize| {
        runs.get(i).is_some_and(|(_, next)| matches!(next, Some(b'/' | b'-' | b'_' | b'.')))
            && path_gap_is_one(path, &runs, i)
    };
    let date = |y: &str, m: &str, d: &str| {
        let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        NaiveDate::from_ymd_opt(y, m, d).and_then(plausible)
    };
    for i in 0..runs.len() {
        let (run, _) = runs[i];
        let found = match run.len() {
            8 => date(&run[..4], &run[4..6], &run[6..]).or_else(|| date(&run[4..], &run[2..4], &run[..2])),
            4 if separated(i) && separated(i + 1) => {
                let (m, d) = (runs[i + 1].0, runs.get(i + 2).map_or("", |r| r.0));
                (m.len() <= 2 && d.len() <= 2).then(|| date(run, m, d)).flatten()
            }
            1 | 2 if separated(i) && separated(i + 1) => {
                let (m, y) = (runs[i + 1].0, runs.get(i + 2).map_or("", |r| r.0));
                (m.len() <= 2 && y.len() == 4).then(|| date(y, m, run)).flatten()
            }
            _ => None,
        };
        if let Some(found) = found {
            return Some(PubDate::Date(found));
        }
    }
    None
}

/// Whether digit run `i` of `path` is followed by exactly one separator
/// and then run `i + 1`.
fn path_gap_is_one(path: &str, runs: &[(&str, Option<u8>)], i: usize) -> bool {
    let (Some((this, _)), Some((next, _))) = (runs.get(i), runs.get(i + 1)) else { return false };
    let end = this.as_ptr() as usize - path.as_ptr() as usize + this.len();
    let start = next.as_ptr() as usize - path.as_ptr() as usize;
    start == end + 1
}

/// Time zones of publishers, by the country code ending their host name or,
/// on a generic one (`.org`, `.com`), by the page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// A fixed offset from UTC, in hours.
    Fixed(i32),
    /// The European rule: standard offset in hours, one more from the last
    /// Sunday of March to the last Sunday of October (at 01:00 UTC).
    European(i32),
}

const ZONES_BY_COUNTRY: [(&[&str], Zone); 9] = [
    (
        &[
            "fr", "de", "at", "ch", "it", "es", "nl", "be", "lu", "pl", "cz", "sk", "si", "hr", "hu", "dk",
            "se", "no", "li", "mc", "ad", "sm", "va", "mt", "rs", "ba", "me", "mk", "al",
        ],
        Zone::European(1),
    ),
    (&["uk", "ie", "pt"], Zone::European(0)),
    (&["fi", "gr", "ro", "bg", "ee", "lv", "lt", "ua", "cy"], Zone::European(2)),
    (&["ar", "br", "uy"], Zone::Fixed(-3)),
    (&["co", "pe", "ec"], Zone::Fixed(-5)),
    (&["ve", "bo"], Zone::Fixed(-4)),
    (&["jp", "kr"], Zone::Fixed(9)),
    (&["cn", "tw", "hk", "sg"], Zone::Fixed(8)),
    (&["ru"], Zone::Fixed(3)),
];

/// Languages spoken in one zone only, for generic host names (French: most
/// of its sites are in France, Belgium and Switzerland).
const ZONES_BY_LANGUAGE: [(&[&str], Zone); 2] = [
    (
        &["fr", "de", "it", "nl", "pl", "cs", "sk", "sl", "hr", "hu", "da", "sv", "nb", "nn", "no"],
        Zone::European(1),
    ),
    (&["fi", "el", "ro", "bg", "et", "lv", "lt"], Zone::European(2)),
];

/// The calendar date a timestamp written in UTC falls on where the page was
/// published: `2022-11-06T23:00:00Z` on a German site is the 7th, the day
/// its readers saw. A timestamp with an offset of its own, or one from a
/// publisher whose zone cannot be told, is returned as it is.
pub fn in_publisher_zone(
    found: DateTime<chrono::FixedOffset>,
    host: Option<&str>,
    lang: Option<&str>,
) -> DateTime<chrono::FixedOffset> {
    if found.offset().local_minus_utc() != 0 {
        return found;
    }
    let country = host.and_then(|h| h.trim_end_matches('.').rsplit('.').next()).filter(|tld| tld.len() == 2);
    let zone = match country {
        Some(tld) => ZONES_BY_COUNTRY.iter().find(|(codes, _)| codes.contains(&tld)).map(|(_, zone)| *zone),
        None => lang.and_then(|lang| {
            let lang = lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
            ZONES_BY_LANGUAGE.iter().find(|(codes, _)| codes.contains(&lang.as_str())).map(|(_, zone)| *zone)
        }),
    };
    let hours = match zone {
        None => return found,
        Some(Zone::Fixed(hours)) => hours,
        Some(Zone::European(standard)) => standard + i32::from(european_summer_time(found.to_utc())),
    };
    match chrono::FixedOffset::east_opt(hours * 3600) {
        Some(offset) => found.with_timezone(&offset),
        None => found,
    }
}

/// Whether European summer time is in force at `at`.
fn european_summer_time(at: DateTime<chrono::Utc>) -> bool {
    use chrono::{Datelike, TimeZone, Weekday};
    let last_sunday = |month: u32| {
        let mut day = NaiveDate::from_ymd_opt(at.year(), month, 31).expect("March and October have 31 days");
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt().expect("a Sunday precedes");
        }
        chrono::Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).expect("01:00 exists"))
    };
    at >= last_sunday(3) && at < last_sunday(10)
}

/// A pattern that matches the slashes of `word` that have a letter on
/// either side.
fn slash_between_words(word: &str) -> impl FnMut(char) -> bool + '_ {
    let mut previous = None;
    let mut rest = word.chars().skip(1);
    move |c: char| {
        let next = rest.next();
        let split =
            c == '/' && (previous.is_some_and(char::is_alphabetic) || next.is_some_and(char::is_alphabetic));
        previous = Some(c);
        split
    }
}

/// A date written `4. 2. 2022` (day and month each followed by a dot and a
/// space, as German pages sometimes do) at the start of `words`.
fn spaced_numeric(words: &[&str]) -> Option<NaiveDate> {
    let [day, month, year, ..] = words else { return None };
    let small = |word: &str| {
        let number = word.strip_suffix('.')?;
        (number.len() <= 2).then(|| number.parse::<u32>().ok()).flatten()
    };
    let year = year.trim_end_matches('.');
    let year = (year.len() == 4).then(|| year.parse::<i32>().ok()).flatten()?;
    NaiveDate::from_ymd_opt(year, small(month)?, small(day)?).and_then(plausible)
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
        // A slash between words separates them (`Lafuente/June 12, 2020`);
        // between digits it is part of a date.
        .flat_map(|w| w.split(slash_between_words(w)))
        // "3 de mayo de 2022": Spanish and Portuguese join day, month and year.
        .filter(|w| !w.is_empty() && !matches!(*w, "de" | "del"))
        .collect();
    for (i, word) in words.iter().enumerate() {
        // 11/02/2025, 11.02.2025, 11-02-2025 (day first, as in French),
        // maybe run into the next word (`09.02.2022habt`).
        let numeric = word.trim_end_matches(char::is_alphabetic).trim_end_matches('.');
        let parts: Vec<&str> = numeric.split(['/', '.', '-']).collect();
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
        if let Some(date) = spaced_numeric(&words[i..]) {
            return Some(PubDate::Date(date));
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
            let word = words.get(j)?;
            let digits = word.find(|c: char| !c.is_ascii_digit()).map_or(*word, |end| &word[..end]);
            digits.parse::<i32>().ok().filter(|y| *y > 1000)
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
        assert_eq!(url("http://x.example/local/2020-02/19/c_1125.htm").as_deref(), Some("2020-02-19"));
        assert_eq!(
            url("https://x.example/newsroom/23-01-2022-wierer/17-378.html").as_deref(),
            Some("2022-01-23")
        );
        assert_eq!(url("https://x.example/aktuelles/08112021-online-fachtag").as_deref(), Some("2021-11-08"));
        assert_eq!(url("https://x.example/politica/jugada-nid03052022/").as_deref(), Some("2022-05-03"));
        assert_eq!(
            url("https://web.archive.org/web/20120611024252/http://x.example/news/2012-06/04/c_1.htm")
                .as_deref(),
            Some("2012-06-04")
        );
        // Not whole dates, or not dates at all.
        assert_eq!(url("https://x.example/2010/05/literatur/"), None);
        assert_eq!(url("https://x.example/de/acht-produkte/19837156"), None);
        assert_eq!(url("https://x.example/30-11-buch-der-woche-1619"), None);
        assert_eq!(url("https://2014.example.org/05/18/"), None);
        assert_eq!(day("31. Mai 2012").as_deref(), Some("2012-05-31"));
        assert_eq!(day("5 marzo 2020").as_deref(), Some("2020-03-05"));
        assert_eq!(day("10. November 2021").as_deref(), Some("2021-11-10"));
        assert_eq!(day("Erstellt am09.02.2022Habt ihr Lust").as_deref(), Some("2022-02-09"));
        assert_eq!(day("Datum:26. Januar 2022Ausgabejahr:2022").as_deref(), Some("2022-01-26"));
        assert_eq!(
            day("Aktualisiert am 17.01.2021.Permalink: https://x.example/").as_deref(),
            Some("2021-01-17")
        );
        assert_eq!(day("3 de maio de 2022").as_deref(), Some("2022-05-03"));
        assert_eq!(day("News date : 04/21/2022").as_deref(), Some("2022-04-21"));
        assert_eq!(day("Von Deutscher Tennis Bund 4. 2. 2022.").as_deref(), Some("2022-02-04"));
        assert_eq!(day("Band 4. 2. Auflage 2022"), None);
        assert_eq!(day("15 августа 2016, 13:43").as_deref(), Some("2016-08-15"));
        assert_eq!(day("3 września 2020").as_deref(), Some("2020-09-03"));
        assert_eq!(day("By Cat Lafuente/June 12, 2020 9:49 am").as_deref(), Some("2020-06-12"));
        assert_eq!(day("Brasília/03/05/2022 21:44").as_deref(), Some("2022-05-03"));
    }

    #[test]
    fn utc_timestamps_fall_on_the_publishers_day() {
        let local = |at: &str, host: Option<&str>, lang: Option<&str>| {
            let found = DateTime::parse_from_rfc3339(at).unwrap();
            in_publisher_zone(found, host, lang).to_rfc3339()
        };
        // Winter in Germany: UTC+1; summer in Austria: UTC+2.
        assert_eq!(
            local("2022-11-06T23:00:00Z", Some("beige.example.de"), None),
            "2022-11-07T00:00:00+01:00"
        );
        assert_eq!(local("2019-10-18T22:04:00Z", Some("www.example.at"), None), "2019-10-19T00:04:00+02:00");
        // The switch to summer time, on the last Sunday of March 2025 (the 30th).
        assert_eq!(local("2025-03-30T00:59:00Z", Some("example.fr"), None), "2025-03-30T01:59:00+01:00");
        assert_eq!(local("2025-03-30T01:00:00Z", Some("example.fr"), None), "2025-03-30T03:00:00+02:00");
        // Argentina, and a French page on a generic host name.
        assert_eq!(
            local("2022-05-04T00:53:29Z", Some("www.example.com.ar"), None),
            "2022-05-03T21:53:29-03:00"
        );
        assert_eq!(
            local("2024-12-31T23:30:00Z", Some("example.org"), Some("fr-FR")),
            "2025-01-01T00:30:00+01:00"
        );
        // Unknown zone, or an offset given: unchanged.
        assert_eq!(
            local("2024-12-31T23:30:00Z", Some("example.com"), Some("en")),
            "2024-12-31T23:30:00+00:00"
        );
        assert_eq!(local("2024-12-31T23:30:00-05:00", Some("example.de"), None), "2024-12-31T23:30:00-05:00");
    }

    #[test]
    fn iso_keeps_offsets() {
        let d = parse_iso("2026-03-04T07:45:00+01:00").unwrap();
        assert_eq!(d.to_string(), "2026-03-04T07:45:00+01:00");
        assert_eq!(parse_iso("2021-11-04T23:00Z").unwrap().to_string(), "2021-11-04T23:00:00Z");
        assert!(parse_iso("not a date").is_none());
    }
}
