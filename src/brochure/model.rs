//! What a brochure holds, whatever its format: the cover's words, an
//! optional introduction, the articles in order, each with what the
//! sources page needs.

use chrono::NaiveDate;

/// A brochure ready to be written in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct Brochure {
    pub title: String,
    pub subtitle: Option<String>,
    /// The collective's name (veille.toml `[archive] name`), on the cover and colophon.
    pub collective: String,
    /// When the brochure was compiled.
    pub date: NaiveDate,
    /// The introduction, in Markdown.
    pub intro: Option<String>,
    pub articles: Vec<Piece>,
    /// Articles per month (`YYYY-MM`, count) of a theme brochure, for its chart.
    pub timeline: Vec<(String, u64)>,
    /// Language of the brochure (`fr`): hyphenation and typography.
    pub lang: String,
}

/// One article of a brochure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Piece {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// The site's id (its name when known).
    pub site: String,
    /// `YYYY-MM-DD`.
    pub published: Option<String>,
    pub url: Option<String>,
    /// `YYYY-MM-DD`: when the archive fetched it.
    pub archived: Option<String>,
    /// The body, in Markdown.
    pub body: String,
    /// Other places the same text appeared (URLs), listed on the sources page.
    pub also: Vec<String>,
}
