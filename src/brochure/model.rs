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
    /// The site's name (its id when it has none).
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

impl Piece {
    /// The site as an article's head shows it: nothing when it only repeats
    /// the byline (a collective publishing on its own site).
    pub fn head_site(&self) -> &str {
        if self.authors.iter().any(|a| a.trim() == self.site.trim()) { "" } else { &self.site }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_that_repeats_the_byline_is_left_out_of_the_head() {
        let own = Piece { authors: vec!["La Lime".into()], site: "La Lime".into(), ..Piece::default() };
        assert_eq!(own.head_site(), "");
        let relayed = Piece { authors: vec!["Ana".into()], site: "La Lime".into(), ..Piece::default() };
        assert_eq!(relayed.head_site(), "La Lime");
    }
}
