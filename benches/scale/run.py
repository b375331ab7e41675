#!/usr/bin/env python3
"""The scale benchmark of issue 27: a home of N generated press articles, measured step by step.

  python3 benches/scale/run.py --veille target/release/veille --n 100000 --work /srv/scale \\
      --corpus-fr /tmp/corpus-fr.jsonl [--spf DIR] [--cold] [--repeat 3]
  python3 benches/scale/run.py ... --n 100000,1000000        # several sizes, one column each

For each N, in WORK/n<N>/: generate N articles (generate.py, kept in articles.jsonl and reused
by a later run with the same N and seed), then, with the veille binary given:
  import         veille init, then veille import articles.jsonl        (time, peak RSS)
  full index     veille index --rebuild                                 (time, peak RSS, index size)
  no-change      veille index; veille update --no-crawl                 (median of --repeat runs)
  100 new        veille import new-B.jsonl (generate.py --next --batch B), then veille index
                 (each and together; median of --repeat batches)
  queries        veille bench --no-index on keyword queries (2-3 words, written to keywords.tsv)
                 and on the SPF questions (p50, p99)
  themes         veille themes (median of --repeat)
  TUI            veille bench --tui (first frame; key -> results p99)
  check          veille check (quick)
Prints a Markdown table (one column per N; each figure with the 1-minute load average when
its step started) and writes WORK/results.json. Every step's output is kept in
WORK/n<N>/logs/; a failing step is reported with its command and log, and the steps that need
it are skipped.

Cache: warm by default (the home was just written, so its files are in the page cache; each
no-change step runs once more before it is timed). --cold drops the page cache (sync; echo 3 >
/proc/sys/vm/drop_caches, root only) before each timed step instead.
Peak RSS is the child's ru_maxrss (os.wait4). Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STOP = set("""alors aucun aussi autre autres avant avec avoir cette celle celles celui ceux chaque comme
dans depuis doit donc elle elles entre être leur leurs lors lorsque mais même moins notamment
nous ont par pendant peut peuvent plus pour sans selon sera seront sont sous tous tout toute
toutes très vous cela ceci dont ainsi était été fait faire ayant après auprès article articles
présent présente prévu prévue prévues prévus alinéa code dispositions disposition ci-dessus
ci-après suivantes suivants suivant suivante également celle-ci celui-ci""".split())


class Failed(Exception):
    pass


def loadavg():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


class Runner:
    def __init__(self, args):
        self.args = args
        self.log_dir = None
        self.count = 0

    def drop_caches(self):
        subprocess.run(["sync"])
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")

    def run(self, name, cmd, cwd=None, cold=False, stdin=None):
        """Runs cmd; returns {cmd, wall_s, rss_mb, load, rc, stdout, log}. Raises Failed."""
        if cold:
            self.drop_caches()
        self.count += 1
        base = os.path.join(self.log_dir, f"{self.count:02d}-{name}")
        load = loadavg()
        with open(base + ".stdout", "w") as out, open(base + ".stderr", "w") as err:
            t0 = time.monotonic()
            try:
                p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err,
                                     stdin=stdin if stdin is not None else subprocess.DEVNULL)
            except OSError as e:
                raise Failed(f"{name}: cannot run `{shlex.join(cmd)}`: {e}")
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
        stdout = open(base + ".stdout", errors="replace").read()
        res = {"cmd": shlex.join(cmd), "wall_s": round(wall, 3), "rss_mb": round(ru.ru_maxrss / 1024, 1),
               "cpu_s": round(ru.ru_utime + ru.ru_stime, 3), "user_s": round(ru.ru_utime, 3),
               "sys_s": round(ru.ru_stime, 3),
               "load": load, "rc": p.returncode, "log": base + ".stderr"}
        if p.returncode != 0:
            tail = open(base + ".stderr", errors="replace").read().strip().splitlines()[-5:]
            res["error"] = "\n".join(tail)
            raise Failed(f"{name}: `{shlex.join(cmd)}` exited with {p.returncode} "
                         f"(see {base}.stderr):\n    " + "\n    ".join(tail))
        res["stdout"] = stdout
        return res


def parse_bench(text):
    """Figures of `veille bench` (queries) and `veille bench --tui`."""
    out = {}
    m = re.search(r"queries: .*?p50 ([\d.]+) ms, p90 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms", text)
    if m:
        out.update(p50_ms=float(m[1]), p90_ms=float(m[2]), p99_ms=float(m[3]), max_ms=float(m[4]))
    m = re.search(r"first frame ([\d.]+) ms", text)
    if m:
        out["first_frame_ms"] = float(m[1])
    m = re.search(r"key → frame: p50 ([\d.]+) ms, p99 ([\d.]+) ms", text)
    if m:
        out.update(key_frame_p50_ms=float(m[1]), key_frame_p99_ms=float(m[2]))
    m = re.search(r"key → results frame: p50 ([\d.]+) ms, p99 ([\d.]+) ms", text)
    if m:
        out.update(key_results_p50_ms=float(m[1]), key_results_p99_ms=float(m[2]))
    m = re.search(r"tui: peak RSS ([\d.]+) MB", text)
    if m:
        out["tui_rss_mb"] = float(m[1])
    return out


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return total


def keyword_queries(jsonl, path, count=200, seed=27):
    """2-3 content words of one sentence of an article (so that they meet in some article)."""
    rng = random.Random(seed)
    picked = []
    with open(jsonl, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= 50000 or len(picked) >= count * 3:
                break
            if rng.random() > 0.05:
                continue
            body = json.loads(line)["body"]
            sentences = [s for s in re.split(r"(?<=[.;:!?])\s+", body) if len(s) > 60]
            if not sentences:
                continue
            words = [w.lower() for w in re.findall(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ]{5,}", rng.choice(sentences))]
            words = [w for w in dict.fromkeys(words) if w not in STOP]
            k = rng.choice((2, 2, 3))
            if len(words) >= k:
                picked.append(" ".join(rng.sample(words, k)))
    rng.shuffle(picked)
    with open(path, "w", encoding="utf-8") as out:
        for i, q in enumerate(picked[:count]):
            out.write(f"kw{i}\t{q}\n")
    return min(count, len(picked))


def median(xs):
    return round(statistics.median(xs), 3)


def one_size(R, n, args, results):
    work = os.path.join(args.work, f"n{n}")
    home = os.path.join(work, "home")
    logs = os.path.join(work, "logs", time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(logs, exist_ok=True)
    R.log_dir = logs
    R.count = 0
    V = [args.veille, "--color", "never", "--home", home]
    gen = [sys.executable, os.path.join(HERE, "generate.py"), args.corpus_fr]
    r = results.setdefault(str(n), {"n": n, "steps": {}, "figures": {}})
    steps, fig = r["steps"], r["figures"]
    cold = args.cold

    def step(name, cmd, **kw):
        print(f"  {name}: {shlex.join(cmd)}", file=sys.stderr, flush=True)
        try:
            res = R.run(name, cmd, **kw)
        except Failed as e:
            steps.setdefault(name, []).append({"cmd": shlex.join(cmd), "failed": str(e)})
            raise
        steps.setdefault(name, []).append({k: v for k, v in res.items() if k != "stdout"})
        return res

    def record(key, value, load, cpu=None):
        fig[key] = {"value": value, "load": load}
        if cpu is not None:
            fig[key]["cpu_s"] = round(cpu, 2)

    jsonl = os.path.join(work, "articles.jsonl")
    reuse = args.reuse_home and os.path.exists(os.path.join(home, "corpus", "articles"))
    if args.reuse_home and not reuse:
        print(f"  no home in {home}: building it", file=sys.stderr)
    if not reuse:
        build_home(step, record, r, n, args, work, home, jsonl, V, gen, cold)
    elif args.rebuild or not os.path.exists(os.path.join(home, "index")):
        # A rebuild may hold the old index and the new one at once.
        old = dir_size(os.path.join(home, "index"))
        need = max(old, n * 4000)  # the index of the 1M home is 3.8 GB
        free = shutil.disk_usage(args.work).free
        if free - need < args.min_free_gb * 1e9:
            raise Failed(f"not enough disk in {args.work} for a new index of about {need / 1e9:.1f} GB "
                         f"(next to the old one, if any): {free / 1e9:.1f} GB free and "
                         f"{args.min_free_gb} GB to keep free")
        rebuild(step, record, r, home, V, cold)
    measure(step, record, r, args, work, home, jsonl, V, gen, cold)


def rebuild(step, record, r, home, V, cold):
    res = step("index-rebuild", V + ["index", "--rebuild"], cold=cold)
    record("index_full_s", res["wall_s"], res["load"], res["cpu_s"])
    record("index_full_rss_mb", res["rss_mb"], res["load"])
    r["index_bytes"] = dir_size(os.path.join(home, "index"))
    record("index_size_gb", round(r["index_bytes"] / 1e9, 3), None)


def build_home(step, record, r, n, args, work, home, jsonl, V, gen, cold):
    # 1. the articles
    stamp = jsonl + ".params"
    params = json.dumps({"n": n, "seed": args.seed, "sites": args.sites,
                         "corpus_fr": os.path.abspath(args.corpus_fr),
                         "generator": hashlib.sha1(open(os.path.join(HERE, "generate.py"), "rb").read()).hexdigest()})
    if not (os.path.exists(jsonl) and os.path.exists(stamp) and open(stamp).read() == params):
        need = n * (4200 + 6500 + 4000)  # JSONL, article files, index (bytes, generous)
        free = shutil.disk_usage(args.work).free
        if free - need < args.min_free_gb * 1e9:
            raise Failed(f"not enough disk in {args.work}: {free / 1e9:.1f} GB free, about "
                         f"{need / 1e9:.1f} GB needed and {args.min_free_gb} GB to keep free")
        res = step("generate", gen + [str(n), "-o", jsonl, "--seed", str(args.seed),
                                       "--sites", str(args.sites), "--progress"])
        with open(stamp, "w") as f:
            f.write(params)
        r["generate_s"] = res["wall_s"]
    r["jsonl_bytes"] = os.path.getsize(jsonl)

    # 2. import and full index
    if os.path.exists(home):
        shutil.rmtree(home)
    step("init", V[:-2] + ["init", "-q", home])
    res = step("import", V + ["import", jsonl], cold=cold)
    record("import_s", res["wall_s"], res["load"], res["cpu_s"])
    record("import_rss_mb", res["rss_mb"], res["load"])
    r["corpus_bytes"] = dir_size(os.path.join(home, "corpus"))
    if args.delete_jsonl:
        keyword_queries(jsonl, os.path.join(work, "keywords.tsv"))
        os.remove(jsonl)
        os.remove(stamp)
    rebuild(step, record, r, home, V, cold)


def measure(step, record, r, args, work, home, jsonl, V, gen, cold):
    # 3. nothing changed
    for name, cmd in (("index-nochange", V + ["index"]),
                      ("update-nochange", V + ["update", "--no-crawl"])):
        if not cold:
            step(name + "-warmup", cmd)
        runs = [step(name, cmd, cold=cold) for _ in range(args.repeat)]
        record(name.replace("-", "_") + "_s", median([x["wall_s"] for x in runs]), runs[0]["load"],
               median([x["cpu_s"] for x in runs]))
        record(name.replace("-", "_") + "_rss_mb", max(x["rss_mb"] for x in runs), runs[0]["load"])

    # 4. 100 new articles, imported then indexed
    imp, idx, tot, cimp, cidx, ctot, rimp, ridx = [], [], [], [], [], [], [], []
    load = None
    done = sum(1 for f in os.listdir(work) if f.startswith("new-") and f.endswith(".jsonl"))
    for b in range(done, done + args.repeat):  # a reused home holds the earlier batches
        new = os.path.join(work, f"new-{b}.jsonl")
        step("generate-new", gen + [str(args.new), "--next", "--batch", str(b), "-o", new,
                                    "--seed", str(args.seed), "--sites", str(args.sites)])
        a = step("import-new", V + ["import", new], cold=cold)
        c = step("index-new", V + ["index"], cold=cold)
        load = a["load"] if load is None else load
        imp.append(a["wall_s"]); idx.append(c["wall_s"]); tot.append(a["wall_s"] + c["wall_s"])
        cimp.append(a["cpu_s"]); cidx.append(c["cpu_s"]); ctot.append(a["cpu_s"] + c["cpu_s"])
        rimp.append(a["rss_mb"]); ridx.append(c["rss_mb"])
    record("import_new_s", median(imp), load, median(cimp))
    record("index_new_s", median(idx), load, median(cidx))
    record("import_index_new_s", median(tot), load, median(ctot))
    record("import_new_rss_mb", max(rimp), load)
    record("index_new_rss_mb", max(ridx), load)

    # 5. queries
    kw = os.path.join(work, "keywords.tsv")
    if not os.path.exists(kw) or os.path.exists(jsonl):
        keyword_queries(jsonl, kw)
    for name, qfile in (("keywords", kw), ("spf", os.path.join(args.spf, "queries.tsv"))):
        res = step("bench-" + name, V + ["bench", "--no-index", "--queries", qfile])
        b = parse_bench(res["stdout"])
        if "p99_ms" not in b:
            raise Failed(f"bench-{name}: no percentiles in the output of `{res['cmd']}`")
        record(f"query_{name}_p50_ms", b["p50_ms"], res["load"])
        record(f"query_{name}_p99_ms", b["p99_ms"], res["load"])

    # 6. themes
    step("themes-warmup", V + ["themes"])
    runs = [step("themes", V + ["themes"], cold=cold) for _ in range(args.repeat)]
    record("themes_s", median([x["wall_s"] for x in runs]), runs[0]["load"], median([x["cpu_s"] for x in runs]))

    # 7. the TUI
    res = step("bench-tui", V + ["bench", "--tui", "--tui-queries", str(args.tui_queries),
                                 "--queries", os.path.join(args.spf, "queries.tsv")], cold=cold)
    b = parse_bench(res["stdout"])
    if "key_results_p99_ms" not in b:
        raise Failed(f"bench-tui: no figures in the output of `{res['cmd']}`")
    record("tui_first_frame_ms", b["first_frame_ms"], res["load"])
    record("tui_key_results_p99_ms", b["key_results_p99_ms"], res["load"])
    record("tui_rss_mb", b.get("tui_rss_mb"), res["load"])

    # 8. check
    res = step("check", V + ["check"], cold=cold)
    record("check_s", res["wall_s"], res["load"], res["cpu_s"])
    record("check_rss_mb", res["rss_mb"], res["load"])


ROWS = [
    ("import (N articles)", "import_s", "s"),
    ("import, peak RSS", "import_rss_mb", "MB"),
    ("full index (`index --rebuild`)", "index_full_s", "s"),
    ("full index, peak RSS", "index_full_rss_mb", "MB"),
    ("index size on disk", "index_size_gb", "GB"),
    ("no-change `index`", "index_nochange_s", "s"),
    ("no-change `index`, peak RSS", "index_nochange_rss_mb", "MB"),
    ("no-change `update --no-crawl`", "update_nochange_s", "s"),
    ("no-change `update --no-crawl`, peak RSS", "update_nochange_rss_mb", "MB"),
    ("`import` of 100 new", "import_new_s", "s"),
    ("`index` of those 100", "index_new_s", "s"),
    ("import + index of 100 new", "import_index_new_s", "s"),
    ("`import` of 100 new, peak RSS", "import_new_rss_mb", "MB"),
    ("`index` of those 100, peak RSS", "index_new_rss_mb", "MB"),
    ("keyword query p50", "query_keywords_p50_ms", "ms"),
    ("keyword query p99", "query_keywords_p99_ms", "ms"),
    ("SPF question p50", "query_spf_p50_ms", "ms"),
    ("SPF question p99", "query_spf_p99_ms", "ms"),
    ("`themes`", "themes_s", "s"),
    ("TUI first frame", "tui_first_frame_ms", "ms"),
    ("TUI key → results p99", "tui_key_results_p99_ms", "ms"),
    ("TUI peak RSS", "tui_rss_mb", "MB"),
    ("`check` (quick)", "check_s", "s"),
    ("`check`, peak RSS", "check_rss_mb", "MB"),
]


def table(results, sizes):
    head = "| " + " | ".join(["N"] + [f"{n:,}" for n in sizes]) + " |"
    lines = [head, "|" + "---|" * (len(sizes) + 1)]
    for label, key, unit in ROWS:
        cells = []
        for n in sizes:
            f = results.get(str(n), {}).get("figures", {}).get(key)
            if not f or f["value"] is None:
                cells.append("—")
                continue
            v = f["value"]
            s = f"{v:,.3f}" if unit == "GB" else f"{v:,.2f}" if unit == "s" and v < 10 else f"{v:,.1f}" if unit != "MB" else f"{v:,.0f}"
            s += f" {unit}"
            if f.get("cpu_s") is not None:
                s += f", CPU {f['cpu_s']:,.2f} s" if f["cpu_s"] < 10 else f", CPU {f['cpu_s']:,.1f} s"
            if f.get("load") is not None:
                s += f" (load {f['load']:.2f})"
            cells.append(s)
        lines.append("| " + " | ".join([label] + cells) + " |")
    for n in sizes:
        r = results.get(str(n), {})
        extra = []
        if r.get("generate_s"):
            extra.append(f"generated in {r['generate_s']:.0f} s")
        if r.get("jsonl_bytes"):
            extra.append(f"JSONL {r['jsonl_bytes'] / 1e9:.2f} GB")
        if r.get("corpus_bytes"):
            extra.append(f"corpus/ {r['corpus_bytes'] / 1e9:.2f} GB on disk")
        if r.get("failed"):
            extra.append("FAILED: " + r["failed"].splitlines()[0])
        if extra:
            lines.append(f"\nN = {n:,}: " + "; ".join(extra))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--veille", required=True, help="the veille binary to measure")
    ap.add_argument("--n", default="100000", help="articles: one number or a comma list (100000,1000000)")
    ap.add_argument("--work", required=True, help="work directory (one subdirectory per N)")
    ap.add_argument("--corpus-fr", required=True,
                    help="corpus-fr.jsonl (python3 /work/shared/bench/corpus-fr.py /tmp/corpus-fr.jsonl)")
    ap.add_argument("--spf", default="/work/shared/eval/search/spf", help="the SPF collection (queries.tsv)")
    ap.add_argument("--cold", action="store_true", help="drop the page cache before each timed step (root)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the no-change, 100-new and themes steps")
    ap.add_argument("--new", type=int, default=100, help="new articles of the incremental step")
    ap.add_argument("--tui-queries", type=int, default=50, help="SPF questions typed in the TUI bench")
    ap.add_argument("--seed", type=int, default=27)
    ap.add_argument("--sites", type=int, default=300)
    ap.add_argument("--delete-jsonl", action="store_true", help="remove articles.jsonl once imported (saves disk)")
    ap.add_argument("--reuse-home", action="store_true",
                    help="keep the home of an earlier run (its articles): measure from the no-change steps on "
                         "(from the full index if index/ is missing)")
    ap.add_argument("--rebuild", action="store_true", help="with --reuse-home: measure the full index too")
    ap.add_argument("--results", help="where to write the figures (default: WORK/results.json)")
    ap.add_argument("--min-free-gb", type=float, default=6, help="refuse to generate below this much free disk")
    args = ap.parse_args()
    args.veille = os.path.abspath(args.veille) if os.sep in args.veille else (shutil.which(args.veille) or args.veille)
    sizes = [int(x.replace("_", "")) for x in args.n.split(",")]
    os.makedirs(args.work, exist_ok=True)
    if not os.path.exists(args.corpus_fr):
        sys.exit(f"run.py: {args.corpus_fr} is missing; make it with "
                 "`python3 /work/shared/bench/corpus-fr.py /tmp/corpus-fr.jsonl`")
    if not os.path.exists(os.path.join(args.spf, "queries.tsv")):
        sys.exit(f"run.py: {args.spf}/queries.tsv is missing (--spf)")
    if args.cold:
        try:
            open("/proc/sys/vm/drop_caches", "w").close()
        except OSError as e:
            sys.exit(f"run.py: --cold needs to write /proc/sys/vm/drop_caches (root): {e.strerror}")
    try:
        version = subprocess.run([args.veille, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError as e:
        sys.exit(f"run.py: cannot run {args.veille}: {e.strerror}")
    out_path = args.results or os.path.join(args.work, "results.json")
    results = {}
    meta = {"veille": args.veille, "version": version, "host": platform.node(),
            "cores": os.cpu_count(), "cache": "cold" if args.cold else "warm",
            "started": time.strftime("%Y-%m-%d %H:%M:%S"), "seed": args.seed, "sites": args.sites,
            "repeat": args.repeat, "reuse_home": args.reuse_home}
    R = Runner(args)
    failed = False
    for n in sizes:
        print(f"N = {n:,} (load {loadavg():.2f})", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        try:
            one_size(R, n, args, results)
        except Failed as e:
            failed = True
            results.setdefault(str(n), {})["failed"] = str(e)
            print(f"run.py: FAILED at N = {n:,}: {e}", file=sys.stderr, flush=True)
        results[str(n)]["total_s"] = round(time.monotonic() - t0, 1)
        meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        with open(out_path, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1, ensure_ascii=False)
    print(f"\n{version}, {os.cpu_count()} cores, {meta['cache']} page cache; "
          f"figures are medians of {args.repeat} runs where repeated; CPU = user + system time of the command; "
          "(load) = 1-min load average at the step's start\n")
    print(table(results, sizes))
    print(f"\nwritten: {out_path}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
