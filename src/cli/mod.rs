//! The command line: clap definitions, logging set-up, exit codes.
//!
//! Each subcommand lives in its own file and returns a [`Status`]; this
//! module turns statuses and errors into exit codes (0 success, 1 partial
//! failure, 2 usage or fatal error) and makes a closed pipe a quiet exit.

mod analyze;
mod annotate;
mod articles;
mod bench;
mod brochure;
mod crawl;
mod error_line;
mod export;
mod extract;
mod import;
mod index;
mod init;
mod logging;
mod merge;
mod output;
mod publish;
mod search;
mod selection;
mod shell;
mod themes;
mod tui;
mod update;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::home::{Home, Lookup};
pub use output::ColorChoice;

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything asked was done.
    Success,
    /// Done, but some items were skipped (bad lines, broken files).
    Partial,
    /// Stopped early by a signal; the exit code is 128 + its number.
    Interrupted(u8),
}

pub const EXIT_SUCCESS: u8 = 0;
pub const EXIT_PARTIAL: u8 = 1;
pub const EXIT_FATAL: u8 = 2;
/// Another process holds the home (sysexits' EX_TEMPFAIL: cron may simply retry).
pub const EXIT_BUSY: u8 = 75;

const ABOUT: &str =
    "Press archive for technocritical collectives: crawl, archive, search in French, print brochures";

const LONG_ABOUT: &str = "\
veille keeps a collective's press archive: the articles and communiqués of the sites it follows,
stored as Markdown files with TOML front matter under corpus/articles/, in a directory called
the home (found from --home, VEILLE_HOME, or the current directory and its parents).";

const EXAMPLES: &str = "\
Examples:
  veille                                the terminal UI: search, themes, reader, basket
  veille init ~/archive                 create a home
  veille update                         the nightly run: crawl, extract, index
  veille crawl                          fetch what is new on the followed sites
  veille --home ~/archive import a.jsonl  bring an existing archive in
  veille search data center eau         search in French (see `veille search --help`)
  veille themes --timeline              themes with counts and months
  veille list --site la-lime            list a site's articles, newest first
  veille show 3f2a9c                    print an article (id or id prefix)
  veille tag 3f2a9c +à-lire             the collective's labels (and `veille note`)
  veille brochure --theme eau --title \"L'eau\" --format all   a printable booklet
  veille revue --format html            the week's press review, for a newsletter
  veille feed --theme eau -o eau.xml    an Atom feed of a theme
  veille export --format bibtex etiquette:brochure-eau   references (also csl-json, ris)
  veille check                          find broken files and settings

Exit status: 0 success, 1 some items skipped, 2 usage or fatal error, 75 the home
is busy with another update, crawl, index or reextract.";

#[derive(Debug, Parser)]
#[command(name = "veille", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a command, veille opens the terminal UI (as `veille tui`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The veille home to use (default: VEILLE_HOME, else the current
    /// directory or the nearest parent holding a veille.toml)
    #[arg(long, global = true, value_name = "DIR", env = "VEILLE_HOME", hide_env_values = true)]
    pub home: Option<PathBuf>,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: -v for progress notes, -vv for debugging, -vvv for tracing
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colours
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Tui(tui::TuiArgs),
    Init(init::InitArgs),
    Import(import::ImportArgs),
    Index(index::IndexArgs),
    Update(update::UpdateArgs),
    Crawl(crawl::CrawlArgs),
    Reextract(crawl::ReextractArgs),
    Log(update::LogArgs),
    Search(search::SearchArgs),
    Themes(themes::ThemesArgs),
    Similar(search::SimilarArgs),
    List(articles::ListArgs),
    Show(articles::ShowArgs),
    #[command(alias = "liens")]
    Links(articles::LinksArgs),
    Reprises(articles::ReprisesArgs),
    Check(articles::CheckArgs),
    #[command(alias = "etiquette")]
    Tag(annotate::TagArgs),
    Note(annotate::NoteArgs),
    MergeFile(merge::MergeFileArgs),
    Feed(publish::FeedArgs),
    Revue(publish::RevueArgs),
    Export(export::ExportArgs),
    Analyze(analyze::AnalyzeArgs),
    Brochure(brochure::BrochureArgs),
    Extract(extract::ExtractArgs),
    Bench(bench::BenchArgs),
    Completions(shell::CompletionsArgs),
    Man(shell::ManArgs),
}

/// What every command gets: the global options, resolved.
pub struct Context {
    pub global: GlobalArgs,
    pub out: output::Output,
}

impl Context {
    /// The home the command works in.
    pub fn home(&self) -> anyhow::Result<Home> {
        let lookup = Lookup {
            explicit: self.global.home.clone(),
            env: None, // clap already read VEILLE_HOME into --home
            cwd: std::env::current_dir()?,
        };
        Ok(Home::discover(&lookup)?)
    }
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Runs veille with the process arguments.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs veille with `args`; the exit code follows the table in `--help`.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { EXIT_FATAL } else { EXIT_SUCCESS };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let command = cli.command.unwrap_or(Command::Tui(tui::TuiArgs {}));
    let log_file = matches!(command, Command::Tui(_)).then(|| tui::log_file(&cli.global)).flatten();
    logging::init_to(cli.global.quiet, cli.global.verbose, log_file.as_deref());
    let out = output::Output::new(cli.global.color);
    let context = Context { global: cli.global, out };
    let result = match command {
        Command::Tui(args) => tui::run(&context, args),
        Command::Init(args) => init::run(&context, args),
        Command::Import(args) => import::run(&context, args),
        Command::Index(args) => index::run(&context, args),
        Command::Update(args) => update::run(&context, args),
        Command::Crawl(args) => crawl::run(&context, args),
        Command::Reextract(args) => crawl::reextract(&context, args),
        Command::Log(args) => update::log(&context, args),
        Command::Search(args) => search::run(&context, args),
        Command::Themes(args) => themes::run(&context, args),
        Command::Similar(args) => search::similar(&context, args),
        Command::List(args) => articles::list(&context, args),
        Command::Show(args) => articles::show(&context, args),
        Command::Links(args) => articles::links(&context, args),
        Command::Reprises(args) => articles::reprises(&context, args),
        Command::Check(args) => articles::check(&context, args),
        Command::Tag(args) => annotate::tag(&context, args),
        Command::Note(args) => annotate::note(&context, args),
        Command::MergeFile(args) => merge::run(&context, args),
        Command::Feed(args) => publish::feed(&context, args),
        Command::Revue(args) => publish::revue(&context, args),
        Command::Export(args) => export::run(&context, args),
        Command::Analyze(args) => analyze::run(&context, args),
        Command::Brochure(args) => brochure::run(&context, args),
        Command::Extract(args) => extract::run(&context, args),
        Command::Bench(args) => bench::run(&context, args),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
    };
    match result {
        Ok(Status::Success) => ExitCode::from(EXIT_SUCCESS),
        Ok(Status::Partial) => ExitCode::from(EXIT_PARTIAL),
        Ok(Status::Interrupted(code)) => ExitCode::from(code),
        Err(e) if output::is_broken_pipe(&e) => ExitCode::from(EXIT_SUCCESS),
        Err(e) if matches!(e.downcast_ref(), Some(crate::home::LockError::Busy { .. })) => {
            eprintln!("veille: {}", error_line::error_line(&e));
            ExitCode::from(EXIT_BUSY)
        }
        Err(e) => {
            eprintln!("veille: error: {}", error_line::error_line(&e));
            ExitCode::from(EXIT_FATAL)
        }
    }
}
