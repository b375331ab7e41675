//! Logging to stderr through `tracing`: warnings and errors only by default,
//! so that cron mails a human only when something is wrong.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// `veille: warning: …` lines, like the messages of other command-line tools.
struct Plain;

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let level = match *event.metadata().level() {
            Level::ERROR => "error",
            Level::WARN => "warning",
            Level::INFO => "info",
            Level::DEBUG => "debug",
            Level::TRACE => "trace",
        };
        write!(writer, "veille: {level}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Installs the stderr logger. `VEILLE_LOG` (a tracing filter such as
/// `veille=debug`) overrides the level chosen by `-q` / `-v`.
/// With `file`, logs are appended there instead of stderr: the terminal UI
/// owns the screen, so its warnings go to a log file.
pub fn init_to(quiet: bool, verbose: u8, file: Option<&std::path::Path>) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    // html5ever warns about every odd node it serialises: pages are full of them.
    let filter = EnvFilter::try_from_env("VEILLE_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("{level},html5ever=error")));
    let file = file.and_then(|path| {
        std::fs::create_dir_all(path.parent()?).ok()?;
        std::fs::OpenOptions::new().create(true).append(true).open(path).ok()
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter).event_format(Plain);
    let _ = match file {
        Some(file) => builder.with_writer(std::sync::Mutex::new(file)).try_init(),
        None => builder.with_writer(std::io::stderr).try_init(),
    };
}
