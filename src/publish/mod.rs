//! What a collective publishes from a selection of the archive, besides
//! brochures: theme feeds in Atom ([`feed`]) and the weekly press review
//! ([`revue`]). Both show each article as an [`Item`]: its title, site,
//! date and link, and the collective's note, else the article's lead.

pub mod feed;
pub mod revue;

use chrono::NaiveDate;

use crate::corpus::{PubDate, StoredArticle};

/// Characters of an article's lead shown when the collective wrote no note.
const LEAD_CHARS: usize = 280;

/// One article as a feed or a review shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub title: String,
    /// The site's name.
    pub site: String,
    pub authors: Vec<String>,
    pub published: Option<PubDate>,
    /// When the archive fetched it (the feed's `updated`).
    pub fetched: Option<PubDate>,
    pub url: Option<String>,
    /// The collective's note, when there is one.
    pub note: Option<String>,
    /// The article's first sentences, in plain text on one line.
    pub lead: String,
    /// The collective's labels.
    pub labels: Vec<String>,
}

impl Item {
    /// The item of a stored article whose site is called `site`.
    pub fn of(stored: &StoredArticle, site: &str) -> Item {
        let a = &stored.article;
        Item {
            id: a.id.clone(),
            title: a.display_title(),
            site: site.to_string(),
            authors: a.authors.clone(),
            published: a.published,
            fetched: a.fetched,
            url: a.canonical_url.clone().or_else(|| a.url.clone()),
            note: a.annotations.note.clone(),
            lead: lead_of(&a.body),
            labels: a.annotations.labels.iter().cloned().collect(),
        }
    }

    /// What the item says of the article: the note, else the lead.
    pub fn summary(&self) -> &str {
        self.note.as_deref().unwrap_or(&self.lead)
    }

    /// The day it is listed under: published, else fetched.
    pub fn day(&self) -> Option<NaiveDate> {
        self.published.or(self.fetched).map(|d| d.date())
    }
}

/// The first sentences of a Markdown body, on one line; `…` when cut
/// inside a sentence.
pub fn lead_of(body: &str) -> String {
    // Headings (short lines that end no sentence) are no part of a lead.
    let plain = crate::corpus::text::plain_text(body);
    let text = plain
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with(['.', '!', '?', '…', '»', '"', ')']) || l.chars().count() >= 80)
        .collect::<Vec<_>>()
        .join("\n");
    let lead = crate::corpus::text::lead(text.trim(), LEAD_CHARS);
    let mut flat = lead.split_whitespace().collect::<Vec<_>>().join(" ");
    if lead.len() < text.trim().len() && !flat.ends_with(['.', '!', '?', '…', '»']) {
        flat.push('…');
    }
    flat
}

/// A date as an RFC 3339 instant (a day alone is its midnight UTC).
pub fn rfc3339(date: PubDate) -> String {
    date.instant().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_is_the_first_sentences() {
        let body = "## Un titre\n\nPremière phrase. Deuxième phrase, plus longue.\n\nSuite.";
        assert_eq!(lead_of(body), "Première phrase. Deuxième phrase, plus longue. Suite.");
        let sentences = "Une phrase assez longue pour compter dans le chapô. ".repeat(3);
        let long = format!("{sentences}{}", "mot ".repeat(200));
        assert_eq!(lead_of(&long), sentences.trim_end());
    }
}
