#!/usr/bin/env python3
"""debian_fr.py - a French known-item search collection from Debian's package descriptions.

Debian's translators write a French short description (a headline of 4-12 words) and a
long description (one or more paragraphs) for each package. This builds, in the format
score_search.py reads (corpus.jsonl, queries.tsv, qrels.tsv):

  corpus   one document per package family: title = package name, body = the French
           long description (packages whose long descriptions share an opening, such as
           foo, foo-data, foo-doc, are kept once: the first in name order);
  queries  headline: the short description, as a person pastes a headline;
           kw3:      its first three words that are not stop words, as a person types.

Each query has one relevant document, its own package's description. Run after
`apt-get update` with Acquire::Languages "fr" (see README.md beside this file).

Usage: python3 debian_fr.py TRANSLATION_FR_FILE OUT_DIR [--queries N] [--seed S]
"""
import argparse, json, os, random, re

# Function words of French that a person leaves out when typing keywords (a short list:
# articles, prepositions, conjunctions, pronouns); the engine under test has its own.
STOP = set("""a à au aux avec ce ces dans de des du elle en et il ils je la le les leur
leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui
sa se ses son sur ta te tes toi ton tu un une vos votre vous d l j m n s t c qu y est être
sont été fait plus très tout tous toute toutes""".split())


def records(path):
    rec = {}
    lines = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if rec:
                rec["long"] = lines
                yield rec
            rec, lines = {}, []
            continue
        if line.startswith(" "):
            lines.append(line[1:])
        elif ":" in line:
            k, v = line.split(":", 1)
            rec[k] = v.strip()
    if rec:
        rec["long"] = lines
        yield rec


def body_of(lines):
    paras, cur = [], []
    for l in lines:
        if l.strip() == ".":
            if cur:
                paras.append(" ".join(cur))
            cur = []
        else:
            cur.append(l.strip())
    if cur:
        paras.append(" ".join(cur))
    return "\n\n".join(paras)


def keywords(text, n):
    words = re.findall(r"[\w'’-]+", text.lower())
    out = []
    for w in words:
        w = re.sub(r"^[dljmnsctq]u?['’]", "", w)
        if w and w not in STOP and not w.isdigit():
            out.append(w)
    return out[:n]


def documents(path, lang="fr"):
    """(name, short, body) of each package described in `lang`: a package translated
    twice (two versions in the release) kept once, short bodies and headlines left out,
    and packages whose long descriptions share an opening (foo, foo-data, foo-doc) kept
    once, the first in name order."""
    seen_open, seen_name, docs = set(), set(), []
    for r in sorted(records(path), key=lambda r: r.get("Package", "")):
        name, short = r.get("Package"), r.get(f"Description-{lang}", "")
        body = body_of(r["long"])
        if not name or name in seen_name or len(body) < 200 or len(short.split()) < 4:
            continue
        opening = re.sub(r"\W+", " ", body[:160].lower())
        if opening in seen_open:
            continue
        seen_open.add(opening)
        seen_name.add(name)
        docs.append((name, short, body))
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("translation")
    ap.add_argument("out")
    ap.add_argument("--queries", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    docs = documents(a.translation)
    rng = random.Random(a.seed)
    shorts = {}
    for name, short, _ in docs:
        shorts.setdefault(short.lower(), []).append(name)
    candidates = [d for d in docs if len(shorts[d[1].lower()]) == 1]
    chosen = rng.sample(candidates, min(a.queries, len(candidates)))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "corpus.jsonl"), "w", encoding="utf-8") as f:
        for name, _, body in docs:
            f.write(json.dumps({"id": name, "title": name, "body": body}, ensure_ascii=False) + "\n")
    for variant in ("headline", "kw3"):
        d = os.path.join(a.out, variant)
        os.makedirs(d, exist_ok=True)
        if not os.path.exists(os.path.join(d, "corpus.jsonl")):
            os.symlink("../corpus.jsonl", os.path.join(d, "corpus.jsonl"))
        with open(os.path.join(d, "queries.tsv"), "w", encoding="utf-8") as q, \
                open(os.path.join(d, "qrels.tsv"), "w", encoding="utf-8") as r:
            for i, (name, short, _) in enumerate(chosen):
                text = short if variant == "headline" else " ".join(keywords(short, 3))
                if not text.strip():
                    continue
                q.write(f"d{i}\t{text}\n")
                r.write(f"d{i}\t0\t{name}\t1\n")
    print(f"{len(docs)} documents, {len(chosen)} queries in {a.out}")


if __name__ == "__main__":
    main()
