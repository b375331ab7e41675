#!/usr/bin/env python3
"""kw3.py - a short-keyword variant of a search collection: each query becomes its first
three words that are not stop words or question words, as a person types in a search box
("Comment obtenir une carte d'identité ?" -> "obtenir carte identité").

Usage: python3 kw3.py COLLECTION_DIR OUT_DIR
The corpus and qrels are linked, not copied.
"""
import os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debian_fr import STOP, keywords  # noqa: E402

QUESTION = set("""comment combien quel quelle quels quelles quoi pourquoi quand est-ce
qu'est-ce peut peuvent peut-on doit doivent faut faut-il puis-je dois-je ai-je suis-je
existe-t-il y-a-t-il a-t-il qui-est""".split())


def main():
    src, out = map(os.path.abspath, sys.argv[1:3])
    os.makedirs(out, exist_ok=True)
    for name in ("corpus.jsonl", "qrels.tsv"):
        link = os.path.join(out, name)
        if not os.path.exists(link):
            os.symlink(os.path.join(src, name), link)
    n = 0
    with open(os.path.join(out, "queries.tsv"), "w", encoding="utf-8") as f:
        for line in open(os.path.join(src, "queries.tsv"), encoding="utf-8"):
            qid, text = line.rstrip("\n").split("\t", 1)
            # Inverted subjects (doit-il, peut-on) are question marks too.
            words = [re.sub(r"-(t-)?(il|elle|ils|elles|on|je)$", "", w) for w in keywords(text, 50)]
            words = [w for w in words if w not in QUESTION and w not in STOP][:3]
            if words:
                f.write(f"{qid}\t{' '.join(words)}\n")
                n += 1
    print(f"{n} queries in {out}")


if __name__ == "__main__":
    main()
