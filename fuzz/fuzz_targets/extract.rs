//! Any bytes, any URL: `extract` returns an article or a reason, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::extract::{Options, extract};

fuzz_target!(|data: &[u8]| {
    let options = Options { url: Some("https://exemple.example/spip.php?article1"), ..Options::default() };
    if let Ok(article) = extract(data, &options) {
        assert!(!article.body.contains('\u{1b}'));
    }
});
