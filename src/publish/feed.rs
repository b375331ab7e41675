//! Atom 1.0 feeds (RFC 4287) of a theme, a label or a query: the newest
//! matching articles, so that a collective's site or anyone's feed reader
//! can follow them.
//!
//! Each entry has the id, title, `updated` and `published` instants, link,
//! authors (the site's name when the article names none), categories (the
//! collective's labels) and a summary (the collective's note, else the
//! article's lead) that Atom asks for. Ids are stable: the article's URL
//! when it has one (as readers expect), else a `urn:veille:` name of its
//! id; the feed's own id is its URL when `--base-url` gives one.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use quick_xml::escape::escape;

use super::{Item, rfc3339};

/// What a feed is, apart from its entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// The feed's id (an IRI): its URL, or a `urn:veille:` name.
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// Where the feed itself will be published (`rel="self"`).
    pub self_url: Option<String>,
    /// The collective, author of the feed.
    pub author: String,
    /// The feed's `updated` when it has no entry (else its newest entry's).
    pub now: DateTime<FixedOffset>,
}

/// The id of a feed named `name` (a theme, a label) of kind `what`, when
/// it has no URL: `urn:veille:theme:eau`.
pub fn urn(what: &str, name: &str) -> String {
    let name = crate::corpus::slug::slugify(name, 64, "veille");
    format!("urn:veille:{what}:{name}")
}

fn entry_updated(item: &Item) -> Option<DateTime<FixedOffset>> {
    match (item.fetched.map(|d| d.instant()), item.published.map(|d| d.instant())) {
        (Some(f), Some(p)) => Some(f.max(p)),
        (a, b) => a.or(b),
    }
}

/// The Atom document of `feed` with `items` (newest first, as given).
pub fn atom(feed: &Feed, items: &[Item]) -> String {
    let updated = items.iter().filter_map(entry_updated).max().unwrap_or(feed.now);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n");
    let _ = writeln!(out, "  <id>{}</id>", escape(&feed.id));
    let _ = writeln!(out, "  <title>{}</title>", escape(&feed.title));
    if let Some(subtitle) = &feed.subtitle {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", escape(subtitle));
    }
    let _ =
        writeln!(out, "  <updated>{}</updated>", updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    if let Some(url) = &feed.self_url {
        let _ =
            writeln!(out, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", escape(url));
    }
    let _ = writeln!(out, "  <author><name>{}</name></author>", escape(&feed.author));
    let _ = writeln!(out, "  <generator version=\"{}\">veille</generator>", env!("CARGO_PKG_VERSION"));
    for item in items {
        out.push_str("  <entry>\n");
        let id = match &item.url {
            Some(url) => url.clone(),
            None => format!("urn:veille:article:{}", item.id),
        };
        let _ = writeln!(out, "    <id>{}</id>", escape(&id));
        let _ = writeln!(out, "    <title>{}</title>", escape(&item.title));
        let updated = entry_updated(item).unwrap_or(feed.now);
        let _ = writeln!(
            out,
            "    <updated>{}</updated>",
            updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        if let Some(published) = item.published {
            let _ = writeln!(out, "    <published>{}</published>", rfc3339(published));
        }
        if let Some(url) = &item.url {
            let _ =
                writeln!(out, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(url));
        }
        let authors: Vec<&str> = if item.authors.is_empty() {
            vec![item.site.as_str()]
        } else {
            item.authors.iter().map(String::as_str).collect()
        };
        for author in authors {
            let _ = writeln!(out, "    <author><name>{}</name></author>", escape(author));
        }
        for label in &item.labels {
            let _ = writeln!(out, "    <category term=\"{}\"/>", escape(label));
        }
        let _ = writeln!(out, "    <summary>{}</summary>", escape(item.summary()));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::PubDate;

    fn item() -> Item {
        Item {
            id: "b4165fd3".into(),
            title: "Des puces <sobres> & des serveurs".into(),
            site: "La Lime".into(),
            authors: vec![],
            published: Some(PubDate::parse("2024-05-22").unwrap()),
            fetched: Some(PubDate::parse("2024-05-23T03:00:00+02:00").unwrap()),
            url: Some("https://lalime.example/?a=1&b=2".into()),
            note: None,
            lead: "Une phrase.".into(),
            labels: vec!["à-lire".into()],
        }
    }

    #[test]
    fn an_atom_feed_that_feed_rs_reads_back() {
        let feed = Feed {
            id: urn("theme", "Eau"),
            title: "Eau".into(),
            subtitle: None,
            self_url: Some("https://collectif.example/flux/eau.xml".into()),
            author: "Le Sablier".into(),
            now: PubDate::parse("2026-12-07T00:00:00Z").map(|d| d.instant()).unwrap(),
        };
        let xml = atom(&feed, &[item()]);
        assert!(xml.contains("<title>Des puces &lt;sobres&gt; &amp; des serveurs</title>"), "{xml}");
        let parsed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
        assert_eq!(parsed.feed_type, feed_rs::model::FeedType::Atom);
        assert_eq!(parsed.id, "urn:veille:theme:eau");
        assert_eq!(parsed.updated.unwrap().to_rfc3339(), "2024-05-23T01:00:00+00:00");
        let entry = &parsed.entries[0];
        assert_eq!(entry.id, "https://lalime.example/?a=1&b=2");
        assert_eq!(entry.links[0].href, "https://lalime.example/?a=1&b=2");
        assert_eq!(entry.authors[0].name.as_deref(), Some("La Lime"));
        assert_eq!(entry.summary.as_ref().unwrap().content, "Une phrase.");
    }
}
