//! Any text: the query parser returns a tree or an error inside the text, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = veille::index::parse_query(text) {
        assert!(e.span.start <= e.span.end && e.span.end <= text.len());
        let _ = e.pointer(text);
    }
});
