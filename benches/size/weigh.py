#!/usr/bin/env python3
"""What veille's binary weighs, section by section and crate by crate.

    cargo build --profile release-debug          # symbols kept (release is stripped)
    python3 benches/size/weigh.py target/release-debug/veille [--top 40]

Sections come from `size -A`; crates from `nm -S -C` (each defined symbol's
size goes to the crate its demangled path starts with; for `<A as B>::f`, the
crate of A, as cargo-bloat does; symbols with no Rust path are "[C/other]").
Code of a generic function is counted where it was instantiated's owner says
(the generic's crate), so these are estimates of the same kind as cargo-bloat's.
"""
import argparse
import collections
import re
import subprocess
import sys

SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def crate_of(name: str) -> str:
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--top", type=int, default=40)
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
    print(f"\nsymbols: {total / 1e6:.1f} MB in code and data; by crate:")
    for crate, s in per.most_common(a.top):
        print(f"  {crate:<28} {s / 1e6:6.2f} MB  ({100 * s / total:4.1f} %)  "
              f"code {kinds[(crate, 'code')] / 1e6:5.2f}, data {kinds[(crate, 'data')] / 1e6:5.2f}")


if __name__ == "__main__":
    sys.exit(main())
