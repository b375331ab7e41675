//! One article, one URL: the cleaning and the identity key of article URLs.
//!
//! Sites reach one article under many addresses: with and without `www.`,
//! with a trailing slash or not, over http and https, with tracking
//! parameters (`utm_source`, `fbclid`, `xtor`…), and SPIP serves the same
//! article as `spip.php?article123`, `?article123` and
//! `spip.php?page=article&id_article=123`. [`clean`] gives the address to
//! fetch and store; [`key`] gives the text an article id is derived from,
//! equal for every variant.

use url::Url;

/// Query parameters that only say where a visitor came from.
fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    const EXACT: [&str; 16] = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "xtor",
        "xtref", "_hsenc", "_hsmi", "ocid", "yclid", "twclid",
    ];
    const PREFIXES: [&str; 5] = ["utm_", "pk_", "mtm_", "at_", "wt_"];
    EXACT.contains(&name.as_str()) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The address to fetch and keep: parsed, without fragment, without tracking
/// parameters. `None` for what is not an absolute http(s) URL.
pub fn clean(url: &str) -> Option<Url> {
    let mut url = Url::parse(url.trim()).ok()?;
    clean_url(&mut url).then_some(url)
}

/// [`clean`] in place; false when the URL is not http(s) with a host.
pub fn clean_url(url: &mut Url) -> bool {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return false;
    }
    url.set_fragment(None);
    if let Some(query) = url.query() {
        // Filtered as raw text, so that SPIP's `?article12` (a name without
        // value) and the site's own encoding stay as they were.
        let parts: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        let kept: Vec<&str> =
            parts.iter().copied().filter(|p| !is_tracking(p.split('=').next().unwrap_or(""))).collect();
        if kept.is_empty() {
            url.set_query(None);
        } else if kept.len() != parts.len() {
            let joined = kept.join("&");
            url.set_query(Some(&joined));
        }
    }
    true
}

/// The SPIP article number in a SPIP URL (`spip.php?article123`,
/// `?article123`, `spip.php?page=article&id_article=123`, `article123.html`).
pub fn spip_article(url: &Url) -> Option<u64> {
    let path = url.path();
    let is_spip_path = path == "/" || path.ends_with("/spip.php") || path.ends_with('/');
    if let Some(query) = url.query() {
        if is_spip_path {
            let first = query.split('&').next().unwrap_or("");
            if let Some(n) = first.strip_prefix("article").and_then(|n| n.parse().ok()) {
                return Some(n);
            }
            let pairs: Vec<_> = url.query_pairs().collect();
            let is_article_page = pairs.iter().any(|(k, v)| k == "page" && v == "article");
            if is_article_page {
                return pairs.iter().find(|(k, _)| k == "id_article").and_then(|(_, v)| v.parse().ok());
            }
        }
        return None;
    }
    let last = path.rsplit('/').next()?;
    last.strip_prefix("article")?.strip_suffix(".html")?.parse().ok()
}

/// The identity of an article URL: host without `www.`, scheme ignored, path
/// without trailing slash, sorted non-tracking parameters; SPIP article
/// forms become `host/spip.php?articleN`.
pub fn key(url: &str) -> String {
    let Some(url) = clean(url) else {
        return url.trim().to_string();
    };
    let host = url.host_str().unwrap_or("").trim_start_matches("www.").to_ascii_lowercase();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    if let Some(n) = spip_article(&url) {
        let base = url.path().rsplit_once('/').map_or("", |(dir, _)| dir);
        return format!("{host}{port}{base}/spip.php?article{n}");
    }
    let path = url.path();
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { "" };
    let mut pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    pairs.sort();
    let query = if pairs.is_empty() {
        String::new()
    } else {
        let mut q = url::form_urlencoded::Serializer::new(String::from("?"));
        q.extend_pairs(pairs);
        q.finish()
    };
    format!("{host}{port}{path}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_one_article_share_a_key() {
        let same = [
            "https://www.ricochets.cc/spip.php?article123",
            "http://ricochets.cc/spip.php?article123&utm_source=rss",
            "https://ricochets.cc/?article123#forum",
            "https://ricochets.cc/spip.php?page=article&id_article=123",
            "https://ricochets.cc/article123.html",
        ];
        let keys: Vec<_> = same.iter().map(|u| key(u)).collect();
        assert!(keys.iter().all(|k| k == "ricochets.cc/spip.php?article123"), "{keys:?}");
        assert_eq!(
            key("https://www.laquadrature.net/2025/03/11/titre/"),
            key("http://laquadrature.net/2025/03/11/titre")
        );
        assert_eq!(key("https://a.test/p?b=2&a=1&fbclid=x"), key("https://a.test/p?a=1&b=2"));
        assert_ne!(key("https://a.test/p?id=1"), key("https://a.test/p?id=2"));
        assert_ne!(key("https://a.test/spip.php?article12"), key("https://a.test/spip.php?article123"));
        assert_eq!(key("http://spip.test:8080/spip.php?article1"), "spip.test:8080/spip.php?article1");
    }

    #[test]
    fn cleaning_keeps_real_parameters_and_drops_trackers() {
        let url =
            clean("https://a.test/spip.php?page=rubrique&id_rubrique=2&utm_medium=x&xtor=RSS-1#top").unwrap();
        assert_eq!(url.as_str(), "https://a.test/spip.php?page=rubrique&id_rubrique=2");
        assert!(clean("mailto:a@b.c").is_none());
        assert!(clean("javascript:void(0)").is_none());
        assert_eq!(clean("https://a.test/?utm_source=x").unwrap().as_str(), "https://a.test/");
        assert_eq!(
            clean("https://a.test/spip.php?article18&utm_source=rss").unwrap().as_str(),
            "https://a.test/spip.php?article18"
        );
    }
}
