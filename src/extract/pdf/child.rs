//! A child process watched until a deadline: its output collected (stderr
//! capped), killed and reaped when the deadline passes. The PDF worker and
//! the OCR programs are both run this way.

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// How a watched child ended.
pub(super) struct Finished {
    /// `None`: still running at the deadline, and killed.
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    /// At most 64 KiB of it: a program's last words, not a flood.
    pub stderr: Vec<u8>,
}

/// Waits for `child` (spawned with stdout and stderr piped, its stdin
/// already given) until `deadline`, reading its output meanwhile so that a
/// full pipe never blocks it.
pub(super) fn wait(mut child: Child, deadline: Instant) -> std::io::Result<Finished> {
    let mut stdout = child.stdout.take().expect("stdout piped");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let stderr = child.stderr.take().expect("stderr piped");
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr.take(64 * 1024).read_to_end(&mut out);
        out
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        }
    };
    let stdout = reader.join().unwrap_or_default();
    let stderr = errors.join().unwrap_or_default();
    Ok(Finished { status, stdout, stderr })
}
