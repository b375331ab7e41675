#!/usr/bin/env python3
"""pasted_queries.py - queries made of text pasted from articles, for latency runs
(`veille bench --queries FILE`): N spans of WORDS consecutive words, each from a random
article of a corpus.jsonl, punctuation, quotes and parentheses kept as they were.

Usage: python3 pasted_queries.py CORPUS.jsonl N WORDS [SEED] > queries.tsv
"""
import json, random, sys


def main():
    path, n, words = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    bodies = [json.loads(l)["body"] for l in open(path, encoding="utf-8")]
    out = 0
    while out < n:
        tokens = rng.choice(bodies).split()
        if len(tokens) < words:
            continue
        start = rng.randrange(0, len(tokens) - words + 1)
        text = " ".join(tokens[start:start + words]).replace("\t", " ")
        print(f"p{out}\t{text}")
        out += 1


if __name__ == "__main__":
    main()
