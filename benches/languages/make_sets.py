#!/usr/bin/env python3
"""make_sets.py - labelled texts in six languages, for `veille bench --languages`.

From Debian's package descriptions (Translation-<lang>, real text written by Debian's
developers in English and by its translators in the other languages), three files of
`code<TAB>text` lines, 1,000 texts per language each:

  words3.tsv   the first three words of a short description (a title or a search);
  short.tsv    short descriptions (a one-line headline, 3-12 words);
  long.tsv     long descriptions (a paragraph or more, 200 characters at least).

Usage: python3 make_sets.py LISTS_DIR OUT_DIR [--langs fr,en,de,it,es,pt] [--per N]
LISTS_DIR holds Translation-<lang> files (see benches/relevance/README.md).
"""
import argparse, os, random, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "relevance"))
from debian_fr import records, body_of  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lists")
    ap.add_argument("out")
    ap.add_argument("--langs", default="fr,en,de,it,es,pt")
    ap.add_argument("--per", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    files = {kind: open(os.path.join(a.out, f"{kind}.tsv"), "w", encoding="utf-8")
             for kind in ("words3", "short", "long")}
    for lang in a.langs.split(","):
        recs = [r for r in records(os.path.join(a.lists, f"Translation-{lang}"))
                if r.get(f"Description-{lang}")]
        random.Random(a.seed).shuffle(recs)
        counts = dict.fromkeys(files, 0)
        for r in recs:
            short = " ".join(r[f"Description-{lang}"].split())
            body = " ".join(body_of(r["long"]).split())
            texts = {"words3": " ".join(short.split()[:3]) if len(short.split()) >= 4 else None,
                     "short": short if len(short.split()) >= 3 else None,
                     "long": body if len(body) >= 200 else None}
            for kind, text in texts.items():
                if text and counts[kind] < a.per:
                    files[kind].write(f"{lang}\t{text}\n")
                    counts[kind] += 1
            if all(c >= a.per for c in counts.values()):
                break
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
