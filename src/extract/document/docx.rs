//! Word documents (`.docx`, Office Open XML), read from their documented
//! XML (ECMA-376, part 1): `word/document.xml` for the text (paragraphs,
//! tables, runs), `word/styles.xml` to tell headings (a style's outline
//! level, or its built-in name `heading N`; `Title`), `word/footnotes.xml`
//! and `word/endnotes.xml` for the notes, `docProps/core.xml` for the title,
//! author and creation date, `docProps/app.xml` for the application.
//! Field codes, deleted text (tracked changes), comments and tables of
//! contents are left out.

use std::collections::HashMap;

use super::package::{Package, PackageError};
use super::xml::{self, Element, Node};
use super::{Blocks, Read, authors, iso_day};

/// A paragraph style: its name and outline level, and the style it is based on.
#[derive(Debug, Default)]
struct Style {
    name: String,
    level: Option<usize>,
    based_on: Option<String>,
}

pub(super) fn read(package: &mut Package) -> Result<Read, PackageError> {
    let part = |package: &mut Package, name: &str| -> Result<Option<Element>, PackageError> {
        match package.text(name)? {
            Some(text) => xml::parse(&text).map(Some).map_err(|e| PackageError::Entry(name.into(), e)),
            None => Ok(None),
        }
    };
    let document = part(package, "word/document.xml")?
        .ok_or_else(|| PackageError::Entry("word/document.xml".into(), "missing".into()))?;
    let styles = part(package, "word/styles.xml")?.map(|s| styles(&s)).unwrap_or_default();
    let numbering = part(package, "word/numbering.xml")?.map(|n| numbering(&n)).unwrap_or_default();
    let mut notes = HashMap::new();
    for (file, kind) in [("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")] {
        if let Some(root) = part(package, file)? {
            for note in root.elements().filter(|e| e.name == kind) {
                // Ids -1 and 0 are the separator lines Word draws above the notes.
                if note.attr("type").is_some_and(|t| t != "normal") {
                    continue;
                }
                if let Some(id) = note.attr("id") {
                    notes.insert((kind, id.to_string()), note.clone());
                }
            }
        }
    }
    let mut out = Read::default();
    if let Some(core) = part(package, "docProps/core.xml")? {
        let field = |name: &str| core.find(name).map(Element::text).filter(|t| !t.is_empty());
        out.title = field("title");
        out.authors = authors(&field("creator").into_iter().collect::<Vec<_>>());
        out.published = field("created").and_then(|d| iso_day(&d));
        out.lang = field("language");
    }
    if let Some(app) = part(package, "docProps/app.xml")? {
        out.producer = app.find("Application").map(Element::text).filter(|t| !t.is_empty());
    }
    let body = document
        .find("body")
        .ok_or_else(|| PackageError::Entry("word/document.xml".into(), "no w:body".into()))?;
    let mut walker = Walker {
        styles: &styles,
        notes: &notes,
        numbering: &numbering,
        counters: HashMap::new(),
        blocks: Blocks::default(),
        title: None,
    };
    walker.blocks(body);
    if out.title.is_none() {
        out.title = walker.title.take();
    }
    out.body = walker.blocks.markdown();
    Ok(out)
}

fn styles(root: &Element) -> HashMap<String, Style> {
    root.elements()
        .filter(|s| s.name == "style" && s.attr("type") == Some("paragraph"))
        .filter_map(|s| {
            let id = s.attr("styleId")?.to_string();
            let child_val = |name: &str| s.elements().find(|e| e.name == name).and_then(|e| e.attr("val"));
            let level = s
                .find("pPr")
                .and_then(|p| p.elements().find(|e| e.name == "outlineLvl"))
                .and_then(|o| o.attr("val"))
                .and_then(|v| v.parse::<usize>().ok());
            let style = Style {
                name: child_val("name").unwrap_or_default().to_lowercase(),
                level,
                based_on: child_val("basedOn").map(str::to_string),
            };
            Some((id, style))
        })
        .collect()
}

/// The numbering definitions: for each `numId` and level, whether its
/// items are numbered (`decimal`, `lowerLetter`…) rather than bulleted.
fn numbering(root: &Element) -> HashMap<(String, String), bool> {
    let abstracts: HashMap<&str, Vec<(String, bool)>> = root
        .elements()
        .filter(|e| e.name == "abstractNum")
        .filter_map(|a| {
            let levels = a
                .elements()
                .filter(|l| l.name == "lvl")
                .filter_map(|l| {
                    let format = l.elements().find(|e| e.name == "numFmt").and_then(|f| f.attr("val"))?;
                    Some((l.attr("ilvl")?.to_string(), !matches!(format, "bullet" | "none")))
                })
                .collect();
            Some((a.attr("abstractNumId")?, levels))
        })
        .collect();
    let mut out = HashMap::new();
    for num in root.elements().filter(|e| e.name == "num") {
        let Some(id) = num.attr("numId") else { continue };
        let abstract_id = num.elements().find(|e| e.name == "abstractNumId").and_then(|a| a.attr("val"));
        for (level, numbered) in abstract_id.and_then(|a| abstracts.get(a)).into_iter().flatten() {
            out.insert((id.to_string(), level.clone()), *numbered);
        }
    }
    out
}

/// What a paragraph style makes of a paragraph.
#[derive(Debug, PartialEq)]
enum Role {
    Title,
    Heading(usize),
    Text,
}

struct Walker<'a> {
    styles: &'a HashMap<String, Style>,
    notes: &'a HashMap<(&'static str, String), Element>,
    numbering: &'a HashMap<(String, String), bool>,
    /// The last number given at each level of each numbering.
    counters: HashMap<(String, usize), usize>,
    blocks: Blocks,
    title: Option<String>,
}

impl Walker<'_> {
    /// A style's role, following `basedOn` (a few steps: styles may loop).
    fn role(&self, id: &str, own_level: Option<usize>) -> Role {
        if let Some(level) = own_level.filter(|l| *l < 9) {
            return Role::Heading(level + 1);
        }
        if self.styles.get(id).is_some_and(|s| s.name == "title") {
            return Role::Title;
        }
        // Headings are inherited through `basedOn`; the title is not (pandoc
        // bases its Author and Date styles on it).
        let mut current = self.styles.get(id);
        for _ in 0..10 {
            let Some(style) = current else { break };
            if let Some(n) = style.name.strip_prefix("heading ").and_then(|n| n.trim().parse::<usize>().ok())
            {
                return Role::Heading(n);
            }
            if let Some(level) = style.level.filter(|l| *l < 9) {
                return Role::Heading(level + 1);
            }
            current = style.based_on.as_deref().and_then(|b| self.styles.get(b));
        }
        Role::Text
    }

    fn blocks(&mut self, element: &Element) {
        for child in element.elements() {
            match child.name.as_str() {
                "p" => self.paragraph(child),
                // A table of contents repeats the headings.
                "sdt" if is_table_of_contents(child) => {}
                // Deleted text of tracked changes; section properties; the
                // fallback copy of a text box (its `Choice` was read).
                "del" | "sectPr" | "Fallback" => {}
                // Tables, rows, cells, content controls, inserted text: their paragraphs in order.
                _ => self.blocks(child),
            }
        }
    }

    fn paragraph(&mut self, p: &Element) {
        let properties = p.elements().find(|e| e.name == "pPr");
        let style = properties
            .and_then(|pr| pr.elements().find(|e| e.name == "pStyle"))
            .and_then(|s| s.attr("val"))
            .unwrap_or_default();
        let own_level = properties
            .and_then(|pr| pr.elements().find(|e| e.name == "outlineLvl"))
            .and_then(|o| o.attr("val"))
            .and_then(|v| v.parse().ok());
        let numbered = properties.and_then(|pr| pr.elements().find(|e| e.name == "numPr"));
        let list = numbered.and_then(|n| {
            let id = n.elements().find(|e| e.name == "numId").and_then(|i| i.attr("val"))?;
            let level = n.elements().find(|e| e.name == "ilvl").and_then(|i| i.attr("val")).unwrap_or("0");
            // numId 0 takes a paragraph out of a list.
            (id != "0").then(|| (id.to_string(), level.to_string()))
        });
        let mut text = String::new();
        self.inline_into(p, &mut text);
        match self.role(style, own_level) {
            Role::Title => {
                if self.title.is_none() {
                    self.title = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                self.blocks.heading(1, &text);
            }
            Role::Heading(level) => self.blocks.heading(level, &text),
            Role::Text if list.is_some() => {
                let (id, level) = list.expect("checked");
                let number =
                    self.numbering.get(&(id.clone(), level.clone())).copied().unwrap_or(false).then(|| {
                        let depth: usize = level.parse().unwrap_or(0);
                        // A new item at a level starts its sublevels again.
                        self.counters.retain(|(i, d), _| i != &id || *d <= depth);
                        let n = self.counters.entry((id, depth)).or_insert(0);
                        *n += 1;
                        *n
                    });
                self.blocks.item(&text, number)
            }
            Role::Text => self.blocks.paragraph(&text),
        }
    }

    fn inline_into(&mut self, element: &Element, out: &mut String) {
        for child in element.elements() {
            match child.name.as_str() {
                "t" => out.push_str(&text_of(child)),
                "tab" | "br" | "cr" => out.push(' '),
                "noBreakHyphen" => out.push('-'),
                "footnoteReference" | "endnoteReference" => {
                    let kind = if child.name == "footnoteReference" { "footnote" } else { "endnote" };
                    let note = child.attr("id").and_then(|id| self.notes.get(&(kind, id.to_string())));
                    if let Some(note) = note {
                        let mut raw = String::new();
                        for p in note.elements().filter(|e| e.name == "p") {
                            let mut inner = Walker {
                                styles: self.styles,
                                notes: self.notes,
                                numbering: self.numbering,
                                counters: HashMap::new(),
                                blocks: Blocks::default(),
                                title: None,
                            };
                            inner.inline_into(p, &mut raw);
                            raw.push(' ');
                        }
                        if !raw.trim().is_empty() {
                            out.push_str(&self.blocks.note(&raw));
                        }
                    }
                }
                // Paragraph properties, field codes, deleted text, comments' marks,
                // the fallback copy of a drawing or text box (its `Choice` is read).
                "pPr" | "rPr" | "instrText" | "delText" | "del" | "commentReference" | "footnoteRef"
                | "endnoteRef" | "Fallback" => {}
                // Runs, hyperlinks, inserted text, smart tags, simple fields, inline content controls.
                _ => self.inline_into(child, out),
            }
        }
    }
}

fn text_of(t: &Element) -> String {
    t.children
        .iter()
        .filter_map(|n| match n {
            Node::Text(text) => Some(text.as_str()),
            Node::Element(_) => None,
        })
        .collect()
}

fn is_table_of_contents(sdt: &Element) -> bool {
    sdt.find("docPartGallery").and_then(|g| g.attr("val")).is_some_and(|v| v.contains("Table of Contents"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tract.docx is tract.odt saved by LibreOffice: a real producer's styles and notes.
    #[test]
    fn the_fixture_gives_metadata_headings_a_list_and_its_note() {
        let bytes = include_bytes!("../../../tests/fixtures/documents/tract.docx");
        let read = read(&mut Package::open(bytes, 1 << 24).unwrap()).unwrap();
        assert_eq!(read.title.as_deref(), Some("L’eau des data centers"));
        assert_eq!(read.lang.as_deref(), Some("en-US"), "LibreOffice's locale, not the text's");
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
        assert!(read.producer.is_some_and(|p| p.contains("LibreOffice")));
    }

    #[test]
    fn numbered_items_count_per_level_and_bullets_stay_bullets() {
        let numbering = numbering(
            &xml::parse(
                "<w:numbering><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimal\"/></w:lvl>\
                 <w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"bullet\"/></w:lvl></w:abstractNum>\
                 <w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
            )
            .unwrap(),
        );
        let (styles, notes) = (HashMap::new(), HashMap::new());
        let mut walker = Walker {
            styles: &styles,
            notes: &notes,
            numbering: &numbering,
            counters: HashMap::new(),
            blocks: Blocks::default(),
            title: None,
        };
        let item = |level: u8, text: &str| {
            format!(
                "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
            )
        };
        let body = format!("<w:body>{}{}{}</w:body>", item(0, "un"), item(1, "puce"), item(0, "deux"));
        walker.blocks(&xml::parse(&body).unwrap());
        assert_eq!(walker.blocks.markdown(), "1. un\n- puce\n2. deux");
    }

    #[test]
    fn headings_by_outline_level_name_and_basis_and_no_deleted_text() {
        let styles = xml::parse(
            "<w:styles><w:style w:type=\"paragraph\" w:styleId=\"Titre1\"><w:name w:val=\"heading 1\"/></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"Mon\"><w:name w:val=\"Mon titre\"/><w:basedOn w:val=\"Niveau\"/></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"Niveau\"><w:name w:val=\"niveau\"/><w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr></w:style></w:styles>",
        )
        .unwrap();
        let styles = super::styles(&styles);
        let notes = HashMap::new();
        let numbering = HashMap::new();
        let mut walker = Walker {
            styles: &styles,
            notes: &notes,
            numbering: &numbering,
            counters: HashMap::new(),
            blocks: Blocks::default(),
            title: None,
        };
        let body = xml::parse(
            "<w:body><w:p><w:pPr><w:pStyle w:val=\"Titre1\"/></w:pPr><w:r><w:t>Un</w:t></w:r></w:p>\
             <w:p><w:pPr><w:pStyle w:val=\"Mon\"/></w:pPr><w:r><w:t>Trois</w:t></w:r></w:p>\
             <w:p><w:r><w:t xml:space=\"preserve\">Gardé </w:t></w:r><w:del><w:r><w:delText>ôté</w:delText></w:r></w:del>\
             <w:r><w:instrText>PAGE</w:instrText><w:t>texte</w:t></w:r>\
             <mc:AlternateContent><mc:Choice><w:t> encadré</w:t></mc:Choice><mc:Fallback><w:t> encadré</w:t></mc:Fallback></mc:AlternateContent></w:p></w:body>",
        )
        .unwrap();
        walker.blocks(&body);
        assert_eq!(walker.blocks.markdown(), "# Un\n\n### Trois\n\nGardé texte encadré");
    }
}
