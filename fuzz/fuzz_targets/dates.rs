//! Any text: the date parsers return a plausible date or none, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::extract::dates;

fuzz_target!(|text: &str| {
    for date in
        [dates::parse_human(text), dates::parse_iso(text), dates::from_url(text)].into_iter().flatten()
    {
        let year = chrono::Datelike::year(&date.date());
        assert!((1990..=2100).contains(&year));
    }
});
