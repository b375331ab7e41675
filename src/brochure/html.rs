//! The HTML brochure: one self-contained file (no script, no external
//! resource, print CSS for A5 booklets), and the Markdown→HTML of article
//! bodies that the EPUB shares.
//!
//! Archived text is data, never markup: every string is escaped, raw HTML in
//! bodies is shown as text, links go out only to http, https and mailto, and
//! a Content-Security-Policy forbids scripts should anything slip through.
//! The output is also well-formed XML (void elements closed, only the XML
//! entities), so that the EPUB can use the same code.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Tag, TagEnd};

use super::model::{Brochure, Piece};
use super::typography::{self, French};

/// Whether a link may point to `url`: http, https and mailto only, so that no
/// `javascript:`, `data:` or relative URL (resolved who knows where) remains.
pub(crate) fn safe_url(url: &str) -> bool {
    url.split_once(':')
        .is_some_and(|(scheme, _)| ["http", "https", "mailto"].iter().any(|s| scheme.eq_ignore_ascii_case(s)))
}

/// A URL as an `href` value: characters that URLs may not hold (spaces,
/// quotes, angle brackets, a `%` that starts no escape…) percent-encoded,
/// then escaped for the attribute.
pub(crate) fn href(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut encoded = String::with_capacity(url.len());
    for (i, c) in url.char_indices() {
        let stray_percent =
            c == '%' && !(bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
        if stray_percent || c.is_ascii_control() || " \"<>\\^`{|}".contains(c) {
            let _ = write!(encoded, "%{:02X}", c as u32);
        } else {
            encoded.push(c);
        }
    }
    escape(&encoded)
}

/// `s` escaped for HTML and XML text and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A string of the archive as HTML text: cleaned, typographed when `french`,
/// escaped.
pub(crate) fn prose(s: &str, french: bool) -> String {
    let clean = typography::clean_controls(s);
    let clean = clean.trim();
    escape(&if french { typography::french(clean) } else { clean.to_string() })
}

/// The `lang` attribute of a brochure: its language when it looks like a
/// language tag, French otherwise.
pub(crate) fn lang_tag(lang: &str) -> &str {
    let lang = lang.trim();
    let valid =
        !lang.is_empty() && lang.len() <= 35 && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid { lang } else { "fr" }
}

/// A link to `url` around the URL itself, or the URL as text when it may not
/// be linked to.
pub(crate) fn url_link(url: &str) -> String {
    let url = typography::clean_controls(url);
    let url = url.trim();
    if safe_url(url) {
        format!("<a class=\"url\" href=\"{}\" rel=\"noreferrer\">{}</a>", href(url), escape(url))
    } else {
        format!("<span class=\"url\">{}</span>", escape(url))
    }
}

/// How a Markdown body becomes HTML.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyStyle<'a> {
    /// EPUB semantics on notes (`epub:type`, declared by EPUB documents).
    pub xhtml: bool,
    /// Prefix of the ids of notes, unique per body within one document.
    pub id_prefix: &'a str,
    /// French typography on prose.
    pub french: bool,
    /// How many levels body headings go down: the article title is above them.
    pub heading_shift: u8,
}

/// A Markdown body as HTML (XHTML-valid too; EPUB note semantics when
/// `xhtml`), French typography on prose, headings one level down, note ids
/// prefixed `n-`. Public for other readers of archived bodies; brochures use
/// [`body_html_with`] to give each article its own note ids.
pub fn body_html(markdown: &str, xhtml: bool) -> String {
    body_html_with(markdown, BodyStyle { xhtml, id_prefix: "n", french: true, heading_shift: 1 })
}

/// A Markdown body as HTML, as `style` says.
pub(crate) fn body_html_with(markdown: &str, style: BodyStyle<'_>) -> String {
    let markdown = typography::clean_controls(markdown);
    let events: Vec<Event<'_>> = crate::corpus::markdown::parser(&markdown).collect();
    let defined = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_lowercase()),
            _ => None,
        })
        .collect();
    let mut writer = BodyWriter {
        out: String::with_capacity(markdown.len() * 5 / 4),
        style,
        french: French::new(),
        pending: String::new(),
        code: 0,
        links: Vec::new(),
        anchors: 0,
        image: None,
        metadata: false,
        table_head: false,
        aligns: Vec::new(),
        cell: 0,
        notes: HashMap::new(),
        defined,
        ids: HashSet::new(),
    };
    for event in events {
        writer.event(event);
    }
    writer.flush();
    writer.out
}

/// An image being read: its alt text comes as events up to its end.
struct Image {
    url: String,
    alt: String,
    depth: usize,
}

struct BodyWriter<'a> {
    out: String,
    style: BodyStyle<'a>,
    french: French,
    /// Text waiting for typography: runs are merged so that `l'` and `eau`,
    /// split by the parser, are typographed together.
    pending: String,
    /// Depth in code blocks, whose text is verbatim.
    code: usize,
    /// For each open link, whether an `<a>` was written for it.
    links: Vec<bool>,
    /// Open `<a>` elements: no link inside a link.
    anchors: usize,
    image: Option<Image>,
    /// Inside a metadata block, which is not shown.
    metadata: bool,
    table_head: bool,
    aligns: Vec<Alignment>,
    cell: usize,
    /// Note labels (lowercase) and their numbers, by first appearance.
    notes: HashMap<String, usize>,
    /// Labels that have a definition: a reference to anything else is text.
    defined: HashSet<String>,
    /// Ids already written, never twice.
    ids: HashSet<String>,
}

impl BodyWriter<'_> {
    fn event(&mut self, event: Event<'_>) {
        if let Some(image) = &mut self.image {
            match event {
                Event::Start(_) => image.depth += 1,
                Event::End(_) if image.depth > 0 => image.depth -= 1,
                Event::End(_) => self.end_image(),
                Event::Text(t)
                | Event::Code(t)
                | Event::InlineMath(t)
                | Event::DisplayMath(t)
                | Event::Html(t)
                | Event::InlineHtml(t) => image.alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
                _ => {}
            }
            return;
        }
        if self.metadata {
            if let Event::End(TagEnd::MetadataBlock(_)) = event {
                self.metadata = false;
            }
            return;
        }
        match event {
            Event::Text(text) if self.code > 0 => escape_into(&mut self.out, &text),
            Event::Text(text) => self.pending.push_str(&text),
            Event::SoftBreak => self.pending.push('\n'),
            event => {
                self.flush();
                match event {
                    Event::Start(tag) => self.start(tag),
                    Event::End(tag) => self.end(tag),
                    Event::Code(code) | Event::InlineMath(code) | Event::DisplayMath(code) => {
                        self.out.push_str("<code>");
                        escape_into(&mut self.out, &code);
                        self.out.push_str("</code>");
                    }
                    // Raw HTML is shown, never interpreted.
                    Event::Html(html) | Event::InlineHtml(html) => escape_into(&mut self.out, &html),
                    Event::FootnoteReference(label) => self.note_reference(&label),
                    Event::HardBreak => self.out.push_str("<br/>\n"),
                    Event::Rule => self.out.push_str("<hr/>\n"),
                    Event::TaskListMarker(done) => self.out.push_str(if done { "☒ " } else { "☐ " }),
                    Event::Text(_) | Event::SoftBreak => unreachable!("handled above"),
                }
            }
        }
    }

    /// Writes the pending text, typographed and escaped.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let text = if self.style.french { self.french.run(&text) } else { text };
        escape_into(&mut self.out, &text);
    }

    fn block(&mut self, open: &str) {
        self.french.reset();
        self.out.push_str(open);
    }

    fn heading_level(&self, level: pulldown_cmark::HeadingLevel) -> usize {
        (level as usize + usize::from(self.style.heading_shift)).min(6)
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading { level, .. } => {
                let h = self.heading_level(level);
                self.block(&format!("<h{h}>"));
            }
            Tag::BlockQuote(_) => self.block("<blockquote>\n"),
            Tag::CodeBlock(kind) => {
                self.code += 1;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
                        .collect(),
                    CodeBlockKind::Indented => String::new(),
                };
                if lang.is_empty() {
                    self.out.push_str("<pre><code>");
                } else {
                    let _ = write!(self.out, "<pre><code class=\"language-{lang}\">");
                }
            }
            // Shown as it was written, as text.
            Tag::HtmlBlock => self.out.push_str("<pre class=\"raw-html\">"),
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(start)) => {
                let _ = writeln!(self.out, "<ol start=\"{start}\">");
            }
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item => self.block("<li>"),
            Tag::FootnoteDefinition(label) => self.note_definition(&label),
            Tag::DefinitionList => self.out.push_str("<dl>\n"),
            Tag::DefinitionListTitle => self.block("<dt>"),
            Tag::DefinitionListDefinition => self.block("<dd>"),
            Tag::Table(aligns) => {
                self.aligns = aligns;
                self.out.push_str("<table>\n");
            }
            Tag::TableHead => {
                self.table_head = true;
                self.cell = 0;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let cell = if self.table_head { "th" } else { "td" };
                let class = match self.aligns.get(self.cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                self.block(&format!("<{cell}{class}>"));
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::Link { link_type, dest_url, title, .. } => {
                let url = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                // Links of other schemes keep their text, not their target.
                let linked = safe_url(&url) && self.anchors == 0;
                if linked {
                    self.out.push_str("<a href=\"");
                    self.out.push_str(&href(&url));
                    self.out.push('"');
                    if !title.is_empty() {
                        self.out.push_str(" title=\"");
                        escape_into(&mut self.out, &title);
                        self.out.push('"');
                    }
                    self.out.push_str(" rel=\"noreferrer\">");
                    self.anchors += 1;
                }
                self.links.push(linked);
            }
            Tag::Image { dest_url, .. } => {
                self.image = Some(Image { url: dest_url.to_string(), alt: String::new(), depth: 0 });
            }
            Tag::MetadataBlock(_) => self.metadata = true,
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("</p>\n"),
            TagEnd::Heading(level) => {
                let h = self.heading_level(level);
                let _ = writeln!(self.out, "</h{h}>");
            }
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::CodeBlock => {
                self.code = self.code.saturating_sub(1);
                self.out.push_str("</code></pre>\n");
            }
            TagEnd::HtmlBlock => self.out.push_str("</pre>\n"),
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => self.out.push_str("</li>\n"),
            TagEnd::FootnoteDefinition => self.out.push_str("</aside>\n"),
            TagEnd::DefinitionList => self.out.push_str("</dl>\n"),
            TagEnd::DefinitionListTitle => self.out.push_str("</dt>\n"),
            TagEnd::DefinitionListDefinition => self.out.push_str("</dd>\n"),
            TagEnd::Table => self.out.push_str("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.table_head = false;
                self.out.push_str("</tr></thead>\n<tbody>\n");
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                self.out.push_str(if self.table_head { "</th>" } else { "</td>" });
                self.cell += 1;
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Superscript => self.out.push_str("</sup>"),
            TagEnd::Subscript => self.out.push_str("</sub>"),
            TagEnd::Link => {
                if self.links.pop() == Some(true) {
                    self.anchors -= 1;
                    self.out.push_str("</a>");
                }
            }
            TagEnd::Image => self.end_image(),
            TagEnd::MetadataBlock(_) => self.metadata = false,
        }
    }

    /// An image is not fetched (the file is self-contained): it becomes its
    /// description, linked to it when it is on the web.
    fn end_image(&mut self) {
        let Some(image) = self.image.take() else { return };
        let alt = typography::clean_controls(&image.alt);
        let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
        let label = if alt.is_empty() { "[Image]".to_string() } else { format!("[Image : {alt}]") };
        let label = if self.style.french { typography::french(&label) } else { label };
        let url = typography::clean_controls(&image.url);
        if safe_url(&url) && self.anchors == 0 {
            let _ = write!(
                self.out,
                "<a class=\"image\" href=\"{}\" rel=\"noreferrer\">{}</a>",
                href(&url),
                escape(&label)
            );
        } else {
            let _ = write!(self.out, "<span class=\"image\">{}</span>", escape(&label));
        }
    }

    fn note_number(&mut self, label: &str) -> usize {
        let next = self.notes.len() + 1;
        *self.notes.entry(label.to_lowercase()).or_insert(next)
    }

    /// An id not yet written in this body, or nothing.
    fn id_attribute(&mut self, id: String) -> String {
        if self.ids.insert(id.clone()) { format!(" id=\"{}\"", escape(&id)) } else { String::new() }
    }

    fn note_reference(&mut self, label: &str) {
        if !self.defined.contains(&label.to_lowercase()) {
            escape_into(&mut self.out, &format!("[^{label}]"));
            return;
        }
        let n = self.note_number(label);
        if self.anchors > 0 {
            let _ = write!(self.out, "<sup class=\"noteref\">{n}</sup>");
            return;
        }
        let prefix = self.style.id_prefix;
        let id = self.id_attribute(format!("{prefix}-ref-{n}"));
        let epub = if self.style.xhtml { " epub:type=\"noteref\"" } else { "" };
        let _ = write!(
            self.out,
            "<sup class=\"noteref\"><a href=\"#{}-note-{n}\"{id}{epub}>{n}</a></sup>",
            escape(prefix)
        );
    }

    fn note_definition(&mut self, label: &str) {
        self.french.reset();
        let n = self.note_number(label);
        let prefix = self.style.id_prefix;
        let id = self.id_attribute(format!("{prefix}-note-{n}"));
        let epub = if self.style.xhtml { " epub:type=\"footnote\"" } else { "" };
        let _ = write!(self.out, "<aside class=\"footnote\"{id}{epub}>");
        let back = format!("{prefix}-ref-{n}");
        if self.ids.contains(&back) {
            let _ = write!(self.out, "<a class=\"footnote-number\" href=\"#{}\">{n}</a>", escape(&back));
        } else {
            let _ = write!(self.out, "<span class=\"footnote-number\">{n}</span>");
        }
    }
}

/// What the title of an article becomes in HTML: typographed, escaped.
pub(crate) fn piece_title(p: &Piece, french: bool) -> String {
    let title = prose(&p.title, french);
    if title.is_empty() { "Sans titre".to_string() } else { title }
}

/// The byline of an article: authors — site — date, the parts it has.
pub(crate) fn byline(p: &Piece, french: bool) -> String {
    let mut parts = Vec::new();
    let authors: Vec<String> = p.authors.iter().map(|a| prose(a, french)).filter(|a| !a.is_empty()).collect();
    if !authors.is_empty() {
        parts.push(format!("<span class=\"authors\">{}</span>", typography::join(&authors)));
    }
    let site = prose(p.head_site(), false);
    if !site.is_empty() {
        parts.push(format!("<span class=\"site\">{site}</span>"));
    }
    if let Some(published) = p.published.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        let shown = escape(&typography::date_str(published));
        match published.get(..10).filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()) {
            Some(day) => parts.push(format!("<time datetime=\"{day}\">{shown}</time>")),
            None => parts.push(shown),
        }
    }
    parts.join(" — ")
}

/// One article: its header (title at level `h`), its body. Ids are
/// `article-N` and `aN-…` for its notes.
pub(crate) fn article_html(p: &Piece, n: usize, h: usize, french: bool, xhtml: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<article class=\"article\" id=\"article-{n}\">");
    out.push_str("<header class=\"article-header\">\n");
    let _ = writeln!(out, "<h{h} class=\"article-title\">{}</h{h}>", piece_title(p, french));
    if let Some(subtitle) = p.subtitle.as_deref().map(|s| prose(s, french)).filter(|s| !s.is_empty()) {
        let _ = writeln!(out, "<p class=\"article-subtitle\">{subtitle}</p>");
    }
    let byline = byline(p, french);
    if !byline.is_empty() {
        let _ = writeln!(out, "<p class=\"byline\">{byline}</p>");
    }
    out.push_str("</header>\n<div class=\"article-body\">\n");
    let prefix = format!("a{n}");
    let style = BodyStyle { xhtml, id_prefix: &prefix, french, heading_shift: 1 };
    out.push_str(&body_html_with(&p.body, style));
    out.push_str("</div>\n</article>\n");
    out
}

/// The sources page: for each article its title, site, URL, when it was
/// archived, and where else it appeared.
pub(crate) fn sources_html(b: &Brochure, h: usize, french: bool) -> String {
    let mut out = String::new();
    out.push_str("<section class=\"sources\" id=\"sources\">\n");
    let _ = writeln!(out, "<h{h}>Sources</h{h}>\n<ol>");
    for p in &b.articles {
        let mut line = format!("<cite>{}</cite>", piece_title(p, french));
        let site = prose(&p.site, false);
        if !site.is_empty() {
            let _ = write!(line, ", {site}");
        }
        if let Some(published) = p.published.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = write!(line, ", {}", escape(&typography::date_str(published)));
        }
        if let Some(url) = p.url.as_deref().filter(|u| !u.trim().is_empty()) {
            let _ = write!(line, " — {}", url_link(url));
        }
        if let Some(archived) = p.archived.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = write!(line, " — archivé le {}", escape(&typography::date_str(archived)));
        }
        let also: Vec<String> = p.also.iter().filter(|u| !u.trim().is_empty()).map(|u| url_link(u)).collect();
        if !also.is_empty() {
            let _ = write!(line, " — repris aussi sur {}", typography::join(&also));
        }
        let _ = writeln!(out, "<li>{line}.</li>");
    }
    out.push_str("</ol>\n</section>\n");
    out
}

/// The colophon sentence, as HTML.
pub(crate) fn colophon_html(b: &Brochure, french: bool) -> String {
    let collective = prose(&b.collective, french);
    let by = if collective.is_empty() { String::new() } else { format!(" par {collective}") };
    format!("<p>Brochure compilée avec <cite>veille</cite> le {}{by}.</p>", escape(&typography::date(b.date)))
}

/// The brochure's title as HTML: never empty.
pub(crate) fn brochure_title(b: &Brochure, french: bool) -> String {
    let title = prose(&b.title, french);
    if title.is_empty() { "Brochure".to_string() } else { title }
}

/// Typography of the content, for the HTML file and the EPUB.
pub(crate) const CONTENT_CSS: &str = r#"html {
  font-family: "Libertinus Serif", "Linux Libertine O", "Linux Libertine", "EB Garamond", Garamond,
    "Times New Roman", Times, serif;
  line-height: 1.45;
  color: #111;
  background: #fff;
}
p, li, dd, blockquote, .footnote { text-align: justify; hyphens: auto; -webkit-hyphens: auto; }
p { margin: 0 0 0.6em; orphans: 2; widows: 2; }
h1, h2, h3, h4, h5, h6 {
  font-weight: normal; line-height: 1.2; text-align: left; hyphens: manual;
  break-after: avoid; page-break-after: avoid;
}
h1 { font-size: 2em; }
h2 { font-size: 1.5em; }
h3 { font-size: 1.2em; font-style: italic; }
h4, h5, h6 { font-size: 1em; font-variant: small-caps; letter-spacing: 0.03em; }
a { color: inherit; }
blockquote { margin: 0.8em 1.5em; font-size: 0.95em; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: 0.5em; }
pre.raw-html { background: none; border-left: 2px solid #999; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #999; padding: 0.2em 0.4em; vertical-align: top; }
th { text-align: left; }
.align-left { text-align: left; }
.align-center { text-align: center; }
.align-right { text-align: right; }
hr { border: 0; border-top: 1px solid #999; width: 30%; margin: 1.5em auto; }
sup { font-size: 0.7em; line-height: 0; }
.footnote { display: block; font-size: 0.85em; margin: 0.4em 0; }
.footnote-number { float: left; margin-right: 0.4em; font-weight: bold; text-decoration: none; }
.image { font-style: italic; color: #555; }
.url { overflow-wrap: anywhere; word-break: break-word; hyphens: none; }
.article-header { margin-bottom: 1.5em; }
.article-title { margin-bottom: 0.3em; }
.article-subtitle { font-style: italic; font-size: 1.1em; margin-bottom: 0.3em; text-align: left; }
.byline { font-size: 0.9em; color: #444; text-align: left; }
.article-body p + p { text-indent: 1.2em; margin-top: -0.6em; }
.cover { text-align: center; }
/* Headings are set left above: the cover's title is centred like the rest of the cover. */
.cover .title { font-size: 2.4em; margin: 0.5em 0; text-align: center; }
.cover .subtitle { font-size: 1.3em; font-style: italic; text-align: center; }
.cover .collective { font-variant: small-caps; letter-spacing: 0.08em; text-align: center; }
.cover .date { text-align: center; }
.toc ol { padding-left: 1.8em; }
.toc li { margin: 0.3em 0; text-align: left; }
.toc-meta { font-size: 0.85em; color: #555; }
.sources li { text-align: left; font-size: 0.9em; margin: 0.4em 0; }
.colophon { font-size: 0.85em; text-align: center; margin-top: 3em; }
.colophon p { text-align: center; }
"#;

/// Screen and print layout of the HTML file: A5 pages, each article on a
/// right-hand page, page numbers in the table of contents where supported.
const PAGE_CSS: &str = r#"body { max-width: 36em; margin: 0 auto; padding: 1.5em 1em 3em; }
.cover { padding: 15vh 0 10vh; }
.timeline table { width: 100%; }
.timeline th { font-weight: normal; white-space: nowrap; width: 9em; }
.timeline .bar { display: inline-block; height: 0.7em; background: #555; margin-right: 0.4em; }
@page {
  size: A5;
  margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: counter(page); font-size: 9pt; }
}
@page :first { @bottom-center { content: none; } }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; margin: 0; padding: 0; }
  .cover { padding: 30% 0 0; break-after: page; page-break-after: always; }
  nav.toc, section.timeline, section.intro { break-before: page; page-break-before: always; }
  article.article, section.sources { break-before: right; page-break-before: right; }
  .colophon { break-before: page; page-break-before: always; }
  a { text-decoration: none; }
  nav.toc a::after { content: leader(". ") target-counter(attr(href url), page); }
  pre, blockquote, table, tr, .footnote, .article-header { break-inside: avoid; page-break-inside: avoid; }
}
"#;

/// The brochure as one self-contained HTML file.
pub fn render(b: &Brochure) -> String {
    let fr = typography::is_french(&b.lang);
    let title = brochure_title(b, fr);
    let mut out =
        String::with_capacity(b.articles.iter().map(|p| p.body.len()).sum::<usize>() * 5 / 4 + 8192);
    out.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(out, "<html lang=\"{}\">", escape(lang_tag(&b.lang)));
    out.push_str("<head>\n<meta charset=\"utf-8\"/>\n");
    // Whatever got through, the browser runs no script and loads nothing.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"/>\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    out.push_str("<meta name=\"generator\" content=\"veille\"/>\n");
    let _ = writeln!(out, "<title>{title}</title>");
    let _ = writeln!(out, "<style>\n{CONTENT_CSS}{PAGE_CSS}</style>\n</head>\n<body>");

    out.push_str("<header class=\"cover\" id=\"couverture\">\n");
    let collective = prose(&b.collective, fr);
    if !collective.is_empty() {
        let _ = writeln!(out, "<p class=\"collective\">{collective}</p>");
    }
    let _ = writeln!(out, "<h1 class=\"title\">{title}</h1>");
    if let Some(subtitle) = b.subtitle.as_deref().map(|s| prose(s, fr)).filter(|s| !s.is_empty()) {
        let _ = writeln!(out, "<p class=\"subtitle\">{subtitle}</p>");
    }
    let _ = writeln!(out, "<p class=\"date\">{}</p>\n</header>", escape(&typography::date(b.date)));

    out.push_str("<nav class=\"toc\" id=\"sommaire\">\n<h2>Sommaire</h2>\n<ol>\n");
    for (i, p) in b.articles.iter().enumerate() {
        let site = prose(&p.site, false);
        let meta =
            if site.is_empty() { String::new() } else { format!(" <span class=\"toc-meta\">{site}</span>") };
        let _ = writeln!(out, "<li><a href=\"#article-{}\">{}</a>{meta}</li>", i + 1, piece_title(p, fr));
    }
    out.push_str("</ol>\n</nav>\n");

    out.push_str(&timeline_html(&b.timeline));

    if let Some(intro) = b.intro.as_deref().filter(|i| !i.trim().is_empty()) {
        out.push_str("<section class=\"intro\" id=\"introduction\">\n");
        out.push_str(&body_html_with(
            intro,
            BodyStyle { xhtml: false, id_prefix: "intro", french: fr, heading_shift: 1 },
        ));
        out.push_str("</section>\n");
    }
    for (i, p) in b.articles.iter().enumerate() {
        out.push_str(&article_html(p, i + 1, 2, fr, false));
    }
    out.push_str(&sources_html(b, 2, fr));
    let _ = writeln!(out, "<footer class=\"colophon\">\n{}\n</footer>", colophon_html(b, fr));
    out.push_str("</body>\n</html>\n");
    out
}

/// Articles per month as a bar chart in plain HTML and CSS.
fn timeline_html(timeline: &[(String, u64)]) -> String {
    let max = timeline.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if max == 0 {
        return String::new();
    }
    let mut out = String::from(
        "<section class=\"timeline\" id=\"chronologie\">\n<h2>Chronologie</h2>\n<table>\n<tbody>\n",
    );
    for (month, n) in timeline {
        let width = n * 80 / max;
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td><span class=\"bar\" style=\"width: {width}%\"></span>{n}</td></tr>",
            escape(&typography::month(month))
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// Titles, bodies, authors and URLs that try to become markup or code.
    pub(crate) const HOSTILE: &str =
        "<script>alert(1)</script> \"><img src=x onerror=alert(1)> ]]> & \u{1b}[31m\u{0}";

    pub(crate) fn hostile_brochure() -> Brochure {
        let body = format!(
            "Intro {HOSTILE}\n\n<script>alert(2)</script>\n\n<div onclick=\"x()\">bloc</div>\n\n\
             [clic](javascript:alert(3)) [rel](/relatif) <javascript:alert(4)> [ok](https://ok.example/a?b=1&c=2 \"t\\\"itre\")\n\n\
             ![img\"><script>](javascript:alert(5)) ![photo](https://img.example/p.png) ![data](data:image/png;base64,AAAA)\n\n\
             Note[^x] et [^absente].\n\n[^x]: La note ]]> <b>ici</b>.\n\n\
             ```html\n<script>alert(6)</script>\n```\n\n| a | b |\n|:--|--:|\n| <i>c</i> | d |\n"
        );
        let hostile_piece = Piece {
            id: "id<1>".into(),
            title: format!("Titre {HOSTILE}"),
            subtitle: Some(HOSTILE.into()),
            authors: vec![HOSTILE.into(), "Ana".into()],
            site: HOSTILE.into(),
            published: Some("2025-03-01\"><script>".into()),
            url: Some("javascript:alert(7)".into()),
            archived: Some("2025-03-02".into()),
            body,
            also: vec!["https://x.example/\"><script>".into(), "data:text/html,<script>".into()],
        };
        let plain_piece = Piece {
            id: "b".into(),
            title: "Pourquoi la 5G?".into(),
            site: "lundi.am".into(),
            url: Some("https://lundi.am/5G".into()),
            body: "# Partie\n\nL'eau... et \"le feu\".\n".into(),
            ..Piece::default()
        };
        Brochure {
            title: format!("Recueil {HOSTILE}"),
            subtitle: Some(HOSTILE.into()),
            collective: HOSTILE.into(),
            date: NaiveDate::from_ymd_opt(2025, 3, 14).unwrap(),
            intro: Some(format!("Pourquoi? {HOSTILE}")),
            articles: vec![hostile_piece, plain_piece],
            timeline: vec![("2025-02".into(), 3), ("2025-03\"><script>".into(), 1)],
            lang: "fr\"><script>".into(),
        }
    }

    /// Reads `xml` to the end; panics on any well-formedness error, on an
    /// entity XML does not define, or on a hostile element or attribute.
    pub(crate) fn assert_safe_xml(xml: &str) {
        use quick_xml::events::Event as X;
        let mut reader = quick_xml::Reader::from_str(xml);
        loop {
            match reader.read_event() {
                Ok(X::Eof) => break,
                Ok(X::Start(e) | X::Empty(e)) => {
                    let name = e.name().as_ref().to_lowercase();
                    assert!(
                        !["script", "img", "iframe", "object", "embed", "b", "i"].contains(&name.as_str()),
                        "element <{name}> in {xml}"
                    );
                    for attr in e.attributes() {
                        let attr = attr.expect("attribute");
                        let key = attr.key.as_ref().to_lowercase();
                        assert!(!key.starts_with("on") && key != "src", "attribute {key}");
                        let value = attr
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("attribute value")
                            .to_lowercase();
                        if key == "href" {
                            assert!(
                                value.starts_with('#')
                                    || value.starts_with("http://")
                                    || value.starts_with("https://")
                                    || value.starts_with("mailto:")
                                    || !value.contains(':'),
                                "href {value}"
                            );
                        }
                    }
                }
                Ok(X::GeneralRef(r)) => {
                    let name: &str = &r;
                    assert!(
                        r.is_char_ref() || ["amp", "lt", "gt", "quot", "apos"].contains(&name),
                        "entity &{name};"
                    );
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}\n{xml}", reader.buffer_position()),
            }
        }
    }

    fn body(markdown: &str) -> String {
        body_html(markdown, false)
    }

    #[test]
    fn hostile_brochure_stays_text() {
        let html = render(&hostile_brochure());
        assert_safe_xml(&html);
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("]]&gt;"));
        assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(html.contains("&lt;div onclick=&quot;x()&quot;&gt;bloc&lt;/div&gt;"));
        let lower = html.to_lowercase();
        for bad in ["<script", "<img", "<iframe", "href=\"javascript", "href=\"data", "href=\"/", "<link"] {
            assert!(!lower.contains(bad), "{bad} in the HTML");
        }
        assert!(!html.contains('\u{1b}') && !html.contains('\u{0}'));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"), "a hostile lang falls back to fr");
    }

    #[test]
    fn document_is_self_contained_and_printable() {
        let html = render(&hostile_brochure());
        assert!(html.contains("<meta charset=\"utf-8\"/>"));
        assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""));
        assert!(html.contains("size: A5"));
        assert!(html.contains("break-before: right"));
        assert!(html.contains("hyphens: auto"));
        assert!(html.contains("<a href=\"#article-1\">") && html.contains("id=\"article-1\""));
        assert!(html.contains("<a href=\"#article-2\">Pourquoi la 5G\u{202f}?</a>"));
        assert!(html.contains("<section class=\"sources\" id=\"sources\">"));
        assert!(html.contains("Brochure compilée avec <cite>veille</cite> le 14\u{a0}mars 2025 par"));
        assert!(html.contains("<a class=\"url\" href=\"https://lundi.am/5G\" rel=\"noreferrer\">"));
        assert!(html.contains("<span class=\"url\">javascript:alert(7)</span>"));
        assert!(html.contains("<th scope=\"row\">février 2025</th>"));
        // Ids are unique across articles (notes are numbered per article).
        let ids: Vec<&str> = html.split(" id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        let unique: HashSet<&&str> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        assert!(!html.to_lowercase().contains("<script"));
    }

    #[test]
    fn prose_is_typographed_but_not_code_or_urls() {
        let html = body(
            "L'eau... \"le feu\" : `a:b?` [lien!](https://x.org/a:b?c=1!) https://y.org/?z!\n\n    l'eau...\n",
        );
        assert!(html.contains("L’eau… «\u{202f}le feu\u{202f}»\u{a0}: <code>a:b?</code>"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.org/a:b?c=1!\" rel=\"noreferrer\">lien\u{202f}!</a>"),
            "{html}"
        );
        assert!(html.contains(" https://y.org/?z!"), "{html}");
        assert!(html.contains("<pre><code>l&#39;eau...\n</code></pre>"), "{html}");
        let plain = body_html_with(
            "L'eau?",
            BodyStyle { xhtml: false, id_prefix: "n", french: false, heading_shift: 1 },
        );
        assert_eq!(plain, "<p>L&#39;eau?</p>\n");
    }

    #[test]
    fn typography_sees_through_inline_markup() {
        assert_eq!(body("*Pourquoi*? Parce que."), "<p><em>Pourquoi</em>\u{202f}? Parce que.</p>\n");
        assert_eq!(body("Il dit \"*non*\"."), "<p>Il dit «\u{202f}<em>non</em>\u{202f}».</p>\n");
    }

    #[test]
    fn headings_go_down_one_level() {
        let html = body("# Un\n\n## Deux\n\n###### Six\n");
        assert_eq!(html, "<h2>Un</h2>\n<h3>Deux</h3>\n<h6>Six</h6>\n");
    }

    #[test]
    fn links_only_to_the_web_and_mail() {
        let html = body(
            "[a](https://a.org/?x=1&y=\"2\") [b](javascript:alert(1)) [c](/rel) [d](data:text/html,x) \
             <mailto:x@y.org> <x@y.org> [e](HTTP://E.ORG)",
        );
        assert!(
            html.contains("<a href=\"https://a.org/?x=1&amp;y=%222%22\" rel=\"noreferrer\">a</a>"),
            "{html}"
        );
        assert!(html.contains("</a> b c d "), "{html}");
        assert!(html.contains("<a href=\"mailto:x@y.org\" rel=\"noreferrer\">mailto:x@y.org</a>"), "{html}");
        assert!(html.contains("<a href=\"mailto:x@y.org\" rel=\"noreferrer\">x@y.org</a>"), "{html}");
        assert!(html.contains("<a href=\"HTTP://E.ORG\" rel=\"noreferrer\">e</a>"), "{html}");
        assert!(safe_url("https://x") && safe_url("MailTo:x@y") && !safe_url("javascript:x"));
        assert_eq!(
            href("https://x.org/a b\"<>%zz%41?q=1&r=é"),
            "https://x.org/a%20b%22%3C%3E%25zz%41?q=1&amp;r=é"
        );
        assert!(
            !safe_url(" javascript:x") && !safe_url("java\nscript:x") && !safe_url("/a:b") && !safe_url("x")
        );
    }

    #[test]
    fn the_cover_is_centred_title_included() {
        // `h1 { text-align: left }` would win over the inherited centring.
        let rule = |selector: &str| {
            let start = CONTENT_CSS.find(&format!("\n{selector} {{")).unwrap_or_else(|| panic!("{selector}"));
            let end = start + CONTENT_CSS[start..].find('}').unwrap();
            CONTENT_CSS[start..end].to_string()
        };
        for selector in [".cover .title", ".cover .subtitle", ".cover .collective", ".cover .date"] {
            assert!(rule(selector).contains("text-align: center"), "{selector}: {}", rule(selector));
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = body("<div>\n<script>alert(1)</script>\n</div>\n\nUn <b>gras</b> & <!-- note -->.\n");
        assert_eq!(
            html,
            "<pre class=\"raw-html\">&lt;div&gt;\n&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;/div&gt;\n</pre>\n\
             <p>Un &lt;b&gt;gras&lt;/b&gt; &amp; &lt;!-- note --&gt;.</p>\n"
        );
    }

    #[test]
    fn images_become_their_description() {
        let html = body(
            "![Une photo](https://x.org/p.png) ![](javascript:x) [![logo](https://x.org/l.png)](https://x.org)",
        );
        assert!(html.contains("<a class=\"image\" href=\"https://x.org/p.png\" rel=\"noreferrer\">[Image\u{a0}: Une photo]</a>"), "{html}");
        assert!(html.contains("<span class=\"image\">[Image]</span>"), "{html}");
        assert!(html.contains("<a href=\"https://x.org\" rel=\"noreferrer\"><span class=\"image\">[Image\u{a0}: logo]</span></a>"), "{html}");
        assert!(!html.contains("<img"));
    }

    #[test]
    fn notes_are_numbered_and_prefixed() {
        let style = BodyStyle { xhtml: true, id_prefix: "a3", french: true, heading_shift: 1 };
        let html = body_html_with("Un[^b] deux[^a] encore[^b] et [^zz].\n\n[^a]: A.\n[^b]: B.\n", style);
        assert!(html.contains("<sup class=\"noteref\"><a href=\"#a3-note-1\" id=\"a3-ref-1\" epub:type=\"noteref\">1</a></sup>"), "{html}");
        assert!(
            html.contains("<a href=\"#a3-note-2\" id=\"a3-ref-2\" epub:type=\"noteref\">2</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"#a3-note-1\" epub:type=\"noteref\">1</a>"),
            "a second reference has no id: {html}"
        );
        assert!(html.contains("et [^zz]."), "{html}");
        assert!(html.contains("<aside class=\"footnote\" id=\"a3-note-2\" epub:type=\"footnote\"><a class=\"footnote-number\" href=\"#a3-ref-2\">2</a><p>A.</p>"), "{html}");
        assert_safe_xml(&format!("<div xmlns:epub=\"http://www.idpf.org/2007/ops\">{html}</div>"));
        assert!(!body("x[^1]\n\n[^1]: y\n").contains("epub:type"));
    }

    #[test]
    fn tables_lists_and_breaks_are_well_formed() {
        let html = body(
            "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n- [x] fait\n- [ ] à faire\n\n3. trois\n4. quatre\n\n\
             ligne  \nsuivante\n\n---\n\n> citation\n\n~~barré~~ **gras** *it*\n",
        );
        assert!(html.contains("<th class=\"align-left\">a</th><th class=\"align-center\">b</th><th class=\"align-right\">c</th>"), "{html}");
        assert!(html.contains("<td class=\"align-right\">3</td>"), "{html}");
        assert!(html.contains("<li>☒ fait</li>") && html.contains("<ol start=\"3\">"), "{html}");
        assert!(html.contains("ligne<br/>\nsuivante") && html.contains("<hr/>"), "{html}");
        assert!(html.contains("<del>barré</del> <strong>gras</strong> <em>it</em>"), "{html}");
        assert_safe_xml(&format!("<div>{html}</div>"));
    }

    #[test]
    fn controls_are_stripped_from_bodies() {
        assert_eq!(body("a\u{1b}[2Jb\u{0}c\u{85}d"), "<p>abcd</p>\n");
    }
}
