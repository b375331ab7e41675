//! The extractor on pages written for the project in the shape of real
//! SPIP, WordPress and news pages, and on hostile HTML.

use std::fs;
use std::path::Path;

use serde_json::Value;
use veille::extract::{NotArticle, Options, extract};

fn fixture(name: &str) -> (Vec<u8>, Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let html = fs::read(dir.join(format!("{name}.html"))).unwrap();
    let expected =
        serde_json::from_str(&fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap())
            .unwrap();
    (html, expected)
}

fn check(name: &str, url: &str) -> veille::extract::Extracted {
    let (html, expected) = fixture(name);
    let options = Options { url: Some(url), ..Options::default() };
    let got = extract(&html, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(got.title, expected["title"].as_str().unwrap(), "{name}: title");
    let date = got.published.map(|d| d.date().to_string());
    assert_eq!(date.as_deref(), expected["date"].as_str(), "{name}: date");
    let authors: Vec<&str> =
        expected["authors"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(got.authors, authors, "{name}: authors");
    assert_eq!(got.kind.as_str(), expected["kind"].as_str().unwrap(), "{name}: kind");
    let text = veille::corpus::text::plain_text(&got.body);
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for must in expected["must_contain"].as_array().unwrap() {
        assert!(flat(&text).contains(&flat(must.as_str().unwrap())), "{name}: lost {must}");
    }
    for never in expected["must_not_contain"].as_array().unwrap() {
        assert!(!flat(&got.body).contains(&flat(never.as_str().unwrap())), "{name}: kept {never}");
    }
    got
}

#[test]
fn spip_page_in_latin1() {
    let got = check("spip-latin1", "https://sorgeline.example/spip.php?article6869");
    assert_eq!(got.profile, "spip");
    assert_eq!(got.spip_article, Some(6869));
    assert!(got.surtitle.as_deref().unwrap().contains("Communiqué"));
    assert!(got.subtitle.is_some());
    assert!(
        got.body.contains("[^1]") && got.body.contains("\n[^1]: "),
        "SPIP notes become footnotes:\n{}",
        got.body
    );
    assert!(got.body.contains("\n> ") && got.body.contains("\n- ") && got.body.contains("### "));
    assert!(got.links.iter().all(|l| l.starts_with("http")));
}

#[test]
fn wordpress_page() {
    let got = check("wordpress", "https://levain.example/2024/11/05/entretenir-son-levain/");
    assert_eq!(got.profile, "wordpress");
    assert!(got.body.contains("| ") && got.body.contains("1. "), "tables and ordered lists survive");
}

#[test]
fn json_ld_news_page() {
    check("jsonld-news", "https://journal.example/region/ligne-marvejac");
}

#[test]
fn opengraph_only_page() {
    check("opengraph-only", "https://carnet.example/2025/09/30/cretes/");
}

#[test]
fn french_date_in_the_byline() {
    check("french-dates", "https://hirondelles.example/printemps");
}

#[test]
fn listing_page_is_no_article() {
    let (html, _) = fixture("listing");
    let err =
        extract(&html, &Options { url: Some("https://x.example/spip.php?rubrique3"), ..Options::default() })
            .unwrap_err();
    assert!(matches!(err, NotArticle::Listing(_)), "{err}");
    let by_url = extract(
        &html,
        &Options {
            url: Some("https://x.example/spip.php?page=rubrique&debut_articles=10"),
            ..Options::default()
        },
    );
    assert!(matches!(by_url, Err(NotArticle::Listing(_))));
}

#[test]
fn hostile_html_never_panics() {
    let paragraph = "<p>Un paragraphe assez long pour passer pour un article, avec des mots en nombre suffisant pour que le lecteur s'y retrouve.</p>";
    let cases: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"   \n ".to_vec(),
        b"<html><body><div><p>unclosed <b>tags <i>everywhere".to_vec(),
        format!("<html><body>{}{}</body></html>", "<div>".repeat(100_000), paragraph).into_bytes(),
        format!("<html><body><article>{}</article></body></html>", paragraph.repeat(150_000)).into_bytes(),
        format!("<p>nul\0bytes</p>{paragraph}{paragraph}").into_bytes(),
        [b"<p>\xff\xfe invalid utf-8 \xc3\x28</p>".as_slice(), paragraph.as_bytes(), paragraph.as_bytes()].concat(),
        format!("<article><script>alert('x')</script>{paragraph}{paragraph}<script>document.write(1)</script></article>").into_bytes(),
        format!("<article><p>Texte \x1b[31mrouge\x1b[0m et \x1b]0;titre\x07 fin.</p>{paragraph}{paragraph}</article>").into_bytes(),
    ];
    for (i, html) in cases.iter().enumerate() {
        let result = extract(html, &Options::default());
        if let Ok(got) = &result {
            assert!(
                !got.body.contains('\u{1b}') && !got.body.contains('\0'),
                "case {i}: control characters kept"
            );
            assert!(!got.body.contains("alert("), "case {i}: script kept");
            assert!(!got.body.contains("]0;titre"), "case {i}: terminal title sequence kept");
        }
    }
    assert!(
        matches!(extract(&cases[3], &Options::default()), Err(NotArticle::Hostile(_))),
        "deep nesting is refused"
    );
    assert_eq!(extract(b"", &Options::default()), Err(NotArticle::Empty));
    let binary: Vec<u8> = (0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    assert!(
        matches!(extract(&binary, &Options::default()), Err(NotArticle::Hostile(_))),
        "binary data is refused"
    );
    let plain = "Juste du texte sans balise, assez long pour faire un article. ".repeat(10);
    assert!(matches!(extract(plain.as_bytes(), &Options::default()), Err(NotArticle::Hostile(_))));
}

/// A news page whose only date is a timestamp, under an address with a date.
fn dated_page(timestamp: &str) -> String {
    let paragraph = "Les riverains du projet ont déposé un recours contre l'autorisation \
                     environnementale, estimant que l'étude d'impact ignore les prélèvements d'eau.";
    format!(
        r#"<html lang="fr"><head><title>Recours</title>
        <meta property="article:published_time" content="{timestamp}"></head>
        <body><article><h1>Recours contre le centre de données</h1>
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"#
    )
}

#[test]
fn utc_timestamps_fall_on_the_day_of_the_address_or_of_the_publishers_zone() {
    let date = |timestamp: &str, url: &str| {
        let html = dated_page(timestamp);
        let got = extract(html.as_bytes(), &Options { url: Some(url), ..Options::default() }).unwrap();
        got.published.unwrap().date().to_string()
    };
    // 23:00 UTC is already the next day in Grenoble, as the address says.
    assert_eq!(date("2022-11-06T23:00:00Z", "https://x.example/2022/11/07/recours"), "2022-11-07");
    // With the site's own offset, the timestamp's day stands.
    assert_eq!(date("2020-02-19T18:37:32+01:00", "https://x.example/2020/02/18/recours"), "2020-02-19");
    // Days apart: the site dated the post itself (an update, a live report).
    assert_eq!(date("2022-11-06T12:00:00Z", "https://x.example/2022/11/09/recours"), "2022-11-06");
    // Years apart: the timestamp belongs to something else.
    assert_eq!(date("2009-04-11T12:00:00Z", "https://x.example/2019/10/22/recours"), "2019-10-22");
    // No date in the address: a French page's UTC midnight is in Paris time.
    assert_eq!(date("2022-11-06T23:00:00Z", "https://x.example/recours"), "2022-11-07");
    assert_eq!(date("2022-11-06T22:00:00Z", "https://x.example/recours"), "2022-11-06");
}

/// A page with `head` in its head and `top` above the article's text.
fn page_with(head: &str, top: &str) -> veille::extract::Extracted {
    let paragraph = "Les habitants demandent l'arrêt des forages exploratoires, qui menacent \
                     la nappe phréatique dont dépend toute la vallée depuis des siècles.";
    let html = format!(
        r#"<html lang="fr"><head><title>Forages</title>{head}</head>
        <body><nav><ul><li><a href="/autre">Autre texte <span class="date">01/01/2020</span></a></li></ul></nav>
        <article><h1>Non aux forages</h1>{top}
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"#
    );
    extract(html.as_bytes(), &Options { url: Some("https://x.example/forages"), ..Options::default() })
        .unwrap()
}

#[test]
fn a_vague_date_meta_gives_way_to_the_date_printed_for_readers() {
    let day = |got: veille::extract::Extracted| got.published.unwrap().date().to_string();
    // A generic `date` meta (often the day the page was last saved) loses to the page's own date...
    let got = page_with(
        r#"<meta name="date" content="2021-12-20T11:02:44+01:00">"#,
        r#"<span class="date">27.01.2022</span>"#,
    );
    assert_eq!(day(got), "2022-01-27");
    // ...but not to a date in a link or a list (another article's).
    assert_eq!(day(page_with(r#"<meta name="date" content="2021-12-20T11:02:44+01:00">"#, "")), "2021-12-20");
    // A publication meta stands.
    let got = page_with(
        r#"<meta property="article:published_time" content="2021-12-20T11:02:44+01:00">"#,
        r#"<span class="date">27.01.2022</span>"#,
    );
    assert_eq!(day(got), "2021-12-20");
}

#[test]
fn json_ld_in_a_script_without_its_type_and_with_stray_text() {
    let day = |got: veille::extract::Extracted| got.published.unwrap().date().to_string();
    let untyped = r#"<script>{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2022-01-28T06:00:00+01:00"}</script>"#;
    assert_eq!(day(page_with(untyped, "")), "2022-01-28");
    let stray = "<script type=\"application/ld+json\"><!--\n{\"@type\": \"NewsArticle\", \"headline\": \"Non\naux forages\",\n \"datePublished\": \"2022-02-03\"};\n--></script>";
    assert_eq!(day(page_with(stray, "")), "2022-02-03");
}

#[test]
fn an_element_holding_the_name_alone_gives_the_author() {
    let paragraph = "Le collectif a publié hier une lettre ouverte sur les prélèvements d'eau \
                     du futur centre de données, restée sans réponse de la préfecture.";
    let html = format!(
        r#"<html lang="fr"><body><article><h1>Lettre ouverte</h1>
        <div class="meta"><span class="author">Lou Garnier</span></div>
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"#
    );
    let got =
        extract(html.as_bytes(), &Options { url: Some("https://x.example/lettre"), ..Options::default() })
            .unwrap();
    assert_eq!(got.authors, ["Lou Garnier"]);
}

#[test]
fn a_date_after_its_cue_anywhere_in_the_page() {
    let paragraph = "Die Bürgerinitiative fordert ein Moratorium für das Rechenzentrum, \
                     dessen Kühlung im Sommer das Grundwasser der Gemeinde belasten würde.";
    let html = format!(
        r#"<html lang="de"><body><article><h1>Moratorium gefordert</h1>
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article>
        <script>var config = {{"date:": "2001-01-01"}};</script>
        <footer><p>Erstellt am: 01.11.2023</p></footer></body></html>"#
    );
    let got = extract(
        html.as_bytes(),
        &Options { url: Some("https://x.example/moratorium"), ..Options::default() },
    )
    .unwrap();
    assert_eq!(got.published.unwrap().date().to_string(), "2023-11-01");
}

#[test]
fn captions_credits_and_related_posts_are_left_out_but_not_an_article_wrapped_in_such_a_class() {
    let paragraph = "La préfecture a autorisé le captage malgré l'avis défavorable de la commission \
                     locale de l'eau, qui demandait une étude des nappes sur trois années.";
    let html = format!(
        r#"<html lang="fr"><body>
        <section class="article js-truncate-related-to-size"><h1>Captage autorisé</h1>
        <figure><img src="/nappe.jpg" alt="La nappe"><figcaption>La source du Lez en août</figcaption></figure>
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p>
        <p>Crédits photos : Collectif Eau Secours</p>
        <p>Le forage de Saint-Clément. (Photo DR)</p>
        <h3>À lire aussi :</h3>
        <div class="yarpp-related"><h3>Articles similaires</h3><p>Un autre texte sur les nappes phréatiques et les forages.</p></div>
        <div class="newsletter-box"><p>Recevez notre lettre chaque semaine dans votre boîte.</p></div>
        </section></body></html>"#
    );
    let got =
        extract(html.as_bytes(), &Options { url: Some("https://x.example/captage"), ..Options::default() })
            .unwrap();
    let text = veille::corpus::text::plain_text(&got.body);
    assert!(text.contains("avis défavorable"), "{text}");
    for left_out in [
        "source du Lez",
        "Crédits photos",
        "Photo DR",
        "lire aussi",
        "Articles similaires",
        "Recevez notre lettre",
    ] {
        assert!(!text.contains(left_out), "{left_out:?} kept in {text}");
    }
}

#[test]
fn a_french_cue_gives_the_date_of_a_page_without_metadata() {
    let paragraph = "Un documentaire sonore sur les habitants d'un quartier que l'on va raser pour \
                     construire un entrepôt logistique, et sur ceux qui ont décidé de rester.";
    let html = format!(
        r#"<html lang="fr"><body><article><h1>Rester</h1>
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article>
        <aside><ul><li><p class="title">Mise en ligne</p><p class="content">23 mai 2019</p></li></ul></aside>
        </body></html>"#
    );
    let got = extract(
        html.as_bytes(),
        &Options { url: Some("https://x.example/son/rester"), ..Options::default() },
    )
    .unwrap();
    assert_eq!(got.published.unwrap().date().to_string(), "2019-05-23");
}

#[test]
fn the_date_on_the_line_under_the_title_and_not_in_a_wrapper_holding_the_title() {
    let day = |got: veille::extract::Extracted| got.published.map(|d| d.date().to_string());
    // No element made for dates: the short line under the heading gives it,
    // not a link to another text, nor the text itself.
    let paragraph = "Les résultats des championnats régionaux sont arrivés tard dans la soirée, \
                     et le club les publie ici avec le classement complet de chaque épreuve.";
    let html = format!(
        r#"<html lang="fr"><body><main><h1>Les résultats</h1><p><a href="/avant">Texte du 03.01.2022</a></p>
        <p>Collectif Eau • 02.02.2022</p><p>{paragraph} Le 05.02.2022, la finale.</p><p>{paragraph}</p></main></body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert_eq!(day(got).as_deref(), Some("2022-02-02"));
    // A "meta" wrapper holds the title, which names the day of the events:
    // the date is the one printed in its own element.
    let html = format!(
        r#"<html lang="fr"><body><article><div class="post-meta-wrapper"><h1>Résultats du 19.5.2007</h1>
        <p class="post-meta">par Lou | <span class="published">20 mai 2007</span></p></div>
        <p>{paragraph}</p><p>{paragraph}</p></article></body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert_eq!(day(got).as_deref(), Some("2007-05-20"));
}

#[test]
fn a_page_of_links_that_says_it_is_an_article_and_a_single_post_in_a_blog_theme_are_articles() {
    let links: String = (1..=8)
        .map(|i| format!(r#"<li><a href="https://x.example/{i}">Un texte sur les data centers et l'eau, numéro {i}</a></li>"#))
        .collect();
    let page = |head: &str| {
        format!(
            r#"<html><head>{head}</head><body><article><h1>Liens de la semaine</h1><ul>{links}</ul></article></body></html>"#
        )
    };
    let options = Options { url: Some("https://x.example/liens"), ..Options::default() };
    let listing = extract(page("").as_bytes(), &options).unwrap_err();
    assert!(matches!(listing, NotArticle::Listing(_)), "{listing}");
    let review =
        extract(page(r#"<meta property="og:type" content="article">"#).as_bytes(), &options).unwrap();
    assert!(review.body.contains("numéro 8"));

    let paragraph = "La ferme raconte son histoire depuis le premier bail signé par la famille, \
                     les terrasses reconstruites et les vignes replantées après la grêle.";
    let blog_theme = |posts: &str| {
        format!(
            r#"<html><body class="page blog"><h1>Notre histoire</h1>{posts}<p>{paragraph}</p><p>{paragraph}</p></body></html>"#
        )
    };
    assert!(extract(blog_theme("").as_bytes(), &options).is_ok());
    let index = blog_theme(r#"<div class="hentry">Un</div><div class="hentry">Deux</div>"#);
    assert!(matches!(extract(index.as_bytes(), &options), Err(NotArticle::Listing(_))));
}

#[test]
fn a_vague_date_meta_printed_for_readers_stands_and_an_empty_date_element_gives_its_attribute() {
    let day = |got: veille::extract::Extracted| got.published.map(|d| d.date().to_string());
    let confirmed = page_with(
        r#"<meta name="date" content="2020-04-20T14:57:27+02:00">"#,
        r#"<p class="webtime">Stand: 20. April 2020</p><div class="date">08.07.2020</div>"#,
    );
    assert_eq!(day(confirmed).as_deref(), Some("2020-04-20"));
    let paragraph = "Les élèves ont rendu leurs copies après un trimestre de cours en visioconférence, \
                     et les parents d'élèves demandent que les notes ne comptent pas pour l'examen.";
    let html = format!(
        r#"<html><body><article><span class="updated" title="2013-04-04T18:52:11+00:00"></span>
        <p>{paragraph}</p><p>{paragraph}</p></article></body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert_eq!(day(got).as_deref(), Some("2013-04-04"));
}

#[test]
fn the_day_printed_for_readers_wins_over_a_timestamp_one_day_off() {
    let day = |got: veille::extract::Extracted| got.published.unwrap().date().to_string();
    let stamp = r#"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-05-05T21:00:00-05:00"}</script>"#;
    assert_eq!(day(page_with(stamp, r#"<span class="date">6 mai 2022</span>"#)), "2022-05-06");
    // Days apart: the printed date is another one (an event's, an update's).
    assert_eq!(day(page_with(stamp, r#"<span class="date">10 mai 2022</span>"#)), "2022-05-05");
}

#[test]
fn the_day_shown_for_the_last_change_wins_when_the_first_day_is_not_shown() {
    let day = |got: veille::extract::Extracted| got.published.unwrap().date().to_string();
    let dates = r#"<meta property="article:published_time" content="2021-11-29T14:13:37+00:00">
        <meta property="article:modified_time" content="2022-01-12T14:27:30+00:00">"#;
    // The page shows readers the day it was revised, and only that one.
    assert_eq!(day(page_with(dates, r#"<span class="date">12.01.2022</span>"#)), "2022-01-12");
    // It shows both days, or neither: the first day stands.
    let both = r#"<span class="date">29.11.2021</span> <span class="date">mis à jour le 12.01.2022</span>"#;
    assert_eq!(day(page_with(dates, both)), "2021-11-29");
    assert_eq!(day(page_with(dates, "")), "2021-11-29");
    // A "modified" day before the first one is no revision.
    let odd = r#"<meta property="article:published_time" content="2022-12-25T10:00:00+01:00">
        <meta property="article:modified_time" content="2022-12-07T10:00:00+01:00">"#;
    assert_eq!(day(page_with(odd, r#"<span class="date">7 décembre 2022</span>"#)), "2022-12-25");
}

#[test]
fn a_line_that_is_a_date_and_little_else_dates_a_page_without_other_marks() {
    let day = |html: &str| {
        extract(html.as_bytes(), &Options::default())
            .ok()
            .and_then(|got| got.published)
            .map(|d| d.date().to_string())
    };
    let paragraph = "La commission a rendu son avis sur le projet de retenue d'eau, que les \
                     riverains contestent depuis trois ans devant le tribunal administratif.";
    // The date sits alone in an element made for nothing in particular,
    // away from the site's heading and outside the text's block; a link to
    // another text carries its own date first.
    let about = "Le journal des bassines rassemble depuis 2019 les nouvelles des collectifs \
                 qui s'opposent aux retenues d'eau agricoles dans tout le pays, avec leurs \
                 communiqués, leurs analyses et les comptes rendus de leurs réunions publiques.";
    let html = format!(
        r#"<html lang="fr"><body><h1>Le Journal des bassines</h1><p>{about}</p><p>{about}</p>
        <p><a href="/avant">Réunion du 03.01.2022</a></p>
        <div class="kopf"><p><em> 01.11.2023 11:35 </em></p></div>
        <div><h4>La retenue contestée</h4><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p>
        <p>{paragraph}</p></div></body></html>"#
    );
    assert_eq!(day(&html).as_deref(), Some("2023-11-01"));
    // A date inside a sentence is no such line.
    let html = format!(
        r#"<html lang="fr"><body><h1>La retenue contestée</h1>
        <p>{paragraph}</p><p>{paragraph}</p><p>Audience prévue le 03.05.2024 au tribunal, {paragraph}</p>
        <p>{paragraph}</p></body></html>"#
    );
    assert_eq!(day(&html), None);
}

#[test]
fn a_related_posts_time_element_does_not_date_a_wordpress_post() {
    let paragraph = "Le conseil municipal a voté la fermeture du centre de données après \
                     deux ans de mobilisation des habitants contre sa consommation d'eau.";
    let html = format!(
        r#"<html lang="fr"><head><meta name="generator" content="WordPress 6.4"></head><body>
        <article><h1 class="entry-title">Le centre de données fermera</h1>
        <p class="post-byline">par Lou · <span class="published">31 octobre 2023</span></p>
        <div class="entry-content"><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div></article>
        <ul class="related-posts"><li><article><h4 class="entry-title"><a href="/avant">Un autre texte</a></h4>
        <time class="published updated" datetime="2020-12-03 07:32:49">3 décembre 2020</time></article></li></ul>
        </body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert_eq!(got.published.unwrap().date().to_string(), "2023-10-31");
}

/// A news page whose header holds the title, a lead and an author's box,
/// and whose text sits in its own block, where Readability looks; other
/// posts' teasers follow.
fn page_with_lead(lead: &str) -> veille::extract::Extracted {
    let paragraph = "Le syndicat des eaux a confirmé que le centre de données puisera dans \
                     la nappe pendant les mois d'été, malgré les arrêtés de sécheresse.";
    let html = format!(
        r#"<html lang="fr"><head><title>Sécheresse : le centre de données pompe encore</title></head>
        <body><header class="site"><h1 class="logo">La Gazette du Plateau</h1></header>
        <main><div class="hero"><header class="article-header">
        <h1>Sécheresse : le centre de données pompe encore</h1>
        {lead}
        <div class="author-box-description">Notre correspondante suit les luttes pour l'eau depuis dix ans et anime l'atelier d'écriture.</div>
        </header></div>
        <div class="columns"><div class="article-body"><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div></div>
        <section class="more"><article class="teaser"><h2><a href="/autre">Autre article</a></h2>
        <p class="teaser-text">Un autre texte sur les bassines du Marais poitevin et la manifestation de samedi.</p></article></section>
        </main></body></html>"#
    );
    extract(html.as_bytes(), &Options { url: Some("https://x.example/secheresse"), ..Options::default() })
        .unwrap()
}

#[test]
fn the_lead_under_the_title_is_part_of_the_text() {
    let lead = "Malgré les restrictions préfectorales, le site continue de prélever \
                des milliers de mètres cubes chaque semaine.";
    let got = page_with_lead(&format!(r#"<p class="chapeau">{lead}</p>"#));
    assert!(got.body.starts_with(lead), "{}", got.body);
    assert!(got.body.contains("malgré les arrêtés de sécheresse"), "{}", got.body);
    // Neither the author's box nor another post's teaser is a lead.
    let got = page_with_lead("");
    assert!(!got.body.contains("correspondante"), "{}", got.body);
    assert!(!got.body.contains("bassines"), "{}", got.body);
    // A lead the text already holds is not repeated.
    let got = page_with_lead(&format!(r#"<p class="lead">{lead}</p>"#));
    assert_eq!(got.body.matches("restrictions préfectorales").count(), 1, "{}", got.body);
}

#[test]
fn a_text_block_whose_class_says_share_is_kept_when_it_holds_the_text() {
    let paragraph = "Les riverains du futur centre de données ont obtenu la publication de l'étude \
                     d'impact, qui chiffre sa consommation d'eau à celle d'une ville de dix mille habitants.";
    let paragraphs = format!("<p>{paragraph}</p>").repeat(12);
    // A theme's class list on the text's own block, then a real share row;
    // the sidebar holds more text than the article.
    let sidebar: String = (1..=60)
        .map(|i| format!(r#"<li><a href="/{i}">Un autre texte de la rubrique, numéro {i}</a></li>"#))
        .collect();
    let html = format!(
        r#"<html lang="fr"><head><title>L'étude d'impact publiée</title></head><body>
        <div class="sidebar"><ul>{sidebar}</ul></div><article><h1>L'étude d'impact publiée</h1><div class="entry themeform share">{paragraphs}</div>
        <div class="share"><a href="https://x.example/s">Partager</a></div></article></body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert!(got.body.matches("dix mille habitants").count() == 12, "{}", got.body);
    assert!(!got.body.contains("Partager"), "{}", got.body);
}

#[test]
fn when_readability_keeps_a_scrap_the_block_around_the_title_gives_the_text() {
    // The text is a list of steps (Readability scores paragraphs, not list
    // items), and a cookie notice is the page's one paragraph.
    let line = "Les habitants de la vallée ont manifesté samedi contre la retenue d'eau agricole";
    let steps: String =
        (1..=14).map(|i| format!("<li>{line}, pour la {i}e fois cette année.</li>")).collect();
    let html = format!(
        r#"<html lang="fr"><head><title>Retenue : la vallée manifeste</title></head><body>
        <article><h1>Retenue : la vallée manifeste</h1><ul class="steps">{steps}</ul></article>
        <footer><p>Ce site utilise des cookies pour mesurer son audience. En poursuivant votre
        navigation, vous acceptez leur usage, que vous pouvez refuser dans les réglages.</p></footer>
        </body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert!(got.body.contains("pour la 14e fois") && !got.body.contains("cookies"), "{}", got.body);
}

#[test]
fn the_description_the_page_prints_under_its_title_is_its_lead() {
    let paragraph = "Le syndicat des eaux a confirmé que le centre de données puisera dans \
                     la nappe pendant les mois d'été, malgré les arrêtés de sécheresse.";
    let summary = "Malgré les arrêtés de sécheresse, le centre de données du plateau continue de \
                   pomper dans la nappe : le syndicat des eaux l'a confirmé mardi.";
    let page = |printed: &str| {
        format!(
            r#"<html lang="fr"><head><title>Sécheresse : le centre de données pompe encore</title>
            <meta name="description" content="{summary}"></head><body><main>
            <div class="hero"><header><h1>Sécheresse : le centre de données pompe encore</h1>{printed}</header></div>
            <div class="columns"><div class="article-body"><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div></div>
            </main></body></html>"#
        )
    };
    let got = |html: String| extract(html.as_bytes(), &Options::default()).unwrap().body;
    // Printed under the title, with no class to say it is a lead.
    let body = got(page(&format!("<p>{summary}</p>")));
    assert!(body.starts_with("Malgré les arrêtés"), "{body}");
    // Only in the metadata, or printed as a link to the text: no lead.
    let teaser = format!(r#"<p><a href="/secheresse">{summary}</a></p>"#);
    for printed in ["", &teaser] {
        let body = got(page(printed));
        assert!(!body.contains("Malgré les arrêtés"), "{printed:?}: {body}");
    }
    // A teaser printing it first does not hide the lead that follows.
    let body = got(page(&format!("{teaser}<p>{summary}</p>")));
    assert!(body.starts_with("Malgré les arrêtés"), "{body}");
}

#[test]
fn what_follows_the_article_goes_with_the_heading_that_opens_it() {
    let paragraph = "Les habitants de la vallée ont manifesté samedi contre la retenue d'eau agricole, \
                     que la préfecture a autorisée malgré l'avis défavorable de l'enquête publique.";
    let paragraphs = format!("<p>{paragraph}</p>").repeat(4);
    // Readability keeps the block of other texts: it sits in the article.
    let html = format!(
        r#"<html lang="fr"><head><title>Retenue : la vallée manifeste</title></head><body><article>
        <h1>Retenue : la vallée manifeste</h1>{paragraphs}
        <h3>Sur le même sujet</h3>
        <p>Dans la vallée voisine, un autre projet de retenue est contesté depuis deux ans par les riverains.</p>
        </article></body></html>"#
    );
    let got = extract(html.as_bytes(), &Options::default()).unwrap();
    assert!(got.body.contains("enquête publique"), "{}", got.body);
    assert!(!got.body.contains("vallée voisine"), "{}", got.body);
}

#[test]
fn a_newsletter_form_is_never_the_text_even_when_it_says_more_than_the_article() {
    let consent = "J'accepte que l'association Eau Secours m'écrive chaque mois au sujet de ses \
                   actions, et je sais que je peux retirer ce consentement à tout moment en écrivant.";
    let html = format!(
        r#"<html lang="fr"><body>
        <header><h1>Réunion publique sur le captage</h1></header>
        <section class="post-main"><div class="content"><p>Le collectif tiendra une réunion publique
        le 12 février à la salle des fêtes de Saint-Clément pour présenter son recours contre le
        captage autorisé par la préfecture, malgré l'avis défavorable de la commission locale de
        l'eau. Les hydrogéologues du collectif y présenteront leurs mesures des nappes.</p></div></section>
        <div class="wrap-form"><h4>Restez informés</h4><form class="form"><fieldset>
        <input type="email" name="courriel"><p>{consent}</p><p>{consent}</p><p>{consent}</p>
        </fieldset></form></div>
        <footer><ul><li>Qui sommes-nous ? Un collectif de riverains, d'agriculteurs et de pêcheurs du bassin du Lez</li>
        <li>Nos statuts, nos comptes, nos rapports d'activité depuis la fondation de l'association en 2009</li>
        <li>Mentions légales : hébergé par une association d'hébergement associatif, sans publicité</li>
        <li>Contact : écrivez-nous à l'adresse de l'association, nous répondons à chaque lettre reçue</li>
        <li>Plan du site, archives des réunions, comptes rendus des assemblées générales annuelles</li></ul></footer>
        </body></html>"#
    );
    let got =
        extract(html.as_bytes(), &Options { url: Some("https://x.example/reunion"), ..Options::default() })
            .unwrap();
    let text = veille::corpus::text::plain_text(&got.body);
    assert!(text.contains("réunion publique"), "{text}");
    assert!(!text.contains("consentement"), "{text}");
}

#[test]
fn a_page_gives_the_same_text_every_time_even_when_two_blocks_tie() {
    // Two blocks of the same weight in two wrappers: Readability scores them
    // alike, and its candidates used to come out of a map in random order.
    let block = |topic: &str| {
        let paragraph = format!(
            "Le collectif du bassin a relevé, semaine après semaine, le niveau de la {topic} \
             dans les puits des fermes voisines, et ses mesures montrent une baisse continue \
             depuis que le forage industriel pompe jour et nuit, sans autorisation publiée."
        );
        // Deeper than the five levels that share a paragraph's score: the
        // wrappers' common parent gets none and cannot take both.
        format!(
            r#"<div class="scroll"><div><div><div><div><div>
            <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div></div></div></div></div></div>"#
        )
    };
    let html = format!(
        "<html lang=\"fr\"><head><title>Forages</title></head><body>{}{}</body></html>",
        block("nappe"),
        block("source")
    );
    let options = Options { url: Some("https://x.example/forages"), ..Options::default() };
    let first = extract(html.as_bytes(), &options).unwrap().body;
    // The first in the page is taken.
    assert!(first.contains("niveau de la nappe") && !first.contains("niveau de la source"), "{first}");
    for _ in 0..40 {
        assert_eq!(extract(html.as_bytes(), &options).unwrap().body, first);
    }
}

/// A third-party SPIP theme prints the site's name as the first `h1`
/// (`#logo_site_spip`): the spip profile takes the article's title, not it.
#[test]
fn a_spip_theme_that_heads_every_page_with_the_site_name() {
    let text = "<p>Le collectif appelle à une réunion publique sur le projet de retenue d'eau, \
                qui menace les sources du plateau et les prairies humides en aval.</p>"
        .repeat(5);
    let html = format!(
        "<html><head><meta name=\"generator\" content=\"SPIP 4.2\"><title>Retenue d'eau : réunion publique - Attac Plateau</title></head>\
         <body class=\"page_article\"><header><h1 id=\"logo_site_spip\">Attac Plateau<small>L'action citoyenne</small></h1></header>\
         <main><h2 class=\"h1 crayon article-titre-12\">Retenue d'eau : réunion publique</h2>\
         <div class=\"texte crayon article-texte-12\">{text}</div></main></body></html>"
    );
    let options =
        Options { url: Some("https://attac-plateau.example/spip.php?article12"), ..Options::default() };
    let got = extract(html.as_bytes(), &options).unwrap();
    assert_eq!(got.profile, "spip");
    assert_eq!(got.title, "Retenue d'eau : réunion publique");
}

/// A WordPress block theme (Twenty Twenty-Three's markup): the author in
/// its own block, categories and tags both marked `rel="tag"`.
#[test]
fn a_wordpress_block_theme_gives_its_author_and_tags_not_its_categories() {
    let text = "<p>La commission locale de l'eau a rendu son avis sur le projet de bassines, \
                contre l'avis des associations de pêcheurs et des paysans du bassin versant.</p>"
        .repeat(5);
    let html = format!(
        "<html lang=\"fr-FR\"><head><meta name=\"generator\" content=\"WordPress 6.1.9\"><title>Avis sur les bassines – Le Banc</title></head>\
         <body class=\"single wp-embed-responsive\"><main><h1 class=\"wp-block-post-title\">Avis sur les bassines</h1>\
         <div class=\"wp-block-post-author\"><div class=\"wp-block-post-author__content\">\
         <p class=\"wp-block-post-author__name\">Camille Roux</p></div></div>\
         <div class=\"entry-content wp-block-post-content\">{text}</div>\
         <div class=\"taxonomy-category wp-block-post-terms\"><a href=\"/?cat=4\" rel=\"tag\">Société</a></div>\
         <div class=\"taxonomy-post_tag wp-block-post-terms\"><a href=\"/?tag=eau\" rel=\"tag\">eau</a>\
         <a href=\"/?tag=bassines\" rel=\"tag\">bassines</a></div></main></body></html>"
    );
    let options = Options { url: Some("https://banc.example/?p=4"), ..Options::default() };
    let got = extract(html.as_bytes(), &options).unwrap();
    assert_eq!(got.profile, "wordpress");
    assert_eq!(got.authors, ["Camille Roux"]);
    assert_eq!(got.tags, ["eau", "bassines"]);
}
