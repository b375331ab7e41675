//! Plain text of a Markdown body: what is indexed and what snippets show.
//!
//! Markup goes (`##`, `>`, `*`, link targets, footnote markers); the words a
//! reader sees stay, one block per line.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The text a reader sees in `markdown`, blocks separated by newlines.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let options = Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
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
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::Html(html) | Event::InlineHtml(html) => {
                // Raw HTML in a body is shown as text would be: without its tags.
                let mut inside = false;
                for c in html.chars() {
                    match c {
                        '<' => inside = true,
                        '>' => inside = false,
                        c if !inside => out.push(c),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    while out.ends_with(['\n', ' ']) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_words_stay() {
        let md = "## Un titre\n\nUn [lien](https://x.example/a) et *de l'emphase*[^1].\n\n> Citation\n> suite\n\n- un\n- deux\n\n[^1]: La note.";
        assert_eq!(plain_text(md), "Un titre\nUn lien et de l'emphase.\nCitation suite\nun\ndeux\nLa note.");
    }

    #[test]
    fn plain_text_stays_as_it_is() {
        assert_eq!(
            plain_text("Article 1\nLe salarié a droit à un congé."),
            "Article 1 Le salarié a droit à un congé."
        );
    }
}
