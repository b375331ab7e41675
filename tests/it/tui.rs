//! The terminal UI drawn into ratatui's TestBackend at 80×24 and 120×40,
//! compared with insta snapshots (`cargo insta review` after a deliberate
//! change), hostile article text included. The state is driven through
//! `App::update` as the real UI drives it; the worker's answers are given
//! by hand.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use veille::corpus::Article;
use veille::corpus::basket::Basket;
use veille::index::search::{Hit, Mode, Snippet};
use veille::index::themes::ThemeCount;
use veille::tui::app::{App, Msg};
use veille::tui::i18n::Lang;
use veille::tui::keymap::Keymap;
use veille::tui::theme::{Palette, Styles};
use veille::tui::view;
use veille::tui::worker::{Request, Response};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn hit(id: &str, title: &str, site: &str, date: &str, snippet: &str, highlight: (usize, usize)) -> Hit {
    Hit {
        id: id.into(),
        title: title.into(),
        subtitle: None,
        site: site.into(),
        site_name: match site {
            "collectif-sablier" => "Collectif Le Sablier",
            "la-lime" => "La Lime",
            "cahiers-du-frein" => "Cahiers du frein",
            other => other,
        }
        .into(),
        kind: "article".into(),
        lang: "fr".into(),
        authors: vec!["Collectif Le Sablier".into()],
        published: Some(date.into()),
        url: Some(format!("https://{site}.example/spip.php?article{id}")),
        path: format!("articles/{site}/2025/03/{id}.md"),
        score: 1.0,
        snippet: Some(Snippet { text: snippet.into(), highlights: vec![highlight], page: None }),
        also_on: vec![],
        also_on_names: vec![],
        reprises: 0,
        partial: false,
        labels: vec![],
        note: None,
        read: false,
    }
}

fn hits() -> Vec<Hit> {
    vec![
        hit(
            "1",
            "Puces contre rivières : l'eau du Grésivaudan n'est pas à vendre",
            "collectif-sablier",
            "2026-03-10",
            "… les usines de semi-conducteurs pompent l'eau de l'Isère pendant que les communes …",
            (47, 51),
        ),
        hit(
            "2",
            "Data centers : la soif cachée du nuage",
            "la-lime",
            "2025-07-02",
            "Refroidir des serveurs demande des millions de mètres cubes d'eau par an …",
            (67, 70),
        ),
        // Ranked after those with every word, it lacks one: marked so.
        Hit {
            partial: true,
            ..hit(
                "3",
                "Effet rebond : quand l'efficacité fait consommer plus",
                "cahiers-du-frein",
                "2024-11-20",
                "L'eau économisée par une machine plus sobre …",
                (2, 5),
            )
        },
    ]
}

fn app(lang: Lang) -> App {
    let mut app =
        App::new(lang, Keymap::default(), Styles::default(), Basket::new("panier").unwrap(), vec![]);
    app.palette = Palette::monochrome();
    app.update(Msg::Worker(Response::ThemeCounts {
        all: 64,
        themes: vec![
            ThemeCount {
                id: "eau".into(),
                label: "Eau".into(),
                count: 12,
                timeline: timeline(&[0, 1, 3, 2, 5, 1]),
            },
            ThemeCount {
                id: "ia-militaire".into(),
                label: "IA militaire".into(),
                count: 7,
                timeline: timeline(&[1, 0, 2]),
            },
            ThemeCount {
                id: "effet-rebond".into(),
                label: "Effet rebond".into(),
                count: 5,
                timeline: timeline(&[2, 2]),
            },
        ],
        sites: vec!["collectif-sablier".into(), "la-lime".into()],
        years: vec![2024, 2025, 2026],
    }));
    app
}

fn timeline(counts: &[u64]) -> Vec<(String, u64)> {
    counts.iter().enumerate().map(|(i, &n)| (format!("2025-{:02}", i + 1), n)).collect()
}

fn key(app: &mut App, code: KeyCode) -> Vec<veille::tui::app::Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) -> u64 {
    let mut generation = 0;
    for c in text.chars() {
        for effect in key(app, KeyCode::Char(c)) {
            if let veille::tui::app::Effect::Request(Request::Search { generation: g, .. }) = effect {
                generation = g;
            }
        }
    }
    generation
}

fn answer(app: &mut App, generation: u64, hits: Vec<Hit>) {
    let mut themes = HashMap::new();
    themes.insert("1".to_string(), vec!["eau".to_string()]);
    themes.insert("2".to_string(), vec!["eau".to_string(), "effet-rebond".to_string()]);
    let total = hits.len();
    app.update(Msg::Worker(Response::Results {
        generation,
        hits,
        total,
        mode: Mode::AllWords,
        themes,
        terms: vec!["eau".into()],
    }));
}

/// The screen as text, one line per row, trailing spaces kept off.
fn screen(app: &mut App, width: u16, height: u16) -> String {
    app.update(Msg::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn each_size(name: &str, app: &mut App) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app, w, h));
    }
}

#[test]
fn search_screen() {
    let mut app = app(Lang::Fr);
    // Opening, nothing typed: the newest articles, as a mail reader opens.
    let generation = app
        .start()
        .into_iter()
        .find_map(|effect| match effect {
            veille::tui::app::Effect::Request(Request::Search { generation, query, sort, .. }) => {
                assert!(query.is_empty(), "{query}");
                assert_eq!(sort, veille::index::Sort::Date);
                Some(generation)
            }
            _ => None,
        })
        .expect("the UI asks for the newest articles when it opens");
    answer(&mut app, generation, hits());
    each_size("newest_on_opening", &mut app);
    let generation = typed(&mut app, "eau");
    answer(&mut app, generation, hits());
    key(&mut app, KeyCode::Down);
    each_size("results_fr", &mut app);
    let mut app = self::app(Lang::En);
    let generation = typed(&mut app, "zzz");
    answer(&mut app, generation, vec![]);
    each_size("no_results_en", &mut app);
}

#[test]
fn reader_basket_help_and_filters() {
    let mut app = app(Lang::Fr);
    let generation = typed(&mut app, "eau");
    answer(&mut app, generation, hits());
    key(&mut app, KeyCode::Enter);
    let mut article = Article::new("1", "collectif-sablier", "Puces contre rivières");
    article.body = "## Une usine assoiffée\n\nLes fabricants de puces pompent **l'eau** de l'Isère : des millions de mètres cubes par an, pour rincer des plaquettes de silicium.\n\n> Nous ne laisserons pas l'eau partir en fumée.\n\n- réunion publique le 22 mars ;\n- lettre aux élus [^1].\n\nLire [le dossier](https://collectif-sablier.example/dossier) et [l'appel](https://collectif-sablier.example/appel).\n\n[^1]: Envoyée le 3 mars.".into();
    app.update(Msg::Worker(Response::Article {
        id: "1".into(),
        article: Ok(Box::new(article)),
        cited_by: vec!["Un autre texte".into()],
        linked: vec![],
    }));
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Char('a'));
    each_size("reader", &mut app);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('p'));
    app.update(Msg::Worker(Response::Hits { hits: vec![hits().remove(0)] }));
    each_size("basket", &mut app);
    // The brochure's title is asked before it is made.
    key(&mut app, KeyCode::Char('e'));
    typed(&mut app, "L'eau en lutte");
    let prompt = screen(&mut app, 80, 24);
    assert!(prompt.contains("Titre de la brochure") && prompt.contains("L'eau en lutte"), "{prompt}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    each_size("help", &mut app);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('f'));
    key(&mut app, KeyCode::Char('l'));
    each_size("filters", &mut app);
}

#[test]
fn hostile_article_text_never_reaches_the_terminal() {
    let mut app = app(Lang::Fr);
    let generation = typed(&mut app, "eau");
    let hostile = "Titre \u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}effacé \u{202E}enrevsé\u{202C} zéro\u{200B}largeur 🌊🏴‍☠️ 水の危機";
    let mut bad =
        hit("9", hostile, "site\u{1b}[31m", "2025-01-01", "snippet \u{9b}31m \u{7} avec l'eau", (20, 25));
    bad.authors = vec!["\u{1b}]8;;https://evil.example\u{1b}\\lien\u{1b}]8;;\u{1b}\\".into()];
    answer(&mut app, generation, vec![bad]);
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        assert!(!text.contains('\u{202E}') && !text.contains('\u{200B}'));
        insta::assert_snapshot!(format!("hostile_results_{w}x{h}"), text);
    }
    key(&mut app, KeyCode::Enter);
    let mut article = Article::new("9", "site", hostile);
    article.body = format!("{hostile}\n\n{}\n\nfin \u{1b}[?1049l", "mot ".repeat(250_000));
    app.update(Msg::Worker(Response::Article {
        id: "9".into(),
        article: Ok(Box::new(article)),
        cited_by: vec!["Un autre texte".into()],
        linked: vec![],
    }));
    for (w, h) in SIZES {
        let text = screen(&mut app, w, h);
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        insta::assert_snapshot!(format!("hostile_reader_{w}x{h}"), text);
    }
}

#[test]
fn a_document_shows_its_page_its_status_and_the_page_of_its_snippet() {
    let mut app = app(Lang::Fr);
    let generation = typed(&mut app, "eau");
    let mut document =
        hit("7", "Le registre des eaux", "kiosque", "2025-02-11", "la nappe baisse chaque été", (3, 8));
    document.kind = "document".into();
    if let Some(snippet) = document.snippet.as_mut() {
        snippet.page = Some(12);
    }
    answer(&mut app, generation, vec![document]);
    let results = screen(&mut app, 120, 40);
    assert!(results.contains("p. 12 · la nappe"), "{results}");
    key(&mut app, KeyCode::Enter);
    let mut article = Article::new("7", "kiosque", "Le registre des eaux");
    article
        .extra
        .insert("status".into(), toml::Value::String("image only, no text (scanned pages; no OCR)".into()));
    app.update(Msg::Worker(Response::Article {
        id: "7".into(),
        article: Ok(Box::new(article)),
        cited_by: vec![],
        linked: vec!["Brochures du kiosque".into()],
    }));
    let reader = screen(&mut app, 120, 40);
    assert!(reader.contains("Publié avec : « Brochures du kiosque »"), "{reader}");
    assert!(reader.contains("⚠ image only, no text"), "{reader}");
}

#[test]
fn the_selected_theme_is_named_whole_in_the_status_bar() {
    let mut app = app(Lang::Fr);
    // Tab to the results, Tab to the themes, down to "IA militaire".
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let screen = screen(&mut app, 120, 40);
    let status = screen.lines().nth(38).unwrap();
    assert!(status.contains("Thème : IA militaire"), "{status}");
}

#[test]
fn labels_notes_and_the_read_mark_from_the_keyboard() {
    use veille::tui::app::Effect;
    use veille::tui::worker::MarkChange;
    let mut app = app(Lang::Fr);
    app.update(Msg::Worker(Response::Labels(vec!["à-lire".into(), "important".into(), "revue-48".into()])));
    let generation = typed(&mut app, "eau");
    answer(&mut app, generation, hits());
    key(&mut app, KeyCode::Esc);
    // `t`: labels, completed with Tab over the archive's labels.
    key(&mut app, KeyCode::Char('t'));
    typed(&mut app, "+rev");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.prompt, "+revue-48 ");
    typed(&mut app, "-i");
    each_size("labels_prompt", &mut app);
    // A word that is no label keeps the prompt open and says why.
    typed(&mut app, " +a:b");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(app.status.as_deref().unwrap_or_default().contains("punctuation"), "{:?}", app.status);
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        [Effect::Request(Request::Annotate {
            id: "1".into(),
            path: "articles/collectif-sablier/2025/03/1.md".into(),
            change: MarkChange::Labels { add: vec!["revue-48".into()], remove: vec!["i".into()] },
        })]
    );
    let marks = |labels: &[&str], note: Option<&str>, read| veille::corpus::Annotations {
        labels: labels.iter().map(|l| l.to_string()).collect(),
        note: note.map(str::to_string),
        read,
    };
    app.update(Msg::Worker(Response::Annotated {
        id: "1".into(),
        result: Ok(marks(&["revue-48"], None, false)),
    }));
    // `N`: the note, inline.
    key(&mut app, KeyCode::Char('N'));
    typed(&mut app, "À citer : les chiffres de l'Isère.");
    each_size("note_prompt", &mut app);
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Request(Request::Annotate { change: MarkChange::Note(n), .. })] if n == "À citer : les chiffres de l'Isère.")
    );
    let written = marks(&["revue-48"], Some("À citer : les chiffres de l'Isère."), false);
    app.update(Msg::Worker(Response::Annotated { id: "1".into(), result: Ok(written) }));
    each_size("results_with_marks", &mut app);
    // Ctrl-E hands the note to $EDITOR (the runtime runs it).
    key(&mut app, KeyCode::Char('N'));
    let effects = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL)));
    assert!(matches!(&effects[..], [Effect::EditNote { id, .. }] if id == "1"));
    // Opening an article marks it read, and the reader shows the marks.
    let effects = key(&mut app, KeyCode::Enter);
    assert!(effects.contains(&Effect::Request(Request::Annotate {
        id: "1".into(),
        path: "articles/collectif-sablier/2025/03/1.md".into(),
        change: MarkChange::Read,
    })));
    let mut article = Article::new("1", "collectif-sablier", "Puces contre rivières");
    article.body = "Les fabricants de puces pompent l'eau de l'Isère.".into();
    app.update(Msg::Worker(Response::Article {
        id: "1".into(),
        article: Ok(Box::new(article)),
        cited_by: vec![],
        linked: vec![],
    }));
    let read = marks(&["revue-48"], Some("À citer : les chiffres de l'Isère."), true);
    app.update(Msg::Worker(Response::Annotated { id: "1".into(), result: Ok(read) }));
    each_size("reader_with_marks", &mut app);
    assert!(app.results.hits[0].read);
    // Unless the setting says not to.
    key(&mut app, KeyCode::Esc);
    app.mark_read = false;
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Enter);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Request(Request::Annotate { .. }))), "{effects:?}");
}
