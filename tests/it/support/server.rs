//! A small HTTP/1.1 server for crawler tests, on 127.0.0.1 only: serves
//! a fixture site from `tests/fixtures/sites/<name>/manifest.toml`, answers
//! conditional requests, records every request, and plays faults on
//! demand (errors, Retry-After, redirects, resets, slow, huge and
//! gzip-bomb bodies, endless pagination).

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub at: Instant,
    /// Path and query, as requested.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Something the server does instead of serving the route.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status `times` times, then serve normally.
    Status { code: u16, times: u32, retry_after: Option<u32> },
    /// Redirect to an absolute URL (`{base}` is replaced).
    Redirect(String),
    /// Close the connection after reading the request.
    Reset,
    /// Send headers, then a byte every `every` forever.
    Slow { every: Duration },
    /// A body of this many bytes; `chunked` hides the length.
    Huge { bytes: usize, chunked: bool },
    /// A small gzip body that inflates to this many bytes.
    GzipBomb { inflated: usize },
    /// These bytes as the body, with this content type.
    Body { content_type: String, bytes: Vec<u8> },
    /// Listing pages that always link to one more (`?debut_articles=N`).
    EndlessPagination,
}

struct Route {
    content_type: String,
    bytes: Vec<u8>,
    gzip: bool,
}

struct Inner {
    routes: HashMap<String, Route>,
    faults: HashMap<String, Fault>,
    log: Vec<Logged>,
    served: HashMap<String, u32>,
    /// Pages are served without ETag or Last-Modified (many CMS pages are).
    no_validators: bool,
    /// ... or with a Last-Modified that is the time of the answer, as SPIP does.
    stamped_now: bool,
}

/// A running fixture site.
#[derive(Clone)]
pub struct Site {
    pub host: String,
    pub port: u16,
    inner: Arc<Mutex<Inner>>,
}

fn http_date() -> &'static str {
    "Tue, 11 Feb 2025 09:30:00 GMT"
}

impl Site {
    /// Starts serving the fixture site `name` on a free port of 127.0.0.1.
    /// `replacements` fill placeholders such as `{spip}`.
    pub fn start(runtime: &tokio::runtime::Runtime, name: &str, host: &str) -> Site {
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let site = Site {
            host: host.to_string(),
            port,
            inner: Arc::new(Mutex::new(Inner {
                routes: HashMap::new(),
                faults: HashMap::new(),
                log: Vec::new(),
                served: HashMap::new(),
                no_validators: false,
                stamped_now: false,
            })),
        };
        if !name.is_empty() {
            site.load(name);
        }
        let serving = site.clone();
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let site = serving.clone();
                tokio::spawn(async move {
                    let _ = site.serve(stream).await;
                });
            }
        });
        site
    }

    pub fn base(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    fn load(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites").join(name);
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap();
        let mut inner = self.inner.lock().unwrap();
        for route in manifest["route"].as_array().unwrap() {
            let path = route["path"].as_str().unwrap().to_string();
            let bytes = std::fs::read(dir.join(route["file"].as_str().unwrap())).unwrap();
            inner.routes.insert(
                path,
                Route {
                    content_type: route["content_type"].as_str().unwrap().to_string(),
                    bytes,
                    gzip: route.get("gzip_file").and_then(|v| v.as_bool()).unwrap_or(false),
                },
            );
        }
    }

    /// Replaces `placeholder` in every route's bytes.
    pub fn replace(&self, placeholder: &str, value: &str) {
        let mut inner = self.inner.lock().unwrap();
        for route in inner.routes.values_mut() {
            let text = String::from_utf8_lossy(&route.bytes);
            if text.contains(placeholder) {
                // Fixtures in latin-1 hold no placeholders, so bytes stay as they were elsewhere.
                route.bytes = replace_bytes(&route.bytes, placeholder.as_bytes(), value.as_bytes());
            }
        }
    }

    /// Adds or replaces a route.
    pub fn set(&self, target: &str, content_type: &str, bytes: impl Into<Vec<u8>>) {
        self.inner.lock().unwrap().routes.insert(
            target.to_string(),
            Route { content_type: content_type.to_string(), bytes: bytes.into(), gzip: false },
        );
    }

    /// Serves every route without ETag or Last-Modified, as a CMS's
    /// dynamic pages are: no request to it can be conditional.
    pub fn without_validators(&self) {
        self.inner.lock().unwrap().no_validators = true;
    }

    /// Serves every route with `Date` and `Last-Modified` both the time
    /// of the answer, and ignores conditional requests, as SPIP does.
    pub fn stamped_now(&self) {
        let mut inner = self.inner.lock().unwrap();
        inner.no_validators = true;
        inner.stamped_now = true;
    }

    /// The bytes of a route.
    pub fn get(&self, target: &str) -> Vec<u8> {
        self.inner.lock().unwrap().routes[target].bytes.clone()
    }

    pub fn fault(&self, target: &str, fault: Fault) {
        self.inner.lock().unwrap().faults.insert(target.to_string(), fault);
    }

    pub fn log(&self) -> Vec<Logged> {
        self.inner.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.inner.lock().unwrap().log.clear();
    }

    /// How many times `target` was requested.
    pub fn hits(&self, target: &str) -> usize {
        self.log().iter().filter(|l| l.target == target).count()
    }

    pub fn routes(&self) -> Vec<String> {
        self.inner.lock().unwrap().routes.keys().cloned().collect()
    }

    async fn serve(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut stream = BufReader::new(stream);
        loop {
            let mut line = String::new();
            if stream.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if stream.read_line(&mut h).await? == 0 {
                    return Ok(());
                }
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((n, v)) = h.split_once(':') {
                    headers.push((n.trim().to_string(), v.trim().to_string()));
                }
            }
            let logged = Logged { at: Instant::now(), target: target.clone(), headers };
            let answer = self.answer(&logged);
            self.inner.lock().unwrap().log.push(logged);
            let socket = stream.get_mut();
            match answer {
                Answer::Close => return Ok(()),
                Answer::Full(bytes) => socket.write_all(&bytes).await?,
                Answer::Slow { head, every } => {
                    socket.write_all(&head).await?;
                    loop {
                        tokio::time::sleep(every).await;
                        socket.write_all(b"x").await?;
                        socket.flush().await?;
                    }
                }
                Answer::Stream { head, bytes, chunked } => {
                    socket.write_all(&head).await?;
                    let block = vec![b'a'; 64 * 1024];
                    let mut left = bytes;
                    while left > 0 {
                        let n = left.min(block.len());
                        if chunked {
                            socket.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                            socket.write_all(&block[..n]).await?;
                            socket.write_all(b"\r\n").await?;
                        } else {
                            socket.write_all(&block[..n]).await?;
                        }
                        left -= n;
                    }
                    if chunked {
                        socket.write_all(b"0\r\n\r\n").await?;
                    }
                }
            }
        }
    }

    fn answer(&self, request: &Logged) -> Answer {
        let mut inner = self.inner.lock().unwrap();
        let target = request.target.as_str();
        let served = {
            let n = inner.served.entry(target.to_string()).or_insert(0);
            *n += 1;
            *n
        };
        let base = self.base();
        if let Some(fault) = inner.faults.get(target).cloned() {
            match fault {
                Fault::Status { code, times, retry_after } if served <= times => {
                    let extra = retry_after.map(|s| format!("Retry-After: {s}\r\n")).unwrap_or_default();
                    return Answer::Full(response(
                        code,
                        "text/html",
                        extra.as_str(),
                        b"<html><body>erreur</body></html>",
                    ));
                }
                Fault::Status { .. } => {}
                Fault::Redirect(to) => {
                    let to = to.replace("{base}", &base);
                    return Answer::Full(response(302, "text/html", &format!("Location: {to}\r\n"), b""));
                }
                Fault::Reset => return Answer::Close,
                Fault::Slow { every } => {
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n";
                    return Answer::Slow { head: head.as_bytes().to_vec(), every };
                }
                Fault::Huge { bytes, chunked } => {
                    let length = if chunked {
                        "Transfer-Encoding: chunked\r\n".to_string()
                    } else {
                        format!("Content-Length: {bytes}\r\n")
                    };
                    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{length}\r\n");
                    return Answer::Stream { head: head.into_bytes(), bytes, chunked };
                }
                Fault::GzipBomb { inflated } => {
                    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                    let block = vec![b' '; 1 << 20];
                    let mut left = inflated;
                    while left > 0 {
                        let n = left.min(block.len());
                        gz.write_all(&block[..n]).unwrap();
                        left -= n;
                    }
                    let body = gz.finish().unwrap();
                    return Answer::Full(response(200, "text/html", "Content-Encoding: gzip\r\n", &body));
                }
                Fault::Body { content_type, bytes } => {
                    return Answer::Full(response(200, &content_type, "", &bytes));
                }
                Fault::EndlessPagination => {
                    let n: u64 = target.rsplit('=').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                    let page = format!(
                        "<html><body><h1>Archives</h1><ul><li><a href=\"/spip.php?article{n}\">n</a></li></ul>\
                         <p class=\"pagination\"><a class=\"lien_pagination\" href=\"/trap?debut_articles={}\">suivant</a></p></body></html>",
                        n + 10
                    );
                    return Answer::Full(response(200, "text/html; charset=utf-8", "", page.as_bytes()));
                }
            }
        }
        // SPIP answers ?article12 as spip.php?article12.
        let key = match target.strip_prefix("/?article") {
            Some(n) if inner.routes.contains_key(&format!("/spip.php?article{n}")) => {
                format!("/spip.php?article{n}")
            }
            _ => target.to_string(),
        };
        let Some(route) = inner.routes.get(&key) else {
            return Answer::Full(response(404, "text/html", "", b"<html><body>introuvable</body></html>"));
        };
        let mut body = route.bytes.clone();
        if route.gzip {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&body).unwrap();
            body = gz.finish().unwrap();
        }
        if inner.no_validators {
            let now = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            let extra = if inner.stamped_now {
                format!("Date: {now}\r\nLast-Modified: {now}\r\n")
            } else {
                String::new()
            };
            return Answer::Full(response(200, &route.content_type, &extra, &body));
        }
        let etag = format!("\"{:016x}\"", fxhash(&body));
        if request.header("if-none-match") == Some(etag.as_str()) {
            let head = format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n");
            return Answer::Full(head.into_bytes());
        }
        let extra = format!("ETag: {etag}\r\nLast-Modified: {}\r\n", http_date());
        Answer::Full(response(200, &route.content_type, &extra, &body))
    }
}

enum Answer {
    Full(Vec<u8>),
    Close,
    Slow { head: Vec<u8>, every: Duration },
    Stream { head: Vec<u8>, bytes: usize, chunked: bool },
}

fn response(code: u16, content_type: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let reason = match code {
        200 => "OK",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// A tokio runtime for the servers of one test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}
