//! Any bytes as a sitemap, a feed or an HTML page: discovery returns URLs or an error, never panics,
//! and every URL it returns is http(s) and already clean (cleaning it again changes nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::corpus::canonical;
use veille::crawl::discover;

fn check(url: &url::Url) {
    assert!(matches!(url.scheme(), "http" | "https"), "{url}");
    assert_eq!(canonical::clean(url.as_str()).as_ref(), Some(url), "cleaning {url} again changed it");
}

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://exemple.example/plan/").expect("a valid base");
    if let Ok(sitemap) = discover::sitemap(data, &base, 1 << 20) {
        sitemap.pages.iter().chain(&sitemap.sitemaps).for_each(|found| check(&found.url));
    }
    if let Ok(entries) = discover::feed(data, &base) {
        entries.iter().for_each(|found| check(&found.url));
    }
    let links = discover::links(&String::from_utf8_lossy(data), &base);
    links.pages.iter().chain(&links.feeds).for_each(check);
    links.documents.iter().for_each(|d| check(&d.url));
});
