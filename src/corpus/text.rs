//! Plain text of a Markdown body: what is indexed and what snippets show.
//!
//! Markup goes (`##`, `>`, `*`, link targets, footnote markers); the words a
//! reader sees stay, one block per line. An image's description (its alt
//! text) goes too: it describes a picture, often in the caption's words
//! again, and is not part of what the article says.

use pulldown_cmark::{Event, Tag, TagEnd};

/// The text a reader sees in `markdown`, blocks separated by newlines.
pub fn plain_text(markdown: &str) -> String {
    plain_text_with_pages(markdown).0
}

/// The first sentences of a plain text, up to about `max_chars`
/// characters: cut after the last sentence end within the budget (when it
/// keeps a third of it at least), else at the budget. What the index
/// weighs as the lead, and what press reviews and feeds show of an article.
pub fn lead(text: &str, max_chars: usize) -> &str {
    let mut end = text.len();
    for (count, (i, _)) in text.char_indices().enumerate() {
        if count >= max_chars {
            end = i;
            break;
        }
    }
    let cut = text[..end].rfind(['.', '!', '?', '\n']).map_or(end, |i| i + 1);
    &text[..if cut > end / 3 { cut } else { end }]
}

/// The page a `<!-- page N -->` marker (left by PDF extraction) starts.
pub fn page_marker(html: &str) -> Option<u32> {
    let inner = html.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    inner.strip_prefix("page ")?.trim().parse().ok()
}

/// [`plain_text`], and where pages start in it: `(byte offset, page number)`
/// for each `<!-- page N -->` marker of a text extracted from a PDF.
pub fn plain_text_with_pages(markdown: &str) -> (String, Vec<(usize, u32)>) {
    let mut pages = Vec::new();
    let mut out = String::with_capacity(markdown.len());
    let mut in_image = 0usize;
    for event in super::markdown::parser(markdown) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image -= 1,
            Event::Text(_) | Event::Code(_) if in_image > 0 => {}
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule => out.push('\n'),
            Event::Start(Tag::Item | Tag::FootnoteDefinition(_))
                if !out.is_empty() && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                // A tight list's item holds no paragraph: its end is the line's.
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) if !out.is_empty() && !out.ends_with('\n') => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::Html(html) | Event::InlineHtml(html) if page_marker(&html).is_some() => {
                pages.push((out.len(), page_marker(&html).expect("checked")));
            }
            Event::Html(html) | Event::InlineHtml(html) => out.push_str(&super::markdown::strip_tags(&html)),
            _ => {}
        }
    }
    while out.ends_with(['\n', ' ']) {
        out.pop();
    }
    for page in &mut pages {
        page.0 = page.0.min(out.len());
    }
    (out, pages)
}

/// The page of the text at byte `offset`, given the page starts of [`plain_text_with_pages`].
pub fn page_at(pages: &[(usize, u32)], offset: usize) -> Option<u32> {
    if pages.is_empty() {
        return None;
    }
    Some(pages.iter().take_while(|(start, _)| *start <= offset).last().map_or(1, |(_, page)| *page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_markers_leave_the_text_and_say_where_pages_start() {
        let md = "Début de page un.\n\n<!-- page 2 -->\n\nPage deux commence, puis <!-- page 3 --> la trois.";
        let (text, pages) = plain_text_with_pages(md);
        assert_eq!(text, "Début de page un.\nPage deux commence, puis  la trois.");
        assert_eq!(page_at(&pages, 0), Some(1));
        assert_eq!(page_at(&pages, text.find("deux").unwrap()), Some(2));
        assert_eq!(page_at(&pages, text.find("trois").unwrap()), Some(3));
        assert_eq!(page_at(&[], 5), None);
    }

    #[test]
    fn an_image_leaves_the_text_with_its_description() {
        let md = "Avant.\n\n[![Une foule devant la préfecture](https://x.example/a.jpg)](https://x.example/a.jpg)\n\nLa foule. ![](https://x.example/b.png) Après.";
        assert_eq!(plain_text(md), "Avant.\nLa foule.  Après.");
    }

    #[test]
    fn markup_goes_words_stay() {
        let md = "## Un titre\n\nUn [lien](https://x.example/a) et *de l'emphase*[^1].\n\n> Citation\n> suite\n\n- un\n- deux\n\n[^1]: La note.";
        assert_eq!(plain_text(md), "Un titre\nUn lien et de l'emphase.\nCitation suite\nun\ndeux\nLa note.");
    }

    #[test]
    fn a_list_item_and_the_next_paragraph_stay_apart() {
        let md = "- trois semaines.\n\nDans les mines.\n\n1. un\n2. deux\nsuite";
        assert_eq!(plain_text(md), "trois semaines.\nDans les mines.\nun\ndeux suite");
    }

    #[test]
    fn plain_text_stays_as_it_is() {
        assert_eq!(
            plain_text("Article 1\nLe salarié a droit à un congé."),
            "Article 1 Le salarié a droit à un congé."
        );
    }
}
