//! Any bytes as a `.warc.gz` file (as given, or each part between two NUL bytes gzipped as its own
//! member, then cut): reading never panics, each record read reads the same at its offset, `repair`
//! cuts the file to the end of its complete records, and a second repair removes nothing.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use veille::archive::{self, warc};

/// The parts of `data` as gzip members, as the writer makes records, less `cut` bytes (a crash).
fn members(data: &[u8], cut: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in data.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(part).expect("writing to memory");
        out.extend(gz.finish().expect("writing to memory"));
    }
    out.truncate(out.len().saturating_sub(cut));
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = if mode & 1 == 0 { rest.to_vec() } else { members(rest, usize::from(mode >> 1)) };
    // On tmpfs when there is one: `repair` syncs the file, which is slow on a disk.
    let dir =
        tempfile::tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir()).expect("a temporary directory");
    let path = dir.path().join("f.warc.gz");
    std::fs::write(&path, &bytes).expect("writing the file");
    let (records, end) = warc::read_all(&path).expect("the file exists");
    assert!(end <= bytes.len() as u64);
    for record in &records {
        let again = warc::read_at(&path, record.offset).expect("a record read at its offset");
        assert_eq!((&again.headers, &again.block), (&record.headers, &record.block));
        let _ = archive::read_page(dir.path(), "f.warc.gz", record.offset, 1 << 20);
    }
    assert_eq!(warc::repair(&path).expect("repair"), bytes.len() as u64 - end);
    let (after, end_after) = warc::read_all(&path).expect("the repaired file");
    assert_eq!((after.len(), end_after), (records.len(), end));
    assert_eq!(std::fs::metadata(&path).expect("the repaired file").len(), end);
    assert_eq!(warc::repair(&path).expect("a second repair"), 0);
});
