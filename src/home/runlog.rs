//! The log of nightly runs: one JSON line per `veille update` appended to
//! `corpus/state/runs.jsonl`, rotated to `runs.jsonl.1` past a size, read
//! back by `veille log`.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Past this size the log is rotated (about ten thousand runs).
const MAX_BYTES: u64 = 4 * 1024 * 1024;
const FILE: &str = "runs.jsonl";

fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

/// Appends one run record.
pub fn append(state_dir: &Path, record: &serde_json::Value) -> io::Result<()> {
    fs::create_dir_all(state_dir)?;
    let file = path(state_dir);
    if fs::metadata(&file).is_ok_and(|m| m.len() > MAX_BYTES) {
        fs::rename(&file, state_dir.join(format!("{FILE}.1")))?;
    }
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    // One write of a whole line in append mode: lines never interleave or tear.
    let mut out = OpenOptions::new().create(true).append(true).read(true).open(&file)?;
    // A line cut by a crash must not swallow this one.
    let len = out.metadata()?.len();
    if len > 0 {
        use std::io::{Read, Seek, SeekFrom};
        let mut last = [0u8; 1];
        out.seek(SeekFrom::Start(len - 1))?;
        out.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.insert(0, b'\n');
        }
    }
    out.write_all(&line)?;
    out.sync_data()
}

/// The last `n` run records, oldest first. Lines that do not parse (a run
/// killed mid-write on a full disk) are skipped.
pub fn last(state_dir: &Path, n: usize) -> io::Result<Vec<serde_json::Value>> {
    let mut records = Vec::new();
    for file in [state_dir.join(format!("{FILE}.1")), path(state_dir)] {
        match fs::read_to_string(&file) {
            Ok(text) => records.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    let skip = records.len().saturating_sub(n);
    Ok(records.split_off(skip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_and_reads_the_last_runs() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            append(dir.path(), &serde_json::json!({ "run": i })).unwrap();
        }
        fs::OpenOptions::new().append(true).open(path(dir.path())).unwrap().write_all(b"{\"cut").unwrap();
        append(dir.path(), &serde_json::json!({ "run": 5 })).unwrap();
        let runs = last(dir.path(), 2).unwrap();
        assert_eq!(runs, [serde_json::json!({"run": 4}), serde_json::json!({"run": 5})]);
    }
}
