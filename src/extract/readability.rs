//! The generic reader, for pages no profile reads: Readability (the
//! `dom_smoothie` crate) finds the main text, bylines and dates are looked
//! for in the usual places, and when Readability keeps a scrap (a cookie
//! notice, an author box) the block around the title is read instead.

use dom_query::{Document, Selection};

use super::around::{ASIDES, NOISE, drop_link_lists, letters_in, prepare, remove_around};
use super::dom::{absolutise, first};
use super::metadata::{self, Metadata};
use super::titles::{TitleCandidates, title_heading};
use super::{Extracted, MIN_TEXT, NotArticle, css, dates, markdown};

/// Reads the page with Readability when the profile found too little:
/// bylines and authors first (from the usual elements), then the text, the
/// profile's own kept if Readability finds less, the block around the
/// title read if Readability kept a scrap.
pub(super) fn read(
    doc: Document,
    html: &str,
    url: Option<&str>,
    titles: &TitleCandidates,
    base: Option<&url::Url>,
    meta: &mut Metadata,
    out: &mut Extracted,
) -> Result<(), NotArticle> {
    out.profile = "generic";
    if (meta.published.is_none() || meta.authors.is_empty())
        && let Some(line) =
            first(&doc, &[".byline", ".author", ".meta", ".post-meta", ".entry-meta", ".date"])
    {
        let (date, author) = metadata::byline(&line);
        meta.published = meta.published.or(date);
        if meta.authors.is_empty() {
            meta.authors = author.into_iter().collect();
        }
    }
    if meta.authors.is_empty() {
        // An element that holds the name alone (`<span class="author">Lou Garnier</span>`).
        meta.authors = first(&doc, &[".author-name", ".entry-author", ".post-author", ".author", ".byline"])
            .and_then(|line| metadata::clean_name(&line))
            .and_then(|name| metadata::clean_author(&name))
            .into_iter()
            .collect();
    }
    remove_around(&Selection::from(doc.root()), ASIDES);
    let from_profile = std::mem::take(&mut out.body);
    // Readability may find nothing where the block around the title holds the text.
    let failed = generic(doc, url, meta, out).err();
    if out.body.trim().chars().count() < from_profile.trim().chars().count() {
        out.body = from_profile;
    }
    // Readability kept a scrap (a cookie notice, a footer, an author's
    // box): the block around the title holds the text.
    // (Markdown is never shorter than its text: most bodies need no count.)
    let short = (out.body.len() < 4 * SHORT_TEXT)
        .then(|| crate::corpus::text::plain_text(&out.body))
        .filter(|plain| plain.chars().count() < SHORT_TEXT);
    if let Some(plain) = short
        && let Some(body) = around_title(html, titles.head.as_deref(), base)
        && is_scrap(&plain, &crate::corpus::text::plain_text(&body))
    {
        tracing::debug!("Readability kept a scrap: the block around the title is read");
        out.body = body;
    }
    if let Some(e) = failed
        && out.body.trim().is_empty()
    {
        return Err(e);
    }
    Ok(())
}

pub(super) fn generic(
    doc: Document,
    url: Option<&str>,
    meta: &mut Metadata,
    out: &mut Extracted,
) -> Result<(), NotArticle> {
    // JSON-LD is read once, by `metadata`: Readability would read it again,
    // and drop from the text what it takes for the byline or the headline.
    let config = dom_smoothie::Config { disable_json_ld: true, ..Default::default() };
    let url = url.filter(|u| u.starts_with("http"));
    let mut readability =
        dom_smoothie::Readability::with_document(doc, url, Some(config)).map_err(|_| NotArticle::NoText)?;
    let article = readability.parse().map_err(|_| NotArticle::NoText)?;
    if out.title.is_empty() {
        out.title = article.title.trim().to_string();
    }
    if meta.authors.is_empty()
        && let Some(byline) = article.byline.as_deref()
    {
        let (_, author) = metadata::byline(byline);
        meta.authors = author.or_else(|| metadata::clean_name(byline)).into_iter().collect();
    }
    if meta.published.is_none() {
        meta.published = article.published_time.as_deref().and_then(dates::parse_iso);
    }
    // Readability leaves the text it kept in its own document, under one
    // element: read there rather than parsing the HTML it serialised.
    let Some(content) = css::first(&readability.doc, "#readability-page-1") else {
        return Err(NotArticle::NoText);
    };
    drop_link_lists(&Selection::from(content));
    out.body = markdown::to_markdown(&content);
    if crate::corpus::text::plain_text(&out.body).chars().count() < MIN_TEXT {
        // A page that is mostly links (a link collection, an index) keeps them.
        out.body = markdown::to_markdown(&Document::fragment(article.content).root());
    }
    Ok(())
}

/// Characters of text below which Readability's choice is checked against
/// the block around the title.
pub(super) const SHORT_TEXT: usize = 500;

/// The Markdown of the smallest block around the page's title heading that
/// holds some text, read from a fresh parse of `html` (Readability took the
/// first one apart), noise and link lists removed.
pub(super) fn around_title(html: &str, head: Option<&str>, base: Option<&url::Url>) -> Option<String> {
    /// Letters (spaces left out) the block must hold.
    const ENOUGH: usize = 800;
    let doc = Document::from(html);
    prepare(&doc);
    remove_around(&Selection::from(doc.root()), ASIDES);
    let heading = title_heading(&doc, head)?;
    let block = heading
        .ancestors_it(None)
        .take_while(|a| a.node_name().is_some_and(|name| !matches!(&*name, "body" | "html")))
        .find(|a| letters_in(a, ENOUGH) >= ENOUGH)?;
    let selection = Selection::from(block);
    remove_around(&selection, NOISE);
    drop_link_lists(&selection);
    absolutise(&selection, base);
    Some(markdown::to_markdown(&block))
}

/// Whether Readability's short text `found` is a scrap beside the text of
/// the block `around` the title: that block holds more than twice as much,
/// and not `found` itself (a block that holds it is the page around a short
/// text, a paywalled article, not the text).
pub(super) fn is_scrap(found: &str, around: &str) -> bool {
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = words(found).chars().take(60).collect::<String>();
    around.chars().count() > 2 * found.chars().count()
        && (start.is_empty() || !words(around).contains(&start))
}

#[cfg(test)]
mod tests {
    use super::is_scrap;

    #[test]
    fn readabilitys_text_is_a_scrap_when_the_block_around_the_title_holds_more_and_not_it() {
        let cookies = "Ce site utilise des cookies pour mesurer son audience.";
        let text = "Les habitants de la vallée ont manifesté samedi contre la retenue d'eau. ".repeat(3);
        assert!(is_scrap(cookies, &text));
        // The block holds the short text: it is the page around it (menus).
        let page =
            format!("Accueil Rubriques Luttes Agenda Contact\n{cookies}\nAccueil Rubriques Luttes Agenda");
        assert!(!is_scrap(cookies, &page));
        // Readability found nothing: the block is the text.
        assert!(is_scrap("", &text));
        // Not much more text around the title: Readability's choice stands.
        assert!(!is_scrap(&text, &format!("{text} Fin.")));
    }
}
