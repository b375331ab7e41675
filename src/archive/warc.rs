//! The raw archive: HTTP exchanges appended to `corpus/raw/*.warc.gz` as
//! WARC 1.1 records (ISO 28500), and read back for re-extraction.
//!
//! Every record is its own gzip member, so a reader can seek to the offset
//! stored in an article's front matter and decompress one record; files are
//! what warcio, pywb and the Internet Archive's tools read. A run writes new
//! files (never appends to an old one) and rotates them at a size limit.
//!
//! The payload is kept as it came over the wire (still gzip-encoded when the
//! server sent it so), minus the chunked transfer coding, which is why a
//! `Transfer-Encoding` header is renamed in the stored response.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha1::{Digest, Sha1};

use crate::corpus::WarcRef;

/// Default size at which a WARC file is closed and the next one started
/// (the Internet Archive's convention is 1 GB; smaller files suit git-annex
/// and backups of a collective's archive better).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One HTTP exchange as the crawler saw it.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    pub url: &'a str,
    pub method: &'a str,
    /// Request headers sent, in order.
    pub request_headers: &'a [(String, String)],
    /// Status code and reason phrase.
    pub status: u16,
    pub reason: &'a str,
    /// Response headers received, in order.
    pub response_headers: &'a [(String, String)],
    /// The payload as transferred (content coding kept).
    pub body: &'a [u8],
    /// The server's address, when known.
    pub ip: Option<String>,
}

/// Appends records to the current WARC file, rotating at a size limit.
pub struct WarcWriter {
    dir: PathBuf,
    prefix: String,
    max_bytes: u64,
    seq: u32,
    current: Option<Current>,
}

struct Current {
    name: String,
    file: File,
    len: u64,
}

fn sha1_base32(data: &[u8]) -> String {
    format!("sha1:{}", data_encoding::BASE32.encode(&Sha1::digest(data)))
}

fn record_id() -> String {
    // A v4-shaped UUID from the OS's random source, without another crate.
    let mut bytes = [0u8; 16];
    if File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mixed = nanos ^ (u128::from(std::process::id()) << 64) ^ u128::from(COUNTER.fetch_add(1, SeqCst));
        bytes = Sha1::digest(mixed.to_le_bytes())[..16].try_into().expect("16 bytes");
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = data_encoding::HEXLOWER.encode(&bytes);
    format!("<urn:uuid:{}-{}-{}-{}-{}>", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// HTTP header values written into a record must stay on one line.
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

fn http_request_block(exchange: &Exchange) -> Vec<u8> {
    let url = url::Url::parse(exchange.url).ok();
    let target = url.as_ref().map_or_else(
        || exchange.url.to_string(),
        |u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        },
    );
    let mut block = format!("{} {} HTTP/1.1\r\n", exchange.method, target);
    if let Some(host) = url.as_ref().and_then(|u| u.host_str().map(|h| (h, u.port()))) {
        match host.1 {
            Some(port) => block.push_str(&format!("Host: {}:{port}\r\n", host.0)),
            None => block.push_str(&format!("Host: {}\r\n", host.0)),
        }
    }
    for (name, value) in exchange.request_headers {
        block.push_str(&format!("{name}: {}\r\n", one_line(value)));
    }
    block.push_str("\r\n");
    block.into_bytes()
}

fn http_response_head(exchange: &Exchange) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", exchange.status, one_line(exchange.reason));
    for (name, value) in exchange.response_headers {
        // The body is stored de-chunked: a reader must not try to de-chunk it again.
        let name = if name.eq_ignore_ascii_case("transfer-encoding") {
            "X-Veille-Transfer-Encoding"
        } else {
            name.as_str()
        };
        head.push_str(&format!("{name}: {}\r\n", one_line(value)));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// One WARC record, gzipped as its own member.
fn record(headers: &[(&str, String)], block: &[u8]) -> io::Result<Vec<u8>> {
    let mut text = String::from("WARC/1.1\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut gz = GzEncoder::new(Vec::with_capacity(block.len() / 3 + 256), Compression::new(6));
    gz.write_all(text.as_bytes())?;
    gz.write_all(block)?;
    gz.write_all(b"\r\n\r\n")?;
    gz.finish()
}

impl WarcWriter {
    /// A writer that creates files named `<prefix>-<n>.warc.gz` in `dir`.
    pub fn new(dir: impl Into<PathBuf>, prefix: impl Into<String>, max_bytes: u64) -> WarcWriter {
        WarcWriter { dir: dir.into(), prefix: prefix.into(), max_bytes, seq: 0, current: None }
    }

    /// A file prefix unique to this run: time and process id.
    pub fn run_prefix() -> String {
        format!("veille-{}-{}", Utc::now().format("%Y%m%d%H%M%S"), std::process::id())
    }

    fn current(&mut self) -> io::Result<&mut Current> {
        let full = self.current.as_ref().is_some_and(|c| c.len >= self.max_bytes);
        if full {
            self.finish_file()?;
        }
        if self.current.is_none() {
            fs::create_dir_all(&self.dir)?;
            let (name, file) = loop {
                self.seq += 1;
                let name = format!("{}-{:05}.warc.gz", self.prefix, self.seq);
                match OpenOptions::new().append(true).create_new(true).open(self.dir.join(&name)) {
                    Ok(file) => break (name, file),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e),
                }
            };
            let info = format!(
                "software: veille/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
                env!("CARGO_PKG_VERSION")
            );
            let bytes = record(
                &[
                    ("WARC-Type", "warcinfo".into()),
                    ("WARC-Date", now()),
                    ("WARC-Filename", name.clone()),
                    ("WARC-Record-ID", record_id()),
                    ("Content-Type", "application/warc-fields".into()),
                ],
                info.as_bytes(),
            )?;
            let mut current = Current { name, file, len: 0 };
            if let Err(e) = current.file.write_all(&bytes) {
                // A file without its whole warcinfo record is no WARC file.
                let _ = fs::remove_file(self.dir.join(&current.name));
                return Err(e);
            }
            current.len = bytes.len() as u64;
            self.current = Some(current);
        }
        Ok(self.current.as_mut().expect("just opened"))
    }

    /// Appends the response and request records of one exchange; returns
    /// where the response record starts.
    pub fn append(&mut self, exchange: &Exchange) -> io::Result<WarcRef> {
        let date = now();
        let response_id = record_id();
        let mut block = http_response_head(exchange);
        block.extend_from_slice(exchange.body);
        let mut headers = vec![
            ("WARC-Type", "response".to_string()),
            ("WARC-Record-ID", response_id.clone()),
            ("WARC-Date", date.clone()),
            ("WARC-Target-URI", exchange.url.to_string()),
            ("Content-Type", "application/http;msgtype=response".to_string()),
            ("WARC-Payload-Digest", sha1_base32(exchange.body)),
            ("WARC-Block-Digest", sha1_base32(&block)),
        ];
        if let Some(ip) = &exchange.ip {
            headers.push(("WARC-IP-Address", ip.clone()));
        }
        let response = record(&headers, &block)?;
        let request_block = http_request_block(exchange);
        let request = record(
            &[
                ("WARC-Type", "request".to_string()),
                ("WARC-Record-ID", record_id()),
                ("WARC-Date", date),
                ("WARC-Target-URI", exchange.url.to_string()),
                ("WARC-Concurrent-To", response_id),
                ("Content-Type", "application/http;msgtype=request".to_string()),
                ("WARC-Block-Digest", sha1_base32(&request_block)),
            ],
            &request_block,
        )?;
        let dir = self.dir.clone();
        let current = self.current()?;
        let offset = current.len;
        let mut both = response;
        both.extend_from_slice(&request);
        if let Err(e) = current.file.write_all(&both) {
            // A part written (the disk filled up mid-record) is cut off at
            // once, so that no reader meets a cut record; should that fail
            // too, the next run's repair does it.
            let _ = current.file.set_len(offset);
            return Err(io::Error::new(
                e.kind(),
                format!(
                    "{} ({} to write): {e}",
                    dir.join(&current.name).display(),
                    crate::home::space::human_bytes(both.len() as u64)
                ),
            ));
        }
        current.len += both.len() as u64;
        Ok(WarcRef { file: current.name.clone(), offset })
    }

    /// Makes every record appended so far durable.
    pub fn sync(&mut self) -> io::Result<()> {
        match &self.current {
            Some(current) => current.file.sync_data(),
            None => Ok(()),
        }
    }

    fn finish_file(&mut self) -> io::Result<()> {
        if let Some(current) = self.current.take() {
            current.file.sync_all()?;
        }
        Ok(())
    }

    /// Closes the current file durably.
    pub fn finish(mut self) -> io::Result<()> {
        self.finish_file()
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A record read back: its WARC headers and its block.
#[derive(Debug, Clone)]
pub struct Record {
    pub offset: u64,
    pub headers: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl Record {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Checks the record's digests (`WARC-Block-Digest`, and the
    /// `WARC-Payload-Digest` of a response) against its bytes; says which
    /// one does not match. Digests in another algorithm than SHA-1 (what
    /// veille writes, and most crawlers) are not checked.
    pub fn check_digests(&self) -> Result<(), String> {
        let matches = |stated: &str, data: &[u8]| {
            let (algorithm, _) = stated.split_once(':').unwrap_or(("", ""));
            !algorithm.eq_ignore_ascii_case("sha1") || stated.eq_ignore_ascii_case(&sha1_base32(data))
        };
        if let Some(stated) = self.header("WARC-Block-Digest")
            && !matches(stated, &self.block)
        {
            return Err("its block does not match WARC-Block-Digest".into());
        }
        if let (Some(stated), Some(http)) = (self.header("WARC-Payload-Digest"), self.http_response())
            && !matches(stated, http.body)
        {
            return Err("its payload does not match WARC-Payload-Digest".into());
        }
        Ok(())
    }

    /// The HTTP response inside a `response` record.
    pub fn http_response(&self) -> Option<HttpResponse<'_>> {
        let end = self.block.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&self.block[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next()?;
        let status = status_line.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Some(HttpResponse { status, headers, body: &self.block[end + 4..] })
    }
}

/// The HTTP response stored in a record.
#[derive(Debug)]
pub struct HttpResponse<'a> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// As transferred: decode with the `Content-Encoding` header.
    pub body: &'a [u8],
}

impl HttpResponse<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A `BufRead` that counts what its consumer took, so that the end of each
/// gzip member (the start of the next record) is known.
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn parse_record(offset: u64, data: Vec<u8>) -> io::Result<Record> {
    let end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid(format!("record at {offset}: no end of headers")))?;
    let head = std::str::from_utf8(&data[..end])
        .map_err(|_| invalid(format!("record at {offset}: headers are not UTF-8")))?;
    let mut lines = head.split("\r\n");
    let version = lines.next().unwrap_or("");
    if !version.starts_with("WARC/") {
        return Err(invalid(format!("record at {offset}: starts with {version:?}, not WARC/")));
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| invalid(format!("record at {offset}: no Content-Length")))?;
    // The block is taken after the headers, not as `end + 4 + length`: a
    // Content-Length near usize::MAX would overflow that sum (caught by the
    // `warc` fuzz target).
    let block = data
        .get(end + 4..)
        .and_then(|rest| rest.get(..length))
        .ok_or_else(|| invalid(format!("record at {offset}: block shorter than its Content-Length")))?
        .to_vec();
    Ok(Record { offset, headers, block })
}

/// Reads the record that starts at `offset` of a `.warc.gz` file.
pub fn read_at(path: &Path, offset: u64) -> io::Result<Record> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut data = Vec::new();
    flate2::bufread::GzDecoder::new(BufReader::new(file)).read_to_end(&mut data)?;
    parse_record(offset, data)
}

/// Every complete record of a `.warc.gz` file, in order, and the offset
/// where the complete records end (less than the file length when the file
/// ends in a record cut by a crash).
pub fn read_all(path: &Path) -> io::Result<(Vec<Record>, u64)> {
    read_from(path, 0)
}

/// [`read_all`] from `start`, a record's first byte.
pub fn read_from(path: &Path, start: u64) -> io::Result<(Vec<Record>, u64)> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut reader = Counting { inner: BufReader::new(file), pos: start };
    let mut records = Vec::new();
    loop {
        if reader.fill_buf()?.is_empty() {
            break;
        }
        let offset = reader.pos;
        let mut data = Vec::new();
        let complete = flate2::bufread::GzDecoder::new(&mut reader).read_to_end(&mut data);
        match complete.and_then(|_| parse_record(offset, data)) {
            Ok(record) => records.push(record),
            Err(_) => return Ok((records, offset)),
        }
    }
    let end = reader.pos;
    Ok((records, end))
}

/// Where whole records start again after unreadable bytes at `from`: the
/// next gzip member that holds a WARC record, if any. Tells damage in the
/// middle of a file (records follow) from a record cut at its end (none).
pub fn next_record_after(path: &Path, from: u64) -> io::Result<Option<u64>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut rest = Vec::new();
    file.read_to_end(&mut rest)?;
    // A gzip member starts with 1f 8b and method 08 (deflate).
    for at in (1..rest.len().saturating_sub(2)).filter(|&i| rest[i..].starts_with(&[0x1f, 0x8b, 0x08])) {
        let offset = from + at as u64;
        if read_at(path, offset).is_ok() {
            return Ok(Some(offset));
        }
    }
    Ok(None)
}

/// Cuts a file back to its last complete record (after a crash in the
/// middle of an append). Returns the bytes removed.
pub fn repair(path: &Path) -> io::Result<u64> {
    let len = fs::metadata(path)?.len();
    let (_, end) = read_all(path)?;
    if end < len {
        let file = OpenOptions::new().write(true).open(path)?;
        file.set_len(end)?;
        file.sync_all()?;
    }
    Ok(len - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange<'a>(url: &'a str, body: &'a [u8], headers: &'a [(String, String)]) -> Exchange<'a> {
        Exchange {
            url,
            method: "GET",
            request_headers: &[],
            status: 200,
            reason: "OK",
            response_headers: headers,
            body,
            ip: Some("127.0.0.1".into()),
        }
    }

    #[test]
    fn records_are_read_back_at_their_offsets_and_files_rotate() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = WarcWriter::new(dir.path(), "t", 600);
        let headers = vec![
            ("Content-Type".to_string(), "text/html".to_string()),
            ("Transfer-Encoding".to_string(), "chunked".to_string()),
        ];
        let refs: Vec<_> = (0..3)
            .map(|i| {
                let body = format!("<p>page {i}</p>");
                writer.append(&exchange(&format!("http://a.test/{i}"), body.as_bytes(), &headers)).unwrap()
            })
            .collect();
        writer.finish().unwrap();
        let files: std::collections::BTreeSet<_> = refs.iter().map(|r| r.file.clone()).collect();
        assert!(files.len() >= 2, "rotation at 600 bytes: {refs:?}");
        for (i, r) in refs.iter().enumerate() {
            let record = read_at(&dir.path().join(&r.file), r.offset).unwrap();
            assert_eq!(record.header("WARC-Type"), Some("response"));
            assert_eq!(record.header("WARC-Target-URI"), Some(format!("http://a.test/{i}").as_str()));
            let http = record.http_response().unwrap();
            assert_eq!(http.status, 200);
            assert_eq!(http.body, format!("<p>page {i}</p>").as_bytes());
            assert_eq!(http.header("transfer-encoding"), None);
            assert_eq!(record.header("WARC-Payload-Digest").unwrap(), sha1_base32(http.body));
        }
        let (records, _) = read_all(&dir.path().join(&refs[0].file)).unwrap();
        let types: Vec<_> = records.iter().map(|r| r.header("WARC-Type").unwrap()).collect();
        assert_eq!(&types[..3], ["warcinfo", "response", "request"]);
    }

    #[test]
    fn a_content_length_near_the_maximum_is_a_short_block() {
        // Caught by the `warc` fuzz target: the end of the block overflowed.
        let data = format!("WARC/1.1\r\nContent-Length: {}\r\n\r\nx", usize::MAX).into_bytes();
        let err = parse_record(0, data).unwrap_err();
        assert!(err.to_string().contains("shorter than its Content-Length"), "{err}");
    }

    #[test]
    fn a_cut_record_is_repaired_away() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = WarcWriter::new(dir.path(), "t", DEFAULT_MAX_FILE_BYTES);
        let r = writer.append(&exchange("http://a.test/", b"<p>x</p>", &[])).unwrap();
        writer.append(&exchange("http://a.test/2", b"<p>y</p>", &[])).unwrap();
        writer.finish().unwrap();
        let path = dir.path().join(&r.file);
        let len = fs::metadata(&path).unwrap().len();
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(len - 10).unwrap();
        assert!(repair(&path).unwrap() > 0);
        let (records, end) = read_all(&path).unwrap();
        assert_eq!(end, fs::metadata(&path).unwrap().len());
        assert_eq!(records.len(), 4, "warcinfo, response, request, response");
        assert!(read_at(&path, r.offset).is_ok());
    }
}
