#!/usr/bin/env python3
"""evaluate.py - relevance of `veille search` on every French collection at hand, one
line each: nDCG@10, MRR@10, Recall@100, measured as $EVAL/eval/search/score_search.py
measures them (same protocol, same metric code), and p50/p99 of the batch per query.

Each collection's home is imported and indexed once and kept under --homes, so that
several runs (say, before and after a change of ranking) only search again; pass
--fresh after a change of the index format or the analyzers.

Collections: $EVAL/eval/search/{spf,piaf} (EVAL: the evaluation data, --shared) and those built by the scripts beside
this file into --sets (see README.md here): spf-kw3, piaf-kw3, debian-fr/headline,
debian-fr/kw3, and in other languages (debian_languages.py) debian-{en,de,it,es,pt}/{headline,kw3}
and debian-mixed/{fr,en,de,it,es,pt} (one archive of six languages, a query must find its own
language's description). A missing one is skipped with a line saying how to build it.

Usage: python3 evaluate.py [--veille BIN] [--shared DIR] [--sets DIR] [--homes DIR]
                           [--fresh] [--only NAME,...] [--limit N]
"""
import argparse, importlib.util, json, os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--veille", default=os.path.join(ROOT, "target/release/veille"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--sets", default=os.path.join(ROOT, "..", "evalsets"))
    ap.add_argument("--homes", default="/tmp/veille-relevance-homes")
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--limit", default="100", help="hits asked per query (Recall@100 needs 100)")
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("score", os.path.join(a.shared, "eval/search/score_search.py"))
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    collections = [("spf", os.path.join(a.shared, "eval/search/spf")),
                   ("piaf", os.path.join(a.shared, "eval/search/piaf"))]
    collections += [(n, os.path.join(a.sets, n)) for n in
                    ("spf-kw3", "piaf-kw3", "debian-fr/headline", "debian-fr/kw3")]
    # Other languages (debian_languages.py): each alone, then all in one archive.
    collections += [(f"debian-{l}/{v}", os.path.join(a.sets, f"debian-{l}", v))
                    for l in ("en", "de", "it", "es", "pt") for v in ("headline", "kw3")]
    collections += [(f"debian-mixed/{l}", os.path.join(a.sets, "debian-mixed", l))
                    for l in ("fr", "en", "de", "it", "es", "pt")]
    only = set(a.only.split(",")) if a.only else None
    fresh_done = set()
    for name, col in collections:
        if only and name not in only:
            continue
        if not os.path.isdir(col):
            print(f"{name:20} missing: build it with the scripts in {HERE}")
            continue
        corpus = os.path.realpath(os.path.join(col, "corpus.jsonl"))
        home = os.path.join(a.homes, corpus.replace("/", "_").strip("_"))
        # Collections sharing a corpus share its home (made once per run with --fresh).
        if (a.fresh and home not in fresh_done) or not os.path.isdir(home):
            shutil.rmtree(home, ignore_errors=True)
            score.run([a.veille, "init", home])
            score.run([a.veille, "--home", home, "import", corpus])
            score.run([a.veille, "--home", home, "index"])
            fresh_done.add(home)
        out, took = score.run([a.veille, "--home", home, "search", "--batch", os.path.join(col, "queries.tsv"),
                               "--limit", a.limit, "--json"], partial_ok=True)
        runs = {}
        for line in out.splitlines():
            if line.strip():
                o = json.loads(line)
                runs[str(o["qid"])] = [str(h["id"]) for h in o["hits"]]
        qrels = score.load_qrels(os.path.join(col, "qrels.tsv"))
        n = len(qrels)
        nd = sum(score.ndcg10(runs.get(q, []), r) for q, r in qrels.items()) / n
        mr = sum(score.mrr10(runs.get(q, []), r) for q, r in qrels.items()) / n
        rc = sum(score.recall100(runs.get(q, []), r) for q, r in qrels.items()) / n
        empty = sum(1 for q in qrels if not runs.get(q))
        print(f"{name:20} nDCG@10 {nd:.4f}  MRR@10 {mr:.4f}  R@100 {rc:.4f}  "
              f"queries {n} no-hit {empty}  {1000 * took / max(n, 1):.2f} ms/query", flush=True)


if __name__ == "__main__":
    main()
