//! The index and the query language, on the demo archive and on small
//! corpora built for each test.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use tempfile::TempDir;
use veille::corpus::{Article, Corpus, PubDate};
use veille::index::search::{Mode, SearchOptions, Searcher, Sort, parse_themes};
use veille::index::{Index, IndexError, update};

fn no_progress(_: usize, _: usize) {}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The demo archive indexed once for all the tests that only read it.
fn demo() -> &'static Searcher {
    static DEMO: OnceLock<(TempDir, Searcher)> = OnceLock::new();
    let (_, searcher) = DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Corpus::new(repo().join("corpus"));
        let report = update::update(&corpus, &dir.path().join("index"), false, &no_progress).unwrap();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let themes = veille::config::themes::load(&repo().join("corpus/themes.toml")).unwrap();
        let (parsed, errors) = parse_themes(&themes, &repo().join("corpus/themes.toml"));
        assert!(errors.is_empty(), "{errors:?}");
        let searcher = Searcher::new(Index::open(&dir.path().join("index")).unwrap(), parsed).unwrap();
        (dir, searcher)
    });
    searcher
}

fn search(query: &str) -> veille::index::Results {
    let options = SearchOptions { limit: 100, ..SearchOptions::default() };
    demo().search(query, &options).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn ids(results: &veille::index::Results) -> Vec<String> {
    results.hits.iter().map(|h| h.id.clone()).collect()
}

#[test]
fn accents_elisions_and_plurals_do_not_matter() {
    let pairs =
        [("énergie", "energie"), ("militaires", "militaire"), ("l'eau", "eau"), ("réseaux", "reseau")];
    for (a, b) in pairs {
        let (x, y) = (search(a), search(b));
        assert!(x.total > 0, "{a} finds nothing");
        assert_eq!(ids(&x), ids(&y), "{a} and {b}");
    }
    assert_eq!(ids(&search("data-centers")), ids(&search("\"data center\"")));
}

fn search_by_date(query: &str) -> veille::index::Results {
    let options = SearchOptions { limit: 100, sort: Sort::Date, ..SearchOptions::default() };
    demo().search(query, &options).unwrap_or_else(|e| panic!("{query}: {e}"))
}

#[test]
fn articles_with_every_word_rank_first_and_the_others_follow_marked() {
    let both = search("lithium eau");
    let lithium = search("lithium");
    assert_eq!(both.mode, Mode::AllWords);
    // By date, every word is required: that list is the articles holding both.
    let every = search_by_date("lithium eau");
    assert_eq!(both.all_words, every.total);
    assert!(both.all_words <= lithium.total && both.all_words < both.total, "others hold one word");
    for hit in &both.hits {
        let holds_both = every.hits.iter().any(|h| h.id == hit.id);
        assert_eq!(hit.partial, !holds_both, "{} is marked by what it holds", hit.title);
    }
    assert!(!both.hits[0].partial, "an article with both words comes first");
    let first_partial = both.hits.iter().position(|h| h.partial).unwrap();
    assert!(first_partial >= both.all_words.min(3), "articles with both words lead");
    let mixed = search("lithium zyxwvutsrq");
    assert_eq!(mixed.mode, Mode::BestMatches);
    assert!(mixed.total > 0);
    let typo = search("enrgie");
    assert_eq!(typo.mode, Mode::Typo);
    assert!(typo.total > 0);
    let snippet = typo.hits[0].snippet.as_ref().unwrap();
    let (a, b) = snippet.highlights[0];
    let word: String = snippet.text.chars().skip(a).take(b - a).collect();
    assert!(word.to_lowercase().starts_with("énerg"), "typo matches are highlighted: {word}");
    // Known words never found together: the articles with the most of them.
    assert_eq!(search("bassines flamanville").mode, Mode::BestMatches);
    // A word no article has is taken for a typo before dropping it.
    let mistyped = search("enrgie nucléaire");
    assert_eq!(mistyped.mode, Mode::Typo, "an unknown word is read with typos first");
    let meant = search("énergie nucléaire");
    assert!(meant.total > 0);
    for hit in &meant.hits {
        assert!(ids(&mistyped).contains(&hit.id), "{} missing from the typo-tolerant hits", hit.title);
    }
    let question = search("Pourquoi les data centers consomment-ils tant d'eau ?");
    assert!(question.total > 0 && question.mode != Mode::Typo, "a question is ranked");
}

#[test]
fn ranked_pages_are_the_top_of_the_full_ranking() {
    // The ranked search skips articles that cannot enter the page (MaxScore):
    // a short page must be the start of a long one, in the same order.
    // Every reprise its own hit: folding would hide some of a site's articles.
    let ranked = |query: &str, limit| {
        let options =
            SearchOptions { limit, snippets: false, all_reprises: true, ..SearchOptions::default() };
        demo().search(query, &options).unwrap()
    };
    for query in ["lithium eau", "énergie nucléaire data center", "eau sécheresse bassines agriculture mines"]
    {
        let full = ranked(query, 100);
        for limit in [1, 2, 5] {
            let expected: Vec<_> = full.hits.iter().take(limit).map(|h| h.id.clone()).collect();
            assert_eq!(ids(&ranked(query, limit)), expected, "{query}, top {limit}");
        }
        // A filter takes the other path (every match scored): same order.
        let site = &full.hits[0].site;
        let filtered = ranked(&format!("{query} site:{site}"), 100);
        let expected: Vec<_> = full.hits.iter().filter(|h| &h.site == site).map(|h| h.id.clone()).collect();
        assert_eq!(ids(&filtered), expected, "{query} on {site}");
    }
}

#[test]
fn pasted_text_is_a_query() {
    for pasted in [
        "« L’IA militaire » : le (grand) silence des \"experts",
        "(voir la note sur l'eau",
        "Titre : l'eau) en France OU",
    ] {
        let results = search(pasted);
        assert!(results.total > 0, "{pasted} finds nothing");
    }
}

#[test]
fn operators_narrow_the_results() {
    let eau = search("eau");
    let without = search("eau -nucléaire");
    assert!(without.total < eau.total);
    let nuclear: Vec<_> = ids(&search("nucléaire"));
    assert!(without.hits.iter().all(|h| !nuclear.contains(&h.id)));

    let either = search("lithium OU uranium");
    assert!(either.total >= search("lithium").total.max(search("uranium").total));
    assert_eq!(ids(&either), ids(&search("lithium OR uranium")));

    let phrase = search("\"effet rebond\"");
    assert!(phrase.total > 0 && phrase.total <= search("effet rebond").total);

    for hit in &search("site:la-lime").hits {
        assert_eq!(hit.site, "la-lime");
    }
    assert_eq!(search("site:la-lime").total, 15);
    for hit in &search("type:communique").hits {
        assert_eq!(hit.kind, "communique");
    }
    for hit in &search("titre:eau").hits {
        let title = format!("{} {}", hit.title, hit.subtitle.clone().unwrap_or_default()).to_lowercase();
        assert!(title.contains("eau"), "{title}");
    }
    let by_author = search("auteur:\"Hélène Marchal\"");
    assert!(by_author.total > 0);
    assert!(by_author.hits.iter().all(|h| h.authors.iter().any(|a| a == "Hélène Marchal")));
    assert_eq!(ids(&search("auteur:\"helene MARCHAL\"")), ids(&by_author), "accents and case do not matter");
    assert!(search("auteur:marchal").total > by_author.total, "a last name alone finds every Marchal");

    let in_2025 = search("annee:2025");
    assert!(in_2025.total > 0);
    assert!(in_2025.hits.iter().all(|h| h.published.as_deref().unwrap().starts_with("2025")));
    assert_eq!(ids(&search("year:2025")), ids(&in_2025));
    for hit in &search("depuis:2026-06").hits {
        assert!(hit.published.as_deref().unwrap() >= "2026-06-01");
    }
    for hit in &search("avant:2024-07-01").hits {
        assert!(hit.published.as_deref().unwrap() < "2024-07-01");
    }
    let total = demo().num_docs() as usize;
    assert_eq!(search("depuis:2025").total + search("avant:2025").total, total);
}

#[test]
fn themes_are_queries_with_counts_and_timelines() {
    let themes = veille::config::themes::load(&repo().join("corpus/themes.toml")).unwrap();
    assert!(themes.len() >= 10);
    let (parsed, _) = parse_themes(&themes, Path::new("themes.toml"));
    let (counts, errors) = demo().theme_counts(&themes, &parsed, true).unwrap();
    assert!(errors.is_empty());
    for count in &counts {
        assert!(count.count >= 3, "theme {} has only {} articles", count.id, count.count);
        assert_eq!(count.count, search(&format!("theme:{}", count.id)).total);
        assert_eq!(count.timeline.iter().map(|(_, n)| *n as usize).sum::<usize>(), count.count);
        assert_eq!(count.timeline.first().unwrap().0, "2024-05");
    }
    let water_in_2025 = search("theme:eau annee:2025").total;
    assert!(water_in_2025 > 0 && water_in_2025 < search("theme:eau").total);
}

#[test]
fn a_broken_theme_is_reported_with_its_line_and_the_others_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("themes.toml");
    fs::write(
        &path,
        "[[theme]]\nid = \"ok\"\nlabel = \"Eau\"\nquery = \"eau\"\n\n[[theme]]\nid = \"casse\"\nlabel = \"Cassé\"\nquery = 'eau depuis:hier'\n\n[[theme]]\nid = \"fantome\"\nlabel = \"Fantôme\"\nquery = \"theme:inconnu\"\n",
    )
    .unwrap();
    let themes = veille::config::themes::load(&path).unwrap();
    let (parsed, errors) = parse_themes(&themes, &path);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().contains("themes.toml:6: theme \"casse\""), "{}", errors[0]);
    let (counts, errors) = demo().theme_counts(&themes, &parsed, false).unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].count, search("eau").total);
    assert_eq!(errors[0].0, "fantome");
}

#[test]
fn snippets_mark_the_matched_words() {
    let results = search("nappe phréatique");
    let hit = &results.hits[0];
    let snippet = hit.snippet.as_ref().unwrap();
    assert!(!snippet.highlights.is_empty());
    for &(start, end) in &snippet.highlights {
        let word: String =
            snippet.text.chars().skip(start).take(end - start).collect::<String>().to_lowercase();
        assert!(word.starts_with("nappe") || word.starts_with("phréatique"), "{word}");
    }
    assert!(!snippet.text.contains('\n'));
    assert!(!snippet.text.contains("](http"), "snippets come from plain text, not Markdown");
}

#[test]
fn sort_by_date_puts_the_newest_first() {
    let options = SearchOptions { limit: 50, sort: Sort::Date, ..SearchOptions::default() };
    let results = demo().search("eau", &options).unwrap();
    let dates: Vec<_> = results.hits.iter().map(|h| h.published.clone().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn odd_queries_get_answers_or_clear_errors() {
    assert!(search("le la les de").only_stop_words);
    assert_eq!(search("").total, demo().num_docs() as usize, "an empty query is the whole archive");
    let long = "énergie ".repeat(1250);
    assert!(matches!(demo().search(&long, &SearchOptions::default()), Err(IndexError::Query(_))));
    let one_long_word = "a".repeat(10_000);
    assert_eq!(search(&one_long_word).total, 0);
    for pasted in ["\"eau", "(eau", "eau)", "titre:"] {
        assert!(demo().search(pasted, &SearchOptions::default()).is_ok(), "{pasted} is read leniently");
    }
    for bad in ["type:tract", "depuis:hier", "theme:inconnu"] {
        match demo().search(bad, &SearchOptions::default()) {
            Err(IndexError::Query(e)) => assert!(e.span.end <= bad.len(), "{bad}"),
            other => panic!("{bad}: {:?}", other.map(|r| r.total)),
        }
    }
}

#[test]
fn similar_articles_exclude_the_article_itself() {
    let first = search("\"paradoxe de Jevons\"").hits[0].id.clone();
    let similar = demo().similar(&first, 5).unwrap().unwrap();
    assert!(!similar.hits.is_empty());
    assert!(similar.hits.iter().all(|h| h.id != first));
    assert!(demo().similar("nope", 5).unwrap().is_none());
}

// --- ranking on corpora of their own --------------------------------------

/// Searches a home's index, `limit` hits, best first.
fn ranked(home: &Home, query: &str) -> Vec<String> {
    let searcher = Searcher::new(Index::open(&home.index_dir()).unwrap(), HashMap::new()).unwrap();
    let options = SearchOptions { limit: 10, ..SearchOptions::default() };
    searcher.search(query, &options).unwrap().hits.into_iter().map(|h| h.id).collect()
}

#[test]
fn a_word_counts_once_whatever_the_fields_it_is_in() {
    // BM25F: "eau" in the title and ten times in the body is still one word
    // of two; the article holding both words wins.
    let mut articles = vec![
        article("eau-partout", "L'eau", &"L'eau coule. ".repeat(10)),
        article("les-deux", "Un été", "Une sécheresse sans eau pour les cultures du plateau."),
    ];
    for n in 0..6 {
        articles.push(article(&format!("remplissage-{n}"), "Chronique", &format!("De l'eau, semaine {n}.")));
    }
    let home = Home::new(articles);
    home.update(true);
    assert_eq!(ranked(&home, "eau sécheresse")[0], "les-deux");
}

#[test]
fn a_title_shared_by_a_series_says_less_than_the_text() {
    // Passages of one series share a title: the one whose text answers wins.
    let mut articles = Vec::new();
    for (n, topic) in
        ["les bassines", "le nucléaire", "les mines", "le rail", "les écrans"].iter().enumerate()
    {
        articles.push(article(&format!("revue-{n}"), "Revue de presse", &format!("Cette semaine, {topic}.")));
    }
    articles.push(article(
        "lithium",
        "Lithium",
        "Un projet de mine de lithium dans la vallée, une revue locale s'inquiète.",
    ));
    let home = Home::new(articles);
    home.update(true);
    assert_eq!(ranked(&home, "revue mine lithium")[0], "lithium");
    assert_eq!(ranked(&home, "revue de presse mines")[0], "revue-2");
}

#[test]
fn english_loanwords_do_not_meet_french_words() {
    let home = Home::new(vec![
        article("cents", "Un rapport", "Un rapport de deux cents pages sur les dates du chantier."),
        article("center", "Un data center", "Le data center de la zone consomme l'eau du fleuve."),
    ]);
    home.update(true);
    assert_eq!(ranked(&home, "\"data center\""), ["center"]);
    assert_eq!(ranked(&home, "centers"), ["center"]);
    assert_eq!(ranked(&home, "cents"), ["cents"]);
    assert_eq!(ranked(&home, "data"), ["center"]);
}

// --- incremental indexing on a corpus of its own -------------------------

fn article(id: &str, title: &str, body: &str) -> Article {
    let mut a = Article::new(id, "essai", title);
    a.body = body.into();
    a.published = Some(PubDate::parse("2025-01-15").unwrap());
    a
}

struct Home {
    dir: TempDir,
}

impl Home {
    fn new(articles: Vec<Article>) -> Home {
        let home = Home { dir: tempfile::tempdir().unwrap() };
        home.save(articles);
        home
    }
    fn corpus(&self) -> Corpus {
        Corpus::new(self.dir.path().join("corpus"))
    }
    fn index_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("index")
    }
    fn save(&self, articles: Vec<Article>) {
        let corpus = self.corpus();
        let (mut writer, _) = corpus.writer().unwrap();
        for result in writer.save_all(articles) {
            result.unwrap();
        }
    }
    fn update(&self, rebuild: bool) -> update::Report {
        update::update(&self.corpus(), &self.index_dir(), rebuild, &no_progress).unwrap()
    }
    fn search(&self, query: &str) -> Vec<(String, String)> {
        let searcher = Searcher::new(Index::open(&self.index_dir()).unwrap(), HashMap::new()).unwrap();
        let options = SearchOptions { limit: 100, ..SearchOptions::default() };
        let mut hits: Vec<_> =
            searcher.search(query, &options).unwrap().hits.into_iter().map(|h| (h.id, h.title)).collect();
        hits.sort();
        hits
    }
    fn path_of(&self, id: &str) -> std::path::PathBuf {
        let corpus = self.corpus();
        let (writer, _) = corpus.writer().unwrap();
        writer.path_of(id).unwrap()
    }
}

#[test]
fn only_new_changed_and_removed_files_are_touched() {
    let home = Home::new(vec![
        article("a", "Sécheresse", "Les nappes baissent."),
        article("b", "Lithium", "Une mine de lithium dans l'Allier."),
        article("c", "Uranium", "Le combustible vient de loin."),
    ]);
    let r = home.update(false);
    assert_eq!((r.added, r.updated, r.removed, r.unchanged), (3, 0, 0, 0));
    let r = home.update(false);
    assert_eq!((r.added, r.updated, r.removed, r.unchanged), (0, 0, 0, 3));

    home.save(vec![article("b", "Lithium", "Une mine de cuivre, finalement.")]);
    fs::remove_file(home.path_of("c")).unwrap();
    home.save(vec![article("d", "Cuivre", "Le cuivre de l'électrification.")]);
    let r = home.update(false);
    assert_eq!((r.added, r.updated, r.removed, r.unchanged), (1, 1, 1, 1));
    assert_eq!(home.search("cuivre").len(), 2);
    assert!(home.search("lithium").iter().all(|(id, _)| id == "b"), "b is found by its title only");
    assert!(home.search("uranium").is_empty());

    // Editing only the front matter (the title) is a change too.
    let path = home.path_of("a");
    let text = fs::read_to_string(&path).unwrap().replace("title = \"Sécheresse\"", "title = \"Étiage\"");
    fs::write(&path, text).unwrap();
    let r = home.update(false);
    assert_eq!(r.updated, 1);
    assert_eq!(home.search("étiage"), [("a".to_string(), "Étiage".to_string())]);

    // Deleting the index and indexing again gives the same results.
    let before: Vec<_> = ["cuivre", "nappes", "mine", "étiage"].iter().map(|q| home.search(q)).collect();
    fs::remove_dir_all(home.index_dir()).unwrap();
    let r = home.update(false);
    assert_eq!(r.added, 3);
    let after: Vec<_> = ["cuivre", "nappes", "mine", "étiage"].iter().map(|q| home.search(q)).collect();
    assert_eq!(before, after);
    let r = home.update(true);
    assert!(r.rebuilt);
    assert_eq!(r.added, 3);
}

#[test]
fn a_broken_file_is_reported_and_skipped() {
    let home = Home::new(vec![article("a", "Eau", "Texte."), article("b", "Eau encore", "Texte.")]);
    home.update(false);
    fs::write(home.path_of("b"), "+++\nid = \"b\"\ntitle = [\n+++\n").unwrap();
    let broken = home.corpus().articles_dir().join("essai/casse.md");
    fs::write(&broken, "pas d'en-tête").unwrap();
    let r = home.update(false);
    assert_eq!(r.failed.len(), 2);
    assert!(r.failed.iter().any(|f| f.contains("casse.md:1")), "{:?}", r.failed);
    assert_eq!(r.removed, 1, "the broken file's old document goes");
    assert_eq!(home.search("eau"), [("a".to_string(), "Eau".to_string())]);
}

#[test]
fn two_files_with_one_id_index_one() {
    let home = Home::new(vec![article("a", "Eau", "Texte.")]);
    let copy = home.corpus().articles_dir().join("essai/2025/01/copie.md");
    fs::copy(home.path_of("a"), &copy).unwrap();
    let r = home.update(false);
    assert_eq!(r.failed.len(), 1);
    assert!(r.failed[0].contains("already used"), "{}", r.failed[0]);
    assert_eq!(home.search("eau").len(), 1);
}

#[test]
fn a_second_writer_is_told_the_index_is_busy() {
    let home = Home::new(vec![article("a", "Eau", "Texte.")]);
    home.update(false);
    let index = tantivy::Index::open_in_dir(home.index_dir()).unwrap();
    let _writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let err = update::update(&home.corpus(), &home.index_dir(), false, &no_progress).unwrap_err();
    assert!(matches!(err, IndexError::Busy), "{err}");
    assert!(err.to_string().contains("busy"));
}

#[test]
fn readers_see_the_old_or_the_new_index_never_a_mix() {
    let first: Vec<_> = (0..200).map(|i| article(&format!("a{i}"), "Eau", "Les nappes.")).collect();
    let home = Home::new(first);
    home.update(false);
    let second: Vec<_> = (0..400).map(|i| article(&format!("b{i}"), "Eau", "Les nappes encore.")).collect();
    home.save(second);
    let searcher = Searcher::new(Index::open(&home.index_dir()).unwrap(), HashMap::new()).unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let options = SearchOptions { limit: 1, snippets: false, ..SearchOptions::default() };
            let mut seen = std::collections::BTreeSet::new();
            loop {
                let finished = done.load(Ordering::SeqCst);
                searcher.reload().unwrap();
                seen.insert(searcher.search("eau", &options).unwrap().total);
                if finished {
                    return seen;
                }
            }
        });
        home.update(false);
        done.store(true, Ordering::SeqCst);
        let seen = reader.join().unwrap();
        assert!(seen.iter().all(|n| *n == 200 || *n == 600), "{seen:?}");
        assert!(seen.contains(&600));
    });
}
