#!/usr/bin/env python3
"""score.py - score a PDF text extractor on the set made by generate.py.

DIR holds NAME.pdf, NAME.md (reference text: the Markdown that was printed) and
NAME.json ({"title", "producer", "columns", "pages", ...}) for every document.

EXTRACTOR PROTOCOL (batch): the command is started ONCE, gets the absolute PDF paths
on stdin, one per line, and prints one JSON line per path, in the same order:
    {"title": "...", "text": "..."}        or        {"error": "..."}
(a line carrying "path" is matched to its file by that path instead of by order).
A missing line, a line that is not JSON or an error counts as an empty extraction.
`--pdftotext` scores the peer instead: poppler's `pdftotext -enc UTF-8 FILE -` for
the text and `pdfinfo`'s Title for the title, two processes per file.

METRICS
  text   bag-of-tokens precision / recall / F1 of "text" against NAME.md, per file,
         then averaged over files (macro), as bow_prf of $EVAL/eval/extraction/score.py.
         Tokens: NFKC, Unicode format characters (soft hyphen, zero-width and word
         joiners) deleted, casefolded, `_` as a space, words = regex \\w+ (multiset).
         From the reference, Markdown markup is removed first: link targets
         ([text](url) -> text), images, reference-link definitions, HTML tags, footnote
         markers [^1] and [^1]:, and the characters # * _ > `. URLs that are printed
         (autolinks <https://...>, URLs as footnote text) are kept: they are on the page.
  title  exact match after normalisation (as the tokens: NFKC, format characters deleted,
         casefolded; then every run of punctuation and whitespace as one space, trimmed)
         of "title" against NAME.json's title.
  speed  pages (pdfinfo counts, from NAME.json) per CPU-second of the command and all its
         children (getrusage RUSAGE_CHILDREN), and per wall-clock second, start-up included.
Results are given per producer, for one- and two-column and multi-article documents,
and overall; F1>=.98 is the share of files reaching the target.

USAGE
  python3 benches/pdf/score.py /tmp/pdfset -- target/release/veille extract --batch --json
  python3 benches/pdf/score.py /tmp/pdfset --pdftotext
  options: --name NAME (label)  --save FILE.json (per-file scores and outputs)
           --worst N (the N lowest F1, with their most missed and extra tokens)
           --timeout S (whole batch, default 1800)
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

TOKEN_RE = re.compile(r"\w+")
TARGET_F1 = 0.98


# ============================================================================ tokens
def strip_markdown(md: str) -> str:
    """The printed words of a reference Markdown text (see METRICS)."""
    t = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", md)                       # images
    t = re.sub(r"^\s{0,3}\[[^\]^]+\]:\s+\S+.*$", " ", t, flags=re.M)   # [ref]: url definitions
    t = re.sub(r"\[\^[^\]]+\]:?", " ", t)                              # footnote markers
    prev = None
    while prev != t:                                                   # [text](url) -> text
        prev, t = t, re.sub(r"\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)", r"\1", t)
    t = re.sub(r"<(https?://[^>\s]+)>", r" \1 ", t)                    # autolinks: printed
    t = re.sub(r"</?[A-Za-z][^>]*>", " ", t)                           # HTML tags
    return re.sub(r"[#*_>`]", " ", t)


def normalize(text: str) -> str:
    """NFKC, format characters (U+00AD, U+200B-U+200D, U+2060, U+FEFF...) deleted, casefolded."""
    t = unicodedata.normalize("NFKC", text or "")
    t = "".join(c for c in t if unicodedata.category(c) != "Cf")
    return t.casefold().replace("_", " ")


def tokens(text: str, reference: bool = False) -> Counter:
    return Counter(TOKEN_RE.findall(normalize(strip_markdown(text) if reference else text)))


def prf(gold: Counter, pred: Counter) -> tuple[float, float, float]:
    """Multiset precision, recall, F1 (bow_prf of $EVAL/eval/extraction/score.py)."""
    tp = sum((gold & pred).values())
    p = tp / sum(pred.values()) if pred else (1.0 if not gold else 0.0)
    r = tp / sum(gold.values()) if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm_title(s) -> str:
    """normalize(), then every run of punctuation and whitespace as one space."""
    return re.sub(r"[\W_]+", " ", normalize(s if isinstance(s, str) else "")).strip()


# ============================================================================ set
def load_set(folder: Path) -> list[dict]:
    docs = []
    for pdf in sorted(folder.glob("*.pdf")):
        ref = pdf.with_suffix(".md")
        if not ref.is_file():
            print(f"warning: {pdf.name} has no reference {ref.name}: skipped", file=sys.stderr)
            continue
        meta_file = pdf.with_suffix(".json")
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        if not meta.get("pages"):
            meta["pages"] = pdfinfo(pdf)[1]
        docs.append({"name": pdf.stem, "path": str(pdf.resolve()), "reference": ref.read_text(encoding="utf-8"),
                     "title": meta.get("title", ""), "producer": meta.get("producer", "?"),
                     "columns": meta.get("columns", 1), "kind": meta.get("kind", "single"),
                     "pages": meta["pages"], "family": meta.get("family", meta.get("producer", "?")),
                     "cahier": meta.get("cahier")})
    return docs


def pdfinfo(pdf) -> tuple[str | None, int]:
    """(Title, pages) from poppler's pdfinfo."""
    r = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(pdf)], capture_output=True)
    out = r.stdout.decode("utf-8", "replace")
    title = re.search(r"^Title:\s*(.*?)\s*$", out, re.M)
    pages = re.search(r"^Pages:\s*(\d+)", out, re.M)
    return (title[1] if title else None), (int(pages[1]) if pages else 0)


# ============================================================================ running
def cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def parse_line(line: str) -> dict:
    try:
        d = json.loads(line)
    except ValueError:
        return {"error": "not a JSON line: " + line[:80]}
    return d if isinstance(d, dict) else {"error": "not a JSON object"}


def run_batch(cmd: list[str], docs: list[dict], timeout: float) -> tuple[list[dict], float, float]:
    """Runs the command once over every path; -> (outputs in docs order, CPU s, wall s)."""
    paths = [d["path"] for d in docs]
    c0, t0 = cpu_children(), time.perf_counter()
    try:
        r = subprocess.run(cmd, input=("\n".join(paths) + "\n").encode("utf-8"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        wall, cpu = time.perf_counter() - t0, cpu_children() - c0
        print(f"error: the command did not finish in {timeout:.0f} s", file=sys.stderr)
        return [{"error": "timeout"}] * len(docs), cpu, wall
    except OSError as e:
        sys.exit(f"error: cannot run {shlex.join(cmd)}: {e}")
    wall, cpu = time.perf_counter() - t0, cpu_children() - c0
    if r.returncode != 0:
        tail = r.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        print(f"warning: the command exited with status {r.returncode}", *tail, sep="\n  ", file=sys.stderr)
    lines = [ln for ln in r.stdout.decode("utf-8", "replace").split("\n") if ln.strip()]
    outs = [parse_line(ln) for ln in lines]
    if any("path" in o for o in outs):  # matched by path when the tool says it
        by_path = {str(Path(o["path"]).resolve()): o for o in outs if "path" in o}
        outs = [by_path.get(p, {"error": "no output line"}) for p in paths]
    else:
        if len(outs) != len(paths):
            print(f"warning: {len(outs)} output lines for {len(paths)} paths", file=sys.stderr)
        outs = (outs + [{"error": "no output line"}] * len(paths))[:len(paths)]
    return outs, cpu, wall


def run_pdftotext(docs: list[dict]) -> tuple[list[dict], float, float]:
    """The peer: pdftotext for the text, pdfinfo's Title for the title."""
    outs = []
    c0, t0 = cpu_children(), time.perf_counter()
    for d in docs:
        r = subprocess.run(["pdftotext", "-enc", "UTF-8", d["path"], "-"], capture_output=True)
        if r.returncode != 0:
            outs.append({"error": r.stderr.decode("utf-8", "replace").strip()[:200]})
            continue
        outs.append({"title": pdfinfo(d["path"])[0], "text": r.stdout.decode("utf-8", "replace")})
    return outs, cpu_children() - c0, time.perf_counter() - t0


# ============================================================================ scoring
def score_file(doc: dict, out: dict) -> dict:
    gold = tokens(doc["reference"], reference=True)
    pred = tokens(out.get("text") if isinstance(out.get("text"), str) else "")
    p, r, f = prf(gold, pred)
    got = out.get("title")
    return {"name": doc["name"], "producer": doc["producer"], "columns": doc["columns"],
            "kind": doc["kind"], "pages": doc["pages"], "P": p, "R": r, "F1": f,
            "family": doc["family"], "cahier": doc["cahier"],
            # An imposed booklet is to be recognised, not read: its text is not scored.
            "text_scored": doc["cahier"] is not True,
            "said_cahier": "imposed" in str(out.get("status") or ""),
            "title_expected": doc["title"], "title_got": got,
            "title_ok": bool(norm_title(got)) and norm_title(got) == norm_title(doc["title"]),
            "error": out.get("error"),
            "missing": [f"{w}×{n}" if n > 1 else w for w, n in (gold - pred).most_common(12)],
            "extra": [f"{w}×{n}" if n > 1 else w for w, n in (pred - gold).most_common(12)]}


def summary(rows: list[dict]) -> dict:
    text = [r for r in rows if r.get("text_scored", True)] or [{"F1": float("nan"), "P": float("nan"),
                                                                "R": float("nan")}]
    cahiers = [r for r in rows if r.get("cahier") is True]
    return {"files": len(rows), "pages": sum(r["pages"] for r in rows),
            "F1": statistics.mean(r["F1"] for r in text), "P": statistics.mean(r["P"] for r in text),
            "R": statistics.mean(r["R"] for r in text), "F1_min": min(r["F1"] for r in text),
            "F1_target_share": sum(r["F1"] >= TARGET_F1 for r in text) / len(text),
            "title_accuracy": sum(r["title_ok"] for r in rows) / len(rows),
            "errors": sum(bool(r["error"]) for r in rows),
            "cahiers": len(cahiers), "cahiers_recognised": sum(r.get("said_cahier", False) for r in cahiers),
            "false_cahiers": sum(r.get("said_cahier", False) for r in rows if r.get("cahier") is not True)}


def groups(rows: list[dict], by: str = "producer") -> list[tuple[str, list[dict]]]:
    out = [(p, [r for r in rows if r[by] == p]) for p in sorted({r[by] for r in rows})]
    out += [("1 column", [r for r in rows if r["columns"] == 1]),
            ("2 columns", [r for r in rows if r["columns"] == 2]),
            ("multi-article", [r for r in rows if r["kind"] == "multi"]),
            ("ALL", rows)]
    return [(g, rs) for g, rs in out if rs]


def report(name: str, rows: list[dict], cpu: float, wall: float, by: str = "producer") -> dict:
    cahiers = any(r.get("cahier") is not None for r in rows)
    head = f"{'group':<18} {'files':>5} {'pages':>5}  {'F1':>6} {'P':>6} {'R':>6} {'minF1':>6} " \
           f"{'F1>=.98':>7}  {'title':>6} {'errors':>6}" + (f" {'cahier':>7} {'false':>5}" if cahiers else "")
    print(f"[{name}] {head}")
    table = {}
    for g, rs in groups(rows, by):
        s = table[g] = summary(rs)
        print(f"[{name}] {g:<18} {s['files']:>5} {s['pages']:>5}  {s['F1']:>6.4f} {s['P']:>6.4f} "
              f"{s['R']:>6.4f} {s['F1_min']:>6.3f} {s['F1_target_share']:>7.0%}  "
              f"{s['title_accuracy']:>6.1%} {s['errors']:>6}"
              + (f" {s['cahiers_recognised']:>3}/{s['cahiers']:<3} {s['false_cahiers']:>5}" if cahiers else ""))
    pages = table["ALL"]["pages"]
    speed = {"pages": pages, "files": len(rows), "cpu_seconds": cpu, "wall_seconds": wall,
             "pages_per_cpu_second": pages / cpu if cpu > 0 else None,
             "pages_per_wall_second": pages / wall if wall > 0 else None}
    print(f"[{name}] speed: {pages} pages, {len(rows)} files in {wall:.2f} s wall, {cpu:.2f} s CPU: "
          f"{speed['pages_per_wall_second'] or 0:.1f} pages/s wall, "
          f"{speed['pages_per_cpu_second'] or float('nan'):.1f} pages/CPU-s")
    return {"groups": table, "speed": speed}


def show_worst(rows: list[dict], n: int) -> None:
    print(f"\n{n} lowest F1:")
    for r in sorted((r for r in rows if r.get("text_scored", True)), key=lambda r: r["F1"])[:n]:
        title = "" if r["title_ok"] else f"  title: {r['title_got']!r} (want {r['title_expected']!r})"
        print(f"  {r['F1']:.4f} P={r['P']:.4f} R={r['R']:.4f}  {r['name']}"
              f"{'  error: ' + str(r['error']) if r['error'] else ''}{title}")
        print(f"      missing: {' '.join(r['missing']) or '-'}")
        print(f"      extra:   {' '.join(r['extra']) or '-'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 usage="%(prog)s DIR [options] (--pdftotext | -- CMD ARGS...)")
    ap.add_argument("dir", type=Path, help="the set made by generate.py")
    ap.add_argument("--name", help="label of the extractor in the report")
    ap.add_argument("--pdftotext", action="store_true", help="score poppler's pdftotext (the peer)")
    ap.add_argument("--save", type=Path, help="write per-file scores and outputs as JSON")
    ap.add_argument("--worst", type=int, default=0, metavar="N", help="print the N lowest-F1 files")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds for the whole batch")
    ap.add_argument("--by", default="producer", choices=["producer", "family"],
                    help="group the files by this key of NAME.json (family: producers.py's families)")
    argv = sys.argv[1:]  # everything after the first "--" is the extractor's command line
    cmd = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    if bool(cmd) == a.pdftotext:
        ap.error("give either --pdftotext or a command after --")
    docs = load_set(a.dir)
    if not docs:
        ap.error(f"no PDF with its reference in {a.dir}")
    name = a.name or ("pdftotext" if a.pdftotext else Path(cmd[0]).name)

    outs, cpu, wall = run_pdftotext(docs) if a.pdftotext else run_batch(cmd, docs, a.timeout)
    rows = [score_file(d, o) for d, o in zip(docs, outs)]
    result = report(name, rows, cpu, wall, a.by)
    if a.worst:
        show_worst(rows, a.worst)
    if a.save:
        for r, o in zip(rows, outs):
            r["output"] = o
        a.save.parent.mkdir(parents=True, exist_ok=True)
        a.save.write_text(json.dumps({"name": name, "cmd": "pdftotext" if a.pdftotext else shlex.join(cmd),
                                      "dir": str(a.dir), **result, "files": rows},
                                     ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
