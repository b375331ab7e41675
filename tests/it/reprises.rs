//! Reprises through the real binary: the same text on several sites found
//! at index time, one search result per text, clusters kept right when
//! articles come and go.

use std::fs;
use std::path::Path;

use crate::support::veille;

/// A communiqué of about 300 words, written for this test.
const COMMUNIQUE: &str = "Le collectif Rivières vivantes appelle à un rassemblement samedi devant la préfecture contre le projet de centre de données de la zone des Granges. \
Ce bâtiment de quarante mille mètres carrés consommerait chaque été autant d’eau qu’une ville de vingt mille habitants pour refroidir ses serveurs. \
La nappe alluviale qui alimente trois communes est déjà descendue sous son niveau d’alerte deux années de suite. \
Les agriculteurs du plateau ont vu leurs prélèvements limités dès le mois de juin, pendant que l’industriel obtenait une dérogation. \
Nous demandons la publication de l’étude d’impact complète, que la préfecture refuse de transmettre malgré trois demandes écrites. \
Nous demandons aussi un moratoire sur toute nouvelle installation tant que le schéma de gestion de l’eau du bassin n’a pas été révisé. \
Les promesses de récupération de chaleur ne changent rien à l’affaire : la chaleur fatale chauffera au mieux une piscine, et l’eau partie en vapeur ne reviendra pas dans la rivière. \
Le conseil communautaire votera la cession du terrain le douze du mois prochain, sans débat public et sans consultation des habitants. \
Venez nombreuses et nombreux, avec vos questions, vos chiffres et vos pancartes. \
Une réunion publique suivra à la salle des fêtes pour préparer la suite de la mobilisation et organiser la présence au conseil.";

/// Another text on the same subject, with the same vocabulary.
const OTHER: &str = "Les centres de données se multiplient dans la vallée et leur soif d’eau inquiète les syndicats de bassin. \
Une enquête menée pendant six mois auprès des régies publiques montre que les volumes réservés à l’industrie numérique ont doublé en trois ans. \
Les compteurs installés sur les forages ne sont relevés qu’une fois par an, ce qui rend tout contrôle illusoire en période de sécheresse. \
Plusieurs élus reconnaissent ne pas avoir lu les conventions signées avec les opérateurs, rédigées par les services juridiques des entreprises. \
Dans deux communes, les arrêtés de restriction ont épargné les refroidisseurs au nom de la continuité du service. \
Les associations de pêcheurs ont relevé des températures anormales en aval des rejets pendant tout le mois d’août. \
Le rapport conclut à la nécessité d’un registre public des prélèvements et d’un avis conforme des commissions locales de l’eau. \
Il recommande enfin de conditionner tout permis de construire à un bilan hydrique indépendant et opposable.";

fn write(home: &Path, site: &str, id: &str, date: &str, title: &str, body: &str) {
    let dir = home.join("corpus/articles").join(site).join("2025/06");
    fs::create_dir_all(&dir).unwrap();
    let text = format!(
        "+++\nid = \"{id}\"\nurl = \"https://{site}.example/{id}\"\nsite = \"{site}\"\ntitle = \"{title}\"\npublished = {date}\nkind = \"communique\"\n+++\n\n{body}\n"
    );
    fs::write(dir.join(format!("{id}.md")), text).unwrap();
}

fn cluster(home: &Path, id: &str) -> Vec<String> {
    let out = veille(home).args(["reprises", "--json", id]).assert().success().get_output().stdout.clone();
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    hits.iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn reposts_are_clustered_incrementally_and_searched_once() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    veille(h).args(["init", "-q"]).assert().success();
    write(
        h,
        "rivieres",
        "orig",
        "2025-06-02",
        "Rassemblement contre le centre de données des Granges",
        COMMUNIQUE,
    );
    // A repost: new intro, signature trimmed, typography changed, a sentence cut.
    let repost = format!(
        "Nous relayons l'appel de nos camarades, reçu ce matin. {}",
        COMMUNIQUE
            .replace('’', "'")
            .replace(" Venez nombreuses et nombreux, avec vos questions, vos chiffres et vos pancartes.", "")
    );
    write(h, "relais", "repost", "2025-06-04", "Samedi, tous à la préfecture !", &repost);
    write(h, "relais", "exact", "2025-06-05", "Communiqué des Granges", COMMUNIQUE);
    write(h, "enquetes", "other", "2025-06-03", "La soif des centres de données", OTHER);
    write(
        h,
        "relais",
        "tiny",
        "2025-06-06",
        "Brève",
        "Rassemblement samedi devant la préfecture contre le centre de données.",
    );
    veille(h).args(["index", "-q"]).assert().success();

    assert_eq!(cluster(h, "repost"), ["orig", "repost", "exact"], "the original first, then by date");
    assert_eq!(cluster(h, "other"), ["other"], "another text on the subject is not a reprise");
    assert_eq!(cluster(h, "tiny"), ["tiny"], "a text too short is never clustered");

    // One search result per text, saying where else it appeared.
    let out = veille(h)
        .args(["search", "--json", "préfecture", "nappe"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // Articles with only one of the words follow, marked partial.
    let hits: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|hit| hit["partial"] != true)
        .collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["reprises"], 2);
    let also: Vec<&str> =
        hits[0]["also_on"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(!also.is_empty() && also.iter().all(|s| ["rivieres", "relais"].contains(s)), "{also:?}");
    let out = veille(h)
        .args(["search", "--json", "--all-reprises", "préfecture", "nappe"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().filter(|l| !l.contains("\"partial\":true")).count(),
        3
    );

    // A new repost joins the cluster without the others being fingerprinted again.
    write(
        h,
        "troisieme",
        "late",
        "2025-07-01",
        "Encore",
        &format!("{COMMUNIQUE} Signé : le comité de soutien."),
    );
    veille(h).args(["index", "-q"]).assert().success();
    assert_eq!(cluster(h, "orig"), ["orig", "repost", "exact", "late"]);

    // The original leaves the archive: the next earliest becomes the original.
    fs::remove_file(h.join("corpus/articles/rivieres/2025/06/orig.md")).unwrap();
    veille(h).args(["index", "-q"]).assert().success();
    assert_eq!(cluster(h, "late"), ["repost", "exact", "late"]);
}

#[test]
fn the_demo_archive_reposts_are_found() {
    let home = crate::support::demo::demo_home();
    veille(home.path()).args(["index", "-q"]).assert().success();
    let (articles, _) = veille::corpus::Corpus::new(home.path().join("corpus")).load().unwrap();
    let index = veille::index::Index::open(&home.path().join("index")).unwrap();
    let searcher = veille::index::search::Searcher::new(index, Default::default()).unwrap();
    let clusters = searcher.reprises().clusters();
    // The demo archive holds five communiqués reposted on another site (see tests/demo_corpus.rs).
    assert_eq!(clusters.len(), 5, "{clusters:?}");
    for cluster in clusters {
        let sites: std::collections::HashSet<&str> = cluster
            .iter()
            .map(|id| articles.iter().find(|a| &a.article.id == id).unwrap().article.site.as_str())
            .collect();
        assert!(sites.len() >= 2, "a cluster spans sites: {cluster:?}");
    }
}

#[test]
fn a_missing_or_damaged_fingerprint_file_means_a_rebuild() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    veille(h).args(["init", "-q"]).assert().success();
    write(h, "rivieres", "orig", "2025-06-02", "Rassemblement", COMMUNIQUE);
    write(h, "relais", "repost", "2025-06-03", "Repris", &format!("Nous relayons. {COMMUNIQUE}"));
    veille(h).args(["index", "-q"]).assert().success();
    let fingerprints = h.join("index/reprises.bin");
    let saved = fs::read(&fingerprints).unwrap();

    // Unchanged articles are not read again, so without their saved
    // fingerprints the index is rebuilt rather than the clusters lost.
    fs::remove_file(&fingerprints).unwrap();
    let out = veille(h).args(["index"]).assert().success().get_output().stdout.clone();
    assert!(
        String::from_utf8_lossy(&out).starts_with("indexed 2 articles"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(fs::read(&fingerprints).unwrap(), saved);
    assert_eq!(cluster(h, "repost"), ["orig", "repost"]);

    // A damaged file: said on stderr, then the same.
    fs::write(&fingerprints, &saved[..saved.len() / 2]).unwrap();
    let out = veille(h).args(["index"]).assert().success().get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("reprises.bin") && stderr.contains("truncated"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("indexed 2 articles"));
    assert_eq!(fs::read(&fingerprints).unwrap(), saved);
    assert_eq!(cluster(h, "repost"), ["orig", "repost"]);

    // And when all is well, nothing is read again.
    let out = veille(h).args(["index"]).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8_lossy(&out).starts_with("updated the index of 2 articles"));
}

#[test]
fn a_page_is_full_even_when_one_text_was_reposted_many_times() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    veille(h).args(["init", "-q"]).assert().success();
    // Eight sites repost the communiqué; two other texts hold the query's words.
    for n in 0..8 {
        write(
            h,
            &format!("site{n}"),
            &format!("copie{n}"),
            "2025-06-02",
            "Communiqué des Granges",
            COMMUNIQUE,
        );
    }
    write(h, "enquetes", "other", "2025-06-03", "La soif des centres de données", OTHER);
    write(h, "breves", "breve", "2025-06-04", "Brève", "La nappe et les centres de données, encore.");
    veille(h).args(["index", "-q"]).assert().success();
    let out = veille(h)
        .args(["search", "--json", "--limit", "3", "nappe", "centres", "données"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ids: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3, "one hit for the eight copies, and the two others: {ids:?}");
    assert_eq!(ids.iter().filter(|id| id.starts_with("copie")).count(), 1, "{ids:?}");
}
