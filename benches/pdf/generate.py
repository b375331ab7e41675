#!/usr/bin/env python3
"""generate.py - build the PDF text-extraction benchmark set from the demo archive.

Every PDF is typeset from articles of the demo corpus (corpus/articles/<site>/**/*.md,
Markdown with a TOML `+++` or YAML `---` front matter) by one of four producers:

  veille       veille's own brochure (`veille brochure --basket ... --format pdf,markdown`),
               A5 or A4, one column, running heads, French hyphenation, table of contents,
               sources page; the reference text is the brochure's own Markdown output,
               aligned to what the PDF prints.
  typst        Typst through the PyPI package `typst`: one or two columns, justified,
               French hyphenation, real footnotes, running head (title) and page numbers.
  libreoffice  `soffice --convert-to pdf` of an HTML file (Writer import): one or two
               columns (CSS column-count), real footnotes (LibreOffice's sdfootnote
               anchors), page header with the title and footer with the page number
               (Writer puts them on odd pages only); always A4 (@page size is ignored).
  chromium     headless Chromium print-to-PDF of an HTML file: one or two columns
               (column-count), running head and page numbers (@page margin boxes),
               footnotes as numbered endnotes after each article.

Hyphenation: Typst and veille hyphenate French themselves; for the HTML producers
(Chromium ships no hyphenation dictionary when offline, LibreOffice's import ignores
CSS hyphens) soft hyphens are inserted with the `pyphen` package when it is installed,
so words are really broken at line ends.

About three quarters of the documents hold one article; the others ("multi") gather
3-6 articles of one theme of corpus/themes.toml under the theme's label (4-16 pages),
so running heads, page numbers and column breaks are exercised over many pages.
Half of the Typst/HTML documents also turn the articles' link targets into footnotes.

For each document OUT_DIR gets
  NAME.pdf   the PDF
  NAME.md    the reference text: the Markdown actually printed (title, subtitle, bylines,
             bodies, footnote texts); for veille, the brochure's Markdown output aligned
             to what the PDF prints (see align_brochure_markdown; the raw output is kept
             as NAME.brochure.md, and --veille-reference markdown uses it as is)
  NAME.json  {"title", "producer", "columns", "pages", "paper", "articles", "kind"}
and OUT_DIR/sources/ keeps the intermediate .typ/.html files for debugging.
A producer whose tool is missing is skipped with a warning and its share goes to the
others, so the set keeps its size.

usage: python3 benches/pdf/generate.py /tmp/pdfset [--veille target/release/veille]
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCERS = ("veille", "typst", "libreoffice", "chromium")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr)


# ============================================================================ corpus
@dataclass
class Article:
    id: str
    site: str
    title: str
    authors: list[str]
    published: dt.date | None
    tags: list[str]
    body: str                      # Markdown, front matter removed
    path: Path

    def byline(self) -> str:
        """'A, B — 17 mars 2026' (what the Typst/HTML producers print under the title)."""
        parts = [", ".join(self.authors)] if self.authors else []
        if self.published:
            d = self.published
            parts.append(f"{d.day} {MONTHS[d.month - 1]} {d.year}")
        return " — ".join(parts)


def parse_front_matter(text: str) -> tuple[dict, str]:
    """Splits a `+++` TOML or `---` YAML front matter from the Markdown body."""
    for fence, kind in (("+++", "toml"), ("---", "yaml")):
        if text.startswith(fence + "\n"):
            end = text.find("\n" + fence + "\n", len(fence))
            if end < 0:
                continue
            head, body = text[len(fence) + 1:end], text[end + len(fence) + 2:]
            if kind == "toml":
                return tomllib.loads(head), body
            try:
                import yaml
                return yaml.safe_load(head) or {}, body
            except ImportError:  # a flat `key: value` reader is enough for titles
                meta = {}
                for line in head.splitlines():
                    k, sep, v = line.partition(":")
                    if sep and not line.startswith((" ", "-")):
                        meta[k.strip()] = v.strip().strip("\"'")
                return meta, body
    return {}, text


def as_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def load_articles(corpus: Path) -> list[Article]:
    out = []
    for p in sorted((corpus / "articles").glob("*/**/*.md")):
        meta, body = parse_front_matter(p.read_text(encoding="utf-8"))
        authors = meta.get("authors") or ([meta["author"]] if meta.get("author") else [])
        out.append(Article(id=str(meta.get("id", p.stem)), site=p.relative_to(corpus / "articles").parts[0],
                           title=str(meta.get("title", p.stem)).strip(), authors=[str(a) for a in authors],
                           published=as_date(meta.get("published")), tags=list(meta.get("tags") or []),
                           body=body.strip() + "\n", path=p))
    return out


@dataclass
class Theme:
    id: str
    label: str
    description: str
    words: list[str]               # the plain words and phrases of its query


def load_themes(corpus: Path) -> list[Theme]:
    data = tomllib.loads((corpus / "themes.toml").read_text(encoding="utf-8"))
    themes = []
    for t in data.get("theme", []):
        q = t.get("query", "")
        phrases = re.findall(r'"([^"]+)"', q)
        rest = re.sub(r'"[^"]+"|\b(OU|OR|ET|AND)\b|-\w+|\w+:\S+|[()]', " ", q)
        words = [w.casefold() for w in phrases + rest.split() if len(w) > 1]
        themes.append(Theme(t["id"], t.get("label", t["id"]), t.get("description", ""), words))
    return themes


def theme_articles(theme: Theme, articles: list[Article]) -> list[Article]:
    """Articles mentioning the theme's query words, most mentions first (a rough relevance)."""
    def hits(a: Article) -> int:
        text = f"{a.title} {' '.join(a.tags)} {a.body}".casefold()
        return sum(len(re.findall(r"\b" + re.escape(w) + r"\b", text)) for w in theme.words)
    scored = sorted(((hits(a), a.id, a) for a in articles), key=lambda x: (-x[0], x[1]))
    return [a for h, _, a in scored if h > 0]


# ============================================================================ Markdown
# Inline nodes: ("text", s) ("em", nodes) ("strong", nodes) ("link", nodes, url)
# ("fnref", label) ("code", s).
@dataclass
class Block:
    """kind: heading | para | list | quote | rule | footnote.  `texts` holds the Markdown
    inline text: one string, or one per list item / quoted paragraph."""
    kind: str
    texts: list[str]
    level: int = 0                 # heading level
    start: int | None = None       # first number of an ordered list (None: bullets)
    label: str = ""                # footnote label


BLOCK_START = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+\.\s|>|\[\^[^\]]+\]:|(---|\*\*\*|___)\s*$)")


def parse_blocks(md: str) -> list[Block]:
    lines, blocks, i = md.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif m := re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line):
            blocks.append(Block("heading", [m[2]], level=len(m[1])))
            i += 1
        elif re.match(r"^(---|\*\*\*|___)\s*$", line):
            blocks.append(Block("rule", []))
            i += 1
        elif m := re.match(r"^\[\^([^\]]+)\]:\s*(.*)", line):
            text, i = m[2], i + 1
            while i < len(lines) and lines[i].strip() and not BLOCK_START.match(lines[i]):
                text, i = text + " " + lines[i].strip(), i + 1
            blocks.append(Block("footnote", [text], label=m[1]))
        elif m := re.match(r"^([-*+]|\d+\.)\s+", line):
            ordered = m[1][0].isdigit()
            start = int(m[1][:-1]) if ordered else None
            items = []
            while i < len(lines) and (m := re.match(r"^([-*+]|\d+\.)\s+(.*)", lines[i])) \
                    and m[1][0].isdigit() == ordered:
                items.append(m[2])
                i += 1
                while i < len(lines) and lines[i].startswith(("  ", "\t")) and lines[i].strip():
                    items[-1] += " " + lines[i].strip()
                    i += 1
            blocks.append(Block("list", items, start=start))
        elif line.startswith(">"):
            paras, cur = [], []
            while i < len(lines) and lines[i].startswith(">"):
                t = lines[i][1:].strip()
                if t:
                    cur.append(t)
                elif cur:
                    paras.append(" ".join(cur)); cur = []
                i += 1
            if cur:
                paras.append(" ".join(cur))
            blocks.append(Block("quote", paras))
        else:
            text = [line.strip()]
            i += 1
            while i < len(lines) and lines[i].strip() and not BLOCK_START.match(lines[i]):
                text.append(lines[i].strip())
                i += 1
            blocks.append(Block("para", [" ".join(text)]))
    return blocks


INLINE = re.compile(
    r"(?P<fnref>\[\^(?P<label>[^\]]+)\])"
    r"|(?P<image>!\[[^\]]*\]\([^)]*\))"
    r"|(?P<link>\[(?P<ltext>(?:[^\[\]]|\[[^\]]*\])+)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\))"
    r"|<(?P<auto>https?://[^>\s]+)>"
    r"|`(?P<code>[^`]+)`"
    r"|\*\*(?P<strong>\S(?:.*?\S)?)\*\*"
    r"|\*(?P<em>[^\s*](?:.*?[^\s*])?)\*"
    r"|(?<!\w)_(?P<em2>[^\s_](?:.*?[^\s_])?)_(?!\w)")


def parse_inline(text: str) -> list[tuple]:
    nodes, pos = [], 0
    for m in INLINE.finditer(text):
        if m.start() > pos:
            nodes.append(("text", text[pos:m.start()]))
        if m["fnref"]:
            nodes.append(("fnref", m["label"]))
        elif m["image"]:
            pass  # no images are printed
        elif m["link"]:
            nodes.append(("link", parse_inline(m["ltext"]), m["url"]))
        elif m["auto"]:
            nodes.append(("link", [("text", m["auto"])], m["auto"]))
        elif m["code"] is not None:
            nodes.append(("code", m["code"]))
        elif m["strong"] is not None:
            nodes.append(("strong", parse_inline(m["strong"])))
        else:
            nodes.append(("em", parse_inline(m["em"] if m["em"] is not None else m["em2"])))
        pos = m.end()
    if pos < len(text):
        nodes.append(("text", text[pos:]))
    return nodes


# ============================================================================ documents
@dataclass
class Section:
    """One article as printed: heading, byline, blocks; footnotes resolved per article."""
    title: str
    byline: str
    blocks: list[Block]
    notes: dict[str, str]          # footnote label -> Markdown text


@dataclass
class Doc:
    name: str
    producer: str
    title: str
    subtitle: str
    articles: list[Article]
    columns: int = 1
    paper: str = "a4"
    links_as_notes: bool = False
    theme: str | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def multi(self) -> bool:
        return self.theme is not None

    def build_sections(self) -> None:
        for a in self.articles:
            blocks, notes = [], {}
            for b in parse_blocks(a.body):
                if b.kind == "footnote":
                    notes[b.label] = b.texts[0]
                else:
                    blocks.append(b)
            if self.links_as_notes:  # [text](url) -> text[^uN] with the URL as the note
                n = 0

                def to_note(m):
                    nonlocal n
                    n += 1
                    notes[f"u{n}"] = m["url"]
                    return f"{m['text']}[^u{n}]"
                link = re.compile(r"(?<!!)\[(?P<text>(?:[^\[\]^]|\[[^\]]*\])+)\]\((?P<url>[^)\s]+)\)")
                for b in blocks:
                    b.texts = [link.sub(to_note, t) for t in b.texts]
            self.sections.append(Section(a.title, a.byline(), blocks, notes))

    def meta(self, pages: int) -> dict:
        return {"title": self.title, "producer": self.producer, "columns": self.columns,
                "pages": pages, "paper": self.paper, "kind": "multi" if self.multi else "single",
                "theme": self.theme, "links_as_footnotes": self.links_as_notes,
                "articles": [a.id for a in self.articles]}


def note_labels(section: Section) -> tuple[list[str], list[str]]:
    """(labels called in the text, in order of first call; labels never called)."""
    called = []
    for b in section.blocks:
        for t in b.texts:
            for lab in re.findall(r"\[\^([^\]]+)\]", t):
                if lab in section.notes and lab not in called:
                    called.append(lab)
    return called, [lab for lab in section.notes if lab not in called]


def heading_level(doc: Doc, level: int) -> int:
    """Article headings sit one level under the article title (two in a multi document)."""
    return min(6, level + (1 if doc.multi else 0))


# ---------------------------------------------------------------------------- reference
def reference_markdown(doc: Doc) -> str:
    """The Markdown of what the Typst/HTML producers print (bodies kept verbatim)."""
    out = [f"# {doc.title}", ""]
    if doc.subtitle:
        out += [doc.subtitle, ""]
    for s in doc.sections:
        if doc.multi:
            out += [f"## {s.title}", ""]
        out += [s.byline, ""]
        for b in s.blocks:
            if b.kind == "heading":
                out.append("#" * heading_level(doc, b.level) + " " + b.texts[0])
            elif b.kind == "para":
                out.append(b.texts[0])
            elif b.kind == "list":
                out += [(f"{b.start + k}. " if b.start is not None else "- ") + t for k, t in enumerate(b.texts)]
            elif b.kind == "quote":
                out.append("\n>\n".join("> " + t for t in b.texts))
            elif b.kind == "rule":
                out.append("---")
            out.append("")
        for lab in sum(note_labels(s), []):
            out.append(f"[^{lab}]: {s.notes[lab]}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------- Typst
def tstr(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_inline(nodes: list[tuple], notes: dict[str, str]) -> str:
    out = []
    for n in nodes:
        if n[0] == "text":
            out.append(f"#{tstr(n[1])};")
        elif n[0] == "em":
            out.append(f"#emph[{typst_inline(n[1], notes)}]")
        elif n[0] == "strong":
            out.append(f"#strong[{typst_inline(n[1], notes)}]")
        elif n[0] == "link":
            out.append(f"#link({tstr(n[2])})[{typst_inline(n[1], notes)}]")
        elif n[0] == "code":
            out.append(f"#raw({tstr(n[1])})")
        elif n[0] == "fnref" and n[1] in notes:
            out.append(f"#footnote[{typst_inline(parse_inline(notes[n[1]]), {})}]")
    return "".join(out)


def typst_source(doc: Doc) -> str:
    font = "Libertinus Serif" if doc.columns == 1 else "DejaVu Serif"
    size = "11pt" if doc.columns == 1 else "9.5pt"
    authors = sorted({a for art in doc.articles for a in art.authors})
    src = [
        f"#let doctitle = {tstr(doc.title)}",
        f"#set document(title: doctitle, author: ({', '.join(tstr(a) for a in authors)}{',' if len(authors) == 1 else ''}))",
        f'#set page(paper: "{"a5" if doc.paper == "a5" else "a4"}", margin: (x: 18mm, top: 22mm, bottom: 20mm), '
        f"columns: {doc.columns},",
        "  header: context { if counter(page).get().first() > 1 [",
        "    #set text(size: 8pt, style: \"italic\"); #h(1fr) #doctitle #h(1fr) ] },",
        "  footer: context [ #set text(size: 8pt); #h(1fr) #counter(page).display(\"1 / 1\", both: true) #h(1fr) ])",
        f'#set text(lang: "fr", hyphenate: true, font: "{font}", size: {size})',
        "#set par(justify: true, spacing: 0.9em)",
        "#set columns(gutter: 7mm)",
        "#show heading.where(level: 1): set text(size: 1.6em)",
        "#show heading: set block(above: 1.2em, below: 0.7em)",
        "",
    ]
    head = [f"#heading(level: 1)[{typst_inline([('text', doc.title)], {})}]"]
    if doc.subtitle:
        head.append(f"#emph[{typst_inline([('text', doc.subtitle)], {})}]")
    if doc.columns == 2:  # the title spans both columns
        src.append('#place(top, float: true, scope: "parent", clearance: 1.5em)[' + "\n".join(head) + "]")
    else:
        src += head
    src.append("")
    for s in doc.sections:
        if doc.multi:
            src.append(f"#heading(level: 2)[{typst_inline([('text', s.title)], {})}]")
        src += [f"#text(size: 0.85em)[{typst_inline([('text', s.byline)], {})}]", ""]
        for b in s.blocks:
            texts = [typst_inline(parse_inline(t), s.notes) for t in b.texts]
            if b.kind == "heading":
                src.append(f"#heading(level: {heading_level(doc, b.level)})[{texts[0]}]")
            elif b.kind == "para":
                src.append(texts[0])
            elif b.kind == "list":
                items = ", ".join(f"[{t}]" for t in texts)
                src.append(f"#enum(start: {b.start}, {items})" if b.start is not None else f"#list({items})")
            elif b.kind == "quote":
                src.append(f"#quote(block: true)[{' #parbreak() '.join(texts)}]")
            elif b.kind == "rule":
                src.append("#align(center, line(length: 30%, stroke: 0.5pt))")
            src.append("")
        for lab in note_labels(s)[1]:  # notes never called are printed as paragraphs
            src += [typst_inline(parse_inline(s.notes[lab]), {}), ""]
    return "\n".join(src)


def make_typst(doc: Doc, out: Path, srcdir: Path) -> None:
    import typst
    src = typst_source(doc)
    (srcdir / f"{doc.name}.typ").write_text(src, encoding="utf-8")
    typst.compile(src.encode("utf-8"), output=str(out / f"{doc.name}.pdf"))


# ---------------------------------------------------------------------------- HTML
class Hyphenator:
    """Inserts soft hyphens (U+00AD) into French words with pyphen, if installed."""

    def __init__(self, enabled: bool):
        self.dic = None
        if enabled:
            try:
                import pyphen
                self.dic = pyphen.Pyphen(lang="fr_FR")
            except (ImportError, KeyError):
                warn("pyphen is not installed: the HTML producers print without hyphenation "
                     "(pip install pyphen)")

    def __call__(self, text: str) -> str:
        if not self.dic:
            return text
        return re.sub(r"[^\W\d_]{7,}", lambda m: self.dic.inserted(m[0], hyphen="\u00ad"), text)


class HtmlWriter:
    """Renders a Doc as HTML for Chromium (endnotes, @page boxes) or LibreOffice (footnotes)."""

    def __init__(self, doc: Doc, flavor: str, hyph: Hyphenator):
        self.doc, self.flavor, self.hyph = doc, flavor, hyph
        self.lo_notes: list[str] = []  # LibreOffice footnote bodies, numbered over the document
        self.in_heading = False

    def text(self, s: str, hyphenate: bool = True) -> str:
        """Escaped text; soft hyphens in running text only (not in headings and bylines)."""
        return html.escape(self.hyph(s) if hyphenate and not self.in_heading else s, quote=False)

    def inline(self, nodes, notes, calls) -> str:
        out = []
        for n in nodes:
            if n[0] == "text":
                out.append(self.text(n[1]))
            elif n[0] in ("em", "strong"):
                out.append(f"<{n[0]}>{self.inline(n[1], notes, calls)}</{n[0]}>")
            elif n[0] == "link":
                out.append(f'<a href="{html.escape(n[2])}">{self.inline(n[1], notes, calls)}</a>')
            elif n[0] == "code":
                out.append(f"<code>{self.text(n[1], False)}</code>")
            elif n[0] == "fnref" and n[1] in notes:
                out.append(self.note_call(n[1], notes, calls))
        return "".join(out)

    def note_call(self, label, notes, calls) -> str:
        if self.flavor == "libreoffice":
            self.lo_notes.append(self.inline(parse_inline(notes[label]), {}, []))
            k = len(self.lo_notes)
            return (f'<a class="sdfootnoteanc" name="sdfootnote{k}anc" href="#sdfootnote{k}sym">'
                    f"<sup>{k}</sup></a>")
        if label not in calls:
            calls.append(label)
        return f"<sup>{calls.index(label) + 1}</sup>"

    def section(self, s: Section) -> str:
        doc, calls, out = self.doc, [], []
        if doc.multi:
            out.append(f"<h2>{self.text(s.title, False)}</h2>")
        out.append(f'<p class="byline">{self.text(s.byline, False)}</p>')
        for b in s.blocks:
            self.in_heading = b.kind == "heading"
            texts = [self.inline(parse_inline(t), s.notes, calls) for t in b.texts]
            self.in_heading = False
            if b.kind == "heading":
                lvl = heading_level(doc, b.level)
                out.append(f"<h{lvl}>{texts[0]}</h{lvl}>")
            elif b.kind == "para":
                out.append(f"<p>{texts[0]}</p>")
            elif b.kind == "list":
                tag = "ol" if b.start is not None else "ul"
                start = f' start="{b.start}"' if b.start not in (None, 1) else ""
                out.append(f"<{tag}{start}>" + "".join(f"<li>{t}</li>" for t in texts) + f"</{tag}>")
            elif b.kind == "quote":
                out.append("<blockquote>" + "".join(f"<p>{t}</p>" for t in texts) + "</blockquote>")
            elif b.kind == "rule":
                out.append("<hr>")
        if calls:  # Chromium: the article's notes as numbered endnotes
            items = "".join(f"<li>{self.inline(parse_inline(s.notes[lab]), {}, [])}</li>" for lab in calls)
            out.append(f'<hr class="notes"><ol class="notes">{items}</ol>')
        for lab in note_labels(s)[1]:  # notes never called are printed as paragraphs
            out.append(f"<p>{self.inline(parse_inline(s.notes[lab]), {}, [])}</p>")
        return "\n".join(out)

    def css(self) -> str:
        doc = self.doc
        page = "A5" if doc.paper == "a5" else "A4"
        title_css = '"' + doc.title.replace("\\", "\\\\").replace('"', '\\"') + '"'
        font = '"Liberation Serif", serif' if doc.columns == 1 else '"DejaVu Serif", serif'
        css = [f"@page {{ size: {page}; margin: 20mm 17mm 20mm 17mm;"]
        if self.flavor == "chromium":
            css += [f"  @top-center {{ content: {title_css}; font: italic 8pt {font}; }}",
                    "  @bottom-center { content: counter(page) \" / \" counter(pages); font: 8pt serif; } }",
                    "@page :first { @top-center { content: none; } }"]
        else:
            css.append("}")
        css += [f"body {{ font-family: {font}; font-size: {'11pt' if doc.columns == 1 else '9.5pt'}; "
                "line-height: 1.35; }",
                "p, li { text-align: justify; hyphens: auto; -webkit-hyphens: auto; }",
                "p { margin: 0 0 0.6em 0; }",
                "h1 { font-size: 20pt; } h2 { font-size: 14pt; } h3 { font-size: 12pt; }",
                ".byline, .subtitle { font-size: 0.9em; font-style: italic; }",
                "blockquote { margin: 0.5em 1.5em; font-style: italic; }",
                "ol.notes { font-size: 0.85em; }"]
        if doc.columns == 2:
            css.append(".cols { column-count: 2; column-gap: 7mm; }")
        return "\n".join(css)

    def render(self) -> str:
        doc = self.doc
        authors = ", ".join(sorted({a for art in doc.articles for a in art.authors}))
        body = "\n".join(self.section(s) for s in doc.sections)
        parts = ['<!DOCTYPE html>', '<html lang="fr">', "<head>", '<meta charset="utf-8">',
                 f"<title>{html.escape(doc.title)}</title>",
                 f'<meta name="author" content="{html.escape(authors)}">',
                 f"<style>\n{self.css()}\n</style>", "</head>", "<body>"]
        if self.flavor == "libreoffice":  # Writer reads these divs as page header and footer
            parts.append(f'<div title="header"><p align="center"><i>{html.escape(doc.title)}</i></p></div>')
        parts.append(f"<h1>{self.text(doc.title, False)}</h1>")
        if doc.subtitle:
            parts.append(f'<p class="subtitle">{self.text(doc.subtitle)}</p>')
        parts.append(f'<div class="cols">\n{body}\n</div>' if doc.columns == 2 else body)
        for k, note in enumerate(self.lo_notes, 1):
            parts.append(f'<div id="sdfootnote{k}"><p class="sdfootnote"><a class="sdfootnotesym" '
                         f'name="sdfootnote{k}sym" href="#sdfootnote{k}anc">{k}</a>{note}</p></div>')
        if self.flavor == "libreoffice":
            parts.append('<div title="footer"><p align="center">'
                         '<sdfield type=PAGE subtype=RANDOM format=PAGE>1</sdfield></p></div>')
        parts += ["</body>", "</html>"]
        return "\n".join(parts)


def make_chromium(doc: Doc, out: Path, srcdir: Path, hyph: Hyphenator, chromium: str) -> None:
    page = srcdir / f"{doc.name}.html"
    page.write_text(HtmlWriter(doc, "chromium", hyph).render(), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="veille-bench-chromium-") as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--no-first-run", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={profile}",
                        f"--print-to-pdf={out / (doc.name + '.pdf')}", "--no-pdf-header-footer",
                        page.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)


def make_libreoffice(docs: list[Doc], out: Path, srcdir: Path, hyph: Hyphenator, soffice: str) -> None:
    """Converts all LibreOffice documents in one soffice run (start-up is the slow part)."""
    if not docs:
        return
    pages = []
    for doc in docs:
        page = srcdir / f"{doc.name}.html"
        page.write_text(HtmlWriter(doc, "libreoffice", hyph).render(), encoding="utf-8")
        pages.append(str(page))
    with tempfile.TemporaryDirectory(prefix="veille-bench-lo-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export",
                        "--outdir", str(out), *pages],
                       check=True, capture_output=True, timeout=60 + 30 * len(docs))


# ---------------------------------------------------------------------------- veille
class VeilleHome:
    """A throw-away copy of the home (veille.toml + corpus/) where baskets can be written."""

    def __init__(self, binary: str, home_src: Path, align: bool = True):
        self.binary, self.align = binary, align
        self.tmp = tempfile.TemporaryDirectory(prefix="veille-bench-home-")
        self.home = Path(self.tmp.name)
        shutil.copy2(home_src / "veille.toml", self.home / "veille.toml")
        shutil.copytree(home_src / "corpus", self.home / "corpus",
                        ignore=shutil.ignore_patterns("baskets"))
        (self.home / "corpus" / "baskets").mkdir()
        self.run("index")

    def run(self, *args: str) -> None:
        r = subprocess.run([self.binary, "--home", str(self.home), "--color", "never", *args],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"veille {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")

    def brochure(self, doc: Doc, out: Path) -> None:
        basket = doc.name.replace("_", "-")
        lines = [f"title = {json.dumps(doc.title, ensure_ascii=False)}", "articles = ["]
        lines += [f'    "{a.id}",' for a in doc.articles] + ["]", ""]
        (self.home / "corpus" / "baskets" / f"{basket}.toml").write_text("\n".join(lines), encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="veille-bench-brochure-") as tmp:
            args = ["brochure", "--basket", basket, "--title", doc.title, "--format", "pdf,markdown",
                    "--paper", doc.paper, "-o", tmp]
            if doc.subtitle:
                args += ["--subtitle", doc.subtitle]
            self.run(*args)
            made = {ext: sorted(Path(tmp).glob(f"*.{ext}")) for ext in ("pdf", "md")}
            if any(len(m) != 1 for m in made.values()):
                raise RuntimeError(f"veille brochure wrote {len(made['pdf'])} PDF and {len(made['md'])} "
                                   f"Markdown files for {doc.name}")
            md = made["md"][0].read_text(encoding="utf-8")
            (out / f"{doc.name}.brochure.md").write_text(md, encoding="utf-8")
            ref = align_brochure_markdown(md, doc.articles) if self.align else md
            (out / f"{doc.name}.md").write_text(ref, encoding="utf-8")
            shutil.move(made["pdf"][0], out / f"{doc.name}.pdf")

    def close(self) -> None:
        self.tmp.cleanup()


# The PDF colophon has one sentence more than the Markdown one (src/brochure/pdf.rs).
VEILLE_PDF_COLOPHON_EXTRA = ("Les textes restent à leurs auteurs ; les adresses de la page des "
                             "sources disent où les lire.")


def align_brochure_markdown(md: str, articles: list[Article]) -> str:
    """The brochure Markdown rewritten to the words the PDF prints.

    `veille brochure --format markdown` and the PDF template differ in a few places; left
    as they are, a perfect extractor would lose about 2 points of F1 on veille's brochures:
      - contents: the Markdown numbers its entries and adds each article's site, the PDF
        lists the titles (with page numbers) and an entry for the sources page;
      - bylines: the Markdown joins the last two authors with "et", the PDF with a comma;
      - sources: the Markdown numbers the entries and adds "site, date" to each title, the
        PDF prints the title, the URL, and "repris aussi sur URL" once per URL;
      - colophon: the PDF adds VEILLE_PDF_COLOPHON_EXTRA.
    """
    lines = md.split("\n")
    heads = [i for i, ln in enumerate(lines) if ln.startswith("## ")]
    if len(heads) < 2:
        return md
    contents, sources = heads[0], heads[-1]
    sources_label = lines[sources][3:].strip()
    out = lines[:contents + 1]
    # contents: "1. [Title](#anchor) — *site*" -> "Title"; then the sources page's entry
    entries = [ln for ln in lines[contents + 1:heads[1]] if re.match(r"\d+\.\s", ln)]
    for ln in entries:
        m = re.match(r"\d+\.\s+\[(.*)\]\(#[^)]*\)", ln)
        out += ["", m[1] if m else re.sub(r"^\d+\.\s+", "", ln)]
    out += ["", sources_label, ""]
    # articles: bylines "A et B — site — date" -> "A, B — site — date"
    k = -1
    for i in range(heads[1], sources):
        ln = lines[i]
        if ln.startswith("## "):
            k, pending = k + 1, True
        elif pending and " — " in ln and not ln.startswith(("*", ">", "-")):
            pending = False
            if 0 <= k < len(articles) and len(articles[k].authors) >= 2:
                names, rest = ln.split(" — ", 1)
                head, sep, last = names.rpartition(" et ")
                ln = f"{head}, {last} — {rest}" if sep else ln
        out.append(ln)
    # sources: "1. *Title*, site, date — <url> — repris aussi sur <u1> et <u2>."
    out.append(lines[sources])
    k = 0
    tail = sources + 1
    while tail < len(lines) and not lines[tail].startswith("---"):
        ln = lines[tail]
        tail += 1
        if not re.match(r"\d+\.\s", ln):
            out.append(ln)
            continue
        parts = ln.rstrip().rstrip(".").split(" — ")
        title = articles[k].title if k < len(articles) else re.sub(r"^\d+\.\s+", "", parts[0])
        k += 1
        out += ["", title]
        for part in parts[1:]:
            if part.startswith("repris aussi sur"):
                out += ["repris aussi sur " + u for u in re.findall(r"<([^>]+)>", part)]
            else:
                out.append(part)
    # colophon
    for ln in lines[tail:]:
        if ln.startswith("*Brochure") and ln.endswith(".*"):
            ln = ln[:-1] + " " + VEILLE_PDF_COLOPHON_EXTRA + "*"
        out.append(ln)
    return "\n".join(out)


# ============================================================================ plan
def find_tools(veille_arg: str | None, wanted: list[str]) -> dict[str, str]:
    """Producer -> program (or module name); warns about the missing ones."""
    found = {}
    for p in wanted:
        prog = None
        if p == "veille":
            cand = veille_arg or (str(REPO / "target/release/veille")
                                  if (REPO / "target/release/veille").is_file() else "veille")
            prog = shutil.which(cand) or (cand if Path(cand).is_file() else None)
        elif p == "typst":
            try:
                import typst  # noqa: F401
                prog = "typst"
            except ImportError:
                pass
        elif p == "libreoffice":
            prog = shutil.which("soffice") or shutil.which("libreoffice")
        elif p == "chromium":
            prog = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                         "google-chrome", "chrome"))), None)
        if prog:
            found[p] = prog
        else:
            hint = {"typst": "pip install typst", "veille": "give --veille BIN"}.get(p, "apt-get install " + p)
            warn(f"producer {p} skipped: not found ({hint})")
    return found


def plan(articles: list[Article], themes: list[Theme], producers: list[str], count: int,
         multi_share: float, seed: int) -> list[Doc]:
    """Spreads `count` documents over the producers round-robin; about `multi_share` of them
    gather 3-6 articles of one theme, the others one article each (no article twice)."""
    rng = random.Random(seed)
    singles = articles[:]
    rng.shuffle(singles)
    per_producer = {p: 0 for p in producers}
    per_kind = {(p, m): 0 for p in producers for m in (False, True)}
    theme_used = {t.id: 0 for t in themes}
    docs, k_single, k_multi = [], 0, 0
    for k in range(count):
        producer = producers[k % len(producers)]
        n = per_producer[producer]
        per_producer[producer] += 1
        multi = int((n + 1) * multi_share) > int(n * multi_share)
        i = per_kind[producer, multi]  # alternate the variants within singles and within multis
        per_kind[producer, multi] += 1
        if producer == "veille":  # veille has one layout: vary the paper
            columns, paper, links_as_notes = 1, "a5" if i % 2 == 0 else "a4", False
        else:  # long one-column documents on A5, to get more pages
            columns, links_as_notes = 1 + i % 2, (i // 2) % 2 == 1
            paper = "a5" if multi and columns == 1 and producer != "libreoffice" else "a4"
        if not multi:
            a = singles[k_single % len(singles)]
            k_single += 1
            docs.append(Doc(f"{producer}-{n + 1:02d}-{columns}col", producer, a.title, "", [a],
                            columns, paper, links_as_notes))
            continue
        theme = themes[k_multi % len(themes)]
        k_multi += 1
        ranked = theme_articles(theme, articles)
        size = min(len(ranked), 3 + rng.randrange(4))
        offset = theme_used[theme.id] * size  # a theme used again gets the next articles
        theme_used[theme.id] += 1
        chosen = {ranked[(offset + i) % len(ranked)].id: ranked[(offset + i) % len(ranked)] for i in range(size)}
        chosen = sorted(chosen.values(), key=lambda a: (a.published or dt.date.min, a.id))
        docs.append(Doc(f"{producer}-{n + 1:02d}-{columns}col-multi", producer, theme.label,
                        theme.description, chosen, columns, paper, links_as_notes, theme.id))
    for d in docs:
        d.build_sections()
    return docs


def pdf_info(pdf: Path) -> tuple[int, str]:
    """(pages, page size as pdfinfo names it, e.g. "A4") of a PDF."""
    r = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    pages = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
    size = re.search(r"^Page size:\s+(.*?)\s*$", r.stdout, re.M)
    name = re.search(r"\((\w+)\)", size[1]) if size else None
    return int(pages[1]) if pages else 0, name[1] if name else (size[1] if size else "?")


# ============================================================================ main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="output directory (created)")
    ap.add_argument("--veille", help="veille binary (default: target/release/veille, else veille on PATH)")
    ap.add_argument("--home", type=Path, default=REPO, help="home to copy the corpus from (default: the repository)")
    ap.add_argument("--producers", default=",".join(PRODUCERS), help="comma-separated subset of " + ",".join(PRODUCERS))
    ap.add_argument("--count", type=int, default=68, help="number of PDFs (default 68)")
    ap.add_argument("--multi-share", type=float, default=0.25, help="share of multi-article documents")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2, help="parallel Chromium/Typst jobs")
    ap.add_argument("--no-soft-hyphens", action="store_true", help="do not hyphenate the HTML producers")
    ap.add_argument("--veille-reference", choices=("printed", "markdown"), default="printed",
                    help="reference of veille's brochures: its Markdown output aligned to what the PDF "
                         "prints (default), or that Markdown as is (kept anyway as NAME.brochure.md)")
    ap.add_argument("--force", action="store_true", help="empty OUT first if it holds files")
    a = ap.parse_args()

    if not shutil.which("pdfinfo"):
        ap.error("pdfinfo (poppler-utils) is needed to count pages")
    out = a.out
    if out.exists() and any(out.iterdir()):
        if not a.force:
            ap.error(f"{out} is not empty (use --force to replace its content)")
        for p in out.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    srcdir = out / "sources"
    srcdir.mkdir(parents=True, exist_ok=True)

    wanted = [p for p in a.producers.split(",") if p]
    if unknown := set(wanted) - set(PRODUCERS):
        ap.error(f"unknown producers: {', '.join(sorted(unknown))}")
    tools = find_tools(a.veille, wanted)
    if not tools:
        print("error: no producer available", file=sys.stderr)
        return 2
    articles = load_articles(a.home / "corpus")
    themes = load_themes(a.home / "corpus")
    print(f"{len(articles)} articles, {len(themes)} themes; producers: {', '.join(tools)}")
    docs = plan(articles, themes, [p for p in PRODUCERS if p in tools], a.count, a.multi_share, a.seed)
    hyph = Hyphenator(not a.no_soft_hyphens and ("chromium" in tools or "libreoffice" in tools))

    failed = []

    def attempt(doc: Doc, fn, *args) -> None:
        try:
            fn(*args)
        except Exception as e:  # one failed document must not stop the set
            failed.append(doc.name)
            warn(f"{doc.name}: {e}")

    by = {p: [d for d in docs if d.producer == p] for p in tools}
    if "veille" in tools and by["veille"]:
        try:
            home = VeilleHome(tools["veille"], a.home, align=a.veille_reference == "printed")
        except Exception as e:
            warn(f"producer veille skipped: {e}")
            failed += [d.name for d in by["veille"]]
        else:
            for d in by["veille"]:
                attempt(d, home.brochure, d, out)
            home.close()
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futs = [pool.submit(attempt, d, make_typst, d, out, srcdir) for d in by.get("typst", [])]
        futs += [pool.submit(attempt, d, make_chromium, d, out, srcdir, hyph, tools["chromium"])
                 for d in by.get("chromium", [])]
        if "libreoffice" in tools and by["libreoffice"]:
            try:
                make_libreoffice(by["libreoffice"], out, srcdir, hyph, tools["libreoffice"])
            except Exception as e:
                warn(f"libreoffice: {e}")
        for f in futs:
            f.result()

    made = []
    for d in docs:
        pdf = out / f"{d.name}.pdf"
        if not pdf.is_file():
            if d.name not in failed:
                warn(f"{d.name}: no PDF was written")
            continue
        if d.producer != "veille":
            (out / f"{d.name}.md").write_text(reference_markdown(d), encoding="utf-8")
        pages, d.paper = pdf_info(pdf)
        meta = d.meta(pages)
        (out / f"{d.name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        made.append(meta)

    print(f"{len(made)} PDFs, {sum(m['pages'] for m in made)} pages in {out}")
    for p in tools:
        ms = [m for m in made if m["producer"] == p]
        if ms:
            print(f"  {p:<12} {len(ms):>3} PDFs  {sum(m['pages'] for m in ms):>4} pages  "
                  f"2 columns: {sum(m['columns'] == 2 for m in ms):>2}  multi: {sum(m['kind'] == 'multi' for m in ms):>2}  "
                  f"pages/PDF {min(m['pages'] for m in ms)}-{max(m['pages'] for m in ms)}")
    return 0 if len(made) == len(docs) else 1


if __name__ == "__main__":
    sys.exit(main())
