#!/usr/bin/env python3
"""What veille's binary weighs, section by section and crate by crate.

    cargo build --profile release-debug          # symbols kept (release is stripped)
    python3 benches/size/weigh.py target/release-debug/veille [--top 40]

Sections come from `size -A`; crates from `nm -S -C` (each defined symbol's
size goes to the crate its demangled path starts with; for `<A as B>::f`, the
crate of A, as cargo-bloat does; symbols with no Rust path are "[C/other]").
A generic of core/alloc/std (`drop_in_place<typst_library::…>`) is counted
for the crate of the type it was made for. Estimates of the same kind as
cargo-bloat's: inlined code counts where it was inlined.
"""
import argparse
import collections
import re
import subprocess
import sys

SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


GENERIC_HOSTS = {"core", "alloc", "std", "hashbrown", "T"}
INNER = re.compile(r"[<&(, ]([A-Za-z_][A-Za-z0-9_]*)::")


def crate_of(name: str) -> str:
    """The crate a symbol's code belongs to: its path's first segment, or for
    a generic of core/alloc/std (drop_in_place<X>, Vec<X>::push…) the crate of
    the first type named inside it."""
    own = path_crate(name)
    if own in GENERIC_HOSTS:
        for m in INNER.finditer(name):
            if m.group(1) not in GENERIC_HOSTS:
                return m.group(1)
    return own


def path_crate(name: str) -> str:
    name = name.strip()
    while name.startswith("<"):
        name = name[1:]
        for prefix in ("&mut ", "&", "*const ", "*mut ", "dyn ", "[", "("):
            if name.startswith(prefix):
                name = name[len(prefix):]
    m = SEGMENT.match(name)
    if not m or "::" not in name:
        return "[C/other]"
    return m.group(0)


# The big parts of veille, by the dependencies that bring them.
PARTS = {
    "Typst (brochure PDFs)": ["typst", "typst-pdf", "typst-layout"],
    "tantivy (index, search)": ["tantivy"],
    "reqwest, rustls, hyper (HTTP)": ["reqwest"],
    "tokio (async runtime)": ["tokio"],
    "pdf-extract, lopdf (PDF texts)": ["pdf-extract"],
    "dom_query, dom_smoothie (HTML)": ["dom_query", "dom_smoothie"],
    "ratatui, crossterm (TUI)": ["ratatui", "crossterm"],
    "redb (crawl state)": ["redb"],
    "feed-rs (feeds)": ["feed-rs"],
    "clap (command line)": ["clap", "clap_complete", "clap_mangen"],
}


def tree(manifest_dir, extra):
    out = subprocess.run(["cargo", "tree", "-e", "normal", "--prefix", "none", "-f", "{p}", *extra],
                         capture_output=True, text=True, cwd=manifest_dir).stdout
    return {line.split(" ")[0].replace("-", "_") for line in out.splitlines() if line.strip()}


def parts_of(manifest_dir):
    """For each part: the crates that only it brings into the build."""
    out = {}
    for name, roots in PARTS.items():
        with_it = set()
        for r in roots:
            with_it |= tree(manifest_dir, ["-p", r])
        without = tree(manifest_dir, ["-p", "veille"] + [a for r in roots for a in ("--prune", r)])
        out[name] = with_it - without
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--manifest-dir", default=".", help="where Cargo.toml is (for the parts)")
    a = ap.parse_args()
    size_out = subprocess.run(["size", "-A", a.binary], capture_output=True, text=True, check=True).stdout
    sections = []
    for line in size_out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
            sections.append((parts[0], int(parts[1])))
    loaded = sum(s for n, s in sections if not n.startswith(".debug") and n not in (".symtab", ".strtab", ".comment"))
    print(f"sections that a stripped binary keeps: {loaded / 1e6:.1f} MB")
    for name, s in sorted(sections, key=lambda x: -x[1]):
        if s > 200_000 and not name.startswith(".debug") and name not in (".symtab", ".strtab"):
            print(f"  {name:<20} {s / 1e6:6.2f} MB")
    nm = subprocess.run(["nm", "-S", "-C", "--defined-only", a.binary], capture_output=True, text=True, check=True).stdout
    per = collections.Counter()
    kinds = collections.Counter()
    total = 0
    for line in nm.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4:
            continue
        try:
            size = int(parts[1], 16)
        except ValueError:
            continue
        kind = parts[2].lower()
        if kind not in "tdrb" or kind == "b":
            continue
        crate = crate_of(parts[3])
        per[crate] += size
        kinds[(crate, "code" if kind == "t" else "data")] += size
        total += size
    print(f"\nsymbols: {total / 1e6:.1f} MB in code and data; by part (crates only it brings):")
    for name, crates in parts_of(a.manifest_dir).items():
        s = sum(per[c] for c in crates)
        print(f"  {name:<34} {s / 1e6:6.2f} MB  ({100 * s / total:4.1f} %)  {len(crates)} crates")
    print("  (the rest: veille, std/core/alloc generics, crates several parts share)")
    print(f"\nby crate:")
    for crate, s in per.most_common(a.top):
        print(f"  {crate:<28} {s / 1e6:6.2f} MB  ({100 * s / total:4.1f} %)  "
              f"code {kinds[(crate, 'code')] / 1e6:5.2f}, data {kinds[(crate, 'data')] / 1e6:5.2f}")


if __name__ == "__main__":
    sys.exit(main())

