//! `veille extract`: what the extractor keeps of a page, to debug a site
//! profile or to score the extractor.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use super::{Context, Status};
use crate::config::sources::Profile;
use crate::extract::{self, Extracted, Options, pdf};

const EXAMPLES: &str = "\
Prints the article file veille would write for the page (front matter and
Markdown body), or with --markdown the body only, or with --json the fields
{\"title\", \"text\", \"date\", \"author\", \"authors\", …}. A page that is no
article (a listing, a tag page, an empty page) is reported as such (exit 1).
A PDF, ODT, DOCX or EPUB file gives a `document` (its status says when the
text could not be read: encrypted, image only, imposed booklet, malformed,
over a limit); it is read in a child process under a time and memory limit.
Scanned PDF pages are read by OCR when tesseract and its French data are
installed (apt install tesseract-ocr tesseract-ocr-fra poppler-utils).

Examples:
  veille extract page.html --url https://ricochets.cc/spip.php?article123
  veille extract --profile wordpress --markdown billet.html
  veille extract --source mon-site page.html     (its profile and selectors)
  veille extract https://ricochets.cc/spip.php?article123   (as archived by crawl)
  veille extract brochure.pdf --markdown
  veille extract tract.odt --json        (also .docx and .epub)
  find pages -name '*.html' | veille extract --batch --json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    Spip,
    Wordpress,
    Generic,
}

/// Show what the extractor keeps of an HTML page
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ExtractArgs {
    /// The HTML file, or the URL of a page in the archive (corpus/raw/)
    #[arg(value_name = "FILE|URL", required_unless_present_any = ["batch", "pdf_worker"])]
    pub file: Option<PathBuf>,
    /// The page's address (for links, ids and the SPIP article number)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Read with this profile instead of detecting it
    #[arg(long, value_enum, conflicts_with = "source")]
    pub profile: Option<ProfileArg>,
    /// Read with the profile (and custom selectors) of this source of sources.toml
    #[arg(long, value_name = "ID")]
    pub source: Option<String>,
    /// Print the fields as one JSON object
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print only the Markdown body
    #[arg(long)]
    pub markdown: bool,
    /// Read file paths on standard input, print one JSON line each
    #[arg(long, conflicts_with = "file")]
    pub batch: bool,
    /// Internal: extract the document on standard input as a limited child process
    #[arg(long, hide = true, conflicts_with_all = ["file", "batch"])]
    pub pdf_worker: bool,
    /// Pages of a PDF read at most (by OCR too)
    #[arg(long, value_name = "N", default_value_t = pdf::Limits::default().max_pages)]
    pub max_pages: usize,
    /// Time limit for one document (PDF, ODT, DOCX, EPUB; OCR included), in seconds
    #[arg(long, value_name = "S", default_value_t = pdf::Limits::default().seconds)]
    pub seconds: f64,
    /// Leave scanned PDF pages unread instead of reading them by OCR
    #[arg(long)]
    pub no_ocr: bool,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    title: &'a str,
    text: String,
    date: Option<String>,
    author: Option<String>,
    authors: &'a [String],
    tags: &'a [String],
    subtitle: Option<&'a str>,
    kind: &'a str,
    lang: Option<String>,
    links: &'a [String],
    canonical_url: Option<&'a str>,
    profile: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct PdfJsonOut<'a> {
    title: Option<&'a str>,
    text: String,
    date: Option<&'a str>,
    author: Option<String>,
    authors: &'a [String],
    kind: &'static str,
    pages: usize,
    status: Option<String>,
    producer: Option<&'a str>,
    ocr: bool,
    markdown: &'a str,
}

fn pdf_json(extracted: &pdf::Extracted) -> PdfJsonOut<'_> {
    PdfJsonOut {
        title: extracted.title.as_deref(),
        text: crate::corpus::text::plain_text(&extracted.body),
        date: extracted.published.as_deref(),
        author: (!extracted.authors.is_empty()).then(|| extracted.authors.join("; ")),
        authors: &extracted.authors,
        kind: "document",
        pages: extracted.pages,
        status: extracted.status.describe(),
        producer: extracted.producer.as_deref(),
        ocr: extracted.ocr,
        markdown: &extracted.body,
    }
}

fn json(extracted: &Extracted) -> JsonOut<'_> {
    JsonOut {
        title: &extracted.title,
        text: crate::corpus::text::plain_text(&extracted.body),
        date: extracted.published.map(|d| d.date().to_string()),
        author: (!extracted.authors.is_empty()).then(|| extracted.authors.join("; ")),
        authors: &extracted.authors,
        tags: &extracted.tags,
        subtitle: extracted.subtitle.as_deref(),
        kind: extracted.kind.as_str(),
        // The page's `lang` unless the text clearly says otherwise, as the crawl decides.
        lang: Some(crate::language::code_of(
            extracted.lang.as_deref(),
            &extracted.title,
            &extracted.body,
            crate::language::Language::French,
        )),
        links: &extracted.links,
        canonical_url: extracted.canonical_url.as_deref(),
        profile: extracted.profile,
        markdown: &extracted.body,
    }
}

/// The page archived for a URL given instead of a file, with its source.
fn archived(
    context: &Context,
    arg: &std::path::Path,
) -> anyhow::Result<Option<(crate::archive::ArchivedPage, Option<crate::config::Source>)>> {
    let text = arg.to_string_lossy();
    if !(text.starts_with("http://") || text.starts_with("https://")) || arg.exists() {
        return Ok(None);
    }
    let home = context.home()?;
    let max_body = home.settings()?.crawl.max_body_megabytes.saturating_mul(1024 * 1024);
    // The crawl's state knows where each fetched URL's record is.
    let state = crate::crawl::state::State::open(&home.state_dir())?;
    let Some((at, source_id)) = state.archived(&text)? else {
        anyhow::bail!("{text} is not in the archive of {} (crawl it first)", home.root().display());
    };
    let page = crate::archive::read_page(&home.raw_dir(), &at.file, at.offset, max_body)?;
    let source = home.sources()?.into_iter().find(|s| s.id == source_id);
    Ok(Some((page, source)))
}

fn profile(arg: Option<ProfileArg>) -> Option<Profile> {
    arg.map(|p| match p {
        ProfileArg::Spip => Profile::Spip,
        ProfileArg::Wordpress => Profile::Wordpress,
        ProfileArg::Generic => Profile::Generic,
    })
}

pub fn run(context: &Context, args: ExtractArgs) -> anyhow::Result<Status> {
    let limits = pdf_limits(context, &args);
    if args.pdf_worker {
        pdf::worker::serve(&limits).context("PDF worker")?;
        return Ok(Status::Success);
    }
    let source = match &args.source {
        Some(id) => {
            let home = context.home()?;
            let sources = home.sources()?;
            let Some(source) = sources.into_iter().find(|s| &s.id == id) else {
                anyhow::bail!("no source {id:?} in {}", home.sources_file().display());
            };
            Some(source)
        }
        None => None,
    };
    let options = Options {
        url: args.url.as_deref(),
        profile: source.as_ref().and_then(|s| s.profile).or(profile(args.profile)),
        selectors: source.as_ref().and_then(|s| s.selectors.as_ref()),
        ..Options::default()
    };
    if args.batch {
        let mut out = io::stdout().lock();
        for line in io::stdin().lock().lines() {
            let path = line.context("cannot read standard input")?;
            if path.trim().is_empty() {
                continue;
            }
            let value = match fs::read(path.trim()) {
                Ok(bytes) if extract::document::is_document(&bytes) => {
                    serde_json::to_value(pdf_json(&pdf::worker::extract(&bytes, &limits)))?
                }
                Ok(bytes) => match extract::extract(&bytes, &options) {
                    Ok(extracted) => serde_json::to_value(json(&extracted))?,
                    Err(reason) => serde_json::json!({ "error": format!("{path}: {reason}") }),
                },
                Err(e) => serde_json::json!({ "error": format!("{path}: {e}") }),
            };
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
            out.flush()?;
        }
        return Ok(Status::Success);
    }
    let file = args.file.clone().expect("clap requires FILE without --batch");
    let archived = archived(context, &file)?;
    let (bytes, options, archived_url) = match &archived {
        Some((page, source)) => {
            let options = Options {
                url: Some(page.url.as_str()),
                content_type: page.content_type.as_deref(),
                profile: options.profile.or(source.as_ref().and_then(|s| s.profile)),
                selectors: options.selectors.or(source.as_ref().and_then(|s| s.selectors.as_ref())),
            };
            (page.body.clone(), options, Some(page.url.to_string()))
        }
        None => (fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?, options, None),
    };
    if extract::document::is_document(&bytes) {
        let url = args.url.clone().or(archived_url).unwrap_or_else(|| format!("file://{}", file.display()));
        return show_pdf(pdf::worker::extract(&bytes, &limits), &args, &file, &url);
    }
    let extracted = match extract::extract(&bytes, &options) {
        Ok(extracted) => extracted,
        Err(reason) => {
            // A file named as a document whose bytes are no such document
            // (a truncated download) is told as that, not as a bad web page.
            let named = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            match named.as_deref() {
                Some(format @ ("pdf" | "odt" | "docx" | "epub")) => eprintln!(
                    "veille: {}: not a readable {} file (damaged or cut short?)",
                    file.display(),
                    format.to_ascii_uppercase()
                ),
                _ => eprintln!("veille: {}: {reason}", file.display()),
            }
            return Ok(Status::Partial);
        }
    };
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json(&extracted))?;
        writeln!(out)?;
    } else if args.markdown {
        writeln!(out, "{}", extracted.body)?;
    } else {
        let url = args.url.clone().or(archived_url).unwrap_or_else(|| format!("file://{}", file.display()));
        let site = url::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "local".into());
        let mut article = extracted.into_article(&site, &url);
        crate::language::settle(&mut article, None, crate::language::Language::French);
        out.write_all(article.to_file_string().as_bytes())?;
    }
    Ok(Status::Success)
}

/// The document limits: the home's settings when there is a home, the command line's otherwise.
fn pdf_limits(context: &Context, args: &ExtractArgs) -> pdf::Limits {
    let mut limits = context
        .home()
        .ok()
        .and_then(|home| home.settings().ok())
        .map(|settings| pdf::Limits::from(&settings.crawl))
        .unwrap_or_default();
    let defaults = pdf::Limits::default();
    if args.max_pages != defaults.max_pages {
        limits.max_pages = args.max_pages;
    }
    if args.seconds != defaults.seconds {
        limits.seconds = args.seconds;
    }
    if args.no_ocr {
        limits.ocr = false;
    }
    limits
}

fn show_pdf(
    extracted: pdf::Extracted,
    args: &ExtractArgs,
    file: &std::path::Path,
    url: &str,
) -> anyhow::Result<Status> {
    let problem = (!extracted.status.has_text()).then(|| extracted.status.describe()).flatten();
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &pdf_json(&extracted))?;
        writeln!(out)?;
    } else if args.markdown {
        writeln!(out, "{}", extracted.body)?;
    } else {
        let site = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "local".into());
        let mut article = extracted.into_article(&site, url, &pdf::Link::default());
        crate::language::settle(&mut article, None, crate::language::Language::French);
        out.write_all(article.to_file_string().as_bytes())?;
    }
    if let Some(problem) = problem {
        eprintln!("veille: {}: {problem}", file.display());
        return Ok(Status::Partial);
    }
    Ok(Status::Success)
}
