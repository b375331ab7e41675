//! An article as a bibliographic reference, and its CSL-JSON, RIS and
//! BibTeX (biblatex) forms: what Zotero, pandoc/citeproc and LaTeX read.
//!
//! One record ([`Reference`]) serves every format and the brochures'
//! sources page: type, title, container (the site's name), authors, date,
//! URL, the day the archive fetched it (CSL's `accessed`) and where the
//! archive keeps it (the collective's archive, the article file).

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use super::{Article, Kind};

/// An author: a person (family and given names) or a collective, which
/// keeps its whole name (`Collectif Le Sablier`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Person { family: String, given: String },
    Literal(String),
}

/// Words that start the name of a group, not of a person.
const GROUP_WORDS: [&str; 22] = [
    "collectif",
    "collective",
    "comité",
    "comite",
    "association",
    "coordination",
    "réseau",
    "reseau",
    "groupe",
    "assemblée",
    "union",
    "syndicat",
    "fédération",
    "federation",
    "rédaction",
    "redaction",
    "équipe",
    "cahiers",
    "la",
    "le",
    "les",
    "l’",
];

impl Name {
    /// Reads a byline: "Anselme Perret" is a person (family name last),
    /// "Collectif Le Sablier", a one-word name or a long one a collective.
    pub fn parse(text: &str) -> Name {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let words: Vec<&str> = text.split(' ').collect();
        let first = words[0].to_lowercase();
        let group =
            GROUP_WORDS.iter().any(|w| first == *w || first.starts_with("l’") || first.starts_with("l'"));
        let looks_personal = (2..=4).contains(&words.len())
            && !group
            && words.iter().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || "dv".contains(c)))
            && !text.chars().any(|c| c.is_ascii_digit());
        if !looks_personal {
            return Name::Literal(text);
        }
        // A particle goes with the family name: "Marie de Gournay".
        let mut split = words.len() - 1;
        while split > 1 && ["de", "du", "des", "d’", "van", "von", "le", "la"].contains(&words[split - 1]) {
            split -= 1;
        }
        Name::Person { family: words[split..].join(" "), given: words[..split].join(" ") }
    }
}

/// The bibliographic record of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// A citation key: letters of the first author (or site), the year and
    /// the start of the id, unique in an archive (`perret2024-b4165fd3`).
    pub key: String,
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub subtitle: Option<String>,
    /// The site's name.
    pub container: String,
    pub authors: Vec<Name>,
    pub issued: Option<NaiveDate>,
    pub url: Option<String>,
    /// When the archive fetched it.
    pub accessed: Option<NaiveDate>,
    /// The collective's archive (veille.toml `[archive] name`, else "veille").
    pub archive: String,
    /// The article file, relative to the home.
    pub archive_location: Option<String>,
    pub lang: Option<String>,
    /// The collective's note.
    pub note: Option<String>,
}

impl Reference {
    /// The record of `article`, whose site is called `site_name`, kept in
    /// `archive` at `location` (the article file, relative to the home).
    pub fn of(article: &Article, site_name: &str, archive: &str, location: Option<String>) -> Reference {
        let authors: Vec<Name> =
            article.authors.iter().filter(|a| !a.trim().is_empty()).map(|a| Name::parse(a)).collect();
        let issued = article.published.map(|p| p.date());
        let who = match authors.first() {
            Some(Name::Person { family, .. }) => family.clone(),
            Some(Name::Literal(name)) => name.clone(),
            None => site_name.to_string(),
        };
        let mut key: String =
            super::slug::slugify(&who, 24, "veille").chars().filter(|c| *c != '-').collect();
        if let Some(day) = issued {
            let _ = write!(key, "{}", day.year());
        }
        let _ = write!(key, "-{}", article.id.chars().take(8).collect::<String>());
        Reference {
            key,
            id: article.id.clone(),
            kind: article.kind,
            title: article.display_title(),
            subtitle: article.subtitle.clone().filter(|s| !s.trim().is_empty()),
            container: site_name.to_string(),
            authors,
            issued,
            url: article.canonical_url.clone().or_else(|| article.url.clone()),
            accessed: article.fetched.map(|p| p.date()),
            archive: if archive.trim().is_empty() { "veille".into() } else { archive.to_string() },
            archive_location: location,
            lang: article.lang.clone(),
            note: article.annotations.note.clone(),
        }
    }

    /// CSL's type: a web page, a PDF document as a report.
    fn csl_type(&self) -> &'static str {
        match self.kind {
            Kind::Document => "report",
            _ => "webpage",
        }
    }

    /// The CSL-JSON item (pandoc's and Zotero's citeproc read an array of them).
    pub fn csl_json(&self) -> Value {
        let date = |d: NaiveDate| json!({ "date-parts": [[d.year(), d.month(), d.day()]] });
        let mut item = serde_json::Map::new();
        item.insert("id".into(), json!(self.key));
        item.insert("type".into(), json!(self.csl_type()));
        item.insert("title".into(), json!(self.title));
        if let Some(subtitle) = &self.subtitle {
            item.insert("title-short".into(), json!(self.title));
            item.insert("title".into(), json!(format!("{} : {subtitle}", self.title)));
        }
        item.insert("container-title".into(), json!(self.container));
        if !self.authors.is_empty() {
            let authors: Vec<Value> = self
                .authors
                .iter()
                .map(|a| match a {
                    Name::Person { family, given } => json!({ "family": family, "given": given }),
                    Name::Literal(name) => json!({ "literal": name }),
                })
                .collect();
            item.insert("author".into(), Value::Array(authors));
        }
        if let Some(d) = self.issued {
            item.insert("issued".into(), date(d));
        }
        if let Some(url) = &self.url {
            item.insert("URL".into(), json!(url));
        }
        if let Some(d) = self.accessed {
            item.insert("accessed".into(), date(d));
        }
        item.insert("archive".into(), json!(self.archive));
        if let Some(location) = &self.archive_location {
            item.insert("archive_location".into(), json!(location));
        }
        if let Some(lang) = &self.lang {
            item.insert("language".into(), json!(lang));
        }
        if let Some(note) = &self.note {
            item.insert("note".into(), json!(note));
        }
        Value::Object(item)
    }

    /// The RIS record (Zotero, EndNote): one `TAG  - value` line each,
    /// ending with `ER  - `.
    pub fn ris(&self) -> String {
        let mut out = String::new();
        let mut line = |tag: &str, value: &str| {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if !value.is_empty() {
                let _ = write!(out, "{tag}  - {value}\r\n");
            }
        };
        line("TY", if self.kind == Kind::Document { "RPRT" } else { "ELEC" });
        line("ID", &self.key);
        line("TI", &self.full_title());
        line("T2", &self.container);
        for author in &self.authors {
            match author {
                Name::Person { family, given } => line("AU", &format!("{family}, {given}")),
                Name::Literal(name) => line("AU", name),
            }
        }
        if let Some(d) = self.issued {
            line("PY", &d.year().to_string());
            line("DA", &d.format("%Y/%m/%d/").to_string());
        }
        if let Some(url) = &self.url {
            line("UR", url);
        }
        if let Some(d) = self.accessed {
            line("Y2", &d.format("%Y/%m/%d/").to_string());
        }
        line("DB", &self.archive);
        if let Some(location) = &self.archive_location {
            line("AV", location);
        }
        if let Some(lang) = &self.lang {
            line("LA", lang);
        }
        if let Some(note) = &self.note {
            line("N1", note);
        }
        out.push_str("ER  - \r\n");
        out
    }

    /// The biblatex entry (`@online`, `@report` for a PDF document); the
    /// `year` and `howpublished` fields let classic BibTeX styles cite it too.
    pub fn bibtex(&self) -> String {
        let entry = if self.kind == Kind::Document { "report" } else { "online" };
        let mut out = format!("@{entry}{{{},\n", self.key);
        let mut field = |name: &str, value: &str| {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if !value.is_empty() {
                let _ = writeln!(out, "  {name} = {{{value}}},");
            }
        };
        field("title", &latex_escape(&self.title));
        if let Some(subtitle) = &self.subtitle {
            field("subtitle", &latex_escape(subtitle));
        }
        let authors: Vec<String> = self
            .authors
            .iter()
            .map(|a| match a {
                Name::Person { family, given } => {
                    format!("{}, {}", latex_escape(family), latex_escape(given))
                }
                // Braces keep a collective's name whole.
                Name::Literal(name) => format!("{{{}}}", latex_escape(name)),
            })
            .collect();
        field("author", &authors.join(" and "));
        field(
            if self.kind == Kind::Document { "institution" } else { "organization" },
            &latex_escape(&self.container),
        );
        if let Some(d) = self.issued {
            field("date", &d.to_string());
            field("year", &d.year().to_string());
        }
        if let Some(url) = &self.url {
            field("url", &url_escape(url));
            field("howpublished", &format!("\\url{{{}}}", url_escape(url)));
        }
        if let Some(d) = self.accessed {
            field("urldate", &d.to_string());
        }
        // biblatex's `library`: where a copy is kept, and under which name.
        let library = match &self.archive_location {
            Some(location) => format!("{}, {location}", self.archive),
            None => self.archive.clone(),
        };
        field("library", &latex_escape(&library));
        if let Some(lang) = &self.lang {
            field("langid", if lang == "fr" { "french" } else { lang });
        }
        if let Some(note) = &self.note {
            field("annotation", &latex_escape(note));
        }
        out.push_str("}\n");
        out
    }

    /// The title with its subtitle, French style (`Titre : sous-titre`).
    pub fn full_title(&self) -> String {
        match &self.subtitle {
            Some(subtitle) => format!("{} : {subtitle}", self.title),
            None => self.title.clone(),
        }
    }
}

/// Text for a BibTeX field: LaTeX's special characters escaped, braces
/// included, so that every field's braces balance.
fn latex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

/// A URL in a BibTeX field: `url` and `\url` take it verbatim, but for `%`,
/// `#` and unbalanced braces.
fn url_escape(url: &str) -> String {
    url.replace('\\', "%5C").replace('{', "%7B").replace('}', "%7D").replace('%', "\\%").replace('#', "\\#")
}

/// The CSL-JSON array of `references`, pretty-printed.
pub fn csl_json(references: &[Reference]) -> String {
    let items: Vec<Value> = references.iter().map(Reference::csl_json).collect();
    serde_json::to_string_pretty(&Value::Array(items)).expect("JSON values always serialise") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::PubDate;

    fn article() -> Article {
        let mut a = Article::new("b4165fd364f4775f", "la-lime", "Des puces & des serveurs {voraces}");
        a.subtitle = Some("Le paradoxe de Jevons".into());
        a.authors = vec!["Anselme Perret".into(), "Collectif Le Sablier".into()];
        a.published = Some(PubDate::parse("2024-05-22").unwrap());
        a.fetched = Some(PubDate::parse("2026-11-20T03:12:00+01:00").unwrap());
        a.url = Some("https://lalime.example/spip.php?article118#x".into());
        a.lang = Some("fr".into());
        a
    }

    #[test]
    fn names_of_people_and_of_collectives() {
        let person = |f: &str, g: &str| Name::Person { family: f.into(), given: g.into() };
        assert_eq!(Name::parse("Anselme Perret"), person("Perret", "Anselme"));
        assert_eq!(Name::parse("Marie de Gournay"), person("de Gournay", "Marie"));
        assert_eq!(Name::parse("Collectif Le Sablier"), Name::Literal("Collectif Le Sablier".into()));
        assert_eq!(Name::parse("Ricochets"), Name::Literal("Ricochets".into()));
        assert_eq!(Name::parse("Les Amis de la Terre"), Name::Literal("Les Amis de la Terre".into()));
    }

    #[test]
    fn one_record_three_formats() {
        let r =
            Reference::of(&article(), "La Lime", "Archive du Sablier", Some("corpus/articles/x.md".into()));
        assert_eq!(r.key, "perret2024-b4165fd3");
        let csl = r.csl_json();
        assert_eq!(csl["type"], "webpage");
        assert_eq!(csl["container-title"], "La Lime");
        assert_eq!(csl["author"][0]["family"], "Perret");
        assert_eq!(csl["author"][1]["literal"], "Collectif Le Sablier");
        assert_eq!(csl["issued"]["date-parts"][0][0], 2024);
        assert_eq!(csl["accessed"]["date-parts"][0][2], 20);
        let ris = r.ris();
        assert!(ris.starts_with("TY  - ELEC\r\n"), "{ris}");
        assert!(ris.contains("AU  - Perret, Anselme\r\n") && ris.contains("Y2  - 2026/11/20/\r\n"), "{ris}");
        assert!(ris.ends_with("ER  - \r\n"));
        let bib = r.bibtex();
        assert!(bib.contains("title = {Des puces \\& des serveurs \\{voraces\\}},"), "{bib}");
        assert!(bib.contains("author = {Perret, Anselme and {Collectif Le Sablier}},"), "{bib}");
        assert!(bib.contains("url = {https://lalime.example/spip.php?article118\\#x},"), "{bib}");
    }
}
