//! The XML parts of a document package read into a small tree (elements
//! by local name, their attributes, their text), so that each format's
//! reader walks its documented structure instead of an event stream.
//! Built on quick-xml; namespaces prefixes are dropped, the formats read
//! here never reuse a local name across their namespaces where it matters.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Elements nested deeper than this are refused: the readers recurse, and a
/// file nested a million deep would exhaust the stack.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// The local name (`p` for `w:p` and `text:p`).
    pub name: String,
    /// Attributes by local name, values unescaped.
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first element named `name` among this one and its descendants, depth first.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.elements().find_map(|e| e.find(name))
    }

    /// Every element named `name` under this one (not inside another such element).
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for child in self.elements() {
            if child.name == name {
                out.push(child);
            } else {
                child.find_all(name, out);
            }
        }
    }

    /// All the text under this element, whitespace collapsed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or_default().to_string()
}

fn element(start: &BytesStart) -> Element {
    let attributes = start
        .attributes()
        .flatten()
        .map(|a| {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (local(a.key.as_ref()), value)
        })
        .collect();
    Element { name: local(start.name().as_ref()), attributes, children: Vec::new() }
}

/// Parses a whole XML part; the root element is returned.
pub fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!("elements nested more than {MAX_DEPTH} deep"));
                }
                stack.push(element(&start));
            }
            Event::Empty(start) => {
                let top = stack.last_mut().expect("the document node");
                top.children.push(Node::Element(element(&start)));
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err("an end tag with no start".into());
                }
                let done = stack.pop().expect("checked");
                stack.last_mut().expect("checked").children.push(Node::Element(done));
            }
            Event::Text(text) => {
                let text = text.xml10_content().into_owned();
                push_text(stack.last_mut().expect("the document node"), &text);
            }
            Event::CData(data) => {
                let text = data.into_inner().into_owned();
                push_text(stack.last_mut().expect("the document node"), &text);
            }
            Event::GeneralRef(reference) => {
                // quick-xml reports entities (&amp;, &#233;) apart from the text around them.
                let text = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = reference.into_inner().into_owned();
                        quick_xml::escape::unescape(&format!("&{name};"))
                            .map(|c| c.into_owned())
                            .unwrap_or_default()
                    }
                };
                push_text(stack.last_mut().expect("the document node"), &text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the XML ends inside an element".into());
    }
    let document = stack.pop().expect("the document node");
    document.elements().next().cloned().ok_or_else(|| "no root element".into())
}

fn push_text(element: &mut Element, text: &str) {
    if let Some(Node::Text(last)) = element.children.last_mut() {
        last.push_str(text);
    } else {
        element.children.push(Node::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_with_local_names_attributes_and_entities() {
        let root = parse(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:p w:val=\"a&amp;b\">L&#8217;eau &amp; <w:t>les</w:t><![CDATA[ <data>]]></w:p><w:br/></w:document>",
        )
        .unwrap();
        assert_eq!(root.name, "document");
        let p = root.find("p").unwrap();
        assert_eq!(p.attr("val"), Some("a&b"));
        assert_eq!(p.text(), "L\u{2019}eau & les <data>");
        assert_eq!(root.elements().count(), 2);
    }

    #[test]
    fn broken_and_deep_xml_are_errors() {
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
        let deep = "<a>".repeat(1000) + &"</a>".repeat(1000);
        assert!(parse(&deep).unwrap_err().contains("nested"));
    }
}
