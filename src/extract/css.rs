//! CSS selectors as the extractor uses them: each compiled once per
//! process (pages are read by the thousand with the same few dozen
//! selectors), put behind a cheap test of tags and class words that rules
//! out most elements (see [`Selector`]), and matched lazily, since most
//! lookups want only the first match or the first few.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use dom_query::{Document, Element, LocalName, Matcher, NodeRef, Selection};

/// Cache of things built once per process from the selectors written in
/// the code (a few dozen), kept for the process's life.
type Interned<K, V> = LazyLock<Mutex<HashMap<K, &'static V>>>;

/// The value `make` builds for `key`, built the first time only and leaked
/// on purpose, so that it can be borrowed for as long as any page is read.
fn interned<K: std::hash::Hash + Eq, V: ?Sized>(
    cache: &'static Interned<K, V>,
    key: K,
    make: impl FnOnce() -> Box<V>,
) -> &'static V {
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(key).or_insert_with(|| Box::leak(make()))
}

/// The compiled form of `css`, a selector written in the code (so valid:
/// a typo is caught by the tests that read pages).
pub fn matcher(css: &'static str) -> &'static Matcher {
    static MATCHERS: Interned<&'static str, Matcher> = LazyLock::new(Default::default);
    interned(&MATCHERS, css, || {
        Box::new(Matcher::new(css).unwrap_or_else(|e| panic!("invalid selector {css:?}: {e:?}")))
    })
}

/// Every element of `doc` matching `css`, in document order.
pub fn select<'a>(doc: &'a Document, css: &'static str) -> Selection<'a> {
    Selection::from(under(&Selection::from(doc.root()), css))
}

/// The elements of `doc` matching `css`, in document order, found one at a
/// time. The document must not change while they are read.
pub fn matches<'a>(doc: &'a Document, css: &'static str) -> impl Iterator<Item = NodeRef<'a>> {
    let list = selector(css);
    doc.root().descendants_it().filter(move |node| list.matches(node))
}

/// The first element matching each of `selectors`, found in one pass over
/// `doc` (instead of one pass per selector, most of which find nothing).
pub fn firsts<'a>(doc: &'a Document, selectors: &[&'static str]) -> Vec<Option<NodeRef<'a>>> {
    let mut found: Vec<Option<NodeRef<'a>>> = vec![None; selectors.len()];
    let each: Vec<&Selector> = selectors.iter().map(|css| selector(css)).collect();
    // One cheap test for all of them; each one's own for the few elements that pass.
    let any = selector(union_of(selectors));
    for node in doc.root().descendants_it() {
        if !node.query_or(false, |n| n.as_element().is_some_and(|e| any.may_match(e))) {
            continue;
        }
        for (slot, one) in found.iter_mut().zip(&each) {
            if slot.is_none() && one.matches(&node) {
                *slot = Some(node);
            }
        }
        if found.iter().all(Option::is_some) {
            break;
        }
    }
    found
}

/// The selector list matching any of `selectors`, kept for the process's
/// life like the selectors themselves.
fn union_of(selectors: &[&'static str]) -> &'static str {
    static UNIONS: Interned<Vec<&'static str>, str> = LazyLock::new(Default::default);
    interned(&UNIONS, selectors.to_vec(), || selectors.join(", ").into_boxed_str())
}

/// The first element of `doc` matching `css`, if any.
pub fn first<'a>(doc: &'a Document, css: &'static str) -> Option<NodeRef<'a>> {
    matches(doc, css).next()
}

/// Whether `node` lies in an element named one of `tags` (lower case),
/// looking up `levels` ancestors at most (all when `None`).
pub fn inside(node: &NodeRef, tags: &[&str], levels: Option<usize>) -> bool {
    node.ancestors_it(levels).any(|a| a.node_name().is_some_and(|name| tags.contains(&&*name)))
}

/// The elements under the nodes of `root` matching `css`, in document
/// order, each once.
pub fn under<'a>(root: &Selection<'a>, css: &'static str) -> Vec<NodeRef<'a>> {
    let list = selector(css);
    let mut found: Vec<NodeRef<'a>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let several = root.nodes().len() > 1;
    for top in root.nodes() {
        for node in top.descendants_it() {
            if list.matches(&node) && (!several || seen.insert(node.id)) {
                found.push(node);
            }
        }
    }
    found
}

/// A selector list, compiled, with a test that rules out most elements
/// before the selectors are matched. Matching is the extractor's largest
/// cost after parsing: its block lists run forty substring tests on every
/// element of every page.
///
/// The test looks at the last compound of each selector (the element
/// itself: `h1` in `article h1`). An element can match only if its tag is
/// one a compound names with no other test, or if the value of an
/// attribute a compound tests holds one of the compounds' words (`related`
/// in `div[class*='related']`, `entry-title` in `.entry-title`). A compound
/// with neither (`*`, `[hidden]`) turns the test off.
pub struct Selector {
    matcher: &'static Matcher,
    /// Tags that match with no further test.
    tags: Vec<LocalName>,
    /// Attributes whose values the compounds test.
    attributes: Vec<LocalName>,
    /// Every word those tests look for, found in one scan of a value.
    words: AhoCorasick,
    /// No prefilter: some compound may match any element.
    always: bool,
}

impl Selector {
    fn new(css: &'static str) -> Self {
        let (mut tags, mut attributes, mut words, mut always) = (Vec::new(), Vec::new(), Vec::new(), false);
        for selector in split_top_level(css, ',') {
            let (tag, tests) = last_compound(selector);
            if tests.is_empty() {
                match tag {
                    Some(tag) => tags.push(LocalName::from(tag.to_ascii_lowercase())),
                    None => always = true,
                }
            }
            for (attribute, word) in tests {
                let attribute = LocalName::from(attribute);
                if !attributes.contains(&attribute) {
                    attributes.push(attribute);
                }
                words.push(word);
            }
        }
        let words = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .build(&words)
            .unwrap_or_else(|e| panic!("selector {css:?}: {e}"));
        Selector { matcher: matcher(css), tags, attributes, words, always }
    }

    /// Whether `element` may match: the cheap test.
    fn may_match(&self, element: &Element) -> bool {
        self.always
            || self.tags.contains(&element.name.local)
            || element.attrs.iter().any(|attr| {
                self.attributes.contains(&attr.name.local) && self.words.is_match(attr.value.as_ref() as &str)
            })
    }

    /// Whether `node` is an element matching the selector list.
    pub fn matches(&self, node: &NodeRef) -> bool {
        node.query_or(false, |n| n.as_element().is_some_and(|e| self.may_match(e)))
            && self.matcher.match_element(node)
    }
}

/// The compiled, prefiltered form of `css`, built once per process.
pub fn selector(css: &'static str) -> &'static Selector {
    static SELECTORS: Interned<&'static str, Selector> = LazyLock::new(Default::default);
    interned(&SELECTORS, css, || Box::new(Selector::new(css)))
}

/// `text` cut at each `separator` outside brackets, quotes and parentheses.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut depth, mut quote, mut start) = (Vec::new(), 0i32, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, c) if c == separator && depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + c.len_utf8();
            }
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// The tag (if named) and the attribute tests with a word, as (attribute,
/// word), of the last compound of `selector`. Pseudo-classes and tests
/// without a word (`[datetime]`) are left out: they only narrow a match.
fn last_compound(selector: &str) -> (Option<&str>, Vec<(String, String)>) {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let name_len = |s: &str| s.find(|c: char| !is_name(c)).unwrap_or(s.len());
    let compound = split_top_level(selector, ' ')
        .into_iter()
        .flat_map(|part| split_top_level(part, '>'))
        .flat_map(|part| split_top_level(part, '+'))
        .flat_map(|part| split_top_level(part, '~'))
        .rfind(|part| !part.is_empty())
        .unwrap_or_default();
    let tag_len = name_len(compound);
    let tag = (tag_len > 0).then(|| &compound[..tag_len]);
    let mut tests = Vec::new();
    let mut rest = &compound[tag_len..];
    while let Some(kind) = rest.chars().next() {
        rest = &rest[kind.len_utf8()..];
        match kind {
            '.' | '#' => {
                let len = name_len(rest);
                let attribute = if kind == '.' { "class" } else { "id" };
                if len > 0 {
                    tests.push((attribute.to_string(), rest[..len].to_string()));
                }
                rest = &rest[len..];
            }
            '[' => {
                let end = split_top_level(rest, ']')[0].len().min(rest.len());
                let inside = &rest[..end];
                let attribute_len = name_len(inside);
                let operator_and_word = &inside[attribute_len..];
                let value = operator_and_word.trim_start_matches(['*', '^', '$', '~', '|', '=']).trim();
                // A case flag after the value: `[type="x" i]`.
                let value = value.strip_suffix(" i").or_else(|| value.strip_suffix(" s")).unwrap_or(value);
                let word = value.trim().trim_matches(['\'', '"']);
                if attribute_len > 0 && operator_and_word.contains('=') && !word.is_empty() {
                    tests.push((inside[..attribute_len].to_ascii_lowercase(), word.to_string()));
                }
                rest = rest.get(end + 1..).unwrap_or_default();
            }
            ':' => {
                // A pseudo-class, with its argument if any.
                let len = name_len(rest.trim_start_matches(':'));
                rest = &rest[rest.len() - rest.trim_start_matches(':').len() + len..];
                if rest.starts_with('(') {
                    let end = split_top_level(rest, ')')[0].len();
                    rest = rest.get(end + 1..).unwrap_or_default();
                }
            }
            _ => {}
        }
    }
    (tag.filter(|t| *t != "*"), tests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_in_document_order_and_compiles_once() {
        let doc = Document::from("<p class=a>1</p><div><p class=a>2</p></div><p>3</p>");
        let texts: Vec<String> = matches(&doc, "p.a").map(|p| p.text().to_string()).collect();
        assert_eq!(texts, ["1", "2"]);
        assert_eq!(first(&doc, "p.a").map(|p| p.text().to_string()).as_deref(), Some("1"));
        assert!(first(&doc, "table").is_none());
        assert!(std::ptr::eq(matcher("p.a"), matcher("p.a")));
        assert_eq!(select(&doc, "p").length(), 3);
        let found = firsts(&doc, &["div p", "table", "p.a"]);
        let texts: Vec<Option<String>> = found.iter().map(|n| n.map(|n| n.text().to_string())).collect();
        assert_eq!(texts, [Some("2".to_string()), None, Some("1".to_string())]);
    }

    #[test]
    fn the_prefilter_keeps_every_match() {
        let html = "<div class='post-related-box'>a</div><p class='related'>b</p><nav>c</nav>\
            <section id='comment-12'>d</section><span class='Date x'>e</span><div class='main'>f</div>\
            <p data-testid='pub-date'>g</p><article><h1 class='t'>h</h1></article>\
            <script type='application/ld+json'>{}</script><time datetime='2024'>i</time>";
        let doc = Document::from(html);
        for css in [
            "div[class*='related'], nav, [id^='comment-'], .x, [data-testid*='date']",
            "article h1, main h1",
            "div > h1.t, p:not(.related)",
            r#"script[type="application/ld+json" i]"#,
            "time[datetime], [hidden]",
            "*",
        ] {
            let root = Selection::from(doc.root());
            let fast: Vec<String> = under(&root, css).iter().map(|n| n.html().to_string()).collect();
            let by_css: Vec<String> =
                doc.select_matcher(matcher(css)).iter().map(|n| n.html().to_string()).collect();
            assert_eq!(fast, by_css, "{css}");
            assert!(!fast.is_empty(), "{css}");
        }
        assert_eq!(
            last_compound("article  > h1.t[class*='a b']:not(.x)"),
            (
                Some("h1"),
                vec![("class".to_string(), "t".to_string()), ("class".to_string(), "a b".to_string())]
            )
        );
        assert!(selector("*").always && selector("time[datetime]").tags == [LocalName::from("time")]);
    }
}
