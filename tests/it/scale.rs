//! Runs whose cost follows what changed: the index trusts directories whose
//! mtime did not move, and corpus writers ask the index which file holds an
//! id (issue 27). Directories are aged by hand: one changed in the last two
//! seconds is always listed again (a "racy" directory).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tempfile::TempDir;
use veille::corpus::{Article, Corpus, PubDate};
use veille::index::update::{self, Scope};
use veille::index::{Index, IndexCatalog};

fn no_progress(_: usize, _: usize) {}

fn article(id: &str, site: &str, month: &str, title: &str) -> Article {
    let mut a = Article::new(id, site, title);
    a.body = format!("{title}. Un texte sur l'eau, les data centers et la sobriété ({id}).");
    a.published = Some(PubDate::parse(&format!("{month}-15")).unwrap());
    a
}

struct Home {
    dir: TempDir,
}

impl Home {
    fn new(articles: Vec<Article>) -> Home {
        let home = Home { dir: tempfile::tempdir().unwrap() };
        home.save(articles);
        home
    }
    fn index_dir(&self) -> PathBuf {
        self.dir.path().join("index")
    }
    /// The corpus as a home opens it: writers ask the index first.
    fn corpus(&self) -> Corpus {
        Corpus::new(self.dir.path().join("corpus"))
            .with_catalog(Arc::new(IndexCatalog::new(self.index_dir())))
    }
    fn save(&self, articles: Vec<Article>) {
        let (mut writer, errors) = self.corpus().writer().unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        for result in writer.save_all(articles) {
            result.unwrap();
        }
    }
    fn index(&self, scope: Scope) -> update::Report {
        update::update_with(&self.corpus(), &self.index_dir(), scope, true, &no_progress).unwrap()
    }
    /// Every directory of the corpus an hour old: not racy any more.
    fn age(&self) {
        let old = SystemTime::now() - Duration::from_secs(3600);
        for entry in walkdir::WalkDir::new(self.dir.path().join("corpus/articles")) {
            let entry = entry.unwrap();
            if entry.file_type().is_dir() {
                fs::File::open(entry.path()).unwrap().set_modified(old).unwrap();
            }
        }
    }
    fn path_of(&self, id: &str) -> PathBuf {
        let (writer, _) = self.corpus().writer().unwrap();
        writer.path_of(id).unwrap_or_else(|| panic!("no file for {id}"))
    }
    /// id → path (relative to corpus/) of every document the index holds.
    fn indexed(&self) -> Vec<(String, String)> {
        let index = Index::open(&self.index_dir()).unwrap();
        let mut files: Vec<_> =
            update::indexed_files(&index).unwrap().into_iter().map(|(path, (id, _))| (id, path)).collect();
        files.sort();
        files
    }
    fn files(&self) -> usize {
        walkdir::WalkDir::new(self.dir.path().join("corpus/articles"))
            .into_iter()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "md"))
            .count()
    }
}

fn rewrite_in_place(path: &Path, from: &str, to: &str) {
    let dir = path.parent().unwrap();
    let dir_mtime = fs::metadata(dir).unwrap().modified().unwrap();
    let text = fs::read_to_string(path).unwrap().replace(from, to);
    // Truncate and write: the same inode, so the directory's mtime stays.
    fs::OpenOptions::new().write(true).truncate(true).open(path).unwrap().write_all_text(&text);
    assert_eq!(fs::metadata(dir).unwrap().modified().unwrap(), dir_mtime);
}

trait WriteAll {
    fn write_all_text(self, text: &str);
}

impl WriteAll for fs::File {
    fn write_all_text(mut self, text: &str) {
        std::io::Write::write_all(&mut self, text.as_bytes()).unwrap();
    }
}

#[test]
fn a_run_reads_only_the_directories_that_moved_and_a_full_one_sees_files_rewritten_in_place() {
    let home = Home::new(vec![
        article("a", "eau", "2024-01", "Les nappes"),
        article("b", "eau", "2024-02", "Les bassines"),
        article("c", "ia", "2024-01", "Le drone"),
    ]);
    let first = home.index(Scope::Changed);
    assert_eq!((first.added, first.rebuilt), (3, true));
    home.age();
    let quiet = home.index(Scope::Changed);
    assert_eq!((quiet.added, quiet.updated, quiet.removed, quiet.unchanged), (0, 0, 0, 3));

    // A new file moves its directory: it is seen, its neighbours counted unchanged.
    home.save(vec![article("d", "eau", "2024-02", "Les barrages")]);
    let report = home.index(Scope::Changed);
    assert_eq!((report.added, report.unchanged), (1, 3));
    // That directory had just moved: the next run lists it again (racy),
    // and records its aged mtime.
    home.age();
    assert_eq!(home.index(Scope::Changed).unchanged, 4);

    // Rewritten in place: the directory does not move, a quick run cannot
    // see it; --full (or the weekly full scan) does.
    rewrite_in_place(&home.path_of("c"), "Le drone", "Le drone armé");
    assert_eq!(home.index(Scope::Changed).updated, 0);
    let full = home.index(Scope::AllFiles);
    assert_eq!((full.updated, full.unchanged), (1, 3));

    // A deleted file and a deleted directory are seen.
    home.age();
    fs::remove_file(home.path_of("a")).unwrap();
    fs::remove_dir_all(home.path_of("c").parent().unwrap().parent().unwrap()).unwrap();
    let report = home.index(Scope::Changed);
    assert_eq!((report.removed, report.unchanged), (2, 2));
    assert_eq!(home.indexed().iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["b", "d"]);
}

#[test]
fn a_quick_run_ends_where_a_rebuild_does_and_repeats_what_could_not_be_indexed() {
    let home =
        Home::new(vec![article("x", "sud", "2024-03", "Premier"), article("y", "sud", "2024-03", "Second")]);
    home.index(Scope::Changed);
    home.age();
    // A file in another directory that sorts first claims "x": in path
    // order it comes first, so it keeps the id, as a rebuild decides.
    let dir = home.dir.path().join("corpus/articles/nord/2024/03");
    fs::create_dir_all(&dir).unwrap();
    let mut copy = article("x", "nord", "2024-03", "Copie");
    copy.body = "Une copie qui garde l'identifiant.".into();
    fs::write(dir.join("copie.md"), copy.to_file_string()).unwrap();
    // And a broken file.
    fs::write(dir.join("casse.md"), "+++\nid = \"z\"\ntitle = [\n+++\n").unwrap();
    home.age();
    let quick = home.index(Scope::Changed);
    assert_eq!(quick.failed.len(), 2, "{:?}", quick.failed);
    assert!(
        quick.failed.iter().any(|f| f.contains("sud/2024/03") && f.contains("already used")),
        "{:?}",
        quick.failed
    );
    let after_quick = home.indexed();
    home.index(Scope::Rebuild);
    assert_eq!(after_quick, home.indexed());
    assert!(after_quick.contains(&("x".into(), "articles/nord/2024/03/copie.md".into())));

    // Nothing moved, but what failed is looked at (and reported) again.
    home.age();
    let again = home.index(Scope::Changed);
    assert_eq!(again.failed.len(), 2, "{:?}", again.failed);
    // Fixed, it is indexed.
    fs::remove_file(dir.join("copie.md")).unwrap();
    fs::write(dir.join("casse.md"), article("z", "nord", "2024-03", "Réparé").to_file_string()).unwrap();
    let fixed = home.index(Scope::Changed);
    assert!(fixed.failed.is_empty(), "{:?}", fixed.failed);
    let ids: Vec<_> = home.indexed().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["x", "y", "z"]);
}

#[test]
fn a_writer_finds_the_files_the_index_holds_without_reading_them() {
    let home = Home::new(vec![
        article("a", "eau", "2024-01", "Les nappes"),
        article("b", "eau", "2024-01", "Les puits"),
    ]);
    home.index(Scope::Changed);
    home.age();
    let before = home.path_of("a");
    // Saved again with a corrected title: the same file, no duplicate.
    let mut corrected = article("a", "eau", "2024-01", "Les nappes phréatiques");
    corrected.body = "Texte corrigé.".into();
    // Another article with a title already taken in that directory gets its own name.
    home.save(vec![corrected, article("c", "eau", "2024-01", "Les puits")]);
    assert_eq!(home.path_of("a"), before);
    assert_eq!(home.files(), 3);
    assert!(home.path_of("c").ends_with("les-puits-2.md"), "{}", home.path_of("c").display());
    let report = home.index(Scope::Changed);
    assert_eq!((report.added, report.updated, report.failed.len()), (1, 1, 0));
    // Without an index the writer reads every file, and agrees.
    fs::remove_dir_all(home.index_dir()).unwrap();
    assert_eq!(home.path_of("a"), before);
}
