#!/usr/bin/env python3
"""How well `veille extract` reads ODT, DOCX and EPUB files: the 64 articles
of the demo archive (corpus/articles, written for the project), each made
into the three formats by pandoc from its Markdown body (title, authors and
date given as metadata), then read back by veille.

Per format:
  text      bag-of-tokens precision / recall / F1 of the extracted `text`
            against the article's body (tokenised as benches/pdf/score.py
            does: markup, link targets and note markers removed), averaged
            over the articles;
  headings  share of articles whose headings come back all, in order, at
            their level (`##` stays `##`);
  notes     share of the articles with notes (20 of 64) whose notes all come
            back as Markdown footnotes, with their text (token F1 >= 0.95
            for each note);
  title, authors, date: share of articles where they equal the metadata.

Usage: python3 benches/documents/bench.py [--veille PATH] [--keep DIR]
Needs: pandoc (Debian's `pandoc`, or PyPI's `pypandoc-binary`, which ships it).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benches", "pdf"))
import score  # noqa: E402  (benches/pdf/score.py: the same tokens as the PDF bench)

FORMATS = {"odt": "odt", "docx": "docx", "epub": "epub3"}


def pandoc():
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except ImportError:
        sys.exit("pandoc not found: apt install pandoc, or python3 -m pip install pypandoc-binary")


def articles():
    out = []
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, "corpus", "articles"))):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            _, front, body = text.split("+++", 2)
            meta = tomllib.loads(front)
            out.append({"name": name[:-3], "meta": meta, "body": body.strip()})
    return out


def headings(markdown):
    return [(len(m.group(1)), m.group(2).strip().replace("\\", ""))
            for m in re.finditer(r"^(#{1,6}) (.+)$", markdown, re.M)]


def notes(markdown):
    return [m.group(1) for m in re.finditer(r"^\[\^[^\]]+\]: (.+)$", markdown, re.M)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--veille", default=os.path.join(target, "release", "veille"))
    parser.add_argument("--keep", help="keep the documents and veille's output in this directory")
    args = parser.parse_args()
    program = pandoc()
    version = subprocess.run([program, "--version"], stdout=subprocess.PIPE).stdout.decode().split("\n")[0]
    print(version, file=sys.stderr)
    docs = articles()
    workdir = args.keep or tempfile.mkdtemp(prefix="veille-documents-")
    os.makedirs(workdir, exist_ok=True)
    results = {}
    for ext, writer in FORMATS.items():
        paths = []
        for doc in docs:
            meta = doc["meta"]
            source = os.path.join(workdir, doc["name"] + ".md")
            with open(source, "w", encoding="utf-8") as f:
                f.write(doc["body"] + "\n")
            path = os.path.join(workdir, f"{doc['name']}.{ext}")
            # `-smart`: the text's apostrophes and quotes as written, not "curled" by pandoc.
            command = [program, "-f", "markdown-smart", "-t", writer, source, "-o", path,
                       "--metadata", f"title={meta['title']}", "--metadata", "lang=fr",
                       "--metadata", f"date={meta['published']}"]
            for author in meta.get("authors", []):
                command += ["--metadata", f"author={author}"]
            subprocess.run(command, check=True)
            paths.append(path)
        out = subprocess.run([args.veille, "extract", "--batch", "--json"], input="\n".join(paths).encode(),
                             stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
        rows = []
        for doc, line in zip(docs, out):
            got = json.loads(line)
            if args.keep:
                with open(os.path.join(workdir, f"{doc['name']}.{ext}.json"), "w", encoding="utf-8") as f:
                    json.dump(got, f, ensure_ascii=False, indent=1)
            meta, markdown = doc["meta"], got.get("markdown", "")
            _, _, f1 = score.prf(score.tokens(doc["body"], reference=True), score.tokens(got.get("text", "")))
            want_notes, got_notes = notes(doc["body"]), notes(markdown)
            notes_ok = len(want_notes) == len(got_notes) and all(
                score.prf(score.tokens(w, reference=True), score.tokens(g))[2] >= 0.95
                for w, g in zip(want_notes, got_notes))
            rows.append({
                "f1": f1,
                "headings": headings(doc["body"]) == headings(markdown),
                "notes": notes_ok if want_notes else None,
                "title": score.norm_title(got.get("title")) == score.norm_title(meta["title"]),
                "authors": got.get("authors") == meta.get("authors", []),
                "date": got.get("date") == str(meta["published"]),
                "status": got.get("status"),
            })
        with_notes = [r for r in rows if r["notes"] is not None]
        share = lambda key, rs: sum(1 for r in rs if r[key]) / len(rs)  # noqa: E731
        results[ext] = {
            "documents": len(rows),
            "text_f1": round(sum(r["f1"] for r in rows) / len(rows), 4),
            "f1_min": round(min(r["f1"] for r in rows), 4),
            "headings": round(share("headings", rows), 3),
            "notes": round(share("notes", with_notes), 3) if with_notes else None,
            "with_notes": len(with_notes),
            "title": round(share("title", rows), 3),
            "authors": round(share("authors", rows), 3),
            "date": round(share("date", rows), 3),
            "statuses": sorted({r["status"] for r in rows if r["status"]}),
        }
        print(json.dumps({ext: results[ext]}, ensure_ascii=False), flush=True)
    if not args.keep:
        shutil.rmtree(workdir)
    print("\n| format | documents | text F1 (min) | headings | notes | title | authors | date |")
    print("|---|---|---|---|---|---|---|---|")
    for ext, r in results.items():
        notes_cell = f"{r['notes'] * 100:.0f} % of {r['with_notes']}" if r["notes"] is not None else "–"
        print(f"| {ext} | {r['documents']} | {r['text_f1']:.3f} ({r['f1_min']:.3f}) | {r['headings'] * 100:.0f} % "
              f"| {notes_cell} | {r['title'] * 100:.0f} % | {r['authors'] * 100:.0f} % | {r['date'] * 100:.0f} % |")


if __name__ == "__main__":
    main()
