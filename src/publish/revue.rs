//! The press review (« revue de presse »): a selection of articles grouped
//! by theme or by site, each with its title, site, date, link and the
//! collective's note, else the article's lead, in French typography.
//!
//! Three formats, each a template a home may replace (`corpus/revue.md`,
//! `corpus/revue.html`, `corpus/revue.txt`, as `corpus/brochure.typ` does
//! for brochures): Markdown, HTML ready to paste into a newsletter (inline
//! styles, no scripts; minijinja escapes every string of an `.html`
//! template) and plain text for a mailing list. The strings are prepared
//! here (typography, Markdown escapes, wrapping), so that a template only
//! lays them out.

use chrono::NaiveDate;
use serde::Serialize;

use super::Item;
use crate::brochure::typography;

/// A review's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Text,
}

impl Format {
    /// The template file a home may put in `corpus/`, whose extension also
    /// turns on HTML escaping.
    pub fn template_name(self) -> &'static str {
        match self {
            Format::Markdown => "revue.md",
            Format::Html => "revue.html",
            Format::Text => "revue.txt",
        }
    }

    /// The built-in template.
    pub fn builtin(self) -> &'static str {
        match self {
            Format::Markdown => include_str!("revue.md"),
            Format::Html => include_str!("revue.html"),
            Format::Text => include_str!("revue.txt"),
        }
    }
}

/// A template that does not compile or render, with minijinja's words.
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

/// A press review ready to be rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Revue {
    pub title: String,
    /// The days it covers, when it covers a period.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The collective's name (veille.toml `[archive] name`).
    pub collective: String,
    /// Groups in order: a heading and its items.
    pub groups: Vec<(String, Vec<Item>)>,
}

/// Groups `items` under `key` (the first theme of an article, its site…),
/// groups in the order of `order` then by name, newest first inside each.
pub fn group(items: Vec<Item>, key: impl Fn(&Item) -> String, order: &[String]) -> Vec<(String, Vec<Item>)> {
    let mut groups: Vec<(String, Vec<Item>)> = Vec::new();
    for item in items {
        let name = key(&item);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(item),
            None => groups.push((name, vec![item])),
        }
    }
    let rank = |name: &str| order.iter().position(|o| o == name).unwrap_or(order.len());
    groups.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
    for (_, members) in &mut groups {
        members.sort_by_key(|item| std::cmp::Reverse(item.day()));
    }
    groups
}

#[derive(Serialize)]
struct Context {
    title: String,
    title_rule: String,
    period: String,
    count: String,
    collective: String,
    note_label: String,
    groups: Vec<GroupContext>,
}

#[derive(Serialize)]
struct GroupContext {
    name: String,
    items: Vec<ItemContext>,
}

#[derive(Serialize)]
struct ItemContext {
    title: String,
    title_wrapped: String,
    site: String,
    date: String,
    url: Option<String>,
    text: String,
    text_wrapped: String,
    is_note: bool,
    authors: String,
    labels: Vec<String>,
}

/// Markdown's inline markup characters escaped, so that a title holding
/// `*` or `[` stays text.
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Greedy wrapping at `width` characters, later lines indented by `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = 0usize;
    // Only plain spaces break: the no-break spaces of French typography hold.
    for word in text.split([' ', '\n', '\t']).filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            out.push_str(indent);
            line = indent.chars().count();
        } else if line > 0 {
            out.push(' ');
            line += 1;
        } else {
            line = indent.chars().count();
        }
        out.push_str(word);
        line += len;
    }
    out
}

/// Only web addresses are links: anything else (`javascript:`) is dropped.
fn web_url(url: Option<&str>) -> Option<String> {
    url.map(str::trim).filter(|u| u.starts_with("https://") || u.starts_with("http://")).map(str::to_string)
}

fn context(revue: &Revue, format: Format) -> Context {
    let prose = |text: &str| {
        let text = typography::french(&typography::clean_controls(text));
        if format == Format::Markdown { markdown_escape(&text) } else { text }
    };
    let count: usize = revue.groups.iter().map(|(_, items)| items.len()).sum();
    let title = prose(&revue.title);
    Context {
        title_rule: "=".repeat(revue.title.chars().count().min(72)),
        title,
        period: match revue.period {
            Some((from, to)) if from == to => format!("le {}", typography::date(from)),
            Some((from, to)) => format!("du {} au {}", typography::date(from), typography::date(to)),
            None => String::new(),
        },
        count: if count == 1 { "1 article".into() } else { format!("{count} articles") },
        collective: prose(&revue.collective),
        note_label: format!("Notre note{}:", typography::NBSP),
        groups: revue
            .groups
            .iter()
            .map(|(name, items)| GroupContext {
                name: prose(name),
                items: items
                    .iter()
                    .map(|item| {
                        let text = prose(item.summary());
                        let title = prose(&item.title);
                        ItemContext {
                            title_wrapped: wrap(&title, 70, "  "),
                            title,
                            site: prose(&item.site),
                            date: item.day().map(typography::date).unwrap_or_default(),
                            url: web_url(item.url.as_deref()),
                            text_wrapped: wrap(&text, 70, "  "),
                            text,
                            is_note: item.note.is_some(),
                            authors: typography::join(
                                &item.authors.iter().map(|a| prose(a)).collect::<Vec<_>>(),
                            ),
                            labels: item.labels.clone(),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Renders `revue` in `format` with `template` (the home's), else the
/// built-in one.
pub fn render(revue: &Revue, format: Format, template: Option<&str>) -> Result<String, TemplateError> {
    let name = format.template_name();
    let error = |e: minijinja::Error| TemplateError { name: name.to_string(), message: e.to_string() };
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build();
    env.set_syntax(syntax.map_err(error)?);
    env.add_template(name, template.unwrap_or(format.builtin())).map_err(error)?;
    let text = env
        .get_template(name)
        .map_err(error)?
        .render(minijinja::value::Serde(context(revue, format)))
        .map_err(error)?;
    // Blank lines that conditionals leave, at most one in a row.
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for raw in text.lines() {
        // Markdown's hard break (two spaces at a line's end) is kept.
        let line = if raw.trim().is_empty() {
            String::new()
        } else if format == Format::Markdown && raw.ends_with("  ") {
            format!("{}  ", raw.trim_end())
        } else {
            raw.trim_end().to_string()
        };
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(&line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::PubDate;

    fn item(id: &str, title: &str, site: &str, note: Option<&str>) -> Item {
        Item {
            id: id.into(),
            title: title.into(),
            site: site.into(),
            authors: vec![],
            published: Some(PubDate::parse("2026-12-01").unwrap()),
            fetched: None,
            url: Some(format!("https://{site}.example/{id}?a=1&b=2")),
            note: note.map(str::to_string),
            lead: "Première phrase; la suite...".into(),
            labels: vec![],
        }
    }

    fn revue() -> Revue {
        Revue {
            title: "Revue de presse n° 48".into(),
            period: NaiveDate::from_ymd_opt(2026, 11, 30).zip(NaiveDate::from_ymd_opt(2026, 12, 7)),
            collective: "Le Sablier".into(),
            groups: vec![(
                "Eau".into(),
                vec![
                    item("a", "L'eau <script>alert(1)</script> & *nous*", "lalime", Some("À lire: vite!")),
                    item("b", "Sans note", "sablier", None),
                ],
            )],
        }
    }

    #[test]
    fn html_escapes_every_string_and_has_no_script() {
        let html = render(&revue(), Format::Html, None).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("L’eau &lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; *nous*"), "{html}");
        assert!(html.contains("href=\"https:&#x2f;&#x2f;lalime.example&#x2f;a?a=1&amp;b=2\""), "{html}");
        assert!(html.contains("À lire\u{a0}: vite\u{202f}!"), "French typography: {html}");
        assert!(html.contains("Première phrase\u{202f}; la suite…"), "the lead without a note: {html}");
        assert!(!html.contains("<style"), "inline styles only");
    }

    #[test]
    fn markdown_and_text() {
        let md = render(&revue(), Format::Markdown, None).unwrap();
        assert!(md.starts_with("# Revue de presse n° 48\n\ndu 30\u{a0}novembre 2026 au 7\u{a0}décembre 2026 · 2 articles · Le Sablier\n\n## Eau\n"), "{md}");
        assert!(md.contains("- **[L’eau \\<script\\>alert(1)\\</script\\> & \\*nous\\*](<https://lalime.example/a?a=1&b=2>)** — lalime, 1er\u{a0}décembre 2026  \n"), "{md}");
        let text = render(&revue(), Format::Text, None).unwrap();
        assert!(text.contains("\nEAU\n\n* L’eau <script>"), "{text}");
        assert!(text.lines().all(|l| l.contains("://") || l.chars().count() <= 72), "{text}");
    }

    #[test]
    fn a_home_template_replaces_the_built_in_one() {
        let out = render(
            &revue(),
            Format::Html,
            Some("{{ title }}|{% for g in groups %}{{ g.items|length }}{% endfor %}"),
        )
        .unwrap();
        assert_eq!(out, "Revue de presse n° 48|2\n");
        let err = render(&revue(), Format::Html, Some("{% for %}")).unwrap_err();
        assert!(err.to_string().starts_with("template revue.html:"), "{err}");
    }

    #[test]
    fn groups_follow_the_given_order() {
        let items = vec![item("a", "A", "x", None), item("b", "B", "y", None), item("c", "C", "x", None)];
        let groups = group(items, |i| i.site.clone(), &["y".to_string()]);
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["y", "x"]);
        assert_eq!(groups[1].1.len(), 2);
    }
}
