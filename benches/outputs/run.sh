#!/bin/bash
# Outputs of one veille binary on the evaluation sets, to check that a change
# meant to change no behaviour (a refactoring) changes none:
#   benches/outputs/run.sh BINARY OUTDIR      (EVAL: the evaluation data)
#   python3 benches/outputs/compare.py OUTDIR_BEFORE OUTDIR_AFTER
# It extracts every page of $EVAL/eval/extraction (one JSON line each) and runs
# every question of the spf and piaf collections (100 hits, every reprise).
set -euo pipefail
BIN=$(realpath "$1"); OUT=$2
: "${EVAL:?set EVAL to the directory holding eval/extraction and eval/search}"
mkdir -p "$OUT"
find "$EVAL/eval/extraction" -name '*.html' | sort > "$OUT/pages.txt"
"$BIN" extract --batch --json < "$OUT/pages.txt" > "$OUT/extract.jsonl" 2> "$OUT/extract.err"
for c in spf piaf; do
  H=$(mktemp -d)/home
  "$BIN" init -q "$H"
  "$BIN" --home "$H" import -q "$EVAL/eval/search/$c/corpus.jsonl"
  "$BIN" --home "$H" index -q
  "$BIN" --home "$H" search --batch "$EVAL/eval/search/$c/queries.tsv" --limit 100 --all-reprises --json \
      > "$OUT/search-$c.jsonl"
  rm -rf "$(dirname "$H")"
done
wc -l "$OUT"/*.jsonl
