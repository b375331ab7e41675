//! PDF extraction in a child process under limits. A PDF parser meets
//! files made to hurt it (streams that inflate to gigabytes, loops in the
//! page tree, parser panics); in a child process with a memory limit
//! (`RLIMIT_DATA`), a CPU limit and a wall-clock deadline, such a file ends
//! as a status on its article and the crawl goes on.
//!
//! The child is veille itself (`veille extract --pdf-worker`): the PDF on
//! its standard input, the [`Extracted`] as JSON on its standard output.
//! The other documents (ODT, DOCX, EPUB: `extract::document`) go through
//! the same worker, which tells them apart by their bytes.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Extracted, Limits, Status};

/// The program that runs the worker: `VEILLE_PDF_WORKER`, else the running
/// executable when it is veille. `None` (a test harness, say): in process.
fn worker_program() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VEILLE_PDF_WORKER") {
        return Some(PathBuf::from(path));
    }
    let exe = std::env::current_exe().ok()?;
    let name = exe.file_stem()?.to_string_lossy().to_string();
    (name == "veille").then_some(exe)
}

/// Extracts a PDF (or an ODT, DOCX or EPUB file) in a child process under `limits`.
pub fn extract(bytes: &[u8], limits: &Limits) -> Extracted {
    match worker_program() {
        Some(program) => run(&program, bytes, limits),
        None => in_process(bytes, limits),
    }
}

/// The fallback without a worker program: panics caught, time checked between pages.
fn in_process(bytes: &[u8], limits: &Limits) -> Extracted {
    let limits = *limits;
    let read = |bytes: &[u8]| {
        if super::is_pdf(bytes) {
            super::extract(bytes, &limits)
        } else {
            crate::extract::document::extract(bytes, &limits)
        }
    };
    std::panic::catch_unwind(|| read(bytes)).unwrap_or_else(|panic| {
        let why = panic_message(&panic);
        match crate::extract::document::Format::sniff(bytes) {
            Some(format) => {
                Extracted::failed(Status::Unreadable(format!("malformed {}: {why}", format.name())))
            }
            None => Extracted::failed(Status::Malformed(why)),
        }
    })
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the parser failed".into());
    format!("the parser gave up ({message})")
}

fn run(program: &PathBuf, bytes: &[u8], limits: &Limits) -> Extracted {
    let mut command = Command::new(program);
    command
        .args(["extract", "--pdf-worker", "--max-pages"])
        .arg(limits.max_pages.to_string())
        .arg("--seconds")
        .arg(limits.seconds.to_string())
        .args((!limits.ocr).then_some("--no-ocr"))
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let memory = limits.memory_megabytes.saturating_mul(1024 * 1024);
    let cpu = limits.seconds.ceil() as u64 + 1;
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let set = |resource, value: u64| {
                    let limit =
                        libc::rlimit { rlim_cur: value as libc::rlim_t, rlim_max: value as libc::rlim_t };
                    if libc::setrlimit(resource, &limit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                };
                set(libc::RLIMIT_DATA, memory)?;
                set(libc::RLIMIT_CPU, cpu)?;
                Ok(())
            });
        }
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            tracing::warn!("cannot start the PDF worker {}: {e}; extracting in process", program.display());
            return in_process(bytes, limits);
        }
    };
    let mut stdin = child.stdin.take().expect("piped");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may stop reading (a limit): a broken pipe is no error of ours.
        let _ = stdin.write_all(&input);
    });
    // The child checks its own time between pages; this deadline is for a page that never ends.
    let deadline = Instant::now() + Duration::from_secs_f64(limits.seconds * 1.5 + 2.0);
    let finished = super::child::wait(child, deadline);
    let _ = writer.join();
    let finished = match finished {
        Ok(finished) => finished,
        Err(e) => return Extracted::failed(Status::Failed(e.to_string())),
    };
    let out = finished.stdout;
    let err = String::from_utf8_lossy(&finished.stderr).into_owned();
    let status = finished.status;
    let Some(status) = status else { return Extracted::failed(Status::TimedOut) };
    if status.success() {
        return serde_json::from_slice(&out)
            .unwrap_or_else(|e| Extracted::failed(Status::Failed(format!("unreadable worker answer: {e}"))));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            Some(libc::SIGXCPU) | Some(libc::SIGKILL) => return Extracted::failed(Status::TimedOut),
            Some(libc::SIGABRT) if err.contains("memory allocation") => {
                return Extracted::failed(Status::OutOfMemory);
            }
            _ => {}
        }
    }
    if err.contains("memory allocation") || err.contains("capacity overflow") {
        return Extracted::failed(Status::OutOfMemory);
    }
    let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim();
    Extracted::failed(Status::Failed(format!("{status}: {last}")))
}

/// The child's side: reads a document on standard input, writes the JSON answer.
pub fn serve(limits: &Limits) -> std::io::Result<()> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    // Parser panics become a status; the default hook would print them on stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let extracted = in_process(&bytes, limits);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &extracted)?;
    stdout.flush()
}
