//! An article body as data for the typesetting template: Markdown parsed
//! into a tree of blocks and inline runs (JSON), with French typography
//! applied to the prose. The template renders strings as text, never as
//! markup, so nothing in an article can inject Typst code.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use serde_json::{Value, json};

use super::typography::{clean_controls, french};

/// Markdown to `[{"t": "para", "c": [inline…]}, …]`.
///
/// Blocks: `heading` (`level`, `c`), `para` (`c`), `quote` (`c`: blocks),
/// `list` (`ordered`, `start`, `items`: [blocks…]), `code` (`s`), `rule`.
/// Inlines: `text` (`s`), `em`, `strong`, `strike` (`c`), `code` (`s`),
/// `link` (`url`, `c`), `note` (`c`: blocks), `br`.
pub fn blocks(markdown: &str) -> Value {
    let markdown = clean_controls(markdown);
    let events: Vec<Event> = crate::corpus::markdown::parser(&markdown).collect();
    // Footnote definitions are placed where they are referenced.
    let mut notes = std::collections::HashMap::new();
    let mut i = 0;
    let mut body = Vec::new();
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let start = i + 1;
            let mut depth = 1;
            i += 1;
            while i < events.len() && depth > 0 {
                match &events[i] {
                    Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                    Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            notes.insert(label.to_string(), events[start..i - 1].to_vec());
            continue;
        }
        body.push(events[i].clone());
        i += 1;
    }
    let mut builder = Builder { notes: &notes, used: Default::default() };
    let mut at = 0;
    Value::Array(builder.blocks(&body, &mut at))
}

struct Builder<'a, 'e> {
    notes: &'a std::collections::HashMap<String, Vec<Event<'e>>>,
    /// Notes already placed: a note referenced twice is not nested into itself.
    used: std::collections::HashSet<String>,
}

fn safe_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| url.trim().to_string())
}

impl Builder<'_, '_> {
    /// Blocks until the end of the enclosing container (or of the events).
    fn blocks(&mut self, events: &[Event], at: &mut usize) -> Vec<Value> {
        let mut out = Vec::new();
        while *at < events.len() {
            let event = &events[*at];
            match event {
                Event::End(_) => break,
                Event::Start(Tag::Paragraph) => {
                    *at += 1;
                    let c = self.inlines(events, at);
                    *at += 1;
                    out.push(json!({"t": "para", "c": c}));
                }
                Event::Start(Tag::Heading { level, .. }) => {
                    *at += 1;
                    let c = self.inlines(events, at);
                    *at += 1;
                    let level = match level {
                        HeadingLevel::H1 | HeadingLevel::H2 => 1,
                        HeadingLevel::H3 => 2,
                        _ => 3,
                    };
                    out.push(json!({"t": "heading", "level": level, "c": c}));
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    *at += 1;
                    let c = self.blocks(events, at);
                    *at += 1;
                    out.push(json!({"t": "quote", "c": c}));
                }
                Event::Start(Tag::List(start)) => {
                    *at += 1;
                    let mut items = Vec::new();
                    while let Some(Event::Start(Tag::Item)) = events.get(*at) {
                        *at += 1;
                        items.push(Value::Array(self.blocks(events, at)));
                        *at += 1;
                    }
                    *at += 1;
                    out.push(json!({"t": "list", "ordered": start.is_some(), "start": start.unwrap_or(1), "items": items}));
                }
                Event::Start(Tag::CodeBlock(_)) => {
                    *at += 1;
                    let mut text = String::new();
                    while let Some(Event::Text(t)) = events.get(*at) {
                        text.push_str(t);
                        *at += 1;
                    }
                    *at += 1;
                    out.push(json!({"t": "code", "s": text.trim_end()}));
                }
                Event::Rule => {
                    *at += 1;
                    out.push(json!({"t": "rule"}));
                }
                Event::Start(Tag::Table(_)) => {
                    // Tables become one paragraph per row, cells separated.
                    *at += 1;
                    let mut depth = 1;
                    let mut row = Vec::new();
                    while *at < events.len() && depth > 0 {
                        match &events[*at] {
                            Event::Start(Tag::Table(_)) => depth += 1,
                            Event::End(TagEnd::Table) => depth -= 1,
                            Event::End(TagEnd::TableRow | TagEnd::TableHead) if !row.is_empty() => {
                                out.push(json!({"t": "para", "c": [{"t": "text", "s": row.join(" — ")}]}));
                                row.clear();
                            }
                            Event::Text(t) | Event::Code(t) => row.push(french(t)),
                            _ => {}
                        }
                        *at += 1;
                    }
                }
                Event::Start(Tag::Item) => break,
                Event::Start(Tag::HtmlBlock) => {
                    // Raw HTML is shown as the text it is.
                    *at += 1;
                    let mut text = String::new();
                    while let Some(Event::Html(t) | Event::Text(t)) = events.get(*at) {
                        text.push_str(t);
                        *at += 1;
                    }
                    *at += 1;
                    // Comments (the page marks of a PDF's text) are not for print.
                    if !text.trim_start().starts_with("<!--") {
                        out.push(json!({"t": "para", "c": [{"t": "text", "s": text.trim_end()}]}));
                    }
                }
                // Text outside a paragraph (tight list items).
                Event::Text(_)
                | Event::Code(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::FootnoteReference(_)
                | Event::TaskListMarker(_)
                | Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(
                    Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. },
                ) => {
                    let before = *at;
                    let c = self.inlines(events, at);
                    if !c.is_empty() {
                        out.push(json!({"t": "para", "c": c}));
                    }
                    if *at == before {
                        // Never stay in place on an event nothing reads.
                        *at += 1;
                    }
                }
                _ => *at += 1,
            }
        }
        out
    }

    /// Inline runs until the end of the enclosing inline container or block.
    fn inlines(&mut self, events: &[Event], at: &mut usize) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        while *at < events.len() {
            let event = &events[*at];
            let value = match event {
                Event::Text(t) => json!({"t": "text", "s": french(t)}),
                Event::Html(t) | Event::InlineHtml(t) if t.trim_start().starts_with("<!--") => {
                    *at += 1;
                    continue;
                }
                Event::Html(t) | Event::InlineHtml(t) => json!({"t": "text", "s": t.to_string()}),
                Event::Code(t) => json!({"t": "code", "s": t.to_string()}),
                Event::SoftBreak => json!({"t": "text", "s": " "}),
                Event::HardBreak => json!({"t": "br"}),
                Event::TaskListMarker(done) => json!({"t": "text", "s": if *done { "[x] " } else { "[ ] " }}),
                Event::FootnoteReference(label) => {
                    let label = label.to_string();
                    match self.notes.get(&label) {
                        Some(note) if self.used.insert(label.clone()) => {
                            let note = note.clone();
                            let mut inner = 0;
                            let c = self.blocks(&note, &mut inner);
                            json!({"t": "note", "c": c})
                        }
                        _ => json!({"t": "text", "s": format!("[{label}]")}),
                    }
                }
                // Containers: the inner call consumes up to and including their end.
                Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                    let kind = match tag {
                        Tag::Emphasis => "em",
                        Tag::Strong => "strong",
                        _ => "strike",
                    };
                    *at += 1;
                    let c = self.inlines(events, at);
                    out.push(json!({"t": kind, "c": c}));
                    continue;
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    *at += 1;
                    let c = self.inlines(events, at);
                    out.push(match safe_url(dest_url) {
                        Some(url) => json!({"t": "link", "url": url, "c": c}),
                        None => json!({"t": "span", "c": c}),
                    });
                    continue;
                }
                Event::Start(Tag::Image { .. }) => {
                    *at += 1;
                    let alt = self.inlines(events, at);
                    out.push(json!({"t": "span", "c": alt}));
                    continue;
                }
                Event::End(
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image,
                ) => {
                    *at += 1;
                    return out;
                }
                Event::End(_) | Event::Start(_) | Event::Rule => return out,
                _ => {
                    *at += 1;
                    continue;
                }
            };
            out.push(value);
            *at += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Array(items) => items.iter().map(text_of).collect(),
            Value::Object(map) => {
                map.get("s").map(text_of).unwrap_or_default()
                    + &map.get("c").map(text_of).unwrap_or_default()
                    + &map.get("items").map(text_of).unwrap_or_default()
            }
            _ => String::new(),
        }
    }

    #[test]
    fn structure_and_typography() {
        let md = "## Une usine\n\nElle pompe *l'eau* de l'Isère : **trop**[^1].\n\n> Citation\n\n- un\n- deux\n\n1. a\n2. b\n\n```\ncode :\n```\n\n[lien](https://x.example/a:b) [mal](javascript:alert(1))\n\n[^1]: Une note.";
        let value = blocks(md);
        let kinds: Vec<&str> = value.as_array().unwrap().iter().map(|b| b["t"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["heading", "para", "quote", "list", "list", "code", "para"]);
        let para = &value[1];
        assert!(text_of(para).contains("l’eau de l’Isère\u{a0}: trop"), "{}", text_of(para));
        assert!(para.to_string().contains("\"note\""), "{para}");
        assert_eq!(value[5]["s"], "code :");
        let links = value[6].to_string();
        assert!(links.contains("https://x.example/a:b") && !links.contains("javascript:"), "{links}");
    }

    #[test]
    fn tasks_keep_their_boxes_and_struck_text_is_struck() {
        let value = blocks("- [x] fait\n- [ ] ~~à faire~~");
        let text = text_of(&value);
        assert!(text.contains("[x] fait") && text.contains("[ ] à faire"), "{text}");
        assert!(value.to_string().contains("\"strike\""), "{value}");
    }

    #[test]
    fn hostile_markup_is_text() {
        let value = blocks("<script>alert(1)</script>\n\nTitre #set page(width: 1cm) $x$ \u{1b}[31m");
        let text = text_of(&value);
        assert!(text.contains("<script>") && text.contains("#set page") && text.contains("$x$"), "{text}");
        assert!(!text.contains('\u{1b}'));
    }
}
