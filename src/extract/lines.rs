//! What is cut from a body's Markdown line by line, once the page's
//! blocks are chosen: control characters, credit and caption lines, page
//! tools and widgets, counters, announcements of other articles, consent
//! placeholders, date lines, calls to action and publishers' notes, and
//! what follows the article (other articles, sharing, comments), cut at
//! the line that opens it.
//!
//! Lines are judged as they read: Markdown markers and link targets left
//! out, in lower case.

use unicode_normalization::UnicodeNormalization;

use super::dates;

/// Control characters (ANSI escapes among them) never reach a terminal or a
/// PDF from archived text; newlines and tabs stay. Soft hyphens go too:
/// they are hints for the browser's line breaking, and left in a word
/// (`réac\u{ad}tion`) they split it for search.
pub(super) fn strip_controls(text: &str) -> String {
    // Most texts hold none: C0 controls and DEL are single bytes, C1
    // controls and the soft hyphen start with 0xC2.
    let bytes = text.as_bytes();
    let has_control = bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && b != b'\n' && b != b'\t')
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|&n| (0x80..=0x9f).contains(&n) || n == 0xad))
    });
    if !has_control {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.peek() {
                // A CSI sequence, ESC [ … final byte: dropped whole.
                Some('[') => {
                    chars.next();
                    for n in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // An OSC sequence, ESC ] … BEL or ESC \: dropped whole.
                Some(']') => {
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' || (n == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        if (c.is_control() && c != '\n' && c != '\t') || c == '\u{ad}' {
            continue;
        }
        out.push(c);
    }
    out
}

/// NFC, no control characters, no trailing spaces, at most one blank line.
pub(super) fn normalise(markdown: &str) -> String {
    let text = strip_controls(markdown);
    // Most pages are in NFC already; the quick check spares rebuilding them.
    let text: String = match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    };
    let text = if text.contains("![") { without_image_credits(&text) } else { text };
    filter_lines(&text, |_, line| !is_boilerplate_line(line))
}

/// `text` where a line opening with pictures goes on with a credit or a
/// caption's credit (`![…](…) © Markus Leitner`): the pictures stay, the
/// credit goes, as it would on a line of its own.
fn without_image_credits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let pictures = leading_pictures(line);
        let rest = line[pictures..].trim();
        if pictures > 0 && !rest.is_empty() && is_boilerplate_line(rest) {
            out.push_str(line[..pictures].trim_end());
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Bytes at the start of a Markdown `line` taken by pictures, linked or not
/// (`![alt](src)`, `[![alt](src)](href)`), and the spaces between them. The
/// Markdown writer leaves no bracket in an alt text and no parenthesis in a
/// URL, so the first closing ones end each.
fn leading_pictures(line: &str) -> usize {
    let mut end = 0;
    loop {
        let rest = &line[end..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let rest = &rest[skipped..];
        let (opening, closings) = if rest.starts_with("![") {
            (2, 1)
        } else if rest.starts_with("[![") {
            (3, 2)
        } else {
            return end;
        };
        let mut at = opening;
        for _ in 0..closings {
            let Some(link) = rest[at..].find("](") else { return end };
            let Some(close) = rest[at + link..].find(')') else { return end };
            at += link + close + 1;
        }
        end += skipped + at;
    }
}

/// The lines of `text` that `keep` accepts (it is given each non-blank
/// line's rank and the line), trailing spaces trimmed; blank lines between
/// two kept lines become one.
fn filter_lines(text: &str, mut keep: impl FnMut(usize, &str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    let mut rank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank = true;
            continue;
        }
        rank += 1;
        if !keep(rank, line) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

/// Lines that open what pages put after an article (other articles,
/// sharing, comments, newsletters, the author's box), when they start a
/// line.
const TRAILER_STARTS: [&str; 38] = [
    "den artikel mit anderen teilen",
    "look at other dictionaries",
    "while you are here",
    "lesetipp",
    "redaktionstipp",
    "info zur bewertung",
    "kommentarfeed",
    "kommentare geschlossen",
    "comments are closed",
    "les commentaires sont fermés",
    "sur le même sujet",
    "dans la même rubrique",
    "lesen sie auch",
    "weitere beiträge",
    "weitere artikel",
    "das thema könnte dich auch interessieren",
    "das thema könnte sie auch interessieren",
    "entdecke weitere",
    "empfohlene beiträge",
    "schon gelesen",
    "diesen artikel teilen",
    "teile diesen artikel",
    "artikel gefallen",
    "share this",
    "partager cet article",
    "articles similaires",
    "audios et vidéos sur le sujet",
    "editors’ recommendations",
    "editors' recommendations",
    "you might also like",
    "hier können sie den artikel bewerten",
    "valora esta noticia",
    "kommentar schreiben",
    "kommentare schreiben",
    "leave a comment",
    "leave a reply",
    "laisser un commentaire",
    "zum newsletter anmelden",
];

/// Lines that are the whole of such an opening.
const TRAILER_LINES: [&str; 28] = [
    "kategorien",
    "categories",
    "catégories",
    "bildergalerie",
    "bewertungen",
    "tags",
    "schlagwörter",
    "mots-clés",
    "mehr zum thema",
    "mehr themen",
    "teilen",
    "partager",
    "share",
    "etiquetas",
    "newsletter",
    "über den autor",
    "über die autorin",
    "about the author",
    "à propos de l'auteur",
    "à propos de l’auteur",
    "kommentare",
    "kommentar",
    "comments",
    "comment",
    "commentaires",
    "commentaire",
    "réagir",
    "abonnez-vous",
];

/// Whether `line` opens what follows an article (`Weitere Beiträge zum
/// Thema`, `Teilen:`, `3 Kommentare`, `Sur le même sujet`).
fn opens_trailer(line: &str) -> bool {
    let line = without_link_targets(line);
    let text = line
        .trim_start_matches(['#', '*', '_', '>', ' ', '-'])
        .trim_end_matches(['*', '_', ' ', ':', '!', '.', '?', '…']);
    if text.chars().count() > 80 {
        return false;
    }
    let lower = text.to_lowercase();
    // `3 Kommentare`, `160 comments`.
    let uncounted = lower.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start();
    TRAILER_LINES.contains(&uncounted)
        || TRAILER_STARTS.iter().any(|start| {
            lower.strip_prefix(start).is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
        })
}

/// Lines at the top of the text that are its date and little else
/// (`23.10.2018`, `Veröffentlichung: 2. Februar 2022`, `24.01.2022 11:38
/// Kategorie: News`): the date is kept apart, in `published`. A dateline
/// that opens with a place (`Paris, le 3 mars 2024`) is text and stays.
pub(super) fn without_date_lines(markdown: String) -> String {
    /// Lines read from the top.
    const TOP: usize = 3;
    let is_date_line = |line: &str| {
        // A date line's Markdown is short, even with a link in it.
        if line.len() > 300 {
            return false;
        }
        let plain = crate::corpus::text::plain_text(line);
        let text = plain.trim();
        if text.chars().count() > 60
            || text.split_whitespace().filter(|w| w.contains(char::is_alphabetic)).count() > 3
        {
            return false;
        }
        // An optional one-word label (`Publikacja:`), then the date first.
        let date = text
            .split_once(':')
            .filter(|(label, _)| !label.contains(' ') && !label.contains(char::is_numeric))
            .map_or(text, |(_, rest)| rest);
        date.trim_start().starts_with(|c: char| c.is_ascii_digit()) && dates::parse_human(date).is_some()
    };
    let lines = markdown.lines().filter(|l| !l.trim().is_empty()).count();
    let at_top = markdown.lines().filter(|l| !l.trim().is_empty()).take(TOP).any(is_date_line);
    // The last line too: `Publiziert: 03.04.2020, 12:35` under the text.
    let at_end = lines > TOP && markdown.lines().rfind(|l| !l.trim().is_empty()).is_some_and(is_date_line);
    if !at_top && !at_end {
        return markdown;
    }
    filter_lines(&markdown, |rank, line| (rank > TOP && rank < lines) || !is_date_line(line))
}

/// `markdown` up to what follows the article: cut at a line that opens
/// other articles, sharing or comments in the text's second half (in the
/// first half it may be a heading of the text). Read before single lines
/// are filtered, which would drop such an opening (`Sur le même sujet`)
/// and leave what it opens.
pub(super) fn cut_trailer(markdown: &str) -> &str {
    let half = markdown.len() / 2;
    let mut at = 0;
    for line in markdown.split('\n') {
        if at > half && opens_trailer(line) {
            return &markdown[..at];
        }
        at += line.len() + 1;
    }
    markdown
}

/// `markdown` without what publishers put under their articles: calls to
/// action (subscribe to the newsletter, follow us, get our app, join our
/// channel) and notes (the author's opinion is not the paper's, we may
/// earn on links). Only in the last part of the text and on short lines,
/// where they stand alone; the same words inside the text are its subject.
pub(super) fn without_publisher_lines(markdown: String) -> String {
    /// Share of the text, from its end, where calls to action are looked for.
    const TAIL: usize = 35;
    /// Bytes of Markdown above which a line is a paragraph (links included).
    const LONGEST: usize = 400;
    let start = markdown.len() * (100 - TAIL) / 100;
    let mut at = 0;
    let kept = filter_lines(&markdown, |_, line| {
        let in_tail = at >= start;
        at += line.len() + 1;
        !(in_tail && line.len() <= LONGEST && {
            let lower =
                without_link_targets(line).trim_start_matches(['#', '*', '_', '>', ' ']).to_lowercase();
            is_call_to_action(&lower) || is_publishers_note(&lower)
        })
    });
    if kept.len() == markdown.len() { markdown } else { kept }
}

/// Whether a `lower`-cased line is a publisher's note on the text: whose
/// opinion it is, what the links earn, where to write about it.
fn is_publishers_note(lower: &str) -> bool {
    const NOTES: [&str; 7] = [
        "meinung des autors",
        "opinions expressed",
        "n'engagent que leur",
        "advertising disclosure",
        "we may receive compensation",
        "want to hear what you think",
        "letter to the editor",
    ];
    NOTES.iter().any(|note| lower.contains(note))
}

/// Whether a `lower`-cased line asks the reader to subscribe, follow or
/// join the publisher somewhere else.
fn is_call_to_action(lower: &str) -> bool {
    const CALLS: [&str; 22] = [
        "subscri",
        "abonnieren sie",
        "abonnez-vous",
        "abonnez vous",
        "inscrivez-vous",
        "suscríb",
        "suscrib",
        "subskryp",
        "straight to your phone",
        "canal de telegram",
        "canal de youtube",
        "chaîne youtube",
        "follow us",
        "síguenos",
        "folgen sie uns",
        "folgt uns",
        "suivez-nous",
        "sign up here",
        "sign up for our",
        "hazte miembro",
        "werden sie mitglied",
        "become a member",
    ];
    /// Ways of asking for a newsletter (the word alone names one).
    const NEWSLETTER_VERBS: [&str; 9] =
        ["abonn", "subscri", "suscri", "inscri", "sign up", "anmeld", "hol dir", "recevez", "receive"];
    /// Where publishers ask to be followed.
    const PLATFORMS: [&str; 7] =
        ["twitter", "facebook", "instagram", "mastodon", "telegram", "linkedin", "tiktok"];
    CALLS.iter().any(|call| lower.contains(call))
        || lower.contains("download the") && lower.contains(" app")
        || (lower.starts_with("follow ") && PLATFORMS.iter().any(|platform| lower.contains(platform)))
        || (lower.contains("newsletter")
            && (lower.chars().count() <= 40 || NEWSLETTER_VERBS.iter().any(|verb| lower.contains(verb))))
}

/// `markdown` without the headings that end it: a heading with nothing
/// under it announces a block that was left out, never the article's text.
pub(super) fn without_end_headings(mut markdown: String) -> String {
    markdown.truncate(markdown.trim_end().len());
    while let Some(last) = markdown.rsplit('\n').next()
        && last.starts_with('#')
    {
        markdown.truncate(markdown.len() - last.len());
        markdown.truncate(markdown.trim_end().len());
    }
    markdown
}

/// Words of the buttons pages set around a text (print, share, save,
/// enlarge a picture, jump to the recipe, reading time); the first are
/// those that make a line such a row.
const TOOL_VERBS: [&str; 27] = [
    "print",
    "drucken",
    "imprimer",
    "imprimir",
    "share",
    "teilen",
    "teile",
    "partager",
    "compartir",
    "pin",
    "pinnen",
    "speichern",
    "save",
    "merken",
    "enregistrer",
    "tweet",
    "vergrößern",
    "zoom",
    "anzeigen",
    "schließen",
    "close",
    "fermer",
    "jump",
    "copy",
    "kopieren",
    "lesezeit",
    "reading",
];
const TOOL_WORDS: [&str; 37] = [
    "e-mail",
    "email",
    "mail",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "xing",
    "telegram",
    "pinterest",
    "reddit",
    "flipboard",
    "messenger",
    "sms",
    "link",
    "bild",
    "image",
    "to",
    "zum",
    "bei",
    "recipe",
    "rezept",
    "recette",
    "this",
    "cette",
    "page",
    "diese",
    "seite",
    "article",
    "artikel",
    "dieser",
    "de",
    "lecture",
    "read",
    "min",
    "minute",
    "minuten",
];

/// Whether the line `lower` (lower case) is a row of such buttons
/// (`Rezept drucken · Bei Pinterest speichern`, `Bild anzeigen Bild
/// schließen`, `Jump to Recipe Print Recipe`, `Lesezeit: 2 min`).
fn is_page_tools(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | '|' | '•' | '·' | ',' | '/'))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    // One word alone (`Partager`) may be a heading of the text.
    (2..=8).contains(&words.len())
        && words.iter().any(|w| TOOL_VERBS.contains(w))
        && words.iter().all(|w| TOOL_VERBS.contains(w) || TOOL_WORDS.contains(w))
}

/// Labels that mark advertising in a text.
const ADVERTISING: [&str; 9] = [
    "anzeige",
    "werbung",
    "advertisement",
    "advertorial",
    "publicité",
    "publicidad",
    "sponsored",
    "gesponsert",
    "publi-reportage",
];

/// Whether the line `lower` (lower case) is an advertising label, alone or
/// followed by punctuation (`- Advertisement -`, `Anzeige, enthält Affiliate
/// Links`, `*Werbung. Dieser Beitrag…`), not a sentence about advertising
/// (`Werbung ist ein Milliardengeschäft`).
fn is_advertising_label(lower: &str) -> bool {
    let line = lower.trim_start_matches(['*', '_', '-', '–', '—', ' ']);
    ADVERTISING.iter().any(|label| {
        line.strip_prefix(label).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with([',', '.', '-', '–', '—', '|', '*'])
        })
    })
}

/// Headings that announce other articles.
const MORE_ARTICLES: [&str; 16] = [
    "à lire aussi",
    "a lire aussi",
    "lire aussi",
    "sur le même sujet",
    "dans la même rubrique",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "lesen sie auch",
    "auch interessant",
    "mehr zum thema",
    "zum weiterlesen",
    "weitere beiträge",
    "related posts",
    "related articles",
    "you may also like",
    "read more",
];

/// Lines that sit inside article bodies but are not their text: picture
/// credits and copyright lines (`Crédits photos : Bestimage`, `© AFP`,
/// `Puerto de Montevideo. Foto: Archivo`, a caption ending in `© AFP`),
/// paywall notices (`Pour lire la suite, abonnez-vous`) and the headings that announce
/// other articles (`À lire aussi`, `Das könnte Sie auch interessieren`).
fn is_boilerplate_line(line: &str) -> bool {
    const CREDITS_AT_START: [&str; 18] = [
        "crédit photo",
        "crédits photo",
        "photo :",
        "photo:",
        "photos :",
        "©",
        "copyright",
        "foto:",
        "fotos:",
        "bild:",
        "titelbild:",
        "beitragsbild:",
        "bildnachweis:",
        "bildquelle",
        "abbildung:",
        "illustration :",
        "image :",
        "credit:",
    ];
    // Opening brackets only before a credit: `(photographies de …)` and
    // `(crédit d'impôt)` are text.
    const CREDITS_INSIDE: [&str; 18] = [
        // A caption ending in its credit: `La vallée en 2019. © AFP / Jeanne Ferrand`.
        "©",
        "(bild:",
        "(foto ",
        "(foto:",
        "(photo ",
        "(photo:",
        "(photo)",
        " foto: ",
        " photo : ",
        "photograph by",
        "(crédit :",
        "(crédit:",
        "(crédits :",
        "(crédit photo",
        "(credit:",
        "(credit photo",
        ", photo:",
        ", photo :",
    ];
    // What a paywall says where the text stops: how to read on, and that
    // it takes an account or a subscription.
    const READ_ON: [&str; 7] = [
        "pour lire la suite",
        "la suite est réservée",
        "cet article est réservé",
        "article réservé",
        "to view the full story",
        "to continue reading",
        "subscribe now",
    ];
    const SUBSCRIBE: [&str; 4] = ["abonn", "subscri", "compte", "account"];
    let line = without_link_targets(line);
    let text = line
        .trim_start_matches(['#', '*', '_', '>', ' ', '\\'])
        .trim_end_matches(['*', '_', ' ', ':', '!', '.']);
    let chars = text.chars().count();
    if chars > 500 {
        return false;
    }
    let lower = text.to_lowercase();
    if is_consent_placeholder(&lower) {
        return true;
    }
    if chars > 150 {
        return ends_with_credit(&lower) || is_numbered_caption(&lower);
    }
    is_advertising_label(&lower)
        || is_interface_label(&lower)
        || is_counter(&lower)
        || is_numbered_caption(&lower)
        || is_inline_teaser(&lower)
        || is_page_tools(&lower)
        || CREDITS_AT_START.iter().any(|credit| lower.starts_with(credit))
        || (READ_ON.iter().any(|start| lower.starts_with(start))
            && SUBSCRIBE.iter().any(|w| lower.contains(w)))
        || CREDITS_INSIDE.iter().any(|credit| lower.contains(credit))
        || (chars <= 60 && MORE_ARTICLES.iter().any(|heading| lower == *heading))
}

/// A Markdown `line` as it reads: a link's text stays, its brackets and
/// target go (`MIRA: [Madre…](https://…)` reads `MIRA: Madre…`). The
/// Markdown writer leaves no parenthesis in a target, so the first closing
/// one ends it.
fn without_link_targets(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("](") {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        out.extend(rest[..at].chars().filter(|&c| c != '['));
        rest = rest[at + 2..].find(')').map_or("", |end| &rest[at + 2 + end + 1..]);
    }
    out.extend(rest.chars().filter(|&c| c != '['));
    out.into()
}

/// Whether the `lower`-cased line is one of the page's counters: views,
/// comments, reading time (`Aufrufe: 184`, `Kommentare insgesamt: 0`, `4
/// Min Read`, `3 min de lecture`).
fn is_counter(lower: &str) -> bool {
    const COUNTED: [&str; 9] = [
        "aufrufe",
        "views",
        "vues",
        "lectures",
        "kommentare insgesamt",
        "comments",
        "commentaires",
        "hits",
        "reads",
    ];
    const READING_TIME: [&str; 6] =
        ["min read", "minute read", "minutes read", "min. lesezeit", "min lesezeit", "min de lecture"];
    let line = lower.trim_matches(|c: char| !c.is_alphanumeric());
    let number = |rest: &str| {
        let rest = rest.trim_start_matches([':', ' ', '*', '_']);
        !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '*' | '_'))
    };
    COUNTED.iter().any(|label| line.strip_prefix(label).is_some_and(number))
        || line.split_once(|c: char| !c.is_ascii_digit()).is_some_and(|(digits, _)| {
            !digits.is_empty() && READING_TIME.contains(&line[digits.len()..].trim_start())
        })
}

/// Whether the `lower`-cased line is the label of a button or a widget of
/// the page (`Lade weitere Inhalte …`, `Zurück`, `Valora esta noticia`).
fn is_interface_label(lower: &str) -> bool {
    const LABELS: [&str; 22] = [
        "load more",
        "show more",
        "charger plus",
        "afficher plus",
        "voir plus",
        "retour en haut",
        "haut de page",
        "mehr laden",
        "lade weitere inhalte",
        "weitere inhalte laden",
        "nach oben",
        "zurück",
        "zurück zur übersicht",
        "back to top",
        "cargar más",
        "mostrar más",
        "valora esta noticia",
        "rate this article",
        "artikel bewerten",
        "drukuj",
        "der artikel wurde erfolgreich hinzugefügt",
        "added to your cart",
    ];
    let label = lower.trim_matches(|c: char| !c.is_alphanumeric());
    LABELS.contains(&label)
}

/// Whether the `lower`-cased line stands where an embedded post or video
/// was left out until the reader consents to the platform's cookies
/// (`Externer Inhalt`, `… ohne dein Einverständnis keine Verbindung zu
/// Twitter …`).
fn is_consent_placeholder(lower: &str) -> bool {
    const CONSENT: [&str; 6] =
        ["einverständnis", "zustimmung", "einwilligung", "consent", "consentement", "cookies"];
    const EMBEDDED: [&str; 11] = [
        "twitter",
        "youtube",
        "instagram",
        "facebook",
        "vimeo",
        "externe",
        "external",
        "drittanbieter",
        "third-party",
        "third party",
        "tiers",
    ];
    /// What the placeholder offers: to load, show or allow the content.
    const LOADING: [&str; 13] = [
        "verbindung",
        "laden",
        "load",
        "blockier",
        "blocked",
        "anzeigen",
        "afficher",
        "charger",
        "aktivier",
        "activer",
        "akzeptier",
        "accept",
        "einstellungen",
    ];
    matches!(lower, "externer inhalt" | "external content" | "contenu externe")
        || (CONSENT.iter().any(|w| lower.contains(w))
            && EMBEDDED.iter().any(|w| lower.contains(w))
            && LOADING.iter().any(|w| lower.contains(w)))
}

/// Whether the `lower`-cased line announces another article by its title,
/// inside the text (`À lire aussi : Le Lez à sec`, `MIRA | …`, `Lesen Sie
/// auch: …`).
fn is_inline_teaser(lower: &str) -> bool {
    const LABELS: [&str; 20] = [
        "à lire aussi",
        "lire aussi",
        "voir aussi",
        "lire également",
        "lesen sie auch",
        "lies auch",
        "siehe auch",
        "read also",
        "also read",
        "see also",
        "related",
        "mira",
        "mire",
        "puedes ver",
        "lee también",
        "lea también",
        "vea también",
        "te puede interesar",
        "czytaj też",
        "zobacz też",
    ];
    let line = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    LABELS.iter().any(|label| {
        line.strip_prefix(label).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.starts_with([':', '|', '»', '>']) && rest[1..].trim().chars().count() > 3
        })
    })
}

/// Whether the `lower`-cased line is a figure's numbered caption
/// (`Abbildung 4: klassische Schwachschicht`, `Figure 2 – Débit du Lez`).
fn is_numbered_caption(lower: &str) -> bool {
    const LABELS: [&str; 7] = ["abbildung", "abb.", "figure", "fig.", "grafik", "graphique", "schéma"];
    LABELS.iter().any(|label| {
        lower.strip_prefix(label).is_some_and(|rest| {
            let rest = rest.trim_start();
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            // Numbered, or a label and its colon (`Abbildung: Vergleich…`).
            (digits > 0 && rest[digits..].trim_start().starts_with([':', '.', '–', '-', '|']))
                || (!label.ends_with('.') && rest.starts_with(':'))
        })
    })
}

/// Whether a long `lower`-cased line is a picture's caption: it ends with
/// the picture's credit (`… durch Beweidung entwickelte. Foto © Peter
/// Steiger`, `… in Taipei. Photo: AP`), which no sentence follows.
fn ends_with_credit(lower: &str) -> bool {
    const CREDIT_MARKS: [&str; 8] = ["©", "foto:", "photo:", "photo :", "(foto", "(photo", "bild:", "crédit"];
    /// Bytes a credit takes at most after its mark.
    const LONGEST: usize = 60;
    let tail = lower.len().saturating_sub(LONGEST + 8);
    let tail = (tail..lower.len()).find(|&i| lower.is_char_boundary(i)).unwrap_or(lower.len());
    CREDIT_MARKS.iter().any(|mark| {
        lower[tail..].rfind(mark).is_some_and(|at| {
            let credit = &lower[tail + at + mark.len()..];
            credit.len() <= LONGEST && !credit.contains(['.', '!', '?'])
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAGRAPH: &str = "Les habitants de la vallée demandent l'arrêt des forages, qui menacent la nappe \
                             dont dépend toute l'agriculture du bassin depuis des siècles.";

    #[test]
    fn what_follows_the_article_is_cut_from_the_line_that_opens_it() {
        let without_trailer = |markdown: String| without_end_headings(cut_trailer(&markdown).to_string());
        let body = |tail: &str| format!("{PARAGRAPH}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n\n{tail}");
        for opening in [
            "Partager :",
            "## Sur le même sujet",
            "3 commentaires",
            "Weitere Beiträge zum Thema",
            "**Newsletter**",
        ] {
            let got = without_trailer(body(&format!(
                "{opening}\n\n[Un autre texte](https://x.example/1)\n\nRéagir"
            )));
            assert_eq!(got, body("").trim_end(), "{opening:?}");
        }
        // A heading with nothing under it goes; one with its text stays.
        assert_eq!(without_trailer(body("### Vidéos\n\n#### Audio")), body("").trim_end());
        let kept = body("## Ce que dit le rapport\n\nLe rapport chiffre les prélèvements.");
        assert_eq!(without_trailer(kept.clone()), kept);
        // In the first half, such a line is a heading of the text itself
        // ("Partager l'eau"), and a longer line only starts like one.
        let kept = format!("## Partager\n\n{PARAGRAPH}\n\n{PARAGRAPH}");
        assert_eq!(without_trailer(kept.clone()), kept);
        let kept =
            body("Partager l'eau entre l'agriculture et les villes sera la question des prochaines années.");
        assert_eq!(without_trailer(kept.clone()), kept);
    }

    #[test]
    fn a_date_line_at_the_top_goes_but_not_a_dateline_or_a_byline() {
        let body = |top: &str| format!("{top}\n\n{PARAGRAPH}\n\n{PARAGRAPH}");
        for date in [
            "23.10.2018",
            "7\\. oktober 2020",
            "Publikacja: 04.05.2021",
            "24.01.2022 11:38 Kategorie: [News](https://x.example/news)",
        ] {
            assert_eq!(without_date_lines(body(date)), body("").trim_start(), "{date:?}");
        }
        for kept in
            ["Paris, le 3 mars 2024", "12.03.2022 par Jeanne Ferrand, envoyée spéciale à Sainte-Soline"]
        {
            assert_eq!(without_date_lines(body(kept)), body(kept), "{kept:?}");
        }
        // Under the text, the last line only.
        let end = format!("{PARAGRAPH}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n\nPubliziert: 03.04.2020, 12:35");
        assert_eq!(without_date_lines(end), format!("{PARAGRAPH}\n\n{PARAGRAPH}\n\n{PARAGRAPH}"));
        let middle = format!("{PARAGRAPH}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n\n3 mars 2024\n\n{PARAGRAPH}");
        assert_eq!(without_date_lines(middle.clone()), middle);
    }

    #[test]
    fn soft_hyphens_and_escapes_leave_the_text() {
        assert_eq!(strip_controls("réac\u{ad}tion \u{1b}[31mrouge\u{1b}[0m\tfin"), "réaction rouge\tfin");
    }

    #[test]
    fn credit_lines_and_announcements_of_other_articles() {
        for credit in [
            "Crédits photos : Bestimage",
            "*© AFP*",
            "Puerto de Montevideo. Foto: Archivo",
            "Le forage de Saint-Clément. (Photo DR)",
            "La manifestation devant la préfecture, samedi. © Lou Garnier / Collectif Eau",
            "Lou Garnier, photo : Collectif Eau",
            "Titelbild: Lou Garnier / Collectif Eau",
            "Rezept drucken · Bei Pinterest speichern",
            "Partager : Facebook | Twitter | E-mail",
            "Lesezeit: 2 min",
            "- Advertisement -",
            "Anzeige, enthält Affiliate Links",
            "*Werbung. Dieser Beitrag enthält Werbung für eine Marke.",
            "Pour lire la suite, abonnez-vous à partir de 1 € par mois.",
            "### À lire aussi :",
            "Das könnte Sie auch interessieren!",
            "\\- Anzeige-",
            "Abbildung 4: klassische Schwachschicht.",
            "Abbildung: Vergleich der Pegel des Lez zwischen 1990 und 2024, gemessen an der Quelle und an der \
             Mündung, mit den Trockenperioden der letzten Jahre",
            "Externer Inhalt",
            "Lade weitere Inhalte ...",
            "| Kommentare insgesamt: **0** |  |",
            "4 Min Read",
            "3 min de lecture",
            "Vues : 1 204",
            "← Retour en haut",
            "Wir respektieren deine Privatsphäre und stellen ohne dein Einverständnis keine Verbindung zu Twitter her.",
            "À lire aussi : Le Lez à sec pour la troisième année",
            "MIRA | Madre se acerca a conocer los motivos",
            "Figure 2 – Débit du Lez à Montpellier, 1990-2024",
            "Le barrage de Sivens en 2014, trois semaines après la mort de Rémi Fraisse, quand le chantier était \
             encore occupé par les opposants venus de toute la région. Photo : Jeanne Ferrand / Collectif",
        ] {
            assert!(is_boilerplate_line(credit), "{credit:?}");
        }
        for text in [
            "Vernissage samedi (photographies de Jeanne Ferrand).",
            "Le gouvernement prolonge le dispositif (crédit d'impôt recherche).",
            "Il faut lire aussi les annexes du rapport, qui chiffrent les prélèvements d'eau.",
            "Pour lire la suite du rapport, il faut se rendre en mairie : il n'est pas en ligne.",
            "Partager l'eau",
            "Werbung ist ein Milliardengeschäft, das von unserer Aufmerksamkeit lebt.",
            "Publicité : le Conseil d'État annule l'arrêté anti-affichage.",
            "Imprimer 3D des maisons en terre",
            "Figure 2 du mouvement, elle a quitté le collectif.",
            "Voir aussi le rapport de la commission locale de l'eau, publié en mars.",
            "MIRA-Award Nominierung",
            "Commentaires",
            "Lectures : Ivan Illich, La convivialité",
            "12 min de lecture du rapport suffisent à comprendre le projet.",
            "Le consentement des riverains n'a jamais été demandé, selon le collectif cité par Reporterre sur Twitter.",
            "Le collectif a photographié chaque parcelle du chantier avant les travaux, puis chaque semaine \
             pendant un an (photo : le fossé en mars) ; la comparaison montre la zone humide disparaître.",
        ] {
            assert!(!is_boilerplate_line(text), "{text:?}");
        }
    }

    #[test]
    fn a_line_reads_without_its_link_targets() {
        assert_eq!(
            without_link_targets(
                "### MIRA: [Madre se acerca](https://x.example/a) y [otra](https://x.example/b)."
            ),
            "### MIRA: Madre se acerca y otra."
        );
        assert_eq!(without_link_targets("Sans lien [1] ni cible."), "Sans lien [1] ni cible.");
        assert!(is_boilerplate_line(
            "###### **Mire:** [El cantante Juan Luis Guerra da positivo a COVID-19](https://www.example.com/fama/\
             el-cantante-juan-luis-guerra-da-positivo-covid-19-749570)"
        ));
    }

    #[test]
    fn calls_to_action_go_from_the_end_of_the_text_only() {
        let paragraph = "Le collectif a déposé un recours contre la lettre d'information de la préfecture, \
                         qui annonçait le captage sans consultation des riverains ni des pêcheurs.";
        let text = format!(
            "Abonnez-vous à la lettre d'information du collectif : c'est ainsi qu'il a appris le captage.\n\n\
             {paragraph}\n\n{paragraph}\n\n{paragraph}\n\n\
             Suivez-nous sur Mastodon et sur notre site.\n\nNewsletter\n\n\
             Les tribunes n'engagent que leurs auteurs.\n\n\
             Get the latest news straight to your phone with our app."
        );
        let kept = without_publisher_lines(text.clone());
        assert!(kept.starts_with("Abonnez-vous"), "{kept}");
        assert!(kept.ends_with(paragraph), "{kept}");
        // A newsletter named in the text is its subject, not a call.
        assert!(!is_call_to_action("la newsletter de la préfecture annonçait le captage sans consultation"));
        assert!(is_call_to_action("recevez notre newsletter chaque semaine"));
        assert!(is_call_to_action("follow the gazette on twitter and instagram"));
        assert!(!is_call_to_action("the police follow protesters on telegram, the report says"));
    }

    #[test]
    fn a_credit_after_a_picture_goes_and_the_picture_stays() {
        let text = "Avant.\n\n![Le lac](https://x.example/a.jpg) © Markus Leitner\n\n\
                    [![](https://x.example/b.jpg)](https://x.example/b.jpg)(Bild: Dieter Stork)\n\n\
                    ![Le lac](https://x.example/c.jpg) Le lac a baissé de deux mètres.";
        assert_eq!(
            normalise(text),
            "Avant.\n\n![Le lac](https://x.example/a.jpg)\n\n[![](https://x.example/b.jpg)](https://x.example/b.jpg)\n\n\
             ![Le lac](https://x.example/c.jpg) Le lac a baissé de deux mètres."
        );
    }
}
