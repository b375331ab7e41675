//! The interface's words, in French when the locale is French and in
//! English otherwise, from one table: every string the UI shows is a
//! [`Text`] with both.

/// The language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    Fr,
    #[default]
    En,
}

impl Lang {
    /// From `LC_ALL`, `LC_MESSAGES`, then `LANG`, as gettext reads them.
    pub fn from_env() -> Lang {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let locale = var("LC_ALL").or_else(|| var("LC_MESSAGES")).or_else(|| var("LANG")).unwrap_or_default();
        Lang::from_locale(&locale)
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("fr") { Lang::Fr } else { Lang::En }
    }
}

/// One string in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Text {
    pub const fn new(fr: &'static str, en: &'static str) -> Text {
        Text { fr, en }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }
}

pub const ALL: Text = Text::new("Tout", "All");
pub const THEMES: Text = Text::new("Thèmes", "Themes");
pub const THEME: Text = Text::new("Thème", "Theme");
pub const RESULTS: Text = Text::new("Résultats", "Results");
pub const SEARCH: Text = Text::new("Recherche", "Search");
pub const READER: Text = Text::new("Lecture", "Reader");
pub const BASKET: Text = Text::new("Panier", "Basket");
pub const HELP: Text = Text::new("Aide", "Help");
pub const FILTERS: Text = Text::new("Filtres", "Filters");
pub const KEYS: Text = Text::new("Touches", "Keys");
pub const SITE: Text = Text::new("Site", "Site");
pub const KIND: Text = Text::new("Type", "Kind");
pub const SINCE: Text = Text::new("Depuis", "Since");
pub const SORT: Text = Text::new("Tri", "Sort");
pub const BY_RELEVANCE: Text = Text::new("pertinence", "relevance");
pub const BY_DATE: Text = Text::new("date", "date");
pub const ANY: Text = Text::new("tous", "any");
pub const ARTICLES: Text = Text::new("articles", "articles");
pub const SEARCHING: Text = Text::new("recherche…", "searching…");
pub const COUNTING: Text = Text::new("calcul…", "counting…");
pub const MODE_ALL: Text = Text::new("tous les mots", "all words");
/// The prompt for the basket's brochure title.
pub const BROCHURE_TITLE: Text = Text::new("Titre de la brochure", "Brochure title");
pub const BROCHURE_TITLE_HINT: Text =
    Text::new("Entrée : faire la brochure · Échap : annuler", "Enter: make the brochure · Esc: cancel");
/// The prompt for the collective's labels of an article.
pub const LABELS: Text = Text::new("Étiquettes", "Labels");
pub const LABELS_HINT: Text = Text::new(
    "+étiquette ajoute, -étiquette retire · Tab : compléter · Entrée : appliquer · Échap : annuler",
    "+label adds, -label removes · Tab: complete · Enter: apply · Esc: cancel",
);
/// The prompt for the collective's note on an article.
pub const NOTE: Text = Text::new("Note du collectif", "The collective's note");
pub const NOTE_HINT: Text = Text::new(
    "Entrée : enregistrer · Ctrl-E : $EDITOR · Ctrl-U : effacer · Échap : annuler",
    "Enter: save · Ctrl-E: $EDITOR · Ctrl-U: clear · Esc: cancel",
);
pub const SAVED_MARKS: Text =
    Text::new("enregistré dans le fichier de l'article", "written in the article's file");
/// Nothing typed: the list shows the newest articles.
pub const NEWEST: Text = Text::new("les plus récents", "newest first");
pub const MODE_BEST: Text = Text::new("meilleures correspondances", "best matches");
/// A ranked hit that lacks some of the words typed.
pub const SOME_WORDS: Text = Text::new("certains des mots", "some of the words");
pub const MODE_TYPO: Text = Text::new("tolérant aux fautes", "typo-tolerant");
pub const NO_RESULTS: Text = Text::new(
    "Aucun résultat. Essayez moins de mots, OU entre deux mots, ou l'orthographe sans accents.",
    "No results. Try fewer words, OR between two words, or the spelling without accents.",
);
pub const EMPTY_ARCHIVE: Text = Text::new(
    "L'archive est vide : ajoutez des sources dans corpus/sources.toml puis lancez `veille update`, ou importez un fichier avec `veille import`.",
    "The archive is empty: add sources to corpus/sources.toml then run `veille update`, or bring articles in with `veille import`.",
);
pub const TYPE_TO_SEARCH: Text =
    Text::new("Tapez des mots pour chercher dans l'archive.", "Type words to search the archive.");
pub const BASKET_EMPTY: Text = Text::new(
    "Le panier est vide : ajoutez un article avec b ou espace.",
    "The basket is empty: add an article with b or space.",
);
pub const ADDED: Text = Text::new("ajouté au panier", "added to the basket");
pub const REMOVED: Text = Text::new("retiré du panier", "removed from the basket");
pub const COPIED: Text = Text::new("adresse copiée", "address copied");
pub const OPENED: Text = Text::new("ouvert dans le navigateur", "opened in the browser");
pub const NO_URL: Text = Text::new("cet article n'a pas d'adresse", "this article has no address");
pub const NO_MATCH_IN_TEXT: Text =
    Text::new("aucun mot de la recherche dans ce texte", "no searched word in this text");
pub const EXPORTING: Text = Text::new("brochure en cours…", "making the brochure…");
pub const EXPORTED: Text = Text::new("brochure écrite :", "brochure written:");
pub const AUTHORS: Text = Text::new("Auteurs", "Authors");
pub const PUBLISHED: Text = Text::new("Publié", "Published");
pub const LINKS: Text = Text::new("Liens", "Links");
pub const CITED_BY: Text = Text::new("Cité par", "Cited by");
pub const DOCUMENTS: Text = Text::new("Documents", "Documents");
pub const PUBLISHED_WITH: Text = Text::new("Publié avec", "Published with");
pub const REPRISES: Text = Text::new("Reprises", "Reposts");
pub const SIMILAR: Text = Text::new("Articles proches de", "Articles similar to");
pub const HELP_CLOSE: Text = Text::new("Échap ou ? pour fermer", "Esc or ? to close");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_locales_give_french() {
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("fr_BE"), Lang::Fr);
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(SEARCH.get(Lang::Fr), "Recherche");
    }
}
