//! Title, date, authors and the rest from a page's metadata, best source
//! first: JSON-LD (`NewsArticle`, `Article`, `BlogPosting`…), OpenGraph and
//! `article:*` meta, Dublin Core and other meta, `<time datetime>`,
//! microformats, then the visible byline.

use dom_query::{Document, NodeRef};
use serde_json::Value;

use super::{css, dates};
use crate::corpus::PubDate;

/// What a page says about itself.
#[derive(Debug, Default, Clone)]
pub struct Metadata {
    pub title: Option<String>,
    /// The page's own summaries (`description`, `og:description`…), each
    /// once: sites write one for search engines and another for sharing.
    pub descriptions: Vec<String>,
    pub published: Option<PubDate>,
    /// `published` comes from a generic `date` meta, which a date printed
    /// for readers beats.
    pub published_is_vague: bool,
    /// When the page says it was last changed (`dateModified`,
    /// `article:modified_time`).
    pub modified: Option<PubDate>,
    pub authors: Vec<String>,
    pub canonical: Option<String>,
    pub lang: Option<String>,
    pub site_name: Option<String>,
    pub generator: Option<String>,
    pub tags: Vec<String>,
    /// `@type` of the JSON-LD article, or `og:type`.
    pub page_type: Option<String>,
}

/// schema.org's `Article` and its kinds.
const ARTICLE_TYPES: [&str; 18] = [
    "NewsArticle",
    "Article",
    "BlogPosting",
    "LiveBlogPosting",
    "ReportageNewsArticle",
    "OpinionNewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "SatiricalArticle",
    "AdvertiserContentArticle",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "MedicalScholarlyArticle",
];

/// Words bylines put before a name, in the languages of the pages veille meets.
const AUTHOR_PREFIXES: [&str; 28] = [
    "par ",
    "by ",
    "von ",
    "von:",
    "par:",
    "by:",
    "auteur :",
    "auteur:",
    "auteurs :",
    "author:",
    "geschrieben von",
    "artikel von:",
    "erstellt von",
    "texte :",
    "texte:",
    "posted by",
    "written by",
    "autor:",
    "autorin:",
    "autor ",
    "autorin ",
    "interview:",
    "text:",
    "zeige alle beiträge von",
    "alle beiträge von",
    "view all posts by",
    "voir tous les articles de",
    "tous les articles de",
];

/// What a byline fragment ends with after the name: a link to the
/// author's page, a degree.
const AUTHOR_SUFFIXES: [&str; 7] =
    ["alle artikel", "all posts", "tous ses articles", "voir ses articles", ", phd", ", ph.d.", ", md"];

/// Link texts and placeholders that stand where a name should be.
const NOT_NAMES: [&str; 5] = ["no author", "follow", "admin", "unknown", "anonymous"];

/// A person's name from a byline fragment, or `None` when it is not one
/// (an address, a date, a profile link, a site name).
pub fn clean_author(raw: &str) -> Option<String> {
    let mut text = clean(raw)?;
    loop {
        let lower = text.to_lowercase();
        let Some(prefix) = AUTHOR_PREFIXES.iter().find(|p| lower.starts_with(*p)) else { break };
        text = text[prefix.len()..].trim_start_matches([':', ' ']).trim().to_string();
    }
    let mut text =
        text.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '—' | '–' | '-' | ',' | '|'));
    let lower = text.to_lowercase();
    if let Some(suffix) = AUTHOR_SUFFIXES.iter().find(|s| lower.ends_with(*s)) {
        text = text[..text.len() - suffix.len()].trim_end();
    }
    let lower = text.to_lowercase();
    let words = text.split_whitespace().count();
    let not_a_name = text.is_empty()
        || NOT_NAMES.contains(&lower.as_str())
        || words > 6
        || text.contains('@')
        || lower.contains("http")
        || lower.contains("profil")
        || lower.contains("profile")
        || text.chars().filter(char::is_ascii_digit).count() > 2
        || (words == 1 && text.contains('.') && !text.ends_with('.'));
    (!not_a_name).then(|| text.to_string())
}

/// Cleaned names, without repeats (case-insensitive), at most three.
pub fn clean_authors(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in raw.iter().filter_map(|r| clean_author(r)) {
        // A name already there, or a phrase around it (`Twitter Account von Lou Garnier`).
        let lower = name.to_lowercase();
        let repeats = |o: &String| {
            let o = o.to_lowercase();
            lower == o || lower.ends_with(&format!(" {o}"))
        };
        if !out.iter().any(repeats) {
            out.push(name);
        }
    }
    out.truncate(3);
    out
}

/// A byline that is just a name (`Par Lou Garnier`, `Lou Garnier`).
pub fn clean_name(byline: &str) -> Option<String> {
    let text = clean(byline)?;
    let lower = text.to_lowercase();
    let name = ["par ", "by "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| text[p.len()..].to_string()))
        .unwrap_or(text);
    (1..=5).contains(&name.split_whitespace().count()).then_some(name)
}

/// [`clean`] for text from a `<meta>` attribute or a JSON-LD string, where
/// sites often escape HTML twice or not at all: `&#8211;`, `&quot;` and
/// `&amp;` left in a headline are decoded.
fn clean_escaped(text: &str) -> Option<String> {
    if text.contains('&') { clean(&html_escape::decode_html_entities(text)) } else { clean(text) }
}

/// Whitespace collapsed; `None` when nothing is left.
pub(crate) fn clean(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// The page's `<meta>` tags as (name, property or itemprop in lower case, content),
/// read once: one pass over the document instead of one per key.
struct Metas(Vec<(String, String)>);

impl Metas {
    fn read(doc: &Document) -> Metas {
        let mut all = Vec::new();
        for m in css::select(doc, "meta[content]").iter() {
            let Some(content) = m.attr("content").and_then(|c| clean_escaped(&c)) else { continue };
            for key in ["property", "name", "itemprop"] {
                if let Some(k) = m.attr(key) {
                    all.push((k.to_lowercase(), content.clone()));
                }
            }
        }
        Metas(all)
    }

    /// The values of `twitter:dataN` whose `twitter:labelN` is one of
    /// `labels` (lower case): how WordPress SEO plugins state the author.
    fn labelled(&self, labels: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k.starts_with("twitter:label") && labels.contains(&v.to_lowercase().as_str()))
            .filter_map(|(k, _)| self.get(&[&k.replacen("twitter:label", "twitter:data", 1)]))
            .collect()
    }

    /// The first content among `keys`, in the order of the keys.
    fn get(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|key| self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }
}

fn is_article(value: &Value) -> bool {
    match value.get("@type") {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(types)) => {
            types.iter().any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t)))
        }
        _ => false,
    }
}

/// The first article object in a JSON-LD value, looking into `@graph` and arrays.
fn find_article(value: &Value, depth: usize) -> Option<&Value> {
    if depth > 4 {
        return None;
    }
    if is_article(value) {
        return Some(value);
    }
    match value {
        Value::Array(items) => items.iter().find_map(|v| find_article(v, depth + 1)),
        Value::Object(map) => map.get("@graph").and_then(|g| find_article(g, depth + 1)),
        _ => None,
    }
}

/// The first `datePublished` of any JSON-LD object (a `WebPage` of SEO
/// plugins carries it when the page is not marked as an article).
fn any_date_published(value: &Value, depth: usize) -> Option<PubDate> {
    if depth > 4 {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().find_map(|v| any_date_published(v, depth + 1)),
        Value::Object(map) => ["datePublished", "uploadDate"]
            .iter()
            .find_map(|key| map.get(*key).and_then(Value::as_str).and_then(dates::parse_iso))
            .or_else(|| map.get("@graph").and_then(|g| any_date_published(g, depth + 1))),
        _ => None,
    }
}

fn names(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => clean_escaped(s).into_iter().collect(),
        Value::Array(items) => items.iter().flat_map(names).collect(),
        Value::Object(map) => map.get("name").map(names).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The JSON in a JSON-LD script, as pages write it: wrapped in an HTML
/// comment or CDATA, followed by a stray `;` or a second object (only the
/// first is read), with raw line breaks inside strings.
fn parse_json_ld(text: &str) -> Option<Value> {
    let mut text = text.trim();
    for (open, close) in [("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>")] {
        if let Some(inner) = text.strip_prefix(open) {
            text = inner.trim_end().strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    let first = |text: &str| serde_json::Deserializer::from_str(text).into_iter::<Value>().next()?.ok();
    first(text).or_else(|| {
        // Control characters are whitespace outside strings and invalid inside.
        let cleaned: String = text.chars().map(|c| if c < ' ' { ' ' } else { c }).collect();
        first(&cleaned)
    })
}

/// Reads the JSON-LD article into `out`; returns the first `datePublished`
/// of any object, a fallback for pages not marked as articles.
fn json_ld(doc: &Document, out: &mut Metadata) -> Option<PubDate> {
    let mut page_date = None;
    for script in css::select(doc, r#"script[type="application/ld+json"]"#).iter() {
        let text = script.text();
        let Some(value) = parse_json_ld(&text) else { continue };
        if page_date.is_none() {
            page_date = any_date_published(&value, 0);
        }
        let Some(article) = find_article(&value, 0) else { continue };
        if out.title.is_none() {
            out.title = article
                .get("headline")
                .or_else(|| article.get("name"))
                .and_then(Value::as_str)
                .and_then(clean_escaped);
        }
        if out.published.is_none() {
            out.published = ["datePublished", "dateCreated", "uploadDate"]
                .iter()
                .find_map(|key| article.get(*key).and_then(Value::as_str).and_then(dates::parse_iso));
        }
        if out.modified.is_none() {
            out.modified = article.get("dateModified").and_then(Value::as_str).and_then(dates::parse_iso);
        }
        if out.authors.is_empty() {
            out.authors = article.get("author").map(names).unwrap_or_default();
        }
        if out.page_type.is_none() {
            out.page_type = article.get("@type").and_then(Value::as_str).map(str::to_string);
        }
        if out.tags.is_empty() {
            out.tags = match article.get("keywords") {
                Some(Value::String(s)) => s.split(',').filter_map(clean_escaped).collect(),
                Some(other) => names(other),
                None => Vec::new(),
            };
        }
    }
    page_date
}

/// Elements that give a date for machines in an attribute.
const MACHINE_DATES: &str = "[itemprop='datePublished'][datetime], [itemprop='datePublished'][content], \
    time[datetime], abbr.published[title], .published[title]";

/// SPIP prints `<abbr class="published" title="2025-09-25T23:29:09Z">jeudi
/// 25 septembre 2025</abbr>`: its `date_iso` filter writes the site's local
/// time followed by a `Z`, so read as UTC every time is an hour or two off
/// and a late-evening article gets the next day. Such a value is the
/// wall-clock time of an unknown zone: its day is kept (the day the page
/// prints), not its hour: the element's own text when it is a date, else,
/// on a page SPIP generated, the value's.
fn wall_clock_day(machine: &str, element: &NodeRef, spip: bool) -> Option<PubDate> {
    let machine = machine.trim();
    let is_abbr = element.node_name().is_some_and(|n| n.eq_ignore_ascii_case("abbr"));
    if !is_abbr || !machine.ends_with('Z') || machine.len() < 10 {
        return None;
    }
    let day = chrono::NaiveDate::parse_from_str(machine.get(..10)?, "%Y-%m-%d").ok()?;
    // The day printed for readers settles it, whatever zone the server's
    // PHP runs in (a SPIP whose PHP knows its zone writes true UTC: 00:45
    // in Paris is `22:45Z` the day before, and prints the later day).
    match dates::parse_human(&element.text()).map(|p| p.date()) {
        Some(printed) => Some(PubDate::Date(printed)),
        None => spip.then_some(PubDate::Date(day)),
    }
}

/// Whether `element` lies in a block of related posts, whose dates are theirs.
pub fn in_related(element: &NodeRef) -> bool {
    element.ancestors_it(Some(12)).any(|a| a.attr("class").is_some_and(|c| c.contains("related")))
}

/// Reads every metadata source of `doc`.
pub fn read(doc: &Document) -> Metadata {
    let mut out = Metadata::default();
    let metas = Metas::read(doc);
    let page_date = json_ld(doc, &mut out);
    if out.title.is_none() {
        out.title = metas.get(&["og:title", "twitter:title", "dc.title"]);
    }
    if out.published.is_none() {
        let iso = metas.get(&[
            "article:published_time",
            "og:published_time",
            "article:published",
            "dc.date.issued",
            "datepublished",
            "citation_publication_date",
            "pubdate",
            "publish-date",
            "publish_date",
            "publishdate",
            "published_date",
            "published-date",
            "date_published",
            "parsely-pub-date",
            "sailthru.date",
            "release_date",
            "publication_date",
        ]);
        out.published = iso.as_deref().and_then(dates::parse_iso);
    }
    if out.published.is_none() {
        let spip = metas.get(&["generator"]).is_some_and(|g| g.to_lowercase().contains("spip"));
        out.published = css::matches(doc, MACHINE_DATES).filter(|t| !in_related(t)).find_map(|t| {
            let machine = t.attr("datetime").or_else(|| t.attr("content")).or_else(|| t.attr("title"))?;
            if let Some(day) = wall_clock_day(&machine, &t, spip) {
                return Some(day);
            }
            // Some themes write the machine date the way people do (`01-11-2023 10:29`).
            dates::parse_iso(&machine).or_else(|| dates::parse_human(&machine))
        });
    }
    if out.published.is_none() {
        // Content systems fill these with the day the page was last saved
        // as often as with the day it was published.
        let iso = metas.get(&[
            "dc.date",
            "dc.date.created",
            "dcterms.date",
            "dcterms.created",
            "date",
            "datecreated",
            "created",
        ]);
        out.published = iso.as_deref().and_then(dates::parse_iso);
        out.published_is_vague = out.published.is_some();
    }
    // Each source's names are cleaned before the next is tried: a JSON-LD
    // author that is a user name (`edilson.la.rosa`) or an `article:author`
    // that is the site (`jungle.world`) gives way to the `author` meta.
    out.authors = clean_authors(&out.authors);
    if out.published.is_none() {
        out.published = page_date;
    }
    if out.authors.is_empty() {
        // article:author is often a profile URL: a name only when it is not one.
        let keys = [
            "article:author",
            "author",
            "dc.creator",
            "citation_author",
            "sailthru.author",
            "parsely-author",
        ];
        out.authors = keys
            .iter()
            .filter_map(|key| metas.get(&[key]))
            .filter(|a| !a.starts_with("http"))
            .map(|a| clean_authors(&[a]))
            .find(|names| !names.is_empty())
            .unwrap_or_default();
    }
    if out.authors.is_empty() {
        out.authors =
            clean_authors(&metas.labelled(&["written by", "verfasst von", "écrit par", "geschrieben von"]));
    }
    if out.authors.is_empty() {
        out.authors = byline_marks(doc);
    }
    if out.modified.is_none() {
        out.modified = metas
            .get(&["article:modified_time", "og:updated_time", "dateModified", "last-modified"])
            .as_deref()
            .and_then(dates::parse_iso);
    }
    for (key, value) in &metas.0 {
        if matches!(key.as_str(), "description" | "og:description" | "twitter:description" | "dc.description")
            && !out.descriptions.contains(value)
        {
            out.descriptions.push(value.clone());
        }
    }
    out.canonical = css::first(doc, r#"link[rel="canonical"]"#)
        .and_then(|link| link.attr("href"))
        .and_then(|h| clean(&h))
        .or_else(|| metas.get(&["og:url"]));
    out.lang = doc
        .html_root()
        .attr("lang")
        .and_then(|l| clean(&l))
        .map(|l| l.chars().take(2).collect::<String>().to_lowercase());
    out.site_name = metas.get(&["og:site_name"]);
    out.generator = metas.get(&["generator"]);
    if out.page_type.is_none() {
        out.page_type = metas.get(&["og:type"]);
    }
    if out.tags.is_empty() {
        out.tags = metas.0.iter().filter(|(k, _)| k == "article:tag").map(|(_, v)| v.clone()).collect();
    }
    if out.tags.is_empty() {
        out.tags = rel_tags(doc);
    }
    out
}

/// Authors marked up as such (schema.org's `author`, hCard's `.vcard .fn`,
/// `rel="author"`): the first mark's byline. These marks also sign related
/// posts and comments further down, so only the marks sharing the first
/// one's byline count — the shortest-texted ancestors around it, as SPIP's
/// `<span class="auteurs">par <span class="vcard author">…</span>, <span
/// class="vcard author">…</span></span>` names two authors.
fn byline_marks(doc: &Document) -> Vec<String> {
    const MARKS: &str = r#"[itemprop="author"] [itemprop="name"], .vcard .fn, a[rel="author"]"#;
    const BYLINE_CHARS: usize = 160;
    let marks: Vec<NodeRef> = css::matches(doc, MARKS).collect();
    let Some(first) = marks.first() else { return Vec::new() };
    let short = |n: &NodeRef| n.text().chars().filter(|c| !c.is_whitespace()).count() <= BYLINE_CHARS;
    // A byline is a line of text, not a block of the page.
    let line =
        |n: &NodeRef| short(n) && !n.is("html, body, main, article, section, aside, header, footer, nav");
    let byline = first.ancestors_it(Some(4)).take_while(line).last();
    let names: Vec<String> = match byline {
        Some(byline) => marks
            .iter()
            .filter(|m| m.ancestors_it(Some(6)).any(|a| a.id == byline.id))
            .filter_map(|m| clean(&m.text()))
            .collect(),
        None => clean(&first.text()).into_iter().collect(),
    };
    clean_authors(&names)
}

/// The page's own keywords as links marked `rel="tag"` (microformats'
/// rel-tag: WordPress's tags, SPIP's mots-clés, most blog engines), once
/// each, in page order. WordPress also marks its categories `rel="category
/// tag"`: a category is a section of the site, not a keyword of the text.
/// Links in blocks of related posts name those posts' tags.
fn rel_tags(doc: &Document) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    css::matches(doc, "a[rel~='tag']")
        .filter(|a| {
            !a.attr("rel").is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case("category")))
        })
        // Block themes mark categories `rel="tag"` too, inside their
        // `taxonomy-category` block, linking to `?cat=N` or `/category/…`.
        .filter(|a| {
            let href = a.attr("href").unwrap_or_default().to_lowercase();
            !href.contains("cat=")
                && !href.contains("/category/")
                && !a.ancestors_it(Some(4)).any(|p| {
                    // A block of categories (not a post whose classes name
                    // its category, as WordPress's `category-international`).
                    p.attr("class").is_some_and(|c| {
                        c.split_whitespace().any(|t| {
                            t == "cat-links"
                                || t.starts_with("taxonomy-category")
                                || t.ends_with("categories")
                        })
                    })
                })
        })
        .filter(|a| !in_related(a))
        .filter_map(|a| clean(&a.text()))
        .filter(|t| t.chars().count() <= 60 && seen.insert(t.to_lowercase()))
        .collect()
}

/// A byline written for people: `Publié le 1er avril 2020 par Jeanne
/// Ferrand`, `Par Jeanne Ferrand, le …`. Returns (date, author).
pub fn byline(text: &str) -> (Option<PubDate>, Option<String>) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let date = dates::parse_human(&text);
    let lower = text.to_lowercase();
    // `von` is a German byline only where the line starts: elsewhere it is
    // as often the preposition (`ein Bericht von der Messe`).
    let author = [("par ", true), ("by ", true), ("von ", false)].iter().find_map(|&(marker, anywhere)| {
        let at = if lower.starts_with(marker) {
            0
        } else if anywhere {
            lower.find(&format!(" {marker}"))? + 1
        } else {
            return None;
        };
        let rest = &text[at + marker.len()..];
        let name: String = rest
            .split([',', '|', '–', '—', '(', '\n'])
            .next()?
            .split(" le ")
            .next()?
            .split(" on ")
            .next()?
            .trim()
            .to_string();
        let words = name.split_whitespace().count();
        (1..=5).contains(&words).then_some(name)
    });
    (date, author)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_author_of_the_byline_and_none_of_the_comments() {
        let html = r#"<html><body><p class="info-publi"><abbr class="published" title="2025-03-01">1er mars</abbr>,
            par <span class="auteurs"><span class="vcard author"><a class="url fn spip_in" href="a1">Camille Roux</a></span>,
            <span class="vcard author"><a class="url fn spip_in" href="a2">Loïc Le Gall</a></span></span></p>
            <div class="texte"><p>Un texte sur l'eau de la vallée, ses sources, ses nappes et ceux qui
            les pompent sans compter, écrit à deux mains après trois réunions publiques.</p></div>
            <div class="forum"><span class="vcard author"><span class="fn">Un lecteur</span></span></div></body></html>"#;
        assert_eq!(read(&Document::from(html)).authors, ["Camille Roux", "Loïc Le Gall"]);
    }

    #[test]
    fn rel_tag_links_are_the_page_keywords_and_categories_are_not() {
        let html = r#"<html><body><article class="post category-luttes"><p>Texte.</p><footer>
            <a href="/category/luttes/" rel="category tag">Luttes</a>
            <a href="/tag/eau/" rel="tag">eau</a> <a href="/tag/forages/" rel="tag">forages</a>
            <a href="/tag/eau/" rel="tag">Eau</a>
            <div class="taxonomy-category wp-block-post-terms"><a href="/?cat=4" rel="tag">Société</a></div></footer></article>
            <div class="related-posts"><a href="/tag/autre/" rel="tag">autre</a></div></body></html>"#;
        assert_eq!(read(&Document::from(html)).tags, ["eau", "forages"]);
    }

    #[test]
    fn spip_local_time_written_with_a_z_keeps_the_day_the_page_prints() {
        let spip = |head: &str, title: &str, text: &str| {
            let html = format!(
                "<html><head>{head}</head><body><p class=\"info-publi\"><abbr class=\"published\" \
                 title=\"{title}\">{text}</abbr></p></body></html>"
            );
            read(&Document::from(html.as_str())).published.unwrap().to_string()
        };
        let generator = "<meta name=\"generator\" content=\"SPIP 4.0.3\">";
        // A late-evening article: the 25th, not the 26th at 01:29 in Paris.
        assert_eq!(spip(generator, "2025-09-25T23:29:09Z", "jeudi 25 septembre 2025"), "2025-09-25");
        assert_eq!(spip("", "2025-09-25T23:29:09Z", "jeudi 25 septembre 2025"), "2025-09-25");
        // A true UTC time (a SPIP whose PHP knows its zone), printed as the
        // next day where the site is: the printed day.
        assert_eq!(spip(generator, "2025-06-25T22:45:00Z", "lundi 26 juin 2025"), "2025-06-26");
        assert_eq!(spip(generator, "2025-09-25T23:29:09Z", ""), "2025-09-25");
        // Times with an offset are what they say.
        assert_eq!(spip(generator, "2025-09-25T23:29:09+02:00", "25 septembre"), "2025-09-25T23:29:09+02:00");
    }

    #[test]
    fn json_ld_first_then_meta() {
        let html = r#"<html lang="fr-FR"><head>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},
              {"@type":"NewsArticle","headline":"Le titre JSON","datePublished":"2026-03-04T07:45:00+01:00",
               "author":[{"@type":"Person","name":"Ana Vidal"},{"@type":"Person","name":"Théo Brun"}]}]}</script>
            <meta property="og:title" content="Le titre OG">
            <link rel="canonical" href="https://x.example/a">
            </head><body></body></html>"#;
        let m = read(&Document::from(html));
        assert_eq!(m.title.as_deref(), Some("Le titre JSON"));
        assert_eq!(m.published.unwrap().to_string(), "2026-03-04T07:45:00+01:00");
        assert_eq!(m.authors, ["Ana Vidal", "Théo Brun"]);
        assert_eq!(m.canonical.as_deref(), Some("https://x.example/a"));
        assert_eq!(m.lang.as_deref(), Some("fr"));
    }

    #[test]
    fn every_kind_of_article_schema_org_names_is_read() {
        for kind in ["DiscussionForumPosting", "LiveBlogPosting", "TechArticle"] {
            let html = format!(
                r#"<head><script type="application/ld+json">{{"@context":"https://schema.org","@type":"{kind}",
                  "headline":"Fil","datePublished":"2026-03-04","author":{{"@type":"Person","name":"Lou Garnier"}}}}</script>
                </head><body></body>"#
            );
            let m = read(&Document::from(html.as_str()));
            assert_eq!(m.authors, ["Lou Garnier"], "{kind}");
            assert_eq!(m.page_type.as_deref(), Some(kind));
        }
    }

    #[test]
    fn entities_escaped_twice_are_decoded() {
        let html = r#"<head>
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"Eau &#8211; la nappe &quot;au plus bas&quot;",
              "author":{"@type":"Person","name":"Ana&#x20;Vidal"}}</script>
            <meta property="og:site_name" content="Le Caf&amp;eacute; des luttes">
            </head><body><h1>Un titre &amp;amp; écrit</h1></body>"#;
        let m = read(&Document::from(html));
        assert_eq!(m.title.as_deref(), Some("Eau – la nappe \"au plus bas\""));
        assert_eq!(m.authors, ["Ana Vidal"]);
        assert_eq!(m.site_name.as_deref(), Some("Le Café des luttes"));
    }

    #[test]
    fn seo_plugins_state_the_author_in_twitter_labels() {
        let html = r#"<head><meta name="twitter:label1" content="Verfasst von">
            <meta name="twitter:data1" content="Karoline Herr">
            <meta name="twitter:label2" content="Geschätzte Lesezeit">
            <meta name="twitter:data2" content="4 Minuten"></head>"#;
        assert_eq!(read(&Document::from(html)).authors, ["Karoline Herr"]);
    }

    #[test]
    fn a_web_page_gives_its_date_when_no_article_does() {
        let html = r#"<head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"Site"},
            {"@type":"WebPage","datePublished":"2014-03-17T01:44:37+00:00"}]}</script></head>"#;
        assert_eq!(read(&Document::from(html)).published.unwrap().date().to_string(), "2014-03-17");
    }

    #[test]
    fn opengraph_and_time() {
        let html = r#"<head><meta property="og:title" content="OG"><meta property="article:author" content="https://fb.example/x">
            <meta name="author" content="Lou Garnier"></head><body><time datetime="2025-09-30">30 sept.</time></body>"#;
        let m = read(&Document::from(html));
        assert_eq!(m.title.as_deref(), Some("OG"));
        assert_eq!(m.published.unwrap().date().to_string(), "2025-09-30");
        assert_eq!(m.authors, ["Lou Garnier"]);
        assert!(read(&Document::from("<p>{broken json")).title.is_none());
    }

    #[test]
    fn author_names_are_cleaned() {
        assert_eq!(
            clean_author("Von:Moritz Pieczewski-Freimuth").as_deref(),
            Some("Moritz Pieczewski-Freimuth")
        );
        assert_eq!(clean_author("Auteur: Anna Kubišta").as_deref(), Some("Anna Kubišta"));
        assert_eq!(clean_author("Geschrieben vonElisa Marvena").as_deref(), Some("Elisa Marvena"));
        assert_eq!(clean_author("cipha[at]cipha.net"), None);
        assert_eq!(clean_author("View my complete profile"), None);
        assert_eq!(clean_author("finanztreff.de"), None);
        assert_eq!(clean_author("1. November 2023 09:35"), None);
        let names = clean_authors(&["Lou".into(), "lou".into(), "https://x".into(), "Théo Brun".into()]);
        assert_eq!(names, ["Lou", "Théo Brun"]);
        let names = clean_authors(&["Lou Garnier".into(), "Twitter Account von Lou Garnier".into()]);
        assert_eq!(names, ["Lou Garnier"]);
        assert_eq!(clean_authors(&["Ann".into(), "Anna Brun".into()]), ["Ann", "Anna Brun"]);
        assert_eq!(clean_author("Autor Jon Nitz").as_deref(), Some("Jon Nitz"));
        // Link texts around the name, degrees, placeholders.
        assert_eq!(clean_author("Zeige alle Beiträge von Petra Ruland").as_deref(), Some("Petra Ruland"));
        assert_eq!(clean_author("Voir tous les articles de Lou Garnier").as_deref(), Some("Lou Garnier"));
        assert_eq!(clean_author("Johanna Kropfitsch Alle Artikel").as_deref(), Some("Johanna Kropfitsch"));
        assert_eq!(clean_author("Grant Tinsley, PhD").as_deref(), Some("Grant Tinsley"));
        assert_eq!(clean_author("Interview: Julia Lauter").as_deref(), Some("Julia Lauter"));
        assert_eq!(clean_author("No Author"), None);
        assert_eq!(clean_author("admin"), None);
        assert_eq!(clean_author("Redaktion").as_deref(), Some("Redaktion"));
    }

    #[test]
    fn author_sources_give_way_to_the_next_when_they_hold_no_name() {
        let html = r#"<head>
            <script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"edilson.la.rosa"}}</script>
            <meta property="article:author" content="jungle.world"><meta name="author" content="Ernst Lohoff">
            </head><body><a rel="author">Une autre</a></body>"#;
        assert_eq!(read(&Document::from(html)).authors, ["Ernst Lohoff"]);
        // Marks in the page: the first only (the others sign related posts).
        let html = r#"<body><span class="vcard"><span class="fn">Lou Garnier</span></span>
            <aside><a rel="author">Théo Brun</a></aside></body>"#;
        assert_eq!(read(&Document::from(html)).authors, ["Lou Garnier"]);
    }

    #[test]
    fn german_bylines_start_with_von() {
        assert_eq!(
            byline("Von Roland Brockmann und Sebastian Drescher").1.as_deref(),
            Some("Roland Brockmann und Sebastian Drescher")
        );
        assert_eq!(byline("Ein Bericht von der Messe in Köln").1, None);
    }

    #[test]
    fn bylines() {
        let (date, author) = byline("Publié le 1er avril 2020 par Jeanne Ferrand");
        assert_eq!(date.unwrap().date().to_string(), "2020-04-01");
        assert_eq!(author.as_deref(), Some("Jeanne Ferrand"));
        let (_, author) = byline("Par Marc Olier, le 3 mars 2024");
        assert_eq!(author.as_deref(), Some("Marc Olier"));
    }
}
