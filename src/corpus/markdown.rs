//! The Markdown dialect of article bodies: one set of pulldown-cmark options
//! for every reader of a body (indexing, the terminal reader, brochures,
//! exports, extraction's own checks), so that a body means the same
//! everywhere, and the one way raw HTML in a body is shown as text.
//!
//! The dialect is CommonMark with the extensions extraction writes and
//! imported archives use: footnotes, tables, ~~strikethrough~~ and task
//! lists (`- [ ]`, `- [x]`).

use pulldown_cmark::{Options, Parser};

/// The extensions a body may use.
pub const OPTIONS: Options = Options::ENABLE_FOOTNOTES
    .union(Options::ENABLE_TABLES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// A parser of `markdown` in the bodies' dialect.
pub fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, OPTIONS)
}

/// Raw HTML shown as text would be: without its tags.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Tag};

    #[test]
    fn the_dialect_reads_its_extensions() {
        let events: Vec<Event> = parser(
            "~~barré~~ et note[^1]\n\n- [x] fait\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Une note.",
        )
        .collect();
        assert!(events.contains(&Event::Start(Tag::Strikethrough)));
        assert!(events.contains(&Event::TaskListMarker(true)));
        assert!(events.iter().any(|e| matches!(e, Event::Start(Tag::Table(_)))));
        assert!(events.iter().any(|e| matches!(e, Event::FootnoteReference(_))));
    }

    #[test]
    fn tags_go_text_stays() {
        assert_eq!(strip_tags("<span class=\"x\">un</span> <b>deux</b>"), "un deux");
        assert_eq!(strip_tags("sans balise"), "sans balise");
    }
}
