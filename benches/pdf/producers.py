#!/usr/bin/env python3
"""producers.py - a PDF set from the producers collectives meet, built with Debian's tools.

Every document is typeset from one article of the demo archive (corpus/articles, written
for the project) by a real producer, so the reference text is known: the words printed.
The set is scored by score.py like generate.py's (same NAME.pdf / NAME.md / NAME.json),
with two more keys in NAME.json:
  "family"   the producer family the targets are given for (pdflatex, lualatex, groff,
             ghostscript, wkhtmltopdf, pdfjam-2up, booklet, ...)
  "cahier"   true for imposed booklets (the extractor should say so, not give text),
             false for the other landscape sheets (2-up reading copies): no false alarm.

Producers (a producer whose tool is missing is skipped with a warning):
  pdflatex      pdflatex, babel french, A5 or A4, one column or `twocolumn`, footnotes,
                hyphenation; metadata title through hyperref on half of them
  pdflatex-multicol  pdflatex with the multicol package (two columns of short lines, A5/A4)
  lualatex      lualatex, babel french, fontspec (Latin Modern), footnotes
  groff-pdf     groff -ms -Tpdf (gropdf), footnotes with .FS/.FE
  groff-ps2pdf  groff -ms -Tps then ps2pdf (Ghostscript)
  wkhtmltopdf   wkhtmltopdf of an HTML file (some with a file name as <title>)
  chromium      headless Chromium's print to PDF of the same kind of HTML file
  lo-odt, lo-docx  LibreOffice Writer: the HTML file saved as ODT (or DOCX), that file
                printed to PDF (the metadata title is the HTML's <title>)
  gs-*          `gs -sDEVICE=pdfwrite` rewrites of pdflatex, lualatex, wkhtmltopdf, chromium
                and LibreOffice files
  pdfjam-2up    `pdfjam --nup 2x1 --landscape` of an A5 pdflatex file (read as a 2-up copy)
  landscape     pdflatex on landscape A4, one or two columns (not a cahier either)
  booklet-*     `pdfjam --booklet true --landscape` and `pdfbook2` of A5 pdflatex files
                with page numbers "2", "- 2 -" or none (the extractor must say: cahier)

usage: python3 benches/pdf/producers.py /tmp/pdfreal [--count-per-producer 3] [--force]
Needs: apt-get install poppler-utils groff ghostscript texlive-latex-base
       texlive-latex-recommended texlive-lang-french texlive-luatex texlive-extra-utils
       texlive-fonts-recommended lmodern wkhtmltopdf chromium libreoffice-writer-nogui
"""
from __future__ import annotations

import argparse
import html
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# ============================================================================ articles
def read_article(path: Path) -> dict:
    raw = path.read_text(encoding="utf-8")
    _, front, body = raw.split("+++", 2)
    title = re.search(r'^title = "(.*)"$', front, re.M)[1].replace('\\"', '"')
    authors = re.search(r"^authors = \[(.*)\]$", front, re.M)
    authors = re.findall(r'"([^"]*)"', authors[1]) if authors else []
    notes = {k: re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", v)
             for k, v in re.findall(r"^\[\^([^\]]+)\]:\s*(.*)$", body, re.M)}
    body = re.sub(r"^\[\^[^\]]+\]:.*$", "", body, flags=re.M)
    blocks = []
    for block in re.split(r"\n\s*\n", body.strip()):
        block = block.strip()
        if not block:
            continue
        block = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block)
        block = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"<(https?://[^>]+)>", r"\1", block)
        block = block.replace("**", "").replace("*", "").replace("_", " ") if not block.startswith("- ") \
            else block.replace("**", "")
        if block.startswith("#"):
            blocks.append(("h", block.lstrip("#").strip()))
        elif block.startswith(">"):
            blocks.append(("p", re.sub(r"^>\s?", "", block, flags=re.M).replace("\n", " ")))
        elif re.match(r"^(- |\d+\. )", block):
            blocks.append(("ul", [re.sub(r"^(- |\d+\. )", "", l).strip() for l in block.splitlines()]))
        else:
            blocks.append(("p", block.replace("\n", " ")))
    return {"title": title, "authors": authors, "blocks": blocks, "notes": notes, "id": path.stem}


def gathered(arts: list[dict]) -> dict:
    """Several articles as one document under the first one's title (the others' titles as headings)."""
    blocks, notes = [], {}
    for k, art in enumerate(arts):
        if k:
            blocks.append(("h", art["title"]))
        def renum(x, k=k):
            return re.sub(r"\[\^([^\]]+)\]", lambda m: f"[^{k}-{m[1]}]", x)
        blocks += [(kind, [renum(i) for i in x] if kind == "ul" else renum(x)) for kind, x in art["blocks"]]
        notes.update({f"{k}-{n}": t for n, t in art["notes"].items()})
    return {**arts[0], "blocks": blocks, "notes": notes, "id": "+".join(a["id"] for a in arts)}


def reference(a: dict) -> str:
    """The printed words: title, byline, body, notes (note calls are not words of the text)."""
    out = [f"# {a['title']}", " — ".join(a["authors"])]
    for kind, x in a["blocks"]:
        out.append("\n".join(f"- {i}" for i in x) if kind == "ul" else re.sub(r"\[\^[^\]]+\]", "", x))
    out += [f"{v}" for v in a["notes"].values()]
    return "\n\n".join(out) + "\n"


# ============================================================================ LaTeX
def tex_escape(s: str) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(c, c) for c in s)


def tex_inline(s: str, notes: dict) -> str:
    parts = re.split(r"(\[\^[^\]]+\])", s)
    out = []
    for p in parts:
        m = re.fullmatch(r"\[\^([^\]]+)\]", p)
        out.append(r"\footnote{" + tex_escape(notes.get(m[1], "")) + "}" if m else tex_escape(p))
    return "".join(out)


def latex_source(a: dict, *, paper: str, columns: int, engine: str, folio: str, hyperref: bool,
                 multicol: bool = False, landscape: bool = False) -> str:
    opts = [f"{paper}paper", "11pt"] + (["twocolumn"] if columns == 2 and not multicol else [])
    pre = [r"\documentclass[" + ",".join(opts) + "]{article}"]
    if engine == "pdflatex":
        pre += [r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}", r"\usepackage{lmodern}",
                r"\DeclareUnicodeCharacter{2082}{\textsubscript{2}}",
                r"\DeclareUnicodeCharacter{1D49}{\textsuperscript{e}}"]
    else:
        pre += [r"\usepackage{fontspec}"]
    pre += [r"\usepackage[french]{babel}",
            r"\usepackage[margin=2cm" + (",landscape" if landscape else "") + "]{geometry}"]
    if multicol:
        pre.append(r"\usepackage{multicol}")
    if hyperref:
        pre.append(r"\usepackage[pdftitle={" + tex_escape(a["title"]) + r"},hidelinks]{hyperref}")
    if folio == "dashes":
        pre.append(r"\makeatletter\def\@oddfoot{\hfil{-}~\thepage~{-}\hfil}\let\@evenfoot\@oddfoot"
                   r"\def\ps@plain{\let\@mkboth\@gobbletwo\def\@oddhead{}\def\@evenhead{}"
                   r"\def\@oddfoot{\hfil{-}~\thepage~{-}\hfil}\let\@evenfoot\@oddfoot}\makeatother")
    pre += [r"\title{" + tex_escape(a["title"]) + "}", r"\author{" + tex_escape(" — ".join(a["authors"])) + "}",
            r"\date{}", r"\begin{document}", r"\maketitle"]
    if folio == "none":
        pre += [r"\pagestyle{empty}", r"\thispagestyle{empty}"]
    body = []
    for kind, x in a["blocks"]:
        if kind == "h":
            body.append(r"\section*{" + tex_escape(x) + "}")
        elif kind == "ul":
            body.append(r"\begin{itemize}" + "".join(r"\item " + tex_inline(i, a["notes"]) for i in x)
                        + r"\end{itemize}")
        else:
            body.append(tex_inline(x, a["notes"]))
    text = "\n\n".join(body)
    if multicol:
        text = r"\begin{multicols}{2}" + "\n" + text + "\n" + r"\end{multicols}"
    return "\n".join(pre) + "\n" + text + "\n\\end{document}\n"


def run_latex(src: str, engine: str, work: Path, name: str) -> Path:
    tex = work / f"{name}.tex"
    tex.write_text(src, encoding="utf-8")
    for _ in range(2):
        subprocess.run([engine, "-interaction=batchmode", "-halt-on-error", tex.name], cwd=work,
                       capture_output=True, timeout=300)
    pdf = work / f"{name}.pdf"
    if not pdf.is_file():
        raise RuntimeError(f"{engine} failed on {name}: see {work / (name + '.log')}")
    return pdf


# ============================================================================ groff
def groff_escape(s: str) -> str:
    s = s.replace("\\", r"\e")
    return "\n".join(("\\&" + l if l[:1] in ".'" else l) for l in s.split("\n"))


def groff_inline(s: str, notes: dict, tail: list) -> str:
    parts = re.split(r"(\[\^[^\]]+\])", s)
    out = []
    for p in parts:
        m = re.fullmatch(r"\[\^([^\]]+)\]", p)
        if m:
            out.append(r"\**")
            tail.append(".FS\n" + groff_escape(notes.get(m[1], "")) + "\n.FE")
        else:
            out.append(groff_escape(p))
    return "".join(out)


def groff_source(a: dict) -> str:
    out = [".nr PS 11", ".nr VS 13", ".hla fr", ".TL", groff_escape(a["title"]), ".AU",
           groff_escape(" — ".join(a["authors"]))]
    for kind, x in a["blocks"]:
        if kind == "h":
            out += [".SH", groff_escape(x)]
        elif kind == "ul":
            for i in x:
                out += [".IP \\(bu 2", groff_escape(i)]
        else:
            tail: list = []
            out += [".PP", groff_inline(x, a["notes"], tail)]
            out += tail
    return "\n".join(out) + "\n"


# ============================================================================ HTML
def html_source(a: dict, title: str) -> str:
    body = [f"<h1>{html.escape(a['title'])}</h1>", f"<p class=by>{html.escape(' — '.join(a['authors']))}</p>"]
    n = 0
    notes = []
    for kind, x in a["blocks"]:
        if kind == "h":
            body.append(f"<h2>{html.escape(x)}</h2>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in x) + "</ul>")
        else:
            def call(m):
                nonlocal n
                n += 1
                notes.append(a["notes"].get(m[1], ""))
                return f"<sup>{n}</sup>"
            body.append("<p>" + re.sub(r"\[\^([^\]]+)\]", call, html.escape(x)) + "</p>")
    if notes:
        body.append("<ol class=notes>" + "".join(f"<li>{html.escape(t)}</li>" for t in notes) + "</ol>")
    return (f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            "<style>body{font-family:serif;font-size:13pt;text-align:justify;hyphens:auto}"
            ".notes{font-size:10pt}</style></head><body>" + "\n".join(body) + "</body></html>")


# ============================================================================ build
def sh(cmd: list[str], **kw) -> None:
    r = subprocess.run(cmd, capture_output=True, timeout=600, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.decode('utf-8', 'replace')[-400:]}")


def gs_rewrite(src: Path, dst: Path) -> None:
    sh(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={dst}", str(src)])


def pages_of(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s*(\d+)", out, re.M)
    return int(m[1]) if m else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--count-per-producer", type=int, default=3)
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    if a.force and a.out.exists():
        shutil.rmtree(a.out)
    a.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    paths = sorted((ROOT / "corpus" / "articles").rglob("*.md"))
    articles = [read_article(p) for p in paths]
    rng.shuffle(articles)
    pool = iter(articles * 4)
    work = Path(tempfile.mkdtemp(prefix="pdfreal-"))
    have = {t: shutil.which(t) is not None for t in
            ["pdflatex", "lualatex", "groff", "ps2pdf", "gs", "wkhtmltopdf", "pdfjam", "pdfbook2", "pdfinfo",
             "chromium", "soffice"]}
    for tool, ok in have.items():
        if not ok:
            print(f"warning: {tool} not found: its producers are skipped", file=sys.stderr)
    n = a.count_per_producer

    def emit(name: str, pdf: Path, art: dict, family: str, producer: str, columns: int = 1,
             cahier: bool | None = None) -> None:
        shutil.copy(pdf, a.out / f"{name}.pdf")
        (a.out / f"{name}.md").write_text(reference(art), encoding="utf-8")
        meta = {"title": art["title"], "producer": producer, "family": family, "columns": columns,
                "kind": "single", "pages": pages_of(pdf), "articles": [art["id"]]}
        if cahier is not None:
            meta["cahier"] = cahier
        (a.out / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")
        print(f"{name}: {meta['pages']} pages", file=sys.stderr)

    def attempt(fn, *args) -> None:
        try:
            fn(*args)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"warning: {e}", file=sys.stderr)

    def latex(i: int, engine: str, columns: int, multicol: bool = False) -> None:
        art = next(pool)
        name = f"{engine}{'-multicol' if multicol else ''}-{columns}col-{i}"
        src = latex_source(art, paper="a4" if columns == 2 or i % 2 else "a5", columns=columns, engine=engine,
                           folio="plain", hyperref=i % 2 == 0, multicol=multicol)
        pdf = run_latex(src, engine, work, name)
        emit(name, pdf, art, engine, engine + ("-multicol" if multicol else ""), 2 if multicol else columns)
        if have["gs"] and not multicol:
            gs_rewrite(pdf, work / f"gs-{name}.pdf")
            emit(f"gs-{name}", work / f"gs-{name}.pdf", art, "ghostscript", f"gs({engine})", columns)

    def groff(i: int) -> None:
        art = next(pool)
        ms = work / f"groff-{i}.ms"
        ms.write_text(groff_source(art), encoding="utf-8")
        pdf = work / f"groff-pdf-{i}.pdf"
        pdf.write_bytes(subprocess.run(["groff", "-ms", "-Kutf8", "-Tpdf", str(ms)], capture_output=True,
                                       timeout=300).stdout)
        emit(f"groff-pdf-{i}", pdf, art, "groff", "groff-pdf")
        if have["ps2pdf"]:
            ps = subprocess.run(["groff", "-ms", "-Kutf8", "-Tps", str(ms)], capture_output=True,
                                timeout=300).stdout
            (work / f"groff-{i}.ps").write_bytes(ps)
            sh(["ps2pdf", str(work / f"groff-{i}.ps"), str(work / f"groff-ps2pdf-{i}.pdf")])
            emit(f"groff-ps2pdf-{i}", work / f"groff-ps2pdf-{i}.pdf", art, "ghostscript", "groff-ps2pdf")

    def wkhtml(i: int) -> None:
        art = next(pool)
        title = [art["title"], f"article-{i}.html", f"Microsoft Word - brochure-{i}.docx"][i % 3]
        page = work / f"wk-{i}.html"
        page.write_text(html_source(art, title), encoding="utf-8")
        pdf = work / f"wkhtmltopdf-{i}.pdf"
        sh(["wkhtmltopdf", "-q", "--page-size", "A4", str(page), str(pdf)])
        emit(f"wkhtmltopdf-{i}", pdf, art, "wkhtmltopdf", "wkhtmltopdf")
        if have["gs"]:
            gs_rewrite(pdf, work / f"gs-wk-{i}.pdf")
            emit(f"gs-wkhtmltopdf-{i}", work / f"gs-wk-{i}.pdf", art, "ghostscript", "gs(wkhtmltopdf)")

    def chromium(i: int) -> None:
        art = next(pool)
        page = work / f"chromium-{i}.html"
        page.write_text(html_source(art, art["title"]), encoding="utf-8")
        pdf = work / f"chromium-{i}.pdf"
        with tempfile.TemporaryDirectory(prefix="pdfreal-chromium-") as profile:
            sh(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.resolve().as_uri()])
        emit(f"chromium-{i}", pdf, art, "chromium", "chromium")
        if have["gs"]:
            gs_rewrite(pdf, work / f"gs-chromium-{i}.pdf")
            emit(f"gs-chromium-{i}", work / f"gs-chromium-{i}.pdf", art, "ghostscript", "gs(chromium)")

    def libreoffice(i: int, fmt: str) -> None:
        art = next(pool)
        title = [art["title"], f"brochure-{i}.{fmt}", art["title"]][i % 3]
        page = work / f"lo-{fmt}-{i}.html"
        page.write_text(html_source(art, title), encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="pdfreal-lo-") as profile:
            env = f"-env:UserInstallation={Path(profile).as_uri()}"
            filt = {"odt": "odt:writer8", "docx": "docx:MS Word 2007 XML"}[fmt]
            sh(["soffice", env, "--headless", "--infilter=HTML (StarWriter)", "--convert-to", filt,
                "--outdir", str(work), str(page)])
            sh(["soffice", env, "--headless", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work),
                str(work / f"lo-{fmt}-{i}.{fmt}")])
        pdf = work / f"lo-{fmt}-{i}.pdf"
        emit(f"lo-{fmt}-{i}", pdf, art, "libreoffice", f"lo-{fmt}")
        if have["gs"] and fmt == "odt":
            gs_rewrite(pdf, work / f"gs-lo-{fmt}-{i}.pdf")
            emit(f"gs-lo-{fmt}-{i}", work / f"gs-lo-{fmt}-{i}.pdf", art, "ghostscript", "gs(libreoffice)")

    def landscape(i: int) -> None:
        # Landscape pages that are no cahier: lines across the whole width, or two columns.
        art = next(pool) if i % 2 == 0 else gathered([next(pool), next(pool)])
        columns = 1 + i % 2
        name = f"landscape-{columns}col-{i}"
        src = latex_source(art, paper="a4", columns=columns, engine="pdflatex", folio="none" if i % 3 else "plain",
                           hyperref=True, landscape=True)
        pdf = run_latex(src, "pdflatex", work, name)
        emit(name, pdf, art, "landscape", "pdflatex-landscape", columns=columns, cahier=False)

    def imposed(i: int) -> None:
        # Every other one gathers three articles: a cahier of several sheets.
        art = next(pool) if i % 2 == 0 else gathered([next(pool), next(pool), next(pool)])
        folio = ["plain", "dashes", "none"][i % 3]
        name = f"a5-{folio}-{i}"
        src = latex_source(art, paper="a5", columns=1, engine="pdflatex", folio=folio, hyperref=True)
        pdf = run_latex(src, "pdflatex", work, name)
        out = work / f"2up-{i}.pdf"
        sh(["pdfjam", "--nup", "2x1", "--landscape", "--outfile", str(out), str(pdf)], cwd=work)
        emit(f"pdfjam-2up-{folio}-{i}", out, art, "pdfjam-2up", "pdfjam-2up", columns=2, cahier=False)
        out = work / f"booklet-{i}.pdf"
        sh(["pdfjam", "--booklet", "true", "--landscape", "--outfile", str(out), str(pdf)], cwd=work)
        emit(f"pdfjam-booklet-{folio}-{i}", out, art, "booklet", "pdfjam-booklet", cahier=True)
        if have["pdfbook2"]:
            shutil.copy(pdf, work / f"pb-{i}.pdf")
            sh(["pdfbook2", "--no-crop", f"pb-{i}.pdf"], cwd=work)
            emit(f"pdfbook2-{folio}-{i}", work / f"pb-{i}-book.pdf", art, "booklet", "pdfbook2", cahier=True)

    for i in range(n):
        if have["pdflatex"]:
            attempt(latex, i, "pdflatex", 1)
            attempt(latex, i, "pdflatex", 2)
            attempt(latex, i, "pdflatex", 2, True)
        if have["lualatex"]:
            attempt(latex, i, "lualatex", 1 + i % 2)
        if have["groff"]:
            attempt(groff, i)
        if have["wkhtmltopdf"]:
            attempt(wkhtml, i)
        if have["chromium"]:
            attempt(chromium, i)
        if have["soffice"]:
            attempt(libreoffice, i, "odt")
            attempt(libreoffice, i, "docx")
    if have["pdflatex"] and have["pdfjam"]:
        for i in range(2 * n):
            attempt(imposed, i)
    if have["pdflatex"]:
        for i in range(n):
            attempt(landscape, i)
    print(f"set in {a.out} (sources in {work})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
