#!/usr/bin/env python3
"""run.py - veille against real CMS installs (WordPress, SPIP, Hugo), crawled from their home
pages, scored against the content that was put in.  Python 3.11 standard library only.

    python3 benches/cms/run.py [--veille target/release/veille] [--dir /tmp/cms-testbed]
                               [--work /tmp/cms-bench] [--sites wp21,spip] [--modes profile,none]
                               [--setup] [--keep-serving] [--json out.json]

What it does (README.md in this folder says more):

1. Content: benches/cms/content.json (made by gen_content.py from the PIAF paragraphs when
   missing).  Sites: the test bed kit (../shared/testbeds, or --kit) set up in --dir when
   --setup is given or when --dir holds no site made from this content.json yet; servers started
   (and stopped at the end when this run started them, unless --keep-serving).
2. For each site (wp21, wp23, wp23t = wp23 served nginx-try_files style, spip, spiptz = spip
   with PHP's time zone set to Europe/Paris, spipp, hugo) and
   each mode (profile: the CMS's profile, none: no profile key, generic: profile = "generic"):
   a fresh veille home, a sources.toml with the home page alone, then three crawls:
   c1 the first, c2 a second run of the unchanged site, c3 a run with --recheck.
3. Scores of c1's articles against the content: posts and pages found, extra articles (files
   that are no post), title, date (day, Europe/Paris), hour, authors (set), tags (set, and
   micro precision/recall), body token F1; files changed by c2 and c3, requests and bytes.
   A table on stdout, everything (with each failure) in --json (default WORK/results.json).
"""
import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PARIS = ZoneInfo("Europe/Paris")

# site -> (kit site whose URLs and database it is, host, port key, CMS, profile)
SITES = {
    "wp21": ("wp21", "wp21.test", "WP21_PORT", "wordpress"),
    "wp23": ("wp23", "wp23.test", "WP23_PORT", "wordpress"),
    "wp23t": ("wp23", "wp23.test", "WP23_PORT", "wordpress"),   # WP_TRYFILES=1
    "spip": ("spip", "spip.test", "SPIP_PORT", "spip"),
    "spiptz": ("spip", "spip.test", "SPIP_PORT", "spip"),       # SPIP_TIMEZONE=Europe/Paris
    "spipp": ("spipp", "spipp.test", "SPIPP_PORT", "spip"),
    "hugo": ("hugo", "hugo.test", "HUGO_PORT", "hugo"),
}
# the environment of `serve.sh start` that makes a site of another (the kit site is restarted)
SERVER_ENV = {"wp23t": {"WP_TRYFILES": "1"}, "spiptz": {"SPIP_TIMEZONE": "Europe/Paris"}}
PROFILE = {"wordpress": "wordpress", "spip": "spip", "hugo": None}
MODES = ("profile", "none", "generic")


# ---------------------------------------------------------------- normalisation
QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"',
                        "«": '"', "»": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ",
                        "–": "-", "—": "-"})


def norm_text(s):
    s = unicodedata.normalize("NFC", html.unescape(s or "")).translate(QUOTES)
    s = " ".join(s.split())
    s = re.sub(r'" ', '"', s)          # « x » -> "x" whatever spacing the CMS put inside
    s = re.sub(r' "', '"', s)
    s = re.sub(r" ([:;!?])", r"\1", s)  # French spacing before high punctuation
    return s.strip()


def tokens(s):
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", s).lower())


def md_text(s):
    """The words of a Markdown body: link and image targets and bare URLs left out."""
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"<https?://[^>\s]+>|https?://\S+", " ", s)
    return s


def f1(got, want):
    g, w = Counter(got), Counter(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


def norm_url(u):
    """Scheme-less, lowercase host, no fragment, no trailing slash, percent-decoded."""
    s = urlsplit(u.strip())
    path = unquote(s.path).rstrip("/")
    q = f"?{unquote(s.query)}" if s.query else ""
    return f"{s.netloc.lower()}{path}{q}"


# ---------------------------------------------------------------- expected content
def expected_items(content, cms):
    """content.json -> list of dicts: n, kind, title, date (YYYY-MM-DD), hm (HH:MM), authors,
    tags, tokens."""
    out = []
    for n, p in enumerate(content["posts"], 1):
        if cms not in (p.get("cms") or ("wordpress", "spip", "hugo")):
            continue
        md = p.get("markdown") or ""
        paras = [re.sub(r"^#+\s*", "", x) for x in md.split("\n\n")]
        text = " ".join(paras) + " " + " ".join(p.get("notes") or [])
        text = re.sub(r"\[\^\d+\]", " ", text)
        authors = list(p["authors"])
        kind = p.get("kind", "post")
        d = datetime.strptime(p["date"][:16], "%Y-%m-%d %H:%M")
        day, hm = d.strftime("%Y-%m-%d"), d.strftime("%H:%M")
        if cms == "wordpress":
            authors = authors[:1]                # WordPress keeps one author per post
            if kind == "page":                   # neither theme prints a page's date or author
                authors, day, hm = [], None, None
        out.append({"n": n, "kind": kind, "title": p["title"], "date": day, "hm": hm,
                    "authors": authors, "tags": list(p.get("tags") or []) if p.get("kind", "post") == "post" else [],
                    "tokens": tokens(text)})
    return out


# ---------------------------------------------------------------- veille homes and crawls
def read_article(path):
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n?(.*)\Z", text, re.S)
    if not m:
        return None
    try:
        fm = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as e:
        return {"_error": str(e), "_path": str(path)}
    fm["_body"] = m.group(2)
    fm["_path"] = str(path)
    return fm


def snapshot(articles_dir):
    out = {}
    if articles_dir.is_dir():
        for f in sorted(articles_dir.rglob("*.md")):
            out[str(f.relative_to(articles_dir))] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def diff(a, b):
    added = sorted(set(b) - set(a))
    removed = sorted(set(a) - set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return {"added": added, "removed": removed, "changed": changed,
            "total": len(added) + len(removed) + len(changed)}


def access_log(dirpath, port):
    return dirpath / "logs" / ("nginx-access.log" if port == "hugo" else f"access-{port}.log")


NGINX_RE = re.compile(r'"(\w+) (\S+) HTTP/[\d.]+" (\d+) (\d+) inm="([^"]*)" ims="([^"]*)" "([^"]*)"')


def read_access(path, offset):
    """Lines appended since offset -> [(path, status, bytes or None)], new offset."""
    if not path.exists():
        return [], 0
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
        end = f.tell()
    out = []
    for line in data.decode("utf-8", "replace").splitlines():
        if line.startswith("{"):
            try:
                j = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "veille" in j.get("ua", ""):
                out.append((j.get("path"), j.get("status"), None))
        else:
            m = NGINX_RE.search(line)
            if m and "veille" in m.group(7):
                out.append((m.group(2), int(m.group(3)), int(m.group(4))))
    return out, end


def crawl(veille, home, resolve, log, extra=()):
    cmd = [veille, "--home", str(home), "crawl", "--resolve", resolve, "--json", "-v", *extra]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.monotonic() - t0
    log.write_text(p.stderr)
    try:
        summary = json.loads(p.stdout)
    except json.JSONDecodeError:
        summary = {"_stdout": p.stdout[-2000:]}
    return {"cmd": " ".join(cmd), "exit": p.returncode, "seconds": round(secs, 2), "summary": summary}


def make_home(veille, home, site, url, profile):
    if home.exists():
        shutil.rmtree(home)
    subprocess.run([veille, "init", str(home)], check=True, capture_output=True)
    (home / "veille.toml").write_text(
        '[crawl]\ncontact = "https://test.invalid/contact"\ndelay_seconds = 0.05\n'
        "backoff_seconds = 0.2\n", encoding="utf-8")
    src = f'[[source]]\nid = "{site}"\nname = "{site}"\nhomepage = "{url}"\nlang = "fr"\n'
    if profile:
        src += f'profile = "{profile}"\n'
    (home / "corpus" / "sources.toml").write_text(src, encoding="utf-8")


# ---------------------------------------------------------------- scoring
SPIP_ART = re.compile(r"(?:spip\.php)?\?(?:page=article&id_article=|article)(\d+)$")


def url_keys(u):
    k = norm_url(u)
    keys = {k}
    m = SPIP_ART.search(k)
    if m:
        keys.add(f"{urlsplit('//' + k).netloc}#article{m.group(1)}")
    return keys


def as_paris(v):
    """published (TOML date, offset datetime or local datetime) -> (YYYY-MM-DD, HH:MM or None)."""
    if v is None:
        return None, None
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(PARIS)
        return v.strftime("%Y-%m-%d"), v.strftime("%H:%M")
    if isinstance(v, date):
        return v.isoformat(), None
    s = str(v)
    try:
        return as_paris(datetime.fromisoformat(s))
    except ValueError:
        return s[:10], None


def score(items, urls, articles_dir):
    """items: expected_items; urls: the kit's DIR/urls/SITE.json list."""
    by_key = {}
    for u in urls:
        for k in url_keys(u["url"]):
            by_key[k] = u["n"]
    want = {it["n"]: it for it in items}
    files = [a for a in (read_article(f) for f in sorted(articles_dir.rglob("*.md"))) if a] \
        if articles_dir.is_dir() else []
    found, extras, dups = {}, [], []
    titles = {norm_text(it["title"]): it["n"] for it in items}
    for a in files:
        n = None
        for field in ("url", "canonical_url"):
            for k in url_keys(a.get(field) or ""):
                n = n or by_key.get(k)
        kind = a.get("kind")
        if kind == "document":
            continue
        if n is None or n not in want:
            t = norm_text(a.get("title", ""))
            extras.append({"url": a.get("url"), "title": a.get("title"), "file": a["_path"],
                           "same_title_as": titles.get(t), "words": len(tokens(md_text(a.get("_body", ""))))})
            continue
        if n in found:
            dups.append({"n": n, "url": a.get("url"), "file": a["_path"]})
            continue
        found[n] = a
    fails = {k: [] for k in ("missing", "title", "date", "hour", "authors", "tags", "body")}
    acc = Counter()
    tag_tp = tag_got = tag_want = 0
    f1s = []
    for it in items:
        n = it["n"]
        a = found.get(n)
        ref = {"n": n, "kind": it["kind"], "url": next((u["url"] for u in urls if u["n"] == n), None)}
        if a is None:
            fails["missing"].append({**ref, "title": it["title"]})
            continue
        acc["found_" + it["kind"]] += 1
        t_ok = norm_text(a.get("title", "")) == norm_text(it["title"])
        acc["title"] += t_ok
        if not t_ok:
            fails["title"].append({**ref, "stored": a.get("title"), "expected": it["title"]})
        d, hm = as_paris(a.get("published"))
        exp = f'{it["date"]} {it["hm"]} Europe/Paris' if it["date"] else "none (the page prints no date)"
        acc["date"] += d == it["date"]
        if d != it["date"]:
            fails["date"].append({**ref, "stored": str(a.get("published")), "expected": exp})
        if it["hm"]:
            acc["hour_n"] += 1
            acc["hour"] += hm == it["hm"]
            if hm != it["hm"] and d == it["date"]:
                fails["hour"].append({**ref, "stored": str(a.get("published")), "expected": exp})
        got_auth = {norm_text(x) for x in a.get("authors") or []}
        want_auth = {norm_text(x) for x in it["authors"]}
        acc["authors"] += got_auth == want_auth
        if got_auth != want_auth:
            fails["authors"].append({**ref, "stored": a.get("authors") or [], "expected": it["authors"]})
        got_tags = {norm_text(x).lower() for x in a.get("tags") or []}
        want_tags = {norm_text(x).lower() for x in it["tags"]}
        acc["tags"] += got_tags == want_tags
        tag_tp += len(got_tags & want_tags)
        tag_got += len(got_tags)
        tag_want += len(want_tags)
        if got_tags != want_tags:
            fails["tags"].append({**ref, "stored": a.get("tags") or [], "expected": it["tags"]})
        got_tok = tokens(md_text(a.get("_body", "")))
        bf = f1(got_tok, it["tokens"])
        f1s.append(bf)
        if bf < 0.99:
            g, w = Counter(got_tok), Counter(it["tokens"])
            fails["body"].append({**ref, "f1": round(bf, 4), "stored_words": sum(g.values()),
                                  "expected_words": sum(w.values()),
                                  "extra_words": " ".join(list((g - w).elements())[:40]),
                                  "missing_words": " ".join(list((w - g).elements())[:40])})
    nfound = len(found)
    posts = sum(it["kind"] == "post" for it in items)
    pages = sum(it["kind"] == "page" for it in items)
    r = lambda x: round(x / nfound, 3) if nfound else None
    return {
        "posts": posts, "pages": pages,
        "posts_found": acc["found_post"], "pages_found": acc["found_page"],
        "files": len(files), "extra": len(extras), "duplicates": len(dups),
        "title": r(acc["title"]), "date": r(acc["date"]),
        "hour": round(acc["hour"] / acc["hour_n"], 3) if acc["hour_n"] else None,
        "authors": r(acc["authors"]), "tags": r(acc["tags"]),
        "tags_p": round(tag_tp / tag_got, 3) if tag_got else None,
        "tags_r": round(tag_tp / tag_want, 3) if tag_want else None,
        "body_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "body_f1_min": round(min(f1s), 4) if f1s else None,
        "failures": fails, "extras": extras, "dups": dups,
    }


# ---------------------------------------------------------------- the kit
def kit_run(kit, args, env=None, check=True):
    e = dict(os.environ, **(env or {}))
    p = subprocess.run([str(kit / args[0]), *args[1:]], env=e, capture_output=True, text=True)
    if check and p.returncode:
        sys.exit(f"{' '.join(args)} failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


def ports(dirpath):
    out = {}
    for line in (dirpath / "ports.env").read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def setup(kit, dirpath, content, force):
    digest = hashlib.sha256(content.read_bytes()).hexdigest()
    stamp = dirpath / "bench-content.sha256"
    if not force and stamp.exists() and stamp.read_text().strip() == digest \
            and all((dirpath / "urls" / f"{s}.json").exists() for s in ("wp21", "wp23", "spip", "spipp", "hugo")):
        return False
    dirpath.mkdir(parents=True, exist_ok=True)
    kit_run(kit, ["serve.sh", "stop", str(dirpath)], check=False)
    for script in ("wp_setup.sh", "spip_setup.sh", "hugo_setup.py"):
        print(f"setting up: {script} {dirpath} {content}", file=sys.stderr)
        kit_run(kit, [script, str(dirpath), str(content)])
    stamp.write_text(digest + "\n")
    return True


def status(kit, dirpath):
    p = kit_run(kit, ["serve.sh", "status", str(dirpath)], check=False)
    return {m.group(1) for m in re.finditer(r"^(\w+) up ", p.stdout, re.M)}


# ---------------------------------------------------------------- table
COLS = [("site", 6), ("mode", 8), ("posts", 6), ("pages", 5), ("extra", 5), ("dup", 3), ("title", 5),
        ("date", 5), ("hour", 5), ("auth", 5), ("tags", 5), ("tagP/R", 9), ("bodyF1", 6), ("F1min", 5),
        ("chg2", 4), ("chg3", 4), ("req1", 4), ("req2", 4), ("req3", 4), ("kB1", 5), ("kB2", 5), ("kB3", 5), ("s1", 5)]


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}".lstrip("0") if v < 1 else "1" if v == 1 else f"{v:.3g}"
    return str(v)


def table(rows):
    out = [" ".join(f"{c:>{w}}" for c, w in COLS)]
    for r in rows:
        s = r["score"]

        def req(c):
            return sum(x.get("requests", 0) for x in r["crawls"][c]["summary"].get("sources", []))

        def kb(c):
            return round(r["crawls"][c]["summary"].get("bytes_downloaded", 0) / 1024)
        vals = [r["site"], r["mode"], f'{s["posts_found"]}/{s["posts"]}', f'{s["pages_found"]}/{s["pages"]}',
                s["extra"], s["duplicates"], s["title"], s["date"], s["hour"], s["authors"], s["tags"],
                f'{fmt(s["tags_p"])}/{fmt(s["tags_r"])}', s["body_f1"], s["body_f1_min"],
                r["changed_c2"], r["changed_c3"], req("c1"), req("c2"), req("c3"), kb("c1"), kb("c2"), kb("c3"),
                round(r["crawls"]["c1"]["seconds"], 1)]
        out.append(" ".join(f"{fmt(v):>{w}}" for v, (_, w) in zip(vals, COLS)))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--veille", default=str(REPO / "target/release/veille"))
    ap.add_argument("--kit", default=str(REPO.parent / "shared/testbeds"))
    ap.add_argument("--dir", default="/tmp/cms-testbed", help="the kit's state folder (≤ 90 characters)")
    ap.add_argument("--work", default="/tmp/cms-bench", help="veille homes and logs")
    ap.add_argument("--content", default=str(HERE / "content.json"))
    ap.add_argument("--sites", default=",".join(SITES))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--setup", action="store_true", help="set the sites up again even when --dir has them")
    ap.add_argument("--keep-serving", action="store_true", help="leave the servers running at the end")
    ap.add_argument("--score-only", action="store_true", help="score the homes of the last run again, no crawl")
    ap.add_argument("--json", help="results file (default WORK/results.json)")
    a = ap.parse_args()
    kit, dirpath, work = Path(a.kit), Path(a.dir), Path(a.work)
    veille = str(Path(a.veille).resolve())
    content_path = Path(a.content)
    if not content_path.exists():
        subprocess.run([sys.executable, str(HERE / "gen_content.py"), str(REPO.parent / "shared/eval/search/piaf/corpus.jsonl"),
                        str(content_path)], check=True)
    content = json.loads(content_path.read_text(encoding="utf-8"))
    t_start = time.monotonic()
    env = {"SPIP_ECRAN_LOAD": "0"}
    before = set()
    if not a.score_only:
        setup(kit, dirpath, content_path, a.setup)
        before = status(kit, dirpath)
        kit_run(kit, ["serve.sh", "start", str(dirpath)], env=env)
    port = ports(dirpath)
    work.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([veille, "--version"], capture_output=True, text=True).stdout.strip()
    rows = []
    served = {}                 # kit site -> the extra environment it was last started with
    try:
        for site in a.sites.split(","):
            kit_site, host, pkey, cms = SITES[site]
            want = SERVER_ENV.get(site, {})
            # each site is restarted once, so that it runs with this benchmark's environment
            # whoever started it, and again when a variant needs another
            if served.get(kit_site) != want and not a.score_only:
                kit_run(kit, ["serve.sh", "stop", str(dirpath), kit_site])
                kit_run(kit, ["serve.sh", "start", str(dirpath), kit_site], env={**env, **want})
                served[kit_site] = want
            p = port[pkey]
            url = f"http://{host}:{p}/"
            resolve = f"{host}:{p}:127.0.0.1"
            urls = json.loads((dirpath / "urls" / f"{kit_site}.json").read_text(encoding="utf-8"))
            items = expected_items(content, cms)
            alog = access_log(dirpath, "hugo" if cms == "hugo" else p)
            for mode in a.modes.split(","):
                profile = {"profile": PROFILE[cms], "none": None, "generic": "generic"}[mode]
                if mode == "profile" and profile is None:
                    continue            # Hugo has no profile of its own
                home = work / f"{site}-{mode}"
                arts = home / "corpus" / "articles"
                saved = home / "bench-crawls.json"
                if a.score_only:
                    if not saved.exists():
                        print(f"{home}: no crawl to score", file=sys.stderr)
                        continue
                    crawls, snaps, fetched = json.loads(saved.read_text(encoding="utf-8"))
                else:
                    make_home(veille, home, site, url, profile)
                    crawls, snaps, fetched = {}, {}, {}
                    for c, extra in (("c1", ()), ("c2", ()), ("c3", ("--recheck",))):
                        off = alog.stat().st_size if alog.exists() else 0
                        crawls[c] = crawl(veille, home, resolve, home / f"crawl-{c}.log", extra)
                        fetched[c], _ = read_access(alog, off)
                        snaps[c] = snapshot(arts)
                        if c == "c1":       # what is scored: the first crawl's articles
                            shutil.copytree(arts, home / "articles-c1") if arts.is_dir() else None
                    saved.write_text(json.dumps([crawls, snaps, fetched], ensure_ascii=False), encoding="utf-8")
                s = score(items, urls, home / "articles-c1")
                # for each missing item: did c1 request it, and what was answered?
                for m in s["failures"]["missing"]:
                    path = urlsplit(m["url"]).path + (f"?{urlsplit(m['url']).query}" if urlsplit(m["url"]).query else "")
                    m["requested_c1"] = [st for pth, st, _ in fetched["c1"] if pth == path]
                d2, d3 = diff(snaps["c1"], snaps["c2"]), diff(snaps["c2"], snaps["c3"])
                row = {"site": site, "mode": mode, "profile": profile, "home": str(home), "score": s,
                       "crawls": crawls, "changed_c2": d2["total"], "changed_c3": d3["total"],
                       "diff_c2": d2, "diff_c3": d3,
                       "requests_c1": Counter(st for _, st, _ in fetched["c1"]),
                       "paths_c1": [pth for pth, _, _ in fetched["c1"]]}
                rows.append(row)
                print(table([row]).splitlines()[1], file=sys.stderr, flush=True)
    finally:
        for kit_site, extra in served.items():
            if extra:               # back to the kit's defaults
                kit_run(kit, ["serve.sh", "stop", str(dirpath), kit_site], check=False)
                kit_run(kit, ["serve.sh", "start", str(dirpath), kit_site], env=env, check=False)
        if not a.keep_serving and not a.score_only:
            started = [s for s in ("wp21", "wp23", "spip", "spipp", "hugo", "mariadb") if s not in before]
            if started and len(started) < 6:
                kit_run(kit, ["serve.sh", "stop", str(dirpath), *started], check=False)
            elif started:
                kit_run(kit, ["serve.sh", "stop", str(dirpath)], check=False)
    out = Path(a.json) if a.json else work / "results.json"
    res = {"veille": veille, "version": version, "date": datetime.now().isoformat(timespec="seconds"),
           "content": str(content_path), "seconds": round(time.monotonic() - t_start, 1), "runs": rows}
    out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"veille: {veille} ({version})")
    print(table(rows))
    print(f"\n{len(rows)} runs in {res['seconds']} s; details (every failure): {out}")


if __name__ == "__main__":
    main()
