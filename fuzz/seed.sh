#!/bin/sh
# Copies the repository files that seed the fuzz corpora (the demo archive's
# articles and sources, the fixture sites' feeds and sitemaps, the extraction
# fixtures) into fuzz/corpus/TARGET/from-repo-NAME, so that they are not kept
# twice in git. Run it from anywhere before a campaign; the copies are ignored.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
while read -r target file; do
    mkdir -p "$root/fuzz/corpus/$target"
    cp "$root/$file" "$root/fuzz/corpus/$target/from-repo-$(basename "$file")"
done <<'LIST'
article corpus/articles/cahiers-du-frein/2024/10/echassieres-mine-responsable.md
article corpus/articles/cahiers-du-frein/2024/07/etiages-rhone-reacteurs.md
article corpus/articles/cahiers-du-frein/2024/10/flamanville-dix-sept-ans.md
article corpus/articles/cahiers-du-frein/2024/05/jevons-n-est-pas-mort.md
article corpus/articles/cahiers-du-frein/2025/01/moteurs-sobres-voitures-lourdes.md
article corpus/articles/cahiers-du-frein/2024/05/pourquoi-un-frein.md
config tests/fixtures/sites/spip/manifest.toml
config corpus/sources.toml
config corpus/themes.toml
discover tests/fixtures/sites/spip/backend.xml
discover tests/fixtures/sites/spip/sitemap-articles.xml
discover tests/fixtures/sites/spip/sitemap.xml
discover tests/fixtures/sites/wordpress/feed-atom.xml
discover tests/fixtures/sites/wordpress/feed-rss2.xml
discover tests/fixtures/sites/wordpress/feed.json
discover tests/fixtures/sites/wordpress/home.html
discover tests/fixtures/sites/wordpress/wp-sitemap-posts-post-1.xml
discover tests/fixtures/sites/wordpress/wp-sitemap.xml
extract tests/fixtures/extract/french-dates.html
extract tests/fixtures/extract/jsonld-news.html
extract tests/fixtures/extract/listing.html
extract tests/fixtures/extract/opengraph-only.html
extract tests/fixtures/extract/spip-latin1.html
extract tests/fixtures/extract/wordpress.html
LIST
