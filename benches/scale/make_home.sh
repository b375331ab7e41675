#!/bin/sh
# A home of N articles (default 1,000,000) for the scale figures: the 82,135
# French legal articles of corpus-fr.jsonl (made by ../shared/bench/corpus-fr.py)
# repeated with new ids, spread over 40 sites and 12 years.
#
#   benches/scale/make_home.sh corpus-fr.jsonl /srv/scale [N]
#   cd /srv/scale/home && veille index && veille check --deep
set -eu
src=$1
out=$2
n=${3:-1000000}
veille=${VEILLE:-$(dirname "$0")/../../target/release/veille}
mkdir -p "$out"
python3 - "$src" "$out/articles.jsonl" "$n" <<'PY'
import json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
docs = [json.loads(line) for line in open(src, encoding="utf-8")]
written, copy = 0, 0
with open(dst, "w", encoding="utf-8") as f:
    while written < n:
        for d in docs:
            if written >= n:
                break
            e = dict(d)
            e["id"] = f"{d['id']}-{copy}"
            e["site"] = f"site{written % 40:02d}"
            e["published"] = f"{2014 + written % 12}-{1 + written % 12:02d}-{1 + written % 28:02d}"
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
            written += 1
        copy += 1
PY
"$veille" init -q "$out/home"
cd "$out/home" && "$veille" import ../articles.jsonl
