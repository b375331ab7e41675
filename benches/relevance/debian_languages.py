#!/usr/bin/env python3
"""debian_languages.py - known-item search collections in other languages, and a mixed one,
from Debian's package descriptions (what debian_fr.py builds in French).

Debian ships each package's description in English (Translation-en, the original) and its
translators' versions (Translation-de, -it, -es, -pt, -fr...). For each language given,
this builds the collection debian_fr.py builds in French (corpus, headline and kw3
queries, one relevant document each); and with --mixed, one archive holding every
language at once, where the same package is described in several languages and a query
in one language must find its own language's description first:

  mixed/corpus.jsonl   documents `name.lang`, no declared language (veille detects it);
  mixed/<lang>/        queries of that language (headline), qrels to `name.lang`.

Usage: python3 debian_languages.py LISTS_DIR OUT_DIR [--langs en,de,it,es,pt,fr]
                                   [--queries N] [--mixed-queries N] [--seed S]
LISTS_DIR holds Translation-<lang> files, decompressed from /var/lib/apt/lists after
`apt-get update` with those languages in Acquire::Languages (see README.md).
"""
import argparse, json, os, random, re

from debian_fr import documents

# Function words a person leaves out when typing keywords, per language (short lists:
# articles, prepositions, conjunctions, pronouns, auxiliaries); the engine has its own.
STOP = {
    "fr": set("""a à au aux avec ce ces dans de des du elle en et il ils je la le les leur leurs lui
        ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son
        sur ta te tes toi ton tu un une vos votre vous d l j m n s t c y est être sont été fait plus
        très tout tous toute toutes""".split()),
    "en": set("""a an and are as at be by for from has have in into is it its of on or that the
        this to with which your you can will not""".split()),
    "de": set("""der die das den dem des ein eine einen einem einer eines und oder für mit von zu
        zum zur im in ist sind auf aus bei als wie es sie er wird werden kann nicht an""".split()),
    "it": set("""il lo la i gli le un una uno di del della dei degli delle da dal dalla in nel nella
        con per su sul sulla e o che è sono come a al alla ai non si""".split()),
    "es": set("""el la los las un una unos unas de del a al en con por para y o que es son como se
        su sus lo no""".split()),
    "pt": set("""o a os as um uma uns umas de do da dos das em no na nos nas com por para e ou que
        é são como se seu sua não ao""".split()),
}


def keywords(text, n, lang):
    words = re.findall(r"[\w'’-]+", text.lower())
    out = []
    for w in words:
        if lang == "fr":
            w = re.sub(r"^[dljmnsctq]u?['’]", "", w)
        if w and w not in STOP[lang] and not w.isdigit():
            out.append(w)
    return out[:n]


def unique_shorts(docs):
    shorts = {}
    for name, short, _ in docs:
        shorts.setdefault(short.lower(), []).append(name)
    return [d for d in docs if len(shorts[d[1].lower()]) == 1]


def write_queries(d, chosen, lang, variant, id_of, prefix):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "queries.tsv"), "w", encoding="utf-8") as q, \
            open(os.path.join(d, "qrels.tsv"), "w", encoding="utf-8") as r:
        for i, (name, short, _) in enumerate(chosen):
            text = short if variant == "headline" else " ".join(keywords(short, 3, lang))
            if not text.strip():
                continue
            q.write(f"{prefix}{i}\t{text}\n")
            r.write(f"{prefix}{i}\t0\t{id_of(name)}\t1\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lists")
    ap.add_argument("out")
    ap.add_argument("--langs", default="en,de,it,es,pt,fr")
    ap.add_argument("--queries", type=int, default=1500)
    ap.add_argument("--mixed-queries", type=int, default=300)
    ap.add_argument("--mixed", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    langs = a.langs.split(",")
    all_docs = {lang: documents(os.path.join(a.lists, f"Translation-{lang}"), lang) for lang in langs}
    for lang in langs:
        if lang == "fr" or not a.queries:
            continue  # debian_fr.py builds the French one
        docs = all_docs[lang]
        rng = random.Random(a.seed)
        chosen = rng.sample(unique_shorts(docs), min(a.queries, len(unique_shorts(docs))))
        out = os.path.join(a.out, f"debian-{lang}")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as f:
            for name, _, body in docs:
                f.write(json.dumps({"id": name, "title": name, "body": body}, ensure_ascii=False) + "\n")
        for variant in ("headline", "kw3"):
            d = os.path.join(out, variant)
            os.makedirs(d, exist_ok=True)
            if not os.path.exists(os.path.join(d, "corpus.jsonl")):
                os.symlink("../corpus.jsonl", os.path.join(d, "corpus.jsonl"))
            write_queries(d, chosen, lang, variant, lambda n: n, "d")
        print(f"debian-{lang}: {len(docs)} documents, {len(chosen)} queries")
    if not a.mixed:
        return
    # The mixed archive: the packages described in at least two of the languages, each
    # description a document of its own, so that a query's package is there in other
    # languages too and only its own language's description is relevant.
    by_name = {lang: {d[0]: d for d in docs} for lang, docs in all_docs.items()}
    names = sorted({n for lang in langs for n in by_name[lang]
                    if sum(n in by_name[l] for l in langs) >= 2})
    out = os.path.join(a.out, "debian-mixed")
    os.makedirs(out, exist_ok=True)
    count = 0
    with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as f:
        for name in names:
            for lang in langs:
                if name in by_name[lang]:
                    _, _, body = by_name[lang][name]
                    f.write(json.dumps({"id": f"{name}.{lang}", "title": name, "body": body},
                                       ensure_ascii=False) + "\n")
                    count += 1
    for lang in langs:
        rng = random.Random(a.seed)
        docs = [by_name[lang][n] for n in names if n in by_name[lang]]
        candidates = unique_shorts(docs)
        chosen = rng.sample(candidates, min(a.mixed_queries, len(candidates)))
        d = os.path.join(out, lang)
        os.makedirs(d, exist_ok=True)
        if not os.path.exists(os.path.join(d, "corpus.jsonl")):
            os.symlink("../corpus.jsonl", os.path.join(d, "corpus.jsonl"))
        write_queries(d, chosen, lang, "headline", lambda n, lang=lang: f"{n}.{lang}", f"{lang}")
    print(f"debian-mixed: {len(names)} packages, {count} documents")


if __name__ == "__main__":
    main()
