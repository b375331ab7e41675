//! The real `veille` binary in a real terminal (tmux): type a query, see a
//! known title, open the reader, add to the basket, label it and write a
//! note, quit, and check that the terminal was given back and the marks are
//! in the article's file. Skipped, with a notice, where tmux is not
//! installed (`.ci/run` installs it).

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.0]);
    }
}

impl Session {
    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "{text:?} never appeared; the screen was:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.0.as_str()];
        args.extend_from_slice(keys);
        tmux(&args);
    }
}

#[test]
fn search_read_basket_and_quit_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: the real-terminal test is skipped");
        return;
    }
    let home = crate::support::demo::demo_home();
    let veille = assert_cmd::cargo::cargo_bin("veille");
    let status = Command::new(&veille).arg("--home").arg(home.path()).args(["index", "-q"]).status().unwrap();
    assert!(status.success());

    let name = format!("veille-test-{}", std::process::id());
    let shell = format!(
        "cd {} && LANG=fr_FR.UTF-8 TERM=xterm-256color {} ; echo VEILLE-EXIT=$? ; sleep 60",
        home.path().display(),
        veille.display()
    );
    let status = Command::new("tmux")
        .args(["new-session", "-d", "-s", &name, "-x", "110", "-y", "32", &shell])
        .status()
        .unwrap();
    assert!(status.success());
    let session = Session(name);
    session.wait_for("Recherche");
    session.keys(&["-l", "titre:puces grésivaudan"]);
    session.wait_for("Puces contre rivières");
    session.keys(&["Enter"]);
    session.wait_for("Lecture");
    session.wait_for("Cité par");
    session.keys(&["a"]);
    session.wait_for("ajouté au panier");
    // The collective's label and note, written in the file and shown at once.
    session.keys(&["t"]);
    session.wait_for("Étiquettes");
    session.keys(&["-l", "+à-lire"]);
    session.keys(&["Enter"]);
    session.wait_for("#à-lire");
    session.keys(&["N"]);
    session.wait_for("Note du collectif");
    session.keys(&["-l", "Vue en vrai terminal."]);
    session.keys(&["Enter"]);
    session.wait_for("✎ Vue en vrai terminal.");
    session.keys(&["Escape"]);
    session.wait_for("Résultats");
    session.keys(&["q"]);
    let after = session.wait_for("VEILLE-EXIT=0");
    assert!(!after.contains("Recherche") && !after.contains("Thèmes"), "the UI stayed on screen:\n{after}");
    // The terminal is back in cooked mode: what is typed is echoed by the shell's tty.
    let basket = std::fs::read_to_string(home.path().join("corpus/baskets/panier.toml")).unwrap();
    let (articles, _) = veille::corpus::Corpus::new(home.path().join("corpus")).load().unwrap();
    let chosen = articles.iter().find(|a| a.article.title.starts_with("Puces contre rivières")).unwrap();
    assert!(basket.contains(&chosen.article.id), "{basket}");
    let marks = &chosen.article.annotations;
    assert!(marks.labels.contains("à-lire") && marks.read, "{marks:?}");
    assert_eq!(marks.note.as_deref(), Some("Vue en vrai terminal."));
}
