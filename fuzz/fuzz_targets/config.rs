//! Any text as `sources.toml` and as `themes.toml`: the parsers accept it or name a line of the file,
//! never panic; the sources accepted have unique valid ids, and each one's homepage is in its own scope.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use veille::config::{ConfigError, sources, themes};
use veille::crawl::scope::Scope;

fn check_line(error: ConfigError, text: &str) {
    if let ConfigError::Invalid { line, .. } = error {
        assert!(line >= 1 && line <= 1 + text.matches('\n').count(), "line {line} out of the file");
    }
}

fuzz_target!(|text: &str| {
    match sources::parse(Path::new("sources.toml"), text) {
        Ok(file) => {
            let mut ids = std::collections::HashSet::new();
            for source in &file.sources {
                assert!(ids.insert(source.id.as_str()), "id {:?} twice", source.id);
                let home = url::Url::parse(&source.homepage).expect("a validated homepage");
                assert!(Scope::new(source).has_host(&home), "{} out of its own scope", source.homepage);
            }
        }
        Err(e) => check_line(e, text),
    }
    match themes::parse(Path::new("themes.toml"), text) {
        Ok(list) => {
            for theme in list {
                assert!(theme.line >= 1 && !theme.query.trim().is_empty());
                let _ = veille::index::parse_query(&theme.query);
            }
        }
        Err(e) => check_line(e, text),
    }
});
