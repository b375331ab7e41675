//! Finding URLs: feed entries (RSS 0.9/1.0/2.0, Atom, JSON Feed, read by
//! `feed-rs`), sitemap entries (urlset and sitemap index, plain or gzipped),
//! and the links of an HTML page. Nothing here fetches anything.

use chrono::{DateTime, NaiveDate, Utc};
use dom_query::Document;
use quick_xml::Reader;
use quick_xml::events::Event;
use url::Url;

use crate::archive::coding::{CodingError, gunzip_capped, is_gzip};
use crate::corpus::canonical;

/// A URL found, with the date its source says it last changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub url: Url,
    pub updated: Option<i64>,
}

/// What a sitemap document holds.
#[derive(Debug, Default, PartialEq)]
pub struct Sitemap {
    /// Pages (`<urlset>`).
    pub pages: Vec<Found>,
    /// Other sitemaps (`<sitemapindex>`).
    pub sitemaps: Vec<Found>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("not a feed: {0}")]
    Feed(String),
    #[error("not a sitemap: {0}")]
    Sitemap(String),
    #[error("decompressed size passes {0} bytes (gzip bomb?)")]
    TooLarge(u64),
    #[error("bad gzip data: {0}")]
    Gzip(String),
}

impl From<CodingError> for DiscoverError {
    fn from(e: CodingError) -> Self {
        match e {
            CodingError::TooLarge(cap) => DiscoverError::TooLarge(cap),
            CodingError::Gzip(message) => DiscoverError::Gzip(message),
            CodingError::Unsupported(coding) => DiscoverError::Gzip(format!("unsupported coding {coding:?}")),
        }
    }
}

/// Entries of a feed, each with its page URL (resolved against `base`).
pub fn feed(body: &[u8], base: &Url) -> Result<Vec<Found>, DiscoverError> {
    let parser = feed_rs::parser::Builder::new().base_uri(Some(base.as_str())).build();
    let feed = parser.parse(body).map_err(|e| DiscoverError::Feed(e.to_string()))?;
    let mut found = Vec::new();
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .map(|l| l.href.clone())
            // RSS items with only a <guid isPermaLink> carry the URL as id.
            .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()));
        let Some(url) =
            link.and_then(|l| base.join(l.trim()).ok()).and_then(|u| canonical::clean(u.as_str()))
        else {
            continue;
        };
        let updated = entry.updated.or(entry.published).map(|d| d.timestamp());
        found.push(Found { url, updated });
    }
    Ok(found)
}

fn lastmod(text: &str) -> Option<i64> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.timestamp())
        .ok()
        .or_else(|| {
            // W3C datetime without seconds: 2025-03-11T09:30+01:00
            DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z").map(|d| d.timestamp()).ok()
        })
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp())
        })
}

/// Reads a sitemap (urlset or index), gzipped or not.
pub fn sitemap(body: &[u8], base: &Url, cap: u64) -> Result<Sitemap, DiscoverError> {
    let inflated;
    let body = if is_gzip(body) {
        inflated = gunzip_capped(body, cap)?;
        &inflated[..]
    } else {
        body
    };
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut out = Sitemap::default();
    let mut buf = Vec::new();
    let (mut root, mut in_item, mut field) = (None::<String>, false, String::new());
    let (mut loc, mut modified) = (None::<String>, None::<i64>);
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            DiscoverError::Sitemap(format!("XML error at byte {}: {e}", reader.buffer_position()))
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(DiscoverError::Sitemap(format!("root element is <{name}>")));
                    }
                    root = Some(name);
                } else if name == "url" || name == "sitemap" {
                    in_item = true;
                    loc = None;
                    modified = None;
                } else {
                    field = name;
                }
            }
            Event::Text(t) if in_item => {
                let text = t.xml10_content().into_owned();
                match field.as_str() {
                    "loc" => loc = Some(loc.unwrap_or_default() + &text),
                    "lastmod" => modified = lastmod(&text),
                    _ => {}
                }
            }
            Event::GeneralRef(r) if in_item && field == "loc" => {
                // quick-xml reports entities (&amp;) apart from the text around them.
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::unescape(&format!("&{};", r.into_inner()))
                        .map(|c| c.into_owned())
                        .unwrap_or_default(),
                };
                loc = Some(loc.unwrap_or_default() + &text);
            }
            Event::End(e) => {
                let name = e.local_name();
                let name: &str = name.as_ref();
                if name == "url" || name == "sitemap" {
                    in_item = false;
                    let url = loc
                        .take()
                        .and_then(|l| base.join(l.trim()).ok())
                        .and_then(|u| canonical::clean(u.as_str()));
                    if let Some(url) = url {
                        let item = Found { url, updated: modified.take() };
                        if name == "url" { out.pages.push(item) } else { out.sitemaps.push(item) }
                    }
                }
                field.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if root.is_none() {
        return Err(DiscoverError::Sitemap("no <urlset> or <sitemapindex>".into()));
    }
    Ok(out)
}

/// What an HTML page points to.
#[derive(Debug, Default, PartialEq)]
pub struct Links {
    /// `<a href>` targets, cleaned, in page order, without duplicates.
    pub pages: Vec<Url>,
    /// `<link rel=alternate>` feeds.
    pub feeds: Vec<Url>,
    /// Links to PDF files: texts published as documents.
    pub documents: Vec<DocumentLink>,
}

/// A link to a document: a PDF, ODT, DOCX or EPUB file.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentLink {
    pub url: Url,
    /// The link's text (or its `title`).
    pub label: String,
    /// The link names an imposed booklet ("cahier", "imposé", "livret"),
    /// whose pages are out of reading order.
    pub cahier: bool,
}

/// Links to the documents veille reads, by their extension (answers are
/// told by their type or their bytes; these are the links worth following).
fn is_document_path(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    [".pdf", ".odt", ".docx", ".epub"].iter().any(|e| path.ends_with(e))
}

/// Words by which a site says a PDF is an imposed booklet rather than the
/// page-by-page reading version (infokiosques.net offers both).
fn names_a_cahier(text: &str) -> bool {
    let t = deunicode::deunicode(text).to_lowercase();
    ["cahier", "impose", "livret", "booklet"].iter().any(|w| t.contains(w))
        && !["page par page", "pageparpage", "page-par-page", "page_par_page"].iter().any(|w| t.contains(w))
}

/// The documents of a page worth reading: an imposed booklet is left out
/// when the page also links another version of the same text.
pub fn reading_versions(documents: Vec<DocumentLink>) -> Vec<DocumentLink> {
    if documents.iter().all(|d| d.cahier) {
        return documents;
    }
    documents.into_iter().filter(|d| !d.cahier).collect()
}

/// File types that are never pages to read.
fn is_binary_path(url: &Url) -> bool {
    const SKIP: [&str; 30] = [
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".mp3", ".ogg",
        ".wav", ".flac", ".mp4", ".webm", ".avi", ".mov", ".mkv", ".zip", ".gz", ".tgz", ".bz2", ".7z",
        ".rar", ".exe", ".dmg", ".iso", ".css", ".js",
    ];
    let path = url.path().to_ascii_lowercase();
    SKIP.iter().any(|ext| path.ends_with(ext))
}

/// Feed addresses linked from pages ("RSS des commentaires", WordPress's
/// per-post `?feed=rss2&p=35`, `/feed/`, `/comments/feed/`, SPIP's
/// `page=backend`): feeds are read from the `<link rel=alternate>` of the
/// home, not fetched as pages (a page of XML is no article, and a comment
/// feed changes with every comment).
fn is_feed_address(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    let feed_path = path.ends_with("/feed/")
        || path.ends_with("/feed")
        || path.ends_with("/rss")
        || path.ends_with("/rss/")
        || path.ends_with("/atom")
        || [".rss", ".rdf", ".atom", "/index.xml", "/feed.xml", "/rss.xml", "/atom.xml"]
            .iter()
            .any(|e| path.ends_with(e));
    let feed_query = url.query_pairs().any(|(k, v)| {
        k == "feed" || (k == "page" && matches!(v.as_ref(), "backend" | "backend-breves" | "backend_forum"))
    });
    feed_path || feed_query
}

/// Links of a page, resolved against its URL (or its `<base href>`).
pub fn links(html: &str, page: &Url) -> Links {
    let doc = Document::from(html);
    let base = doc
        .select("base[href]")
        .attr("href")
        .and_then(|h| page.join(h.trim()).ok())
        .unwrap_or_else(|| page.clone());
    let mut out = Links::default();
    let mut seen = std::collections::HashSet::new();
    for a in doc.select("a[href], area[href]").iter() {
        let Some(href) = a.attr("href") else { continue };
        let rel = a.attr("rel").map(|r| r.to_ascii_lowercase()).unwrap_or_default();
        if rel.split_whitespace().any(|r| r == "nofollow") {
            continue;
        }
        let Some(url) = base.join(href.trim()).ok().and_then(|u| canonical::clean(u.as_str())) else {
            continue;
        };
        if is_document_path(&url) {
            if seen.insert(url.to_string()) {
                let text = a.text();
                let label = clean_label(&text, a.attr("title").as_deref());
                let cahier = names_a_cahier(&format!("{label} {}", url.path()));
                out.documents.push(DocumentLink { url, label, cahier });
            }
        } else if !is_binary_path(&url) && !is_feed_address(&url) && seen.insert(url.to_string()) {
            out.pages.push(url);
        }
    }
    for link in doc.select("link[rel~='alternate'][href]").iter() {
        let kind = link.attr("type").map(|t| t.to_ascii_lowercase()).unwrap_or_default();
        if (kind.contains("rss") || kind.contains("atom") || kind.contains("feed+json"))
            && let Some(url) = link.attr("href").and_then(|h| base.join(h.trim()).ok())
            && let Some(url) = canonical::clean(url.as_str())
        {
            out.feeds.push(url);
        }
    }
    out
}

fn clean_label(text: &str, title: Option<&str>) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() >= 3 {
        return text;
    }
    title.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or(text)
}

/// Whether a URL is one page of a paginated listing (SPIP `debut_articles=10`,
/// WordPress `/page/2/` or `?paged=2`, `?page=2`): such pages are followed
/// at the depth of the listing, within a bound. (WordPress's `?p=35` is a
/// post in plain permalinks, the default of a new install: not a page number.)
pub fn is_pagination(url: &Url) -> bool {
    let numeric_param = url.query_pairs().any(|(k, v)| {
        (k.starts_with("debut_") || k == "paged" || k == "page" || k == "start" || k == "offset")
            && !v.is_empty()
            && v.bytes().all(|b| b.is_ascii_digit())
    });
    numeric_param || crate::extract::listing::has_page_number(url.path())
}

/// Seconds since the epoch now.
pub fn now() -> i64 {
    Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://a.test/").unwrap()
    }

    #[test]
    fn feeds_of_every_kind() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
            <item><title>Un</title><link>http://a.test/spip.php?article1&amp;utm_source=rss</link>
            <pubDate>Tue, 11 Feb 2025 09:30:00 +0100</pubDate></item>
            <item><title>Deux</title><guid isPermaLink="true">http://a.test/spip.php?article2</guid></item>
            </channel></rss>"#;
        let found = feed(rss, &base()).unwrap();
        let urls: Vec<_> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(urls, ["http://a.test/spip.php?article1", "http://a.test/spip.php?article2"]);
        assert!(found[0].updated.is_some());
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>x</id><updated>2025-01-01T00:00:00Z</updated>
            <entry><title>A</title><id>urn:x</id><updated>2025-01-02T00:00:00Z</updated><link href="/2025/01/a/"/></entry></feed>"#;
        assert_eq!(feed(atom, &base()).unwrap()[0].url.as_str(), "http://a.test/2025/01/a/");
        let rss1 = br#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="http://a.test/"><title>x</title><link>http://a.test/</link></channel>
            <item rdf:about="http://a.test/r1"><title>R</title><link>http://a.test/r1</link></item></rdf:RDF>"#;
        assert_eq!(feed(rss1, &base()).unwrap()[0].url.as_str(), "http://a.test/r1");
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","url":"http://a.test/b/"}]}"#;
        assert_eq!(feed(json, &base()).unwrap()[0].url.as_str(), "http://a.test/b/");
        assert!(feed(b"<html><body>no</body></html>", &base()).is_err());
    }

    #[test]
    fn sitemaps_plain_gzipped_and_indexes() {
        let urlset = br#"<?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>http://a.test/spip.php?page=article&amp;id_article=3</loc><lastmod>2025-03-11</lastmod></url>
            <url><loc> http://a.test/x </loc></url></urlset>"#;
        let map = sitemap(urlset, &base(), 1 << 20).unwrap();
        assert_eq!(map.pages.len(), 2);
        assert_eq!(map.pages[0].url.as_str(), "http://a.test/spip.php?page=article&id_article=3");
        assert!(map.pages[0].updated.is_some());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, urlset).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(sitemap(&gz, &base(), 1 << 20).unwrap(), map);
        let index = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>http://a.test/s1.xml.gz</loc><lastmod>2025-03-11T09:30:00+01:00</lastmod></sitemap></sitemapindex>"#;
        let map = sitemap(index, &base(), 1 << 20).unwrap();
        assert_eq!(map.sitemaps.len(), 1);
        assert!(sitemap(b"<html/>", &base(), 1 << 20).is_err());
    }

    #[test]
    fn page_links_and_pagination() {
        let html = r#"<html><head><link rel="alternate" type="application/rss+xml" href="spip.php?page=backend"></head>
            <body><a href="spip.php?article3#forum">a</a><a href="/spip.php?article3">dup</a>
            <a href="mailto:x@y.z">m</a><a href="img.jpg">i</a><a href="../doc.pdf">p</a>
            <a href="IMG/tract.ODT">Le tract</a><a href="IMG/t.docx">w</a><a href="livre.epub">e</a><a href="a.zip">z</a>
            <a rel="nofollow" href="/login">l</a><a href="http://b.test/x?utm_medium=y">b</a></body></html>"#;
        let page = Url::parse("http://a.test/spip.php?page=plan").unwrap();
        let found = links(html, &page);
        let documents: Vec<_> = found.documents.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(
            documents,
            [
                "http://a.test/doc.pdf",
                "http://a.test/IMG/tract.ODT",
                "http://a.test/IMG/t.docx",
                "http://a.test/livre.epub"
            ]
        );
        assert_eq!(found.documents[1].label, "Le tract");
        let urls: Vec<_> = found.pages.iter().map(Url::as_str).collect();
        assert_eq!(urls, ["http://a.test/spip.php?article3", "http://b.test/x"]);
        assert_eq!(found.feeds[0].as_str(), "http://a.test/spip.php?page=backend");
        for p in [
            "http://a.test/spip.php?page=rubrique&id_rubrique=2&debut_articles=10",
            "http://a.test/category/x/page/3/",
            "http://a.test/?paged=2",
        ] {
            assert!(is_pagination(&Url::parse(p).unwrap()), "{p}");
        }
        assert!(!is_pagination(&Url::parse("http://a.test/spip.php?article3").unwrap()));
        assert!(!is_pagination(&Url::parse("http://a.test/?p=35").unwrap()), "a WordPress post");
        for feed in [
            "http://a.test/?feed=rss2&p=35",
            "http://a.test/2024/03/billet/feed/",
            "http://a.test/comments/feed/",
            "http://a.test/spip.php?page=backend",
            "http://a.test/index.xml",
        ] {
            assert!(is_feed_address(&Url::parse(feed).unwrap()), "{feed}");
        }
        assert!(!is_feed_address(&Url::parse("http://a.test/2024/03/feedback-des-usagers/").unwrap()));
        assert!(!is_pagination(&Url::parse("http://a.test/2025/03/page-blanche/").unwrap()));
    }
}
