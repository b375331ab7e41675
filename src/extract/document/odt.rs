//! OpenDocument text (`.odt`, LibreOffice's own format), read from its
//! documented XML (OASIS OpenDocument 1.3, part 3): `content.xml` for the
//! text (`text:h` headings with their outline level, `text:p` paragraphs,
//! lists, tables, `text:note` footnotes and endnotes), `meta.xml` for the
//! title, author and creation date. Tables of contents and indexes (which
//! repeat the headings), comments and tracked deletions are left out.

use std::collections::HashMap;

use super::package::{Package, PackageError};
use super::xml::{self, Element, Node};
use super::{Blocks, Read, authors, iso_day};

/// Elements whose content is never the document's running text.
const SKIP: [&str; 13] = [
    "table-of-content",
    "alphabetical-index",
    "illustration-index",
    "table-index",
    "object-index",
    "user-index",
    "bibliography",
    "tracked-changes",
    "sequence-decls",
    "variable-decls",
    "user-field-decls",
    "annotation",
    "forms",
];

pub(super) fn read(package: &mut Package) -> Result<Read, PackageError> {
    // ODF encrypts parts itself (the zip entries are not): the manifest says so.
    if let Some(manifest) = package.text("META-INF/manifest.xml")?
        && manifest.contains("encryption-data")
    {
        return Err(PackageError::Encrypted);
    }
    let content = package
        .text("content.xml")?
        .ok_or_else(|| PackageError::Entry("content.xml".into(), "missing".into()))?;
    let root = xml::parse(&content).map_err(|e| PackageError::Entry("content.xml".into(), e))?;
    let styles = paragraph_styles(&root);
    let mut lists = list_styles(&root);
    if let Some(named) = package.text("styles.xml")?
        && let Ok(named) = xml::parse(&named)
    {
        for (name, levels) in list_styles(&named) {
            lists.entry(name).or_insert(levels);
        }
    }
    let mut out = Read::default();
    if let Some(meta) = package.text("meta.xml")?
        && let Ok(meta) = xml::parse(&meta)
    {
        let field = |name: &str| meta.find(name).map(Element::text).filter(|t| !t.is_empty());
        out.title = field("title");
        let author = field("initial-creator").or_else(|| field("creator"));
        out.authors = authors(&author.into_iter().collect::<Vec<_>>());
        out.published = field("creation-date")
            .and_then(|d| iso_day(&d))
            .or_else(|| field("date").and_then(|d| iso_day(&d)));
        out.producer = field("generator");
        out.lang = field("language");
    }
    let Some(text) = root.find("body").and_then(|b| b.find("text")) else {
        return Err(PackageError::Entry("content.xml".into(), "no office:text body".into()));
    };
    let mut walker = Walker {
        styles: &styles,
        lists: &lists,
        list_styles: Vec::new(),
        number: None,
        blocks: Blocks::default(),
        title: None,
    };
    walker.blocks(text, false);
    if out.title.is_none() {
        out.title = walker.title.take();
    }
    out.body = walker.blocks.markdown();
    Ok(out)
}

/// Automatic paragraph styles (`P1`) and the named style they derive from
/// (`Title`, `Heading_20_1`), so that a paragraph styled as a title is seen.
fn paragraph_styles(root: &Element) -> HashMap<String, String> {
    let mut styles = Vec::new();
    if let Some(automatic) = root.find("automatic-styles") {
        automatic.find_all("style", &mut styles);
    }
    styles
        .into_iter()
        .filter_map(|s| Some((s.attr("name")?.to_string(), s.attr("parent-style-name")?.to_string())))
        .collect()
}

/// List styles (automatic ones and the named ones of `styles.xml`): for
/// each level from 1, whether its items are numbered.
fn list_styles(root: &Element) -> HashMap<String, Vec<bool>> {
    let mut found = Vec::new();
    root.find_all("list-style", &mut found);
    found
        .into_iter()
        .filter_map(|style| {
            let mut levels = vec![false; 10];
            for level in style.elements() {
                let n: usize = level.attr("level").and_then(|l| l.parse().ok()).unwrap_or(1);
                if (1..=10).contains(&n) {
                    levels[n - 1] = level.name == "list-level-style-number";
                }
            }
            Some((style.attr("name")?.to_string(), levels))
        })
        .collect()
}

struct Walker<'a> {
    styles: &'a HashMap<String, String>,
    lists: &'a HashMap<String, Vec<bool>>,
    /// The style of each list the walk is in (a nested list without one takes its parent's).
    list_styles: Vec<Option<String>>,
    /// The number of the list item whose first paragraph comes next, in a numbered list.
    number: Option<usize>,
    blocks: Blocks,
    /// The text of the first paragraph styled `Title`.
    title: Option<String>,
}

impl Walker<'_> {
    fn style<'s>(&'s self, element: &'s Element) -> &'s str {
        let name = element.attr("style-name").unwrap_or_default();
        self.styles.get(name).map_or(name, String::as_str)
    }

    fn blocks(&mut self, element: &Element, in_list: bool) {
        for child in element.elements() {
            match child.name.as_str() {
                name if SKIP.contains(&name) => {}
                "h" => {
                    let level = child.attr("outline-level").and_then(|l| l.parse().ok()).unwrap_or(1);
                    let text = self.inline(child);
                    self.blocks.heading(level, &text);
                }
                "p" => {
                    let text = self.inline(child);
                    let style = self.style(child).to_string();
                    if style == "Title" {
                        if self.title.is_none() {
                            self.title = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
                        }
                        self.blocks.heading(1, &text);
                    } else if in_list {
                        let number = self.number.take();
                        self.blocks.item(&text, number);
                    } else {
                        self.blocks.paragraph(&text);
                    }
                }
                "list" => {
                    let style = child
                        .attr("style-name")
                        .map(str::to_string)
                        .or_else(|| self.list_styles.last().cloned().flatten());
                    self.list_styles.push(style.clone());
                    let level = self.list_styles.len();
                    let numbered = style
                        .and_then(|s| self.lists.get(&s))
                        .and_then(|levels| levels.get(level - 1).copied())
                        .unwrap_or(false);
                    let mut n = 0;
                    for item in child.elements().filter(|e| e.name == "list-item" || e.name == "list-header")
                    {
                        if item.name == "list-item" {
                            n += 1;
                        }
                        self.number = numbered.then_some(n);
                        self.blocks(item, true);
                    }
                    self.number = None;
                    self.list_styles.pop();
                }
                // Sections, tables, rows, cells, frames: their paragraphs in order.
                _ => self.blocks(child, in_list),
            }
        }
    }

    /// A paragraph's text, with its notes registered and their calls marked.
    fn inline(&mut self, element: &Element) -> String {
        let mut out = String::new();
        self.inline_into(element, &mut out);
        out
    }

    fn inline_into(&mut self, element: &Element, out: &mut String) {
        for child in &element.children {
            match child {
                Node::Text(text) => out.push_str(text),
                Node::Element(e) => match e.name.as_str() {
                    "s" | "tab" | "line-break" => out.push(' '),
                    "note" => {
                        let body = e.find("note-body").map(|b| self.note_text(b)).unwrap_or_default();
                        if !body.trim().is_empty() {
                            out.push_str(&self.blocks.note(&body));
                        }
                    }
                    name if SKIP.contains(&name) => {}
                    // A ruby's annotation would run into its base; a picture's
                    // title and description are no running text.
                    "ruby-text" | "title" | "desc" => {}
                    _ => self.inline_into(e, out),
                },
            }
        }
    }

    /// A note's paragraphs, joined on one line.
    fn note_text(&mut self, body: &Element) -> String {
        let mut paragraphs = Vec::new();
        body.find_all("p", &mut paragraphs);
        paragraphs.iter().map(|p| p.text()).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_gives_metadata_headings_a_list_and_its_note() {
        let bytes = include_bytes!("../../../tests/fixtures/documents/tract.odt");
        let read = read(&mut Package::open(bytes, 1 << 24).unwrap()).unwrap();
        assert_eq!(read.title.as_deref(), Some("L’eau des data centers"));
        assert_eq!(read.authors, ["Collectif Rivière Claire"]);
        assert_eq!(read.published.as_deref(), Some("2025-03-14"));
        assert!(
            read.body.starts_with("# Ce que boivent les serveurs\n\nUn centre de données"),
            "{}",
            read.body
        );
        assert!(read.body.contains("déjà basses.[^1] Les élus"), "{}", read.body);
        assert!(read.body.contains("\n\n## Les promesses de l’industrie\n\n"), "{}", read.body);
        assert!(read.body.contains("- Demander les volumes prélevés chaque mois\n- Exiger"), "{}", read.body);
        assert!(read.body.ends_with("[^1]: Chiffres de l’agence de l’eau Adour-Garonne, rapport de 2024."));
    }

    #[test]
    fn an_encrypted_package_says_so() {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        std::io::Write::write_all(&mut zip, b"application/vnd.oasis.opendocument.text").unwrap();
        zip.start_file("META-INF/manifest.xml", options).unwrap();
        std::io::Write::write_all(
            &mut zip,
            b"<manifest><file-entry><encryption-data/></file-entry></manifest>",
        )
        .unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(read(&mut Package::open(&bytes, 1 << 20).unwrap()).unwrap_err(), PackageError::Encrypted);
    }
}
