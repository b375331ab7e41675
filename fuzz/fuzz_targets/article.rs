//! Any text as an article file: `Article::parse` returns an article or an error on a line of the file,
//! never panics; an article read is written back to a file that reads as the same article, and
//! writing that again gives the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::Article;

fuzz_target!(|text: &str| {
    let article = match Article::parse(text) {
        Ok(article) => article,
        Err(e) => {
            assert!(
                e.line >= 1 && e.line <= 1 + text.matches('\n').count(),
                "line {} out of the file",
                e.line
            );
            return;
        }
    };
    let written = article.to_file_string();
    let again =
        Article::parse(&written).unwrap_or_else(|e| panic!("written article unreadable: {e}\n{written}"));
    // `extra` is compared through the written bytes: a NaN in it is never equal to itself.
    let typed = |a: &Article| Article { sha256: None, extra: Default::default(), ..a.clone() };
    assert_eq!(typed(&again), typed(&article));
    assert_eq!(again.to_file_string(), written);
});
