//! HTML to Markdown for article bodies: headings, paragraphs, quotes,
//! lists, links, emphasis, images (as `![alt](src)`), simple tables and
//! code, with whitespace normalised and as little escaping as keeps the
//! meaning (the file is read by people, not only by programs).

use dom_query::{LocalName, NodeData, NodeRef};

/// Elements whose content is never article text.
const SKIP: [&str; 18] = [
    "script", "style", "noscript", "template", "iframe", "svg", "button", "nav", "aside", "head", "select",
    "textarea", "input", "object", "embed", "canvas",
    // Ruby annotations (a reading printed above a word, furigana) would
    // run into the word they annotate: `子こども`.
    "rt", "rp",
];

const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "figure",
    "figcaption",
    "address",
    "center",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "fieldset",
    "body",
    "html",
    "hgroup",
    "caption",
    "tbody",
];

/// Markdown of `node`'s content.
pub fn to_markdown(node: &NodeRef) -> String {
    let mut writer = Writer::default();
    writer.children(node);
    writer.finish()
}

#[derive(Default)]
struct Writer {
    blocks: Vec<String>,
    inline: String,
}

/// The tag of an element (lower case: the HTML parser folds it), empty for other nodes.
fn name(node: &NodeRef) -> LocalName {
    node.query_or(None, |n| n.as_element().map(|e| e.name.local.clone())).unwrap_or_default()
}

/// Appends `text` to `out`, escaping what would change meaning inside a line of Markdown.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escapes what would make a paragraph's first characters a heading, quote or list.
fn escape_line_start(line: &str) -> String {
    let trimmed = line.trim_start();
    let starts_block = trimmed.starts_with('#')
        || trimmed.starts_with('>')
        || ((trimmed.starts_with("- ") || trimmed.starts_with("+ ")) && !trimmed.is_empty());
    if starts_block {
        return format!("\\{trimmed}");
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && trimmed[digits..].starts_with(". ") {
        return format!("{}\\{}", &trimmed[..digits], &trimmed[digits..]);
    }
    trimmed.to_string()
}

fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
    out
}

impl Writer {
    fn flush(&mut self) {
        let text = collapse(&self.inline);
        let text = text.trim();
        if !text.is_empty() {
            self.blocks.push(escape_line_start(text));
        }
        self.inline.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.blocks.join("\n\n")
    }

    fn children(&mut self, node: &NodeRef) {
        for child in node.children_it(false) {
            self.node(&child);
        }
    }

    /// Inline Markdown of a node's content, on one line.
    fn inline_of(node: &NodeRef) -> String {
        let mut writer = Writer::default();
        writer.children(node);
        writer.finish().replace("\n\n", " ").replace('\n', " ")
    }

    fn node(&mut self, node: &NodeRef) {
        // One look at the node: its text, or its tag and whether it is hidden.
        let Some((tag, hidden)) = node.query_or(None, |n| match &n.data {
            NodeData::Text { contents } => {
                push_escaped(&mut self.inline, contents);
                None
            }
            NodeData::Element(e) => {
                let hidden = e.attrs.iter().any(|a| {
                    &*a.name.local == "hidden" || (&*a.name.local == "aria-hidden" && &*a.value == "true")
                });
                Some((e.name.local.clone(), hidden))
            }
            _ => None,
        }) else {
            return;
        };
        let tag: &str = &tag;
        if hidden || SKIP.contains(&tag) {
            return;
        }
        match tag {
            "br" => self.inline.push('\n'),
            "hr" => {
                self.flush();
                self.blocks.push("---".into());
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                let level = tag[1..].parse::<usize>().unwrap_or(2).max(2);
                let text = collapse(&Writer::inline_of(node)).trim().to_string();
                if !text.is_empty() {
                    self.blocks.push(format!("{} {text}", "#".repeat(level)));
                }
            }
            "ul" | "ol" => {
                self.flush();
                let ordered = tag == "ol";
                let mut items = Vec::new();
                for (i, li) in node.element_children().iter().filter(|c| &*name(c) == "li").enumerate() {
                    let body = to_markdown(li);
                    if body.is_empty() {
                        continue;
                    }
                    let marker = if ordered { format!("{}. ", i + 1) } else { "- ".to_string() };
                    let indent = " ".repeat(marker.len());
                    let mut lines = body.lines();
                    let mut item = format!("{marker}{}", lines.next().unwrap_or_default());
                    for line in lines {
                        item.push('\n');
                        if !line.is_empty() {
                            item.push_str(&indent);
                            item.push_str(line);
                        }
                    }
                    items.push(item);
                }
                if !items.is_empty() {
                    self.blocks.push(items.join("\n"));
                }
            }
            "blockquote" => {
                self.flush();
                let body = to_markdown(node);
                if !body.is_empty() {
                    let quoted: Vec<String> = body
                        .lines()
                        .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
                        .collect();
                    self.blocks.push(quoted.join("\n"));
                }
            }
            "pre" => {
                self.flush();
                let code = node.text().to_string();
                let code = code.trim_end_matches('\n');
                if !code.trim().is_empty() {
                    self.blocks.push(format!("```\n{code}\n```"));
                }
            }
            "table" => {
                self.flush();
                self.table(node);
            }
            "a" => {
                let text = collapse(&Writer::inline_of(node)).trim().to_string();
                match node.attr("href").filter(|h| h.starts_with("http") || h.starts_with("mailto:")) {
                    Some(href) if !text.is_empty() => self.push_spaced(
                        node,
                        &format!("[{text}]({})", href.replace(' ', "%20").replace(')', "%29")),
                    ),
                    _ => self.push_spaced(node, &text),
                }
            }
            "img" => {
                if let Some(src) = node.attr("src").filter(|s| s.starts_with("http")) {
                    let alt = collapse(&node.attr("alt").map(|a| a.to_string()).unwrap_or_default())
                        .trim()
                        .to_string();
                    self.inline.push_str(&format!(
                        "![{}]({})",
                        alt.replace([']', '['], ""),
                        src.replace(' ', "%20")
                    ));
                }
            }
            "em" | "i" | "cite" => self.wrap(node, "*"),
            "strong" | "b" => self.wrap(node, "**"),
            "code" | "kbd" | "samp" => {
                let text = node.text().to_string();
                if !text.trim().is_empty() {
                    self.inline.push_str(&format!("`{}`", text.replace('`', "'")));
                }
            }
            "sup" | "sub" => self.children(node),
            "li" | "tr" | "td" | "th" => {
                // Outside a list or table: its content as a block.
                self.flush();
                self.children(node);
                self.flush();
            }
            t if BLOCKS.contains(&t) => {
                self.flush();
                self.children(node);
                self.flush();
            }
            _ => self.children(node),
        }
    }

    fn wrap(&mut self, node: &NodeRef, mark: &str) {
        let text = Writer::inline_of(node);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            self.push_spaced(node, "");
            return;
        }
        self.push_spaced(node, &format!("{mark}{trimmed}{mark}"));
    }

    /// Pushes `inline`, the Markdown of an inline element, with a space on
    /// each side where the element's own text begins or ends with one:
    /// `la<a> Go Fund Me </a>page` reads "la Go Fund Me page", and spaces
    /// inside `**` markers or a link's brackets would be lost or misread.
    fn push_spaced(&mut self, node: &NodeRef, inline: &str) {
        let text = node.text();
        if text.starts_with(char::is_whitespace) {
            self.inline.push(' ');
        }
        self.inline.push_str(inline);
        if !inline.is_empty() && text.ends_with(char::is_whitespace) {
            self.inline.push(' ');
        }
    }

    fn table(&mut self, table: &NodeRef) {
        let rows: Vec<Vec<String>> = table
            .descendants_it()
            .filter(|n| &*name(n) == "tr")
            .map(|tr| {
                tr.element_children()
                    .iter()
                    .filter(|c| matches!(&*name(c), "td" | "th"))
                    .map(|cell| collapse(&Writer::inline_of(cell)).trim().replace('|', "\\|"))
                    .collect::<Vec<_>>()
            })
            .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
            .collect();
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if rows.is_empty() || width == 0 {
            return;
        }
        if width == 1 {
            // A layout table: its cells are paragraphs.
            for row in rows {
                self.blocks.push(row.join(" "));
            }
            return;
        }
        let line = |row: &Vec<String>| {
            let mut cells = row.clone();
            cells.resize(width, String::new());
            format!("| {} |", cells.join(" | "))
        };
        let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(width))];
        out.extend(rows[1..].iter().map(line));
        self.blocks.push(out.join("\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    fn md(html: &str) -> String {
        let doc = Document::from(html);
        let body = doc.select("body");
        to_markdown(&body.nodes()[0])
    }

    #[test]
    fn structure_survives() {
        let html = "<h2>Un intertitre</h2><p>Un <em>texte</em> avec un <a href='https://x.example/a'>lien</a>.</p>\
                    <blockquote><p>Une citation.</p></blockquote><ul><li>un</li><li>deux <b>gras</b></li></ul>\
                    <ol><li>premier</li></ol><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>";
        assert_eq!(
            md(html),
            "## Un intertitre\n\nUn *texte* avec un [lien](https://x.example/a).\n\n> Une citation.\n\n- un\n- deux **gras**\n\n1. premier\n\n| A | B |\n| --- | --- |\n| 1 | 2 |"
        );
    }

    #[test]
    fn text_is_escaped_only_where_needed() {
        assert_eq!(md("<p>7 h 30. Prix : 3 € (TTC).</p>"), "7 h 30. Prix : 3 € (TTC).");
        assert_eq!(
            md("<p># pas un titre</p><p>1. pas une liste</p>"),
            "\\# pas un titre\n\n1\\. pas une liste"
        );
        assert_eq!(md("<p>a*b_c</p>"), "a\\*b\\_c");
        assert_eq!(md("<p>ligne<br>suivante</p>"), "ligne suivante");
    }

    #[test]
    fn spaces_at_the_edges_of_inline_elements_stay_between_words() {
        assert_eq!(
            md("<p>lancé la<a href='https://x.example/f'> cagnotte </a>pour aider</p>"),
            "lancé la [cagnotte](https://x.example/f) pour aider"
        );
        assert_eq!(
            md("<p>la défense,<strong> sur le motif</strong> du vol</p>"),
            "la défense, **sur le motif** du vol"
        );
        assert_eq!(
            md("<p><b>pratiqué un </b><a href='https://x.example/a'><b>avortement</b></a>.</p>"),
            "**pratiqué un** [**avortement**](https://x.example/a)."
        );
        assert_eq!(md("<p>sans<a href='/relatif'> lien </a>absolu</p>"), "sans lien absolu");
    }

    #[test]
    fn ruby_annotations_stay_out_of_the_text() {
        assert_eq!(md("<p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの</p>"), "子どもへの");
    }

    #[test]
    fn noise_and_scripts_are_dropped() {
        assert_eq!(
            md("<p>Texte</p><script>alert(1)</script><nav>Menu</nav><aside>Lire aussi</aside>"),
            "Texte"
        );
    }
}
