//! The article's title: the page's heading that its `<title>` or metadata
//! names (not a site name set as a first `<h1>`), else the metadata title
//! without its site name; and the body without a first heading that
//! repeats it.

use dom_query::{Document, NodeRef, Selection};

use super::css;
use super::dom::text_of;

/// What the page offers as its title.
pub(super) struct TitleCandidates {
    h1: Option<String>,
    pub(super) head: Option<String>,
}

/// Spaces collapsed and lower case: titles compared as readers see them.
pub(super) fn fold_title(title: &str) -> String {
    title.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The heading that holds the page's title: the `<h1>` (else `<h2>`) that
/// `head`, the title in the metadata, names (a site may put its name in a
/// first `<h1>`, and a section its name in an `<h2>`: a heading much
/// shorter than the title is not it), else the `<h1>` in the `<article>` or
/// `<main>`, else the first.
pub(super) fn title_heading<'a>(doc: &'a Document, head: Option<&str>) -> Option<NodeRef<'a>> {
    if let Some(head) = head.map(fold_title) {
        let named = css::matches(doc, "h1").chain(css::matches(doc, "h2")).find(|heading| {
            let text = fold_title(&heading.text());
            let length = text.chars().count();
            length >= 6
                && (text.contains(&head) || head.contains(&text) && length * 2 >= head.chars().count())
        });
        if named.is_some() {
            return named;
        }
    }
    css::firsts(doc, &["article h1", "main h1", "h1"])
        .into_iter()
        .flatten()
        .find(|h1| h1.normalized_char_count() > 0)
}

impl TitleCandidates {
    /// The page's title heading, and `head`, its `<title>` or metadata title.
    pub(super) fn read(heading: Option<NodeRef>, head: Option<String>) -> Self {
        TitleCandidates { h1: heading.and_then(|h| text_of(&Selection::from(h))), head }
    }

    /// The `<h1>` when the page's own title names it too; else the
    /// metadata title without its site name.
    /// Whether a profile's `title` agrees with the page's metadata title
    /// (one holds the other, as readers compare them): a profile that finds
    /// another title than the page says (a theme's logo, a banner's
    /// heading) is less sure than the generic reader, which then decides.
    /// A page with no metadata title lets the profile's stand.
    pub(super) fn agrees_with(&self, title: &str) -> bool {
        let Some(head) = &self.head else { return true };
        // Compared word by word (quotes, dashes and SEO additions vary
        // between a heading and a `<title>`): most of the profile title's
        // words are in the metadata title.
        let words = |text: &str| -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        let (head, title) = (words(head), words(title));
        let shared = title.iter().filter(|w| head.contains(w)).count();
        !title.is_empty() && 2 * shared >= title.len()
    }

    pub(super) fn best(&self, from_metadata_first: bool) -> Option<String> {
        if let (Some(h1), Some(head)) = (&self.h1, &self.head)
            && h1.chars().count() >= 6
            && fold_title(head).contains(&fold_title(h1))
        {
            return Some(h1.clone());
        }
        if from_metadata_first && let Some(head) = &self.head {
            return Some(strip_site_name(head));
        }
        // A page without <title> nor metadata still names itself in its <h1>.
        self.h1.clone().filter(|_| self.head.is_none())
    }
}

/// The body without a first heading that repeats the title (Readability
/// keeps the `<h1>` when the page has no other title).
pub(super) fn without_title_heading(body: &str, title: &str) -> String {
    let first = body.lines().next().unwrap_or("");
    let heading = first.trim_start_matches('#');
    if !title.is_empty()
        && first.starts_with('#')
        && heading.starts_with(' ')
        && heading.trim() == title.trim()
    {
        return body[first.len()..].trim_start_matches('\n').to_string();
    }
    body.to_string()
}

/// `Le titre - Le site` → `Le titre`: the longest part around the usual separators.
pub(super) fn strip_site_name(title: &str) -> String {
    for separator in [" | ", " - ", " – ", " — ", " :: ", " » ", " · "] {
        if title.contains(separator)
            && let Some(longest) = title.split(separator).max_by_key(|p| p.chars().count())
            && longest.chars().count() >= 10
        {
            return longest.trim().to_string();
        }
    }
    title.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_name_goes_from_a_metadata_title() {
        assert_eq!(
            strip_site_name("Des puces toujours plus sobres | La Lime"),
            "Des puces toujours plus sobres"
        );
        assert_eq!(
            strip_site_name("La Lime — Des puces toujours plus sobres"),
            "Des puces toujours plus sobres"
        );
        // Parts too short to be a title: the whole stays.
        assert_eq!(strip_site_name(" Eau - Lime "), "Eau - Lime");
    }

    #[test]
    fn the_heading_named_by_the_metadata_title_is_the_titles() {
        let doc = Document::from(
            "<body><h1>La Lime</h1><article><h2>Rubrique</h2>\
             <h1>Des puces toujours plus sobres</h1><p>Texte.</p></article></body>",
        );
        let heading = title_heading(&doc, Some("Des puces toujours plus sobres | La Lime")).unwrap();
        assert_eq!(heading.text().as_ref(), "Des puces toujours plus sobres");
        // Without a metadata title: the article's own <h1>.
        let heading = title_heading(&doc, None).unwrap();
        assert_eq!(heading.text().as_ref(), "Des puces toujours plus sobres");
    }

    #[test]
    fn the_best_title_is_the_heading_the_metadata_names_else_the_metadata_title() {
        let named =
            TitleCandidates { h1: Some("Le vrai titre".into()), head: Some("Le vrai titre | Site".into()) };
        assert_eq!(named.best(true).as_deref(), Some("Le vrai titre"));
        let other = TitleCandidates {
            h1: Some("Bienvenue sur notre site".into()),
            head: Some("Un titre d'article assez long - Le Site".into()),
        };
        assert_eq!(other.best(true).as_deref(), Some("Un titre d'article assez long"));
        assert_eq!(other.best(false), None, "a heading the metadata does not name is not taken");
        let bare = TitleCandidates { h1: Some("Seul titre".into()), head: None };
        assert_eq!(bare.best(true).as_deref(), Some("Seul titre"));
    }

    #[test]
    fn a_first_heading_that_repeats_the_title_leaves_the_body() {
        assert_eq!(without_title_heading("# Le titre\n\nLe texte.", "Le titre"), "Le texte.");
        assert_eq!(without_title_heading("## Le titre\n\nLe texte.", " Le titre "), "Le texte.");
        assert_eq!(
            without_title_heading("# Autre chose\n\nLe texte.", "Le titre"),
            "# Autre chose\n\nLe texte."
        );
        assert_eq!(without_title_heading("#Le titre\n\nTexte.", "Le titre"), "#Le titre\n\nTexte.");
    }
}
