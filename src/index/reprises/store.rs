//! The saved state: an immutable base file read through a memory map, and
//! a small delta file read whole.
//!
//! The base (`index/reprises.bin`) holds, for every article, its
//! fingerprint in a fixed-size record found by slot (slots are in id
//! order, so an id is found by binary search), its cluster, and per LSH
//! band a table of (key, slot) sorted by key, with a directory by the
//! key's first 16 bits: finding the candidates of one article reads about
//! 200 small places of the file, whatever the size of the archive. The
//! delta (`index/reprises.delta`) holds what changed since the base was
//! written: articles added, base articles removed (tombstones) and the
//! clusters re-derived. [`super::Reprises::save`] writes the delta alone
//! while it stays small, and folds it into a new base when it grows past a
//! fraction of the base (a log-structured merge with one level).
//!
//! Both files are written atomically. A delta names the base it applies to
//! (the base's generation, a hash of its content) and has a sequence
//! number; a base written by folding a delta names that delta, so that a
//! run killed between writing the new base and its empty delta leaves a
//! state that loads. Any other mismatch, a truncated file or numbers out
//! of range is an `InvalidData` error: the caller fingerprints everything
//! again.
//!
//! Base layout, little-endian, sections aligned to 8 bytes:
//!
//! ```text
//! header, 128 bytes: "veille-reprises-4\n", u32 SHINGLE, u32 HASHES, u64 seed,
//!   u64 articles n, u64 generation, u64 folded delta's generation, u64 its sequence,
//!   u64 clusters m, u64 clustered articles t, u64 clusterable articles k,
//!   u64 bytes of ids, u64 file length
//! records, n × 272: HASHES × u16 signature, u32 shingles, u32 0, i64 published (i64::MIN: none)
//! ids: u32 × (n + 1) offsets, then the UTF-8 bytes, slots in id order
//! cluster by slot: u32 × n (u32::MAX: none)
//! clusters: u32 × (m + 1) starts, u32 × t slots (original first, then in clustering order),
//!   clusters in their originals' clustering order
//! per band, 64 times: u32 × (2^d + 1) directory by the key's high d bits,
//!   k keys (d = 16: u16, their low 16 bits; d = 0: u32), u32 × k slots,
//!   sorted by key then slot; d = 16 from 2^16 clusterable articles, else 0
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{BANDS, FORMAT, Fingerprint, HASHES, SHINGLE, fingerprint::SEED};

const HEADER: usize = 128;
const RECORD: usize = 2 * HASHES + 16;
/// Bits of a key that index a band's directory, when the base holds at
/// least 2^16 clusterable articles; the entries then keep the low 16 bits
/// of their key. A smaller base has no directory (0 bits, one range) and
/// keeps whole keys: 256 KB of directory per band would outweigh it.
const DIRECTORY_BITS: u32 = 16;

fn directory_bits(k: usize) -> u32 {
    if k >= 1 << DIRECTORY_BITS { DIRECTORY_BITS } else { 0 }
}
/// No cluster (in the cluster column), no folded delta (in the header).
const NONE: u32 = u32::MAX;

fn align(n: usize) -> usize {
    n.div_ceil(8) * 8
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// Where each section starts, from the counts in the header.
#[derive(Debug, Clone, Copy)]
struct Layout {
    n: usize,
    m: usize,
    t: usize,
    k: usize,
    records: usize,
    id_offsets: usize,
    id_bytes: usize,
    cluster_of: usize,
    cluster_starts: usize,
    cluster_members: usize,
    bands: usize,
    band_size: usize,
    /// Bits of the directory (0 or [`DIRECTORY_BITS`]) and bytes of a stored key (4 or 2).
    bits: u32,
    key_width: usize,
    end: usize,
}

impl Layout {
    fn new(n: usize, m: usize, t: usize, k: usize, id_bytes: usize) -> Option<Layout> {
        let records = HEADER;
        let id_offsets = records.checked_add(n.checked_mul(RECORD)?)?;
        let ids = id_offsets.checked_add(align(4 * (n + 1)))?;
        let cluster_of = ids.checked_add(align(id_bytes))?;
        let cluster_starts = cluster_of.checked_add(align(4 * n))?;
        let cluster_members = cluster_starts.checked_add(align(4 * (m + 1)))?;
        let bands = cluster_members.checked_add(align(4 * t))?;
        let bits = directory_bits(k);
        let key_width = if bits == 0 { 4 } else { 2 };
        let band_size = align(4 * ((1 << bits) + 1)) + align(key_width * k) + align(4 * k);
        let end = bands.checked_add(band_size.checked_mul(BANDS)?)?;
        Some(Layout {
            n,
            m,
            t,
            k,
            records,
            id_offsets,
            id_bytes: ids,
            cluster_of,
            cluster_starts,
            cluster_members,
            bands,
            band_size,
            bits,
            key_width,
            end,
        })
    }

    fn band(&self, band: usize) -> (usize, usize, usize) {
        let directory = self.bands + band * self.band_size;
        let lows = directory + align(4 * ((1 << self.bits) + 1));
        let slots = lows + align(self.key_width * self.k);
        (directory, lows, slots)
    }
}

/// The generation and sequence of a delta, as named by a base that folded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DeltaName {
    pub generation: u64,
    pub sequence: u64,
}

/// A base file, mapped.
pub(super) struct Base {
    map: memmap2::Mmap,
    layout: Layout,
    pub generation: u64,
    pub folded: Option<DeltaName>,
}

impl std::fmt::Debug for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Base")
            .field("articles", &self.layout.n)
            .field("generation", &self.generation)
            .finish()
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Whether `bytes` start with the format line of another version of the
/// file (outdated: `None`), or with nothing of ours (an error).
fn other_format(bytes: &[u8], what: &str) -> io::Result<Option<std::convert::Infallible>> {
    if bytes.starts_with(b"veille-reprises-") {
        Ok(None)
    } else {
        Err(invalid(format!("not a file of {what} (no veille-reprises format line)")))
    }
}

impl Base {
    /// Maps the base at `path`. `None` when it is missing or of another
    /// version or parameters.
    pub(super) fn open(path: &Path) -> io::Result<Option<Base>> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // SAFETY: the file is only ever replaced by a rename, never written
        // in place, so the mapped pages do not change under us.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        // Reads are scattered (a few places per band and candidate): no
        // read-ahead, nor the mapping of neighbouring pages at each fault,
        // which would make an incremental run hold most of the file.
        let _ = map.advise(memmap2::Advice::Random);
        let line = FORMAT.len() + 1;
        if map.len() < line || &map[..FORMAT.len()] != FORMAT.as_bytes() || map[FORMAT.len()] != b'\n' {
            return other_format(&map[..map.len().min(64)], "fingerprints").map(|_| None);
        }
        if map.len() < HEADER {
            return Err(invalid(format!("truncated header ({} bytes)", map.len())));
        }
        let shingle = u32_at(&map, 24);
        let hashes = u32_at(&map, 28);
        let seed = u64_at(&map, 32);
        if (shingle as usize, hashes as usize, seed) != (SHINGLE, HASHES, SEED) {
            return Ok(None);
        }
        let count = |at: usize| usize::try_from(u64_at(&map, at)).map_err(|_| invalid("count out of range"));
        let (n, generation, folded_generation, folded_sequence) =
            (count(40)?, u64_at(&map, 48), u64_at(&map, 56), u64_at(&map, 64));
        let (m, t, k, id_bytes, length) = (count(72)?, count(80)?, count(88)?, count(96)?, count(104)?);
        let layout = Layout::new(n, m, t, k, id_bytes).ok_or_else(|| invalid("counts out of range"))?;
        if length != map.len() || layout.end != map.len() || n > NONE as usize || k > n || t > n {
            let what = if map.len() < length.max(layout.end) { "truncated" } else { "damaged" };
            return Err(invalid(format!(
                "{what}: {} bytes where the header says {length} and its counts {}",
                map.len(),
                layout.end
            )));
        }
        let folded = (folded_sequence != u64::MAX)
            .then_some(DeltaName { generation: folded_generation, sequence: folded_sequence });
        let base = Base { map, layout, generation, folded };
        if base.id_offset(n) as usize != id_bytes {
            return Err(invalid("the id offsets do not end at the ids' length"));
        }
        Ok(Some(base))
    }

    pub(super) fn len(&self) -> u32 {
        self.layout.n as u32
    }

    /// Unmaps the pages read so far: they stay in the page cache, but no
    /// longer count in this process's memory. Large folios make each read
    /// map up to megabytes, so that a hundred insertions would otherwise
    /// hold a third of a base of a million articles.
    pub(super) fn release(&self) {
        // SAFETY: a read-only shared mapping of a file never written in
        // place: after MADV_DONTNEED, a read faults the same bytes back in
        // from the file, so no reference into the map sees other data.
        let _ = unsafe { self.map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
    }

    fn record(&self, slot: u32) -> &[u8] {
        let at = self.layout.records + slot as usize * RECORD;
        &self.map[at..at + RECORD]
    }

    pub(super) fn print(&self, slot: u32) -> Fingerprint {
        let record = self.record(slot);
        let mut print = Fingerprint { hashes: [0; HASHES], shingles: u32_at(record, 2 * HASHES) };
        for (value, bytes) in print.hashes.iter_mut().zip(record.chunks_exact(2)) {
            *value = u16::from_le_bytes([bytes[0], bytes[1]]);
        }
        print
    }

    pub(super) fn published(&self, slot: u32) -> Option<i64> {
        Some(u64_at(self.record(slot), 2 * HASHES + 8) as i64).filter(|&p| p != i64::MIN)
    }

    fn id_offset(&self, index: usize) -> u32 {
        u32_at(&self.map, self.layout.id_offsets + 4 * index)
    }

    pub(super) fn id(&self, slot: u32) -> &str {
        let (start, end) =
            (self.id_offset(slot as usize) as usize, self.id_offset(slot as usize + 1) as usize);
        let end = end.clamp(start.min(self.layout_id_len()), self.layout_id_len());
        let start = start.min(end);
        let bytes = &self.map[self.layout.id_bytes + start..self.layout.id_bytes + end];
        // A damaged id reads as empty rather than stopping the run.
        std::str::from_utf8(bytes).unwrap_or("")
    }

    fn layout_id_len(&self) -> usize {
        self.layout.cluster_of - self.layout.id_bytes
    }

    /// The slot of `id`, by binary search (slots are in id order).
    pub(super) fn find(&self, id: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0u32, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The number of `slot`'s cluster, when it has reprises.
    pub(super) fn cluster(&self, slot: u32) -> Option<u32> {
        Some(u32_at(&self.map, self.layout.cluster_of + 4 * slot as usize))
            .filter(|&c| c != NONE && (c as usize) < self.layout.m)
    }

    pub(super) fn clusters(&self) -> u32 {
        self.layout.m as u32
    }

    /// The members of cluster `c`, original first.
    pub(super) fn members(&self, c: u32) -> impl Iterator<Item = u32> + '_ {
        let start =
            |i: usize| (u32_at(&self.map, self.layout.cluster_starts + 4 * i) as usize).min(self.layout.t);
        let (from, to) = (start(c as usize), start(c as usize + 1));
        (from..to.max(from))
            .map(|i| u32_at(&self.map, self.layout.cluster_members + 4 * i))
            .filter(|&slot| slot < self.len())
    }

    /// The slots whose band `band` has the key `key` (32 bits: the band's two values).
    pub(super) fn bucket(&self, band: usize, key: u32) -> impl Iterator<Item = u32> + '_ {
        let (directory, lows, slots) = self.layout.band(band);
        let bits = self.layout.bits;
        let high = key.checked_shr(32 - bits).unwrap_or(0) as usize;
        let width = self.layout.key_width;
        let low = if width == 2 { key & 0xffff } else { key };
        let k = self.layout.k;
        let from = (u32_at(&self.map, directory + 4 * high) as usize).min(k);
        let to = (u32_at(&self.map, directory + 4 * (high + 1)) as usize).clamp(from, k);
        let map = &self.map[..];
        let low_at = move |i: usize| {
            if width == 2 {
                u32::from(u16::from_le_bytes([map[lows + 2 * i], map[lows + 2 * i + 1]]))
            } else {
                u32_at(map, lows + 4 * i)
            }
        };
        // The first entry with this low half, by binary search in the run.
        let (mut lo, mut hi) = (from, to);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if low_at(mid) < low { lo = mid + 1 } else { hi = mid }
        }
        (lo..to)
            .take_while(move |&i| low_at(i) == low)
            .map(move |i| u32_at(&self.map, slots + 4 * i))
            .filter(|&slot| slot < self.len())
    }
}

/// What a new base is written from: the articles in id order, by their
/// new slot.
pub(super) trait Source {
    fn len(&self) -> u32;
    fn id(&self, slot: u32) -> &str;
    fn print(&self, slot: u32) -> Fingerprint;
    fn published(&self, slot: u32) -> Option<i64>;
}

/// A hasher for the generation: FNV-1a over 8-byte words, written out so
/// that it stays the same across versions.
struct Generation(u64);

impl Generation {
    fn feed(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A writer that hashes what it writes, for the generation.
struct Hashing<W: Write> {
    out: W,
    hash: Generation,
    written: usize,
}

impl<W: Write> Hashing<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.feed(bytes);
        self.written += bytes.len();
        self.out.write_all(bytes)
    }

    fn pad(&mut self) -> io::Result<()> {
        let zeros = align(self.written) - self.written;
        self.put(&[0u8; 8][..zeros])
    }

    fn u32s(&mut self, values: impl IntoIterator<Item = u32>) -> io::Result<()> {
        for value in values {
            self.put(&value.to_le_bytes())?;
        }
        self.pad()
    }
}

/// Writes a base at `path`, atomically: the articles of `source` in their
/// slots, `clusters` (each original first, then in clustering order, in
/// their originals' clustering order) and the LSH tables. Returns its
/// generation.
pub(super) fn write(
    path: &Path,
    source: &dyn Source,
    clusters: &[Vec<u32>],
    folded: Option<DeltaName>,
) -> io::Result<u64> {
    let n = source.len() as usize;
    let id_bytes: usize = (0..n as u32).map(|slot| source.id(slot).len()).sum();
    if id_bytes > u32::MAX as usize {
        return Err(io::Error::other("more than 4 GB of ids"));
    }
    let clusterable: Vec<u32> =
        (0..n as u32).filter(|&slot| source.print(slot).shingles >= super::MIN_SHINGLES).collect();
    let t: usize = clusters.iter().map(Vec::len).sum();
    let layout = Layout::new(n, clusters.len(), t, clusterable.len(), id_bytes)
        .ok_or_else(|| io::Error::other("too many articles for one file"))?;
    crate::corpus::atomic::write_atomic_with(path, |file| {
        let mut out =
            Hashing { out: BufWriter::with_capacity(1 << 20, &mut *file), hash: Generation(0), written: 0 };
        out.out.write_all(&[0u8; HEADER])?;
        out.written = HEADER;
        for slot in 0..n as u32 {
            let print = source.print(slot);
            let mut record = [0u8; RECORD];
            for (bytes, value) in record.chunks_exact_mut(2).zip(print.hashes) {
                bytes.copy_from_slice(&value.to_le_bytes());
            }
            record[2 * HASHES..2 * HASHES + 4].copy_from_slice(&print.shingles.to_le_bytes());
            let published = source.published(slot).unwrap_or(i64::MIN);
            record[2 * HASHES + 8..].copy_from_slice(&published.to_le_bytes());
            out.put(&record)?;
        }
        let mut offset = 0u32;
        out.u32s(std::iter::once(0).chain((0..n as u32).map(|slot| {
            offset += source.id(slot).len() as u32;
            offset
        })))?;
        for slot in 0..n as u32 {
            out.put(source.id(slot).as_bytes())?;
        }
        out.pad()?;
        let mut cluster_of = vec![NONE; n];
        for (c, members) in clusters.iter().enumerate() {
            for &slot in members {
                cluster_of[slot as usize] = c as u32;
            }
        }
        out.u32s(cluster_of)?;
        let mut start = 0u32;
        out.u32s(std::iter::once(0).chain(clusters.iter().map(|members| {
            start += members.len() as u32;
            start
        })))?;
        out.u32s(clusters.iter().flatten().copied())?;
        // The LSH tables, eight bands at a time: 8 × 8 bytes per article in memory.
        const GROUP: usize = 8;
        for first in (0..BANDS).step_by(GROUP) {
            let mut tables: Vec<Vec<u64>> =
                (0..GROUP).map(|_| Vec::with_capacity(clusterable.len())).collect();
            for &slot in &clusterable {
                let print = source.print(slot);
                for (g, table) in tables.iter_mut().enumerate() {
                    table.push((u64::from(band_key(&print, first + g)) << 32) | u64::from(slot));
                }
            }
            use rayon::prelude::*;
            tables.par_iter_mut().for_each(|table| table.par_sort_unstable());
            for table in tables {
                let bits = layout.bits;
                let mut directory = vec![0u32; (1 << bits) + 1];
                for &entry in &table {
                    let key = (entry >> 32) as u32;
                    directory[key.checked_shr(32 - bits).unwrap_or(0) as usize + 1] += 1;
                }
                for i in 1..directory.len() {
                    directory[i] += directory[i - 1];
                }
                out.u32s(directory)?;
                for &entry in &table {
                    let key = (entry >> 32) as u32;
                    if layout.key_width == 2 {
                        out.put(&(key as u16).to_le_bytes())?;
                    } else {
                        out.put(&key.to_le_bytes())?;
                    }
                }
                out.pad()?;
                out.u32s(table.iter().map(|&entry| entry as u32))?;
            }
        }
        debug_assert_eq!(out.written, layout.end);
        let generation = out.hash.0 ^ (n as u64);
        out.out.flush()?;
        drop(out);
        let mut header = [0u8; HEADER];
        header[..FORMAT.len()].copy_from_slice(FORMAT.as_bytes());
        header[FORMAT.len()] = b'\n';
        header[24..28].copy_from_slice(&(SHINGLE as u32).to_le_bytes());
        header[28..32].copy_from_slice(&(HASHES as u32).to_le_bytes());
        let folded = folded.unwrap_or(DeltaName { generation: 0, sequence: u64::MAX });
        for (at, value) in [
            (32, SEED),
            (40, n as u64),
            (48, generation),
            (56, folded.generation),
            (64, folded.sequence),
            (72, clusters.len() as u64),
            (80, t as u64),
            (88, clusterable.len() as u64),
            (96, id_bytes as u64),
            (104, layout.end as u64),
        ] {
            header[at..at + 8].copy_from_slice(&value.to_le_bytes());
        }
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header)?;
        Ok(generation)
    })
}

/// The 32-bit key of band `band`: its two values.
pub(super) fn band_key(print: &Fingerprint, band: usize) -> u32 {
    (u32::from(print.hashes[2 * band]) << 16) | u32::from(print.hashes[2 * band + 1])
}

/// The delta file next to the base at `path`.
pub(super) fn delta_path(path: &Path) -> PathBuf {
    path.with_extension("delta")
}

/// What a delta file holds, with slots numbered as in the state it was
/// saved from: base slots, then the added articles in order.
#[derive(Debug, Default)]
pub(super) struct Delta {
    pub name: Option<DeltaName>,
    pub added: Vec<super::Entry>,
    /// Base slots removed or replaced.
    pub dead: Vec<u32>,
    /// Articles whose cluster is not the base's: slot and root.
    pub roots: Vec<(u32, u32)>,
}

const DELTA_FORMAT: &str = "veille-reprises-delta-4";

/// Delta layout, little-endian:
///
/// ```text
/// "veille-reprises-delta-4\n", u64 base generation, u64 sequence,
/// u64 added, per added: u32 id length, id, i64 published, u32 shingles, HASHES × u16
/// u64 dead, u32 × dead base slots
/// u64 roots, (u32 slot, u32 root) × roots
/// u64 length of all of the above (a truncated file is told apart)
/// ```
pub(super) fn write_delta(path: &Path, delta: &Delta) -> io::Result<()> {
    let name = delta.name.expect("a delta names its base");
    let mut out = Vec::with_capacity(64 + delta.added.len() * (24 + 2 * HASHES) + 8 * delta.roots.len());
    out.extend_from_slice(DELTA_FORMAT.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&name.generation.to_le_bytes());
    out.extend_from_slice(&name.sequence.to_le_bytes());
    out.extend_from_slice(&(delta.added.len() as u64).to_le_bytes());
    for (id, print, published) in &delta.added {
        out.extend_from_slice(&(id.len() as u32).to_le_bytes());
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(&published.unwrap_or(i64::MIN).to_le_bytes());
        out.extend_from_slice(&print.shingles.to_le_bytes());
        for value in print.hashes {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&(delta.dead.len() as u64).to_le_bytes());
    for slot in &delta.dead {
        out.extend_from_slice(&slot.to_le_bytes());
    }
    out.extend_from_slice(&(delta.roots.len() as u64).to_le_bytes());
    for (slot, root) in &delta.roots {
        out.extend_from_slice(&slot.to_le_bytes());
        out.extend_from_slice(&root.to_le_bytes());
    }
    out.extend_from_slice(&(out.len() as u64 + 8).to_le_bytes());
    crate::corpus::atomic::write_atomic(path, &out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len());
        let end = end.ok_or_else(|| invalid(format!("truncated at byte {}", self.at)))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    fn count(&mut self, size: usize) -> io::Result<usize> {
        let count = usize::try_from(self.u64()?).map_err(|_| invalid("count out of range"))?;
        if count.saturating_mul(size) > self.bytes.len() - self.at {
            return Err(invalid(format!("truncated at byte {}", self.at)));
        }
        Ok(count)
    }
}

/// Reads the delta next to the base at `path`; an empty one when there is none.
pub(super) fn read_delta(path: &Path) -> io::Result<Delta> {
    let bytes = match std::fs::read(delta_path(path)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Delta::default()),
        Err(e) => return Err(e),
    };
    let context = |e: io::Error| invalid(format!("{}: {e}", delta_path(path).display()));
    let Some(rest) = bytes.strip_prefix(DELTA_FORMAT.as_bytes()).and_then(|r| r.strip_prefix(b"\n")) else {
        return Err(context(invalid("not a delta of this version")));
    };
    let mut reader = Reader { bytes: rest, at: 0 };
    let read = |reader: &mut Reader| -> io::Result<Delta> {
        let name = DeltaName { generation: reader.u64()?, sequence: reader.u64()? };
        let mut delta = Delta { name: Some(name), ..Delta::default() };
        let added = reader.count(16 + 2 * HASHES)?;
        delta.added.reserve(added);
        for n in 0..added {
            let len = reader.u32()? as usize;
            let id = std::str::from_utf8(reader.take(len)?)
                .map_err(|e| invalid(format!("article {n}: id is not UTF-8 ({e})")))?
                .to_string();
            let published = Some(reader.u64()? as i64).filter(|&p| p != i64::MIN);
            let mut print = Fingerprint { hashes: [0; HASHES], shingles: reader.u32()? };
            for (value, bytes) in print.hashes.iter_mut().zip(reader.take(2 * HASHES)?.chunks_exact(2)) {
                *value = u16::from_le_bytes([bytes[0], bytes[1]]);
            }
            delta.added.push((id, print, published));
        }
        let dead = reader.count(4)?;
        delta.dead = (0..dead).map(|_| reader.u32()).collect::<io::Result<_>>()?;
        let roots = reader.count(8)?;
        delta.roots = (0..roots).map(|_| Ok((reader.u32()?, reader.u32()?))).collect::<io::Result<_>>()?;
        let length = reader.u64()?;
        if length as usize != bytes.len() || reader.at != rest.len() {
            return Err(invalid(format!("{} bytes where the delta says {length}", bytes.len())));
        }
        Ok(delta)
    };
    read(&mut reader).map_err(context)
}
