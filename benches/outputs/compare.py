#!/usr/bin/env python3
"""compare.py A B: extraction byte-identical, search rankings equal up to ties.
Index builds are multi-threaded, so documents of equal score come in any order:
hits are compared as id -> score (equal within 1e-3: float sums in another
order), the ties at the 100th hit dropped; run with --all-reprises, since the
member that stands for a cluster of reposts is the first in document order."""
import json, sys, filecmp
a, b = sys.argv[1], sys.argv[2]
print('extraction', 'identical' if filecmp.cmp(f'{a}/extract.jsonl', f'{b}/extract.jsonl', shallow=False) else 'DIFFERENT')
for c in ['spf', 'piaf']:
    A = [json.loads(l) for l in open(f'{a}/search-{c}.jsonl')]
    B = [json.loads(l) for l in open(f'{b}/search-{c}.jsonl')]
    def canon(q):
        hits = {h['id']: h['score'] for h in q['hits']}
        if len(hits) == 100:
            last = q['hits'][-1]['score']
            hits = {i: s for i, s in hits.items() if abs(s - last) > 1e-3}
        return hits
    def same(x, y):
        cx, cy = canon(x), canon(y)
        return x['qid'] == y['qid'] and cx.keys() == cy.keys() and all(abs(cx[i] - cy[i]) < 1e-3 for i in cx)
    bad = [x['qid'] for x, y in zip(A, B) if not same(x, y)]
    print(c, len(A), 'queries;', 'identical' if not bad and len(A) == len(B) else f'{len(bad)} differ: {bad[:5]}')
