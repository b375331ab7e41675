//! `corpus/sources.toml`: the sites the archive follows, one `[[source]]`
//! each, and the names of sites it holds without crawling them (`[[site]]`:
//! imported archives, the demo's sites). [`SiteNames`] is what every reader
//! shows instead of a site's id.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, check_id, invalid_at, parse_toml, read_optional};

/// How article pages of a site are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Spip,
    Wordpress,
    #[default]
    Generic,
    /// CSS selectors given in `[source.selectors]`.
    Custom,
}

/// CSS selectors of the `custom` profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    pub title: Option<String>,
    pub body: Option<String>,
    pub date: Option<String>,
    pub authors: Option<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

/// When an already archived article is fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recrawl {
    /// Fetched once; feeds and sitemaps still reveal updates.
    Never,
    Daily,
    #[default]
    Weekly,
    Monthly,
}

impl Recrawl {
    /// Seconds after a fetch when an archived article is checked again.
    pub fn interval(self) -> Option<i64> {
        match self {
            Recrawl::Never => None,
            Recrawl::Daily => Some(86_400),
            Recrawl::Weekly => Some(7 * 86_400),
            Recrawl::Monthly => Some(30 * 86_400),
        }
    }
}

/// One followed site.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub homepage: String,
    #[serde(default)]
    pub feeds: Vec<String>,
    #[serde(default)]
    pub sitemaps: Vec<String>,
    #[serde(default)]
    pub start: Vec<String>,
    /// Regular expressions; a URL in scope matches one (when any are given).
    #[serde(default)]
    pub include: Vec<String>,
    /// Regular expressions; a URL matching one is never fetched.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default = "default_depth")]
    pub max_depth: u32,
    /// How its pages are read; `None` (no `profile` line) lets each page's
    /// `<meta name=generator>` and markup choose.
    #[serde(default)]
    pub profile: Option<Profile>,
    pub selectors: Option<Selectors>,
    #[serde(default = "default_lang")]
    pub lang: String,
    /// Seconds between requests to this site, overriding veille.toml.
    pub crawl_delay: Option<f64>,
    #[serde(default)]
    pub recrawl: Recrawl,
}

fn default_depth() -> u32 {
    2
}

fn default_lang() -> String {
    "fr".into()
}

/// A site the archive holds but does not crawl: only its name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedSite {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    source: Vec<Spanned<Source>>,
    #[serde(default)]
    site: Vec<Spanned<NamedSite>>,
}

/// Sites' names by id, as the sources file gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteNames(HashMap<String, String>);

impl SiteNames {
    /// The name sources.toml gives the site `id`.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.0.get(id).map(String::as_str)
    }

    /// How the site `id` is shown to a person: its name in sources.toml,
    /// else the name its article carries (`site_name`, from an import),
    /// else the id itself.
    pub fn display<'a>(&'a self, id: &'a str, carried: Option<&'a str>) -> &'a str {
        self.get(id).or(carried.filter(|n| !n.trim().is_empty())).unwrap_or(id)
    }

    pub fn insert(&mut self, id: impl Into<String>, name: impl Into<String>) {
        self.0.insert(id.into(), name.into());
    }
}

/// Everything the sources file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourcesFile {
    pub sources: Vec<Source>,
    /// Names of the sources that have one and of the `[[site]]` entries.
    pub names: SiteNames,
}

/// Reads and validates the sources file; a missing file means no sources.
pub fn load(path: &Path) -> Result<Vec<Source>, ConfigError> {
    Ok(load_file(path)?.sources)
}

/// Reads and validates the sources file, `[[site]]` names included.
pub fn load_file(path: &Path) -> Result<SourcesFile, ConfigError> {
    let Some(text) = read_optional(path)? else {
        return Ok(SourcesFile::default());
    };
    parse(path, &text)
}

/// Validates the text of a sources file; `path` only names it in errors.
/// Apart from [`load_file`] so that the parser can be fuzzed without files.
pub fn parse(path: &Path, text: &str) -> Result<SourcesFile, ConfigError> {
    let file: File = parse_toml(path, text)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut names = SiteNames::default();
    let mut sources = Vec::with_capacity(file.source.len());
    for spanned in file.source {
        let span = spanned.span();
        let source = spanned.into_inner();
        let fail = |message: String| {
            invalid_at(path, text, span.clone(), format!("source {:?}: {message}", source.id))
        };
        check_id(&source.id).map_err(&fail)?;
        let line = super::line_at(text, span.start);
        if let Some(first) = seen.insert(source.id.clone(), line) {
            return Err(fail(format!("id already used by the source on line {first}")));
        }
        check_url("homepage", &source.homepage).map_err(&fail)?;
        for (field, urls) in
            [("feeds", &source.feeds), ("sitemaps", &source.sitemaps), ("start", &source.start)]
        {
            for url in urls {
                check_url(field, url).map_err(&fail)?;
            }
        }
        for (field, patterns) in [("include", &source.include), ("exclude", &source.exclude)] {
            for pattern in patterns {
                regex::Regex::new(pattern).map_err(|e| {
                    fail(format!("`{field}` pattern {pattern:?} is not a regular expression: {e}"))
                })?;
            }
        }
        match (source.profile, &source.selectors) {
            (Some(Profile::Custom), None) => {
                return Err(fail("profile \"custom\" needs a [source.selectors] table".into()));
            }
            (Some(Profile::Custom), Some(s)) if s.body.is_none() => {
                return Err(fail("profile \"custom\" needs at least `selectors.body`".into()));
            }
            _ => {}
        }
        if let Some(delay) = source.crawl_delay
            && !(delay >= 0.0 && delay.is_finite())
        {
            return Err(fail("`crawl_delay` must be a number of seconds ≥ 0".into()));
        }
        if !source.name.trim().is_empty() {
            names.insert(source.id.clone(), source.name.trim());
        }
        sources.push(source);
    }
    for spanned in file.site {
        let span = spanned.span();
        let site = spanned.into_inner();
        let fail =
            |message: String| invalid_at(path, text, span.clone(), format!("site {:?}: {message}", site.id));
        check_id(&site.id).map_err(&fail)?;
        let line = super::line_at(text, span.start);
        if let Some(first) = seen.insert(site.id.clone(), line) {
            return Err(fail(format!("id already used on line {first}")));
        }
        if site.name.trim().is_empty() {
            return Err(fail("`name` is empty".into()));
        }
        names.insert(site.id, site.name.trim());
    }
    Ok(SourcesFile { sources, names })
}

fn check_url(field: &str, value: &str) -> Result<(), String> {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        Ok(_) => Err(format!("`{field}`: {value:?} is not an http(s) URL")),
        Err(e) => Err(format!("`{field}`: {value:?} is not a URL ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Vec<Source>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, text).unwrap();
        load(&path).map_err(|e| e.to_string())
    }

    #[test]
    fn minimal_source_gets_defaults() {
        let sources = load_text("[[source]]\nid = \"a\"\nhomepage = \"https://a.example/\"\n").unwrap();
        assert_eq!(sources[0].profile, None, "each page's generator chooses");
        assert_eq!(sources[0].lang, "fr");
        assert_eq!(sources[0].max_depth, 2);
    }

    #[test]
    fn the_shipped_examples_are_valid_once_uncommented() {
        let shipped = include_str!("../../corpus/sources.toml");
        let toml_line =
            regex::Regex::new(r"^# (\[\[source\]\]|\[\[site\]\]|\[source\.selectors\]|[a-z_]+ = )").unwrap();
        let uncommented: String = shipped
            .lines()
            .map(|l| if toml_line.is_match(l) { &l[2..] } else { l })
            .map(|l| format!("{l}\n"))
            .collect();
        let sources = load_text(&uncommented).unwrap();
        let ids: Vec<_> = sources.iter().map(|s| s.id.as_str()).collect();
        for id in ["ricochets", "infokiosques", "reporterre", "pmo", "laquadrature", "antitech"] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn sites_are_named_by_sources_and_site_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        let text = "[[source]]\nid = \"lime\"\nname = \" La Lime \"\nhomepage = \"https://lime.example/\"\n\
                    [[source]]\nid = \"anon\"\nhomepage = \"https://anon.example/\"\n\
                    [[site]]\nid = \"kali\"\nname = \"Kali\"\n";
        std::fs::write(&path, text).unwrap();
        let file = load_file(&path).unwrap();
        assert_eq!(file.sources.len(), 2, "a [[site]] is not crawled");
        assert_eq!(file.names.display("lime", Some("autre")), "La Lime");
        assert_eq!(file.names.display("kali", None), "Kali");
        assert_eq!(file.names.display("anon", Some("Anonyme")), "Anonyme", "the article's own name");
        assert_eq!(file.names.display("anon", Some(" ")), "anon");
        assert_eq!(file.names.display("inconnu", None), "inconnu");
    }

    #[test]
    fn bad_site_tables_name_their_line() {
        let err = load_text(
            "[[source]]\nid = \"a\"\nhomepage = \"https://a.example\"\n[[site]]\nid = \"a\"\nname = \"A\"\n",
        )
        .unwrap_err();
        assert!(err.contains(":4:") && err.contains("line 1"), "{err}");
        let err = load_text("\n[[site]]\nid = \"b\"\nname = \"\"\n").unwrap_err();
        assert!(err.contains(":2:") && err.contains("name"), "{err}");
        let err = load_text("[[site]]\nid = \"B C\"\nname = \"x\"\n").unwrap_err();
        assert!(err.contains(":1:"), "{err}");
        let err = load_text("[[site]]\nid = \"b\"\nnom = \"x\"\n").unwrap_err();
        assert!(err.contains("nom"), "{err}");
    }

    #[test]
    fn errors_name_line_and_field() {
        let err = load_text("# x\n[[source]]\nid = \"a\"\nhomepage = \"ftp://a\"\n").unwrap_err();
        assert!(err.contains("sources.toml:2:") && err.contains("homepage"), "{err}");
        let err = load_text("[[source]]\nid = \"a\"\nhomepage = \"https://a.example\"\nprofil = \"spip\"\n")
            .unwrap_err();
        assert!(err.contains("sources.toml:4:") && err.contains("profil"), "{err}");
        let two = "[[source]]\nid = \"a\"\nhomepage = \"https://a.example\"\n[[source]]\nid = \"a\"\nhomepage = \"https://b.example\"\n";
        let err = load_text(two).unwrap_err();
        assert!(err.contains(":4:") && err.contains("line 1"), "{err}");
        let err = load_text("[[source]]\nid = \"a\"\nhomepage = \"https://a.example\"\ninclude = [\"(\"]\n")
            .unwrap_err();
        assert!(err.contains("include"), "{err}");
        let err =
            load_text("[[source]]\nid = \"a\"\nhomepage = \"https://a.example\"\nprofile = \"custom\"\n")
                .unwrap_err();
        assert!(err.contains("selectors"), "{err}");
    }
}
