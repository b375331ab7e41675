//! The dates a page prints for its readers — in elements made for dates,
//! on a line under the title, after words like "Publié le", alone on a
//! line — and how they settle the article's date with the metadata's and
//! the address's.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use dom_query::{Document, NodeRef, Selection};

use super::metadata::Metadata;
use super::{css, dates};
use crate::corpus::PubDate;

/// The dates a page offers besides its metadata, read before a profile or
/// Readability takes the page apart.
#[derive(Debug, Default)]
pub(super) struct PageDates {
    /// The day in the page's address (or the address it gives itself).
    url: Option<PubDate>,
    /// Printed in an element made for dates.
    visible: Option<PubDate>,
    /// On a short line by the title.
    dateline: Option<PubDate>,
    /// After words that announce a date.
    cued: Option<PubDate>,
    /// Alone on a short line.
    lone: Option<PubDate>,
}

impl PageDates {
    /// Settles the metadata's date against the dates printed for readers
    /// (a vague date gives way, a timestamp a day off gives way, the day of
    /// the last change wins when it is the one shown), and, for a page
    /// whose metadata has no date, reads the dates it prints.
    pub(super) fn read(
        doc: &Document,
        meta: &mut Metadata,
        url: Option<&str>,
        heading: Option<NodeRef>,
    ) -> PageDates {
        tracing::debug!(date = ?meta.published, vague = meta.published_is_vague, "date in the metadata");
        // A vague date printed for readers too is confirmed.
        let confirmed = |meta: &Metadata| {
            let day = meta.published.map(|d| d.date());
            visible_dates(doc, DATE_PLACES, &[]).any(|printed| Some(printed.date()) == day)
        };
        // The date printed for readers in an element made for dates, outside
        // other articles' teasers, checked against the metadata's.
        let printed =
            meta.published.and_then(|_| visible_date(doc, DATE_ONLY_PLACES, &NOT_THE_ARTICLES_DATE));
        if meta.published_is_vague
            && let Some(date) = printed
            && !confirmed(meta)
        {
            tracing::debug!(?date, "the vague date gives way to a printed one");
            meta.published = Some(date);
        }
        // A timestamp a day off the date printed for readers: the page shows
        // its day in another zone than the timestamp's, and readers saw that day.
        // Unless the page's address names the timestamp's day.
        let url_date = url.or(meta.canonical.as_deref()).and_then(dates::from_url);
        if let Some(PubDate::DateTime(stamp)) = meta.published
            && url_date.is_none_or(|day| day.date() != stamp.date_naive())
            && let Some(printed) = printed
            && (printed.date() - stamp.date_naive()).num_days().abs() == 1
        {
            tracing::debug!(?printed, "the printed day wins over a timestamp a day off");
            meta.published = Some(printed);
        }
        // A page that shows readers the day it was changed, and not the day it
        // first came out, presents itself as of that day (a guide updated
        // and republished): readers cite the day they are shown.
        if let (Some(published), Some(modified)) = (meta.published, meta.modified)
            && published.date() < modified.date()
        {
            let shown: Vec<_> = visible_dates(doc, DATE_PLACES, &[]).map(|d| d.date()).collect();
            if shown.contains(&modified.date()) && !shown.contains(&published.date()) {
                tracing::debug!(?modified, "the day of the last change is the one shown");
                meta.published = Some(modified);
            }
        }
        let visible = if meta.published.is_none() { visible_date(doc, DATE_PLACES, &[]) } else { None };
        let dateline =
            if meta.published.is_none() && visible.is_none() { dateline(doc, heading) } else { None };
        let cued = if meta.published.is_none() && visible.is_none() { cued_date(doc) } else { None };
        let lone = if meta.published.is_none() && visible.is_none() && dateline.is_none() && cued.is_none() {
            lone_date(doc)
        } else {
            None
        };
        tracing::debug!(?visible, ?dateline, ?cued, "dates printed in the page");
        PageDates { url: url_date, visible, dateline, cued, lone }
    }

    /// The article's date once its text is known: the address's day where
    /// the found date strays from it, in the publisher's zone, else the
    /// first date printed (by the title, in the address, after "Publié
    /// le", alone, in the text's first lines or in a signature).
    pub(super) fn settle(self, meta: &mut Metadata, text: &str, host: Option<&str>) {
        if let (Some(found), Some(day)) = (meta.published, self.url) {
            // The date in an address (`/2019/10/22/`) is the day the content
            // system filed the post. A timestamp in UTC can fall on the day
            // before or after it; a date months away is another text's or a
            // later edit's. Within those bounds, sites that update a post
            // (a live report, a corrected article) keep their own date.
            let apart = (found.date() - day.date()).num_days().abs();
            let utc = matches!(found, PubDate::DateTime(t) if t.offset().local_minus_utc() == 0);
            if (utc && apart == 1) || apart > 31 {
                tracing::debug!(?found, ?day, "the address's date wins");
                meta.published = Some(day);
            }
        }
        if let Some(PubDate::DateTime(found)) = meta.published {
            meta.published =
                Some(PubDate::DateTime(dates::in_publisher_zone(found, host, meta.lang.as_deref())));
        }
        if meta.published.is_none() {
            // Printed near the article, in its address, after "Publié le"
            // anywhere, or in its first lines (where a date may also be the
            // day of what the article tells).
            meta.published = self
                .visible
                .or(self.dateline)
                .or(self.url)
                .or(self.cued)
                .or(self.lone)
                .or_else(|| dates::parse_human(&text.chars().take(300).collect::<String>()))
                // A signature (`Benni, 10. September 2017`) or a "last updated" line.
                .or_else(|| {
                    text.lines().rev().take(2).find(|l| l.chars().count() <= 100).and_then(dates::parse_human)
                });
        }
    }
}

/// Elements where pages print their date for people.
pub(super) const DATE_PLACES: &str = "time, [class*='date'], [class*='Date'], [id*='date'], [class*='byline'], \
    [class*='posted'], [class*='publi'], [class*='datum'], [class*='meta'], [class*='info-publi'], \
    [class*='time'], [class*='info'], [class*='submitted'], [data-testid*='date']";

/// Elements that hold a date and nothing else, which a vague date meta
/// gives way to.
pub(super) const DATE_ONLY_PLACES: &str = "time, [class*='date'], [class*='Date'], [class*='datum']";

/// The first date printed in one of `places`, in page order, in none of the
/// elements named `outside`.
pub(super) fn visible_date(doc: &Document, places: &'static str, outside: &[&str]) -> Option<PubDate> {
    visible_dates(doc, places, outside).next()
}

/// The dates printed in `places` (the first forty), in page order, outside
/// the elements named `outside`.
pub(super) fn visible_dates<'a>(
    doc: &'a Document,
    places: &'static str,
    outside: &'a [&'a str],
) -> impl Iterator<Item = PubDate> + 'a {
    css::matches(doc, places).take(40).filter_map(|el| {
        let elsewhere = !outside.is_empty() && css::inside(&el, outside, Some(12));
        let text = el.text();
        // A block holding the title too (`<div class="post-meta-wrapper"><h1>`)
        // is a wrapper: the title may name another day.
        let wrapper = || Selection::from(el).select_matcher_iter(css::matcher("h1, h2, h3")).next().is_some();
        if elsewhere || text.len() > 200 || wrapper() {
            return None;
        }
        // An empty element may carry its date in an attribute
        // (`<span class="updated" title="2013-04-04T18:52:11+00:00">`).
        dates::parse_human(&text).or_else(|| {
            let empty = text.trim().is_empty();
            ["datetime", "title", "content"]
                .iter()
                .filter(|_| empty)
                .find_map(|name| el.attr(name).and_then(|value| dates::parse_iso(&value)))
        })
    })
}

/// The date printed on a short line right under the page's heading (`<h1>…</h1>
/// <p>Handball Schweiz • 02.02.2022</p>`), where pages without any
/// element made for dates put it. Text in links (other articles) is left out.
pub(super) fn dateline<'a>(doc: &'a Document, title: Option<NodeRef<'a>>) -> Option<PubDate> {
    /// Characters of text read after the heading.
    const NEAR: usize = 300;
    let heading = title
        .or_else(|| css::first(doc, "h1"))
        .or_else(|| css::first(doc, "article h2, main h2, [class*='post'] h2"))?;
    // A line just above the heading (a kicker: `Sport • 31.01.2022`).
    let mut above = heading;
    for _ in 0..2 {
        if let Some(line) = above.prev_element_sibling().map(|p| p.text())
            && line.trim().chars().count() <= 100
            && let Some(date) = dates::parse_human(line.trim())
        {
            return Some(date);
        }
        match above.parent() {
            Some(parent) => above = parent,
            None => break,
        }
    }
    let mut read = 0;
    let mut below = heading;
    // The heading's next siblings, then its parent's, up to three levels.
    for _ in 0..3 {
        let mut sibling = below.next_sibling();
        while let Some(node) = sibling {
            let texts = std::iter::once(node).chain(node.descendants_it()).filter(|n| n.is_text());
            for text in texts {
                let line = text.text();
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                read += line.chars().count();
                if read > NEAR {
                    return None;
                }
                let in_link = css::inside(&text, &["a"], Some(6));
                if !in_link
                    && line.chars().count() <= 100
                    && let Some(date) = dates::parse_human(line)
                {
                    return Some(date);
                }
            }
            sibling = node.next_sibling();
        }
        below = below.parent()?;
    }
    None
}

/// Where the dates of other articles, of events, or today's date are
/// printed: a vague date meta gives way only to a date outside them.
pub(super) const NOT_THE_ARTICLES_DATE: [&str; 6] = ["a", "li", "nav", "header", "footer", "aside"];

/// Words pages print just before their date, folded to lower case.
pub(super) const DATE_CUES: [&str; 24] = [
    "publié le",
    "mis à jour le",
    "mise en ligne",
    "mis en ligne le",
    "date de publication",
    "paru le",
    "published on",
    "published:",
    "posted on",
    "erstellt am",
    "veröffentlicht am",
    "erschienen am",
    "aktualisiert am",
    "aktualisiert:",
    "letzte änderung:",
    "wurde am",
    "pressemitteilung vom",
    "datum:",
    "stand:",
    "stand -",
    "publicado el",
    "pubblicato il",
    "date:",
    "le :",
];

/// The first date that follows one of [`DATE_CUES`] anywhere in the page
/// (`Erstellt am: 01.11.2023` in a plain paragraph), for pages that put it
/// in no element made for dates.
pub(super) fn cued_date(doc: &Document) -> Option<PubDate> {
    static CUES: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(DATE_CUES).expect("the date cues are plain words"));
    let text = css::first(doc, "body")?.text().to_lowercase();
    let mut tried = [0usize; DATE_CUES.len()];
    // In page order; a cue is tried at most five times.
    CUES.find_overlapping_iter(&text).find_map(|cue| {
        let seen = &mut tried[cue.pattern().as_usize()];
        *seen += 1;
        if *seen > 5 {
            return None;
        }
        let after = &text[cue.end()..];
        let end = after.char_indices().nth(40).map_or(after.len(), |(i, _)| i);
        dates::parse_human(&after[..end])
    })
}

/// The first short line of the page that is a date and little else
/// (`<span class="blue">01.02.2022</span>`, `( 2012-06-04 09:20:26 )`),
/// outside links, navigation and footers: for pages that put their date
/// in no element made for it, with no words to announce it.
pub(super) fn lone_date(doc: &Document) -> Option<PubDate> {
    /// Letters a dated line may hold besides its date (`Date`, `Stand`, a weekday).
    const LETTERS: usize = 12;
    let body = css::first(doc, "body")?;
    body.descendants_it().filter(|n| n.is_text()).find_map(|node| {
        let text = node.text();
        let line = text.trim();
        if line.len() < 8
            || line.chars().filter(|c| !c.is_whitespace()).nth(40).is_some()
            || line.chars().filter(|c| c.is_alphabetic()).nth(LETTERS).is_some()
        {
            return None;
        }
        if css::inside(&node, &["a", "nav", "footer", "option", "select"], Some(12)) {
            return None;
        }
        dates::parse_human(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<chrono::NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_date_printed_in_an_element_made_for_dates_is_found_outside_teasers() {
        let doc = Document::from(
            "<body><ul><li><span class=\"date\">1 janvier 2020</span></li></ul>\
             <p class=\"date\">12 mars 2024</p></body>",
        );
        assert_eq!(visible_date(&doc, DATE_PLACES, &[]).map(|d| d.date()), day("2020-01-01"));
        assert_eq!(
            visible_date(&doc, DATE_ONLY_PLACES, &NOT_THE_ARTICLES_DATE).map(|d| d.date()),
            day("2024-03-12")
        );
    }

    #[test]
    fn a_dateline_under_the_title_and_a_cued_date_are_found() {
        let doc =
            Document::from("<body><h1>Le titre</h1><p>Handball Schweiz • 02.02.2022</p><p>Texte.</p></body>");
        assert_eq!(dateline(&doc, None).map(|d| d.date()), day("2022-02-02"));
        let doc = Document::from("<body><p>Texte.</p><p>Publié le 3 avril 2023 par Lou.</p></body>");
        assert_eq!(cued_date(&doc).map(|d| d.date()), day("2023-04-03"));
        let linked = Document::from("<body><h1>Le titre</h1><p><a href=\"/x\">02.02.2022</a></p></body>");
        assert_eq!(dateline(&linked, None), None, "a date in a link is another article's");
    }

    #[test]
    fn a_lone_date_is_a_short_line_outside_links() {
        let doc = Document::from("<body><p>Un texte.</p><span class=\"blue\">01.02.2022</span></body>");
        assert_eq!(lone_date(&doc).map(|d| d.date()), day("2022-02-01"));
        let doc = Document::from("<body><p>Un texte.</p><a href=\"/x\">01.02.2022</a></body>");
        assert_eq!(lone_date(&doc), None);
    }

    #[test]
    fn a_vague_metadata_date_gives_way_to_the_printed_one() {
        let doc = Document::from("<body><h1>Titre</h1><time>12 mars 2024</time><p>Texte.</p></body>");
        let mut meta = Metadata {
            published: PubDate::parse("2024-01-01").ok(),
            published_is_vague: true,
            ..Metadata::default()
        };
        PageDates::read(&doc, &mut meta, None, None);
        assert_eq!(meta.published.map(|d| d.date()), day("2024-03-12"));
    }

    #[test]
    fn the_addresss_day_wins_over_a_date_months_away_and_fills_a_missing_one() {
        let doc = Document::from("<body><p>Texte sans date.</p></body>");
        let url = Some("https://x.example/2019/10/22/un-article/");
        let mut meta = Metadata { published: PubDate::parse("2021-06-01").ok(), ..Metadata::default() };
        PageDates::read(&doc, &mut meta, url, None).settle(&mut meta, "Texte sans date.", Some("x.example"));
        assert_eq!(meta.published.map(|d| d.date()), day("2019-10-22"));
        let mut meta = Metadata::default();
        PageDates::read(&doc, &mut meta, url, None).settle(&mut meta, "Texte sans date.", Some("x.example"));
        assert_eq!(meta.published.map(|d| d.date()), day("2019-10-22"));
        // Within a month of it, the page's own date stands (an updated post).
        let mut meta = Metadata { published: PubDate::parse("2019-10-30").ok(), ..Metadata::default() };
        PageDates::read(&doc, &mut meta, url, None).settle(&mut meta, "Texte.", None);
        assert_eq!(meta.published.map(|d| d.date()), day("2019-10-30"));
    }
}
