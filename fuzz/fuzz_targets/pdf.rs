//! Any bytes (up to 32 KiB) as a PDF: the reading the PDF worker does in process ends in a status and
//! an article file that reads back, never in a panic of veille's code; a panic inside the parser
//! crates is caught, as the worker catches it, and its place printed once.
#![no_main]

use std::collections::HashSet;
use std::sync::{Mutex, Once};

use libfuzzer_sys::fuzz_target;
use veille::Article;
use veille::extract::pdf::{Limits, Link, worker};

/// libFuzzer's hook aborts on any panic; this one lets panics of registry crates unwind to the
/// worker's `catch_unwind` and aborts only on panics elsewhere (veille, the standard library).
fn hook() {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let aborting = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        if !place.contains("/.cargo/registry/") {
            return aborting(info);
        }
        if SEEN.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_default().insert(place.clone()) {
            eprintln!("caught a parser panic at {place}: {info}");
        }
    }));
}

fuzz_target!(|data: &[u8]| {
    static HOOK: Once = Once::new();
    HOOK.call_once(hook);
    if data.len() > 32 * 1024 {
        return;
    }
    let limits = Limits { max_pages: 50, seconds: 2.0, memory_megabytes: 512 };
    let extracted = worker::extract(data, &limits);
    assert!(extracted.status.has_text() || extracted.body.is_empty());
    let article = extracted.into_article("site", "https://exemple.example/IMG/pdf/t.pdf", &Link::default());
    let written = article.to_file_string();
    Article::parse(&written)
        .unwrap_or_else(|e| panic!("the document's article is unreadable: {e}\n{written}"));
});
