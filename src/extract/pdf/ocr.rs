//! Scanned pages read by OCR: each page of a PDF that has images and no
//! text layer is rendered by poppler's `pdftoppm` and read by `tesseract`
//! with its French data, page by page, inside the PDF worker's limits.
//!
//! Both are programs, not crates: tesseract is the OCR engine a Debian
//! machine has (`tesseract-ocr`, `tesseract-ocr-fra`), and `pdftoppm` draws
//! every image filter scanners write (JPEG, JBIG2, CCITT fax, JPEG 2000),
//! masks, rotations and crops, which reading the page's image streams
//! ourselves would not. They run as child processes of the worker, so they
//! inherit its memory and CPU limits, and each is killed at the worker's
//! deadline.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::layout;

/// Resolution a page is rendered at when its scan's is unknown: tesseract
/// reads best around 300 dpi.
const DPI: f32 = 300.0;

/// A page is rendered at its scan's own resolution within these bounds:
/// rendering a noisy 150 or 200 dpi scan at 300 dpi enlarges its noise,
/// and lost 0.4 to 0.5 points of accuracy on benches/ocr.
const DPI_RANGE: (f32, f32) = (150.0, 400.0);

/// The languages tesseract reads with. Only French: with English added
/// (`fra+eng`), French accuracy went down on benches/ocr (see its README).
const LANGUAGES: &str = "fra";

/// Why scanned pages cannot be read here: the end of the article's status,
/// after "image only, no text (scanned pages): ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("install tesseract-ocr and tesseract-ocr-fra to read them (no `{0}` program)")]
    Tesseract(String),
    #[error("install tesseract-ocr-fra to read them (tesseract has no French data)")]
    French,
    #[error("install poppler-utils to read them (no `{0}` program to render the pages)")]
    Renderer(String),
}

/// Why OCR stopped on a file.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("cannot make a temporary directory: {0}")]
    TempDir(std::io::Error),
    #[error("{program} failed on page {page}: {why}")]
    Program { program: String, page: usize, why: String },
}

/// The OCR programs found on this machine.
#[derive(Debug, Clone)]
pub struct Engine {
    tesseract: PathBuf,
    renderer: PathBuf,
}

/// The text of the pages read.
#[derive(Debug, Default)]
pub struct Pages {
    /// Tesseract's text of each page read, in order.
    pub texts: Vec<String>,
    /// Why reading stopped before the last page asked for.
    pub stopped: Option<String>,
}

impl Engine {
    /// `VEILLE_TESSERACT` (else `tesseract`) with French data, and
    /// `VEILLE_PDFTOPPM` (else `pdftoppm`). Looked up once per process.
    pub fn find() -> Result<Engine, Missing> {
        static FOUND: OnceLock<Result<Engine, Missing>> = OnceLock::new();
        FOUND.get_or_init(|| Engine::look_up(&program("VEILLE_TESSERACT", "tesseract"))).clone()
    }

    fn look_up(tesseract: &Path) -> Result<Engine, Missing> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut command = Command::new(tesseract);
        command.arg("--list-langs");
        let listed =
            run_until(command, deadline).map_err(|_| Missing::Tesseract(tesseract.display().to_string()))?;
        // Tesseract 4 printed the list on stderr, 5 on stdout.
        let all = format!("{}\n{}", listed.stdout, listed.stderr);
        if !all.lines().any(|l| l.trim() == "fra") {
            return Err(Missing::French);
        }
        let renderer = program("VEILLE_PDFTOPPM", "pdftoppm");
        let mut command = Command::new(&renderer);
        command.arg("-v");
        run_until(command, deadline).map_err(|_| Missing::Renderer(renderer.display().to_string()))?;
        Ok(Engine { tesseract: tesseract.to_path_buf(), renderer })
    }

    /// Reads the pages of the PDF `bytes` given as (page number from 1, its
    /// scan's resolution), one at a time, until `deadline`: a page not done
    /// by then is killed and left out. `texts` holds one text per page read,
    /// in the order asked.
    pub fn read(
        &self,
        bytes: &[u8],
        asked: &[(usize, Option<f32>)],
        deadline: Instant,
    ) -> Result<Pages, OcrError> {
        let pages = asked.len();
        let dir = tempfile::Builder::new().prefix("veille-ocr-").tempdir().map_err(OcrError::TempDir)?;
        let pdf = dir.path().join("scan.pdf");
        std::fs::write(&pdf, bytes).map_err(OcrError::TempDir)?;
        let image = dir.path().join("page");
        let png = dir.path().join("page.png");
        let mut out = Pages::default();
        for (done, &(page, dpi)) in asked.iter().enumerate() {
            let stopped = || format!("time limit reached after {done} of {pages} pages (OCR)");
            if Instant::now() > deadline {
                out.stopped = Some(stopped());
                break;
            }
            let dpi = dpi.map_or(DPI, |d| d.clamp(DPI_RANGE.0, DPI_RANGE.1)).round();
            let mut render = Command::new(&self.renderer);
            render
                .arg("-r")
                .arg(dpi.to_string())
                .args(["-gray", "-png", "-singlefile", "-f"])
                .arg(page.to_string())
                .arg("-l")
                .arg(page.to_string())
                .arg(&pdf)
                .arg(&image);
            match run_until(render, deadline) {
                Ok(done) if done.success => {}
                Ok(done) => {
                    // One page poppler cannot draw is left out; the others are read.
                    tracing::debug!("page {page}: pdftoppm: {}", last_line(&done.stderr));
                    out.texts.push(String::new());
                    continue;
                }
                Err(RunError::Deadline) => {
                    out.stopped = Some(stopped());
                    break;
                }
                Err(RunError::Start(e)) => {
                    return Err(OcrError::Program { program: "pdftoppm".into(), page, why: e.to_string() });
                }
            }
            let mut tesseract = Command::new(&self.tesseract);
            tesseract.arg(&png).arg("stdout").args(["-l", LANGUAGES]);
            let read = run_until(tesseract, deadline);
            let _ = std::fs::remove_file(&png);
            match read {
                Ok(done) if done.success => out.texts.push(done.stdout),
                Ok(done) => {
                    return Err(OcrError::Program {
                        program: "tesseract".into(),
                        page,
                        why: last_line(&done.stderr).to_string(),
                    });
                }
                Err(RunError::Deadline) => {
                    out.stopped = Some(stopped());
                    break;
                }
                Err(RunError::Start(e)) => {
                    return Err(OcrError::Program { program: "tesseract".into(), page, why: e.to_string() });
                }
            }
        }
        Ok(out)
    }
}

fn program(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).filter(|v| !v.is_empty()).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

fn last_line(text: &str) -> &str {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim()
}

/// What a program run to its end printed.
struct Done {
    success: bool,
    stdout: String,
    stderr: String,
}

enum RunError {
    Start(std::io::Error),
    /// Killed at the deadline.
    Deadline,
}

/// Runs `command` until it ends or `deadline` passes (then it is killed).
fn run_until(mut command: Command, deadline: Instant) -> Result<Done, RunError> {
    // One thread per program: the crawl runs several workers at once, and
    // tesseract's OpenMP threads would fight over the same cores.
    command.env("OMP_THREAD_LIMIT", "1").stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command.spawn().map_err(RunError::Start)?;
    let finished = super::child::wait(child, deadline).map_err(RunError::Start)?;
    let Some(status) = finished.status else { return Err(RunError::Deadline) };
    Ok(Done {
        success: status.success(),
        stdout: String::from_utf8_lossy(&finished.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&finished.stderr).into_owned(),
    })
}

/// The pages' OCR text as Markdown: tesseract's blocks as paragraphs (the
/// lines of a block joined, words cut at a line's end glued back), list
/// items kept, `<!-- page N -->` where page N ≥ 2 starts. A paragraph that
/// runs on to the next page (no full stop, a lower-case start) stays one
/// paragraph, with the page mark inside it, as the PDF text reader does.
pub fn markdown(pages: &[String]) -> String {
    let pages: Vec<PageText> = pages.iter().map(|text| PageText::Read(text.clone())).collect();
    markdown_of(&pages)
}

/// One page of a scan: what OCR read of it, or the Markdown of its own
/// text layer (a typeset cover among scanned pages), kept as it is.
#[derive(Debug, Clone)]
pub enum PageText {
    Read(String),
    Typeset(String),
}

/// [`markdown`] of pages some of which are typeset.
pub fn markdown_of(pages: &[PageText]) -> String {
    let read: Vec<String> = pages
        .iter()
        .filter_map(|p| match p {
            PageText::Read(text) => Some(text.clone()),
            PageText::Typeset(_) => None,
        })
        .collect();
    let words = vocabulary(&read);
    let mut out = String::new();
    for (index, page) in pages.iter().enumerate() {
        let paragraphs = match page {
            PageText::Read(text) => paragraphs(text, &words),
            PageText::Typeset(markdown) => markdown
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty() && !p.starts_with("<!-- page "))
                .map(str::to_string)
                .collect(),
        };
        let mut rest = paragraphs.iter();
        if index > 0 {
            let mark = format!("<!-- page {} -->", index + 1);
            let runs_on = out.trim_end().ends_with(|c: char| c.is_alphabetic() || c == ',' || c == '-')
                && paragraphs.first().is_some_and(|p| p.starts_with(char::is_lowercase));
            if runs_on {
                let first = rest.next().expect("a first paragraph");
                out.push(' ');
                out.push_str(&mark);
                out.push(' ');
                out.push_str(first);
            } else if !out.is_empty() {
                out.push_str("\n\n");
                out.push_str(&mark);
            } else {
                out.push_str(&mark);
            }
        }
        for paragraph in rest {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(paragraph);
        }
    }
    if out.trim_start().starts_with("<!--") && !out.contains("\n\n") {
        // Marks and no text at all.
        return String::new();
    }
    out.trim().to_string()
}

/// The words the text uses whole (not at a line's end), lower case.
fn vocabulary(pages: &[String]) -> HashSet<String> {
    let mut words = HashSet::new();
    for line in pages.iter().flat_map(|p| p.lines()) {
        let inner: Vec<&str> = line.split_whitespace().collect();
        for word in &inner[..inner.len().saturating_sub(1)] {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            if !word.is_empty() {
                words.insert(word);
            }
        }
    }
    words
}

/// One page's paragraphs, escaped for Markdown.
fn paragraphs(text: &str, words: &HashSet<String>) -> Vec<String> {
    let text = text.replace('\u{c}', "\n");
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut paragraph = String::new();
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(item) = layout::list_item(line) {
                if !paragraph.is_empty() {
                    out.push(std::mem::take(&mut paragraph));
                }
                let (mark, rest) = item.split_once(' ').unwrap_or((&item, ""));
                paragraph = format!("{mark} {}", layout::escape(rest));
                continue;
            }
            let line = layout::escape(line);
            if paragraph.is_empty() {
                paragraph = line;
            } else {
                join(&mut paragraph, &line, words);
            }
        }
        // A lone page number or a speck read as a letter is no paragraph.
        if paragraph.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            match out.last_mut() {
                // Tesseract may end a block on an elided word (`l’`): the sentence goes on.
                Some(last) if ends_elided(last) => last.push_str(&paragraph),
                _ => out.push(paragraph),
            }
        }
    }
    out
}

/// Whether a line ends on an elided word (`l’`, `qu'`), which the next word follows without a space.
fn ends_elided(text: &str) -> bool {
    text.ends_with(['’', '\'']) && text.chars().rev().nth(1).is_some_and(char::is_alphabetic)
}

/// Appends the next line of a paragraph; a word cut by a hyphen at the
/// line's end is glued back when the text uses it whole elsewhere, or,
/// when it uses neither form, where French hyphenation allows a break
/// (`dépos-` + `session`); a compound the text writes with its hyphen
/// elsewhere keeps it (`data-` + `centers`).
fn join(paragraph: &mut String, next: &str, words: &HashSet<String>) {
    // An elided word ends a line without a space after it: `l’` + `argument`.
    if ends_elided(paragraph) {
        paragraph.push_str(next);
        return;
    }
    if let Some(stem) = paragraph.strip_suffix('-') {
        let left: String = stem
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let right: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        if !left.is_empty() && right.starts_with(char::is_lowercase) {
            let (whole, compound) =
                (format!("{left}{right}").to_lowercase(), format!("{left}-{right}").to_lowercase());
            let glue = words.contains(&whole) || (!words.contains(&compound) && is_break(&left, &right));
            if glue {
                paragraph.pop();
            }
            paragraph.push_str(next);
            return;
        }
    }
    paragraph.push(' ');
    paragraph.push_str(next);
}

/// Whether French hyphenation patterns break `left + right` between the two.
fn is_break(left: &str, right: &str) -> bool {
    let word = format!("{left}{right}").to_lowercase();
    let at = left.to_lowercase().len();
    let mut end = 0;
    for syllable in hypher::hyphenate(&word, hypher::Lang::French) {
        end += syllable.len();
        if end == at {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_cut_words_are_glued() {
        let page = "Le Titre\n\nCe texte raconte comment la dépos-\nsession des gestes a suivi\nchaque machine.\n\n- un point\n\n12\n";
        assert_eq!(
            markdown(&[page.to_string()]),
            "Le Titre\n\nCe texte raconte comment la dépossession des gestes a suivi chaque machine.\n\n- un point"
        );
        assert_eq!(markdown(&["refuser l’\nargument".into()]), "refuser l’argument");
        assert_eq!(markdown(&["refuser l’\n\nargument".into()]), "refuser l’argument");
        assert_eq!(
            markdown(&["Les data-centers boivent. Les data-\ncenters aussi.".into()]),
            "Les data-centers boivent. Les data-centers aussi."
        );
    }

    #[test]
    fn pages_are_marked_and_a_paragraph_runs_on() {
        let pages =
            ["Premier paragraphe qui continue\n".to_string(), "sur la page deux.\n\nNouveau.\n".into()];
        assert_eq!(
            markdown(&pages),
            "Premier paragraphe qui continue <!-- page 2 --> sur la page deux.\n\nNouveau."
        );
        let pages = ["Fin.\n".to_string(), "Début.\n".into()];
        assert_eq!(markdown(&pages), "Fin.\n\n<!-- page 2 -->\n\nDébut.");
        assert_eq!(markdown(&[String::new(), "\u{c}".into()]), "");
    }

    #[test]
    fn markup_in_the_text_is_escaped() {
        assert_eq!(markdown(&["# pas un titre *ici*".into()]), "\\# pas un titre \\*ici\\*");
    }

    #[test]
    fn a_program_still_running_at_the_deadline_is_killed() {
        let mut sleep = Command::new("sleep");
        sleep.arg("30");
        let started = Instant::now();
        assert!(matches!(run_until(sleep, started + Duration::from_millis(200)), Err(RunError::Deadline)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_missing_program_says_what_to_install() {
        let missing = Engine::look_up(Path::new("/nonexistent/tesseract")).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "install tesseract-ocr and tesseract-ocr-fra to read them (no `/nonexistent/tesseract` program)"
        );
    }
}
