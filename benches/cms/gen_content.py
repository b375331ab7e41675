#!/usr/bin/env python3
"""gen_content.py - builds the benchmark's CONTENT.json (the test bed kit's format) from the
PIAF paragraphs of French Wikipedia.

    python3 benches/cms/gen_content.py [PIAF_CORPUS.jsonl] [OUT.json]

Defaults: ../shared/eval/search/piaf/corpus.jsonl (from the repository's root) and
benches/cms/content.json.  Deterministic: the same input gives the same file.

40 posts of 3-8 paragraphs, each post made of the paragraphs of one Wikipedia article (in the
corpus' order), with titles written here, dates spread over 2023-2026 (a third of them late in
the evening, a few just past midnight, some on the days clocks change), 1-2 authors, 0-3 tags,
a category, an intertitle in some, a note in some (SPIP chapo in some), comments on a few; and
2 pages.  Paragraphs holding characters that SPIP or Markdown would read as markup
([ ] { } < > * _ # | ~ ` \\ &) are left out, so every CMS shows the same words, and so are
those holding a per cent sign: SPIP 4.0.3 on SQLite fails to save such a text (a fatal
ArgumentCountError in query_reinjecte_textes(), whose sprintf() reads the % as a placeholder).

The paragraphs are French Wikipedia text (CC BY-SA 4.0), as collected by PIAF
(etalab-ia/piaf-code); the titles, notes, comments and pages are ours.
"""
import html
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PIAF = HERE.parent.parent.parent / "shared/eval/search/piaf/corpus.jsonl"

# Wikipedia article -> the post's title (ours). ASCII and typographic apostrophes, « » quotes,
# colons and question marks on purpose (SPIP and wptexturize rewrite them).
TITLES = {
    "Système d'information marketing": "Ce que les entreprises savent de leurs clients",
    "Histoire de l'Acadie": "L'Acadie, une histoire de déportations",
    "NBA Gatorade League": "La ligue de développement du basket américain",
    "Chine": "Chine : repères d’histoire et de géographie",
    "Club olympique Roubaix-Tourcoing": "Le CO Roubaix-Tourcoing, un club ouvrier ?",
    "Carlo Gesualdo": "Gesualdo, prince et musicien",
    "Château de Kilkenny": "Le château de Kilkenny rendu au public",
    "Troisième dynastie d'Ur": "La troisième dynastie d'Ur et ses scribes",
    "Royaume de France": "Le « royaume de France » avant la Révolution",
    "Saint-Paul (île)": "Saint-Paul, une île de l’océan Indien",
    "Bataille de Bannockburn": "Bannockburn, 1314 : l'Écosse se soulève",
    "Camp de concentration du Stutthof": "Stutthof, mémoire d'un camp",
    "Exode des Grecs en Corse": "Quand des Grecs s'installèrent en Corse",
    "6 Heures de Shanghai 2017": "Six heures de course à Shanghai",
    "Les Guignols de l'info": "Les Guignols, la satire à l'heure du dîner",
    "Looney Tunes": "Les Looney Tunes, cartoons d'atelier",
    "Pierre Du Bosc": "Pierre Du Bosc, prédicateur protestant",
    "Bourse de Brême": "La Bourse de Brême, histoire d’un bâtiment",
    "Acid Black Cherry": "Acid Black Cherry : le rock japonais en solo",
    "Marlyse de La Grange": "Portrait : Marlyse de La Grange",
    "Tortue géante des Galápagos": "La tortue géante des Galápagos",
    "M87": "M87, une galaxie géante",
    "Réserve naturelle nationale de Vireux-Molhain": "La réserve naturelle de Vireux-Molhain",
    "FC Internazionale Milano": "L'Inter de Milan, un siècle de football",
    "Madame de Maintenon": "Madame de Maintenon, l'épouse secrète",
    "Basilique Notre-Dame-de-Guadalupe de Mexico": "Notre-Dame-de-Guadalupe, le sanctuaire de Mexico",
    "Edward Dickinson Baker": "Edward D. Baker, sénateur et soldat",
    "Canada": "Le Canada en quelques pages",
    "Florian Schillinger": "Qui est Florian Schillinger ?",
    "Ferdinand Ier (roi des Bulgares)": "Ferdinand Ier, tsar des Bulgares",
    "Arthur Quiller-Couch": "Arthur Quiller-Couch, dit « Q », homme de lettres",
    "Mexique": "Le Mexique, notes de géographie",
    "Guerre d'indépendance espagnole": "1808 : l'Espagne contre Napoléon",
    "Lutte ouvrière": "Lutte ouvrière, un parti trotskiste",
    "Ulyanovsky Avtomobilny Zavod": "L'usine automobile d'Oulianovsk",
    "Fils prodigue": "La parabole du fils prodigue",
    "Glucosinolate": "Les glucosinolates, chimie des choux",
    "Arche d'alliance": "L’arche d’alliance, entre texte et légende",
    "Solliciteur": "Le solliciteur, un métier du droit anglais",
    "Algérie": "L'Algérie, d'hier à aujourd'hui",
}
AUTHORS = [
    {"name": "Élise Marchand", "login": "emarchand"},
    {"name": "Jean-Baptiste N'Diaye", "login": "jbndiaye"},
    {"name": "Camille Roux", "login": "croux"},
    {"name": "Loïc Le Gall", "login": "llegall"},
    {"name": "Anaïs Bertin", "login": "abertin"},
]
TAGS = ["histoire", "mémoire", "géographie", "sport", "guerres", "arts", "écologie", "luttes",
        "patrimoine", "sciences", "médias", "droit"]
CATEGORIES = ["Histoire", "Société", "Culture", "International"]
INTERTITLES = ["Quelques repères", "Ce qu’il faut en retenir", "Pour aller plus loin", "Le contexte"]
COMMENTS = [
    "Merci pour ce texte, je ne connaissais pas du tout cette histoire.",
    "Il manque une date dans le deuxième paragraphe, non ?",
    "Très clair, je le fais lire à mes élèves.",
    "On en reparle à la prochaine réunion du collectif.",
]
MARKUP = re.compile(r"[\[\]{}<>*_#|~`\\&%]")
MD_SPECIAL_START = re.compile(r"^(\d+[.)]\s|[-+=]\s|>)")


def paragraphs(piaf):
    groups = defaultdict(list)
    for line in open(piaf, encoding="utf-8"):
        d = json.loads(line)
        title = re.sub(r"<[^>]+>", "", d["title"]).strip()
        body = " ".join(d["body"].split())
        if MARKUP.search(body) or MD_SPECIAL_START.match(body):
            continue
        groups[title].append(body)
    return groups


def dates(n, rng):
    """n dates (strings, Europe/Paris) spread over 2023-01..2026-11, ascending; a third late in
    the evening (23:00-23:59), a few just past midnight, two on DST change days."""
    out = []
    for i in range(n):
        month = i * 47 // n            # 0..46 -> 2023-01 .. 2026-11
        y, m = 2023 + month // 12, month % 12 + 1
        d = rng.randint(1, 28)
        r = i % 6
        if r in (0, 3):
            hh, mm = 23, rng.choice([5, 30, 42, 55, 59])
        elif r == 5:
            hh, mm = 0, rng.choice([10, 20, 45])
        else:
            hh, mm = rng.randint(7, 21), rng.randint(0, 59)
        out.append((y, m, d, hh, mm))
    # the nights clocks change (last Sunday of March / October)
    out[7] = (2023, 10, 29, 23, 30)
    out[24] = (2025, 3, 30, 23, 45)
    out.sort()
    return [f"{y:04d}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}" for y, m, d, hh, mm in out]


def main():
    piaf = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PIAF
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "content.json"
    groups = paragraphs(piaf)
    rng = random.Random(24)
    posts = []
    ds = dates(len(TITLES), rng)
    for i, (wiki, title) in enumerate(TITLES.items()):
        paras = groups[wiki][: rng.randint(3, 8)]
        assert len(paras) >= 3, wiki
        n_auth = 2 if rng.random() < 0.3 else 1
        authors = [a["name"] for a in rng.sample(AUTHORS, n_auth)]
        tags = rng.sample(TAGS, rng.choice([0, 1, 1, 2, 2, 3]))
        inter = INTERTITLES[i % len(INTERTITLES)] if i % 5 == 2 else None
        note = (f"Texte adapté de l’article « {wiki} » de Wikipédia en français "
                f"(licence CC BY-SA 4.0)." if i % 5 == 1 else None)
        chapo = i % 4 == 3
        blocks = i % 2 == 0       # Gutenberg block markup, else classic HTML
        # the note's call at the end of the 2nd paragraph; the intertitle before the last paragraph
        texts = list(paras)
        if note:
            texts[1] = texts[1] + "[^1]"
        h_html, md, sp = [], [], []
        for k, t in enumerate(texts):
            if inter and k == len(texts) - 1:
                h = html.escape(inter, quote=False)
                h_html.append(f"<!-- wp:heading -->\n<h2>{h}</h2>\n<!-- /wp:heading -->" if blocks else f"<h2>{h}</h2>")
                md.append(f"## {inter}")
                sp.append(f"{{{{{{{inter}}}}}}}")
            p = html.escape(t, quote=False)
            h_html.append(f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" if blocks else f"<p>{p}</p>")
            md.append(t)
            sp.append(t)
        post = {
            "title": title,
            "date": ds[i],
            "authors": authors,
            "category": CATEGORIES[i % len(CATEGORIES)],
            "tags": tags,
            "html": "\n\n".join(h_html),
            "markdown": "\n\n".join(md),
            "spip": ({"chapo": sp[0], "texte": "\n\n".join(sp[1:])} if chapo else {"texte": "\n\n".join(sp)}),
        }
        if note:
            post["notes"] = [note]
        if i % 7 == 4:
            post["comments"] = [{"author": "Martine", "text": COMMENTS[i % 4]},
                                {"author": "Paul R.", "text": COMMENTS[(i + 1) % 4]}]
        # what the scorer compares against (not read by the kit)
        post["x_wiki"] = wiki
        posts.append(post)
    about = ("Ce site sert de banc d’essai local pour un robot d’archivage. Ses articles reprennent "
             "des paragraphes de Wikipédia en français, regroupés par thème, sous des titres écrits pour l’occasion.")
    licence = ("Les paragraphes des articles viennent de Wikipédia en français, par le jeu de données PIAF, "
               "et sont diffusés sous licence Creative Commons Attribution, partage dans les mêmes conditions 4.0. "
               "Les titres, les notes et les commentaires ont été écrits pour ce banc d’essai.")
    for title, text, date in (("À propos", about, "2023-01-02 10:00"), ("Licence des textes", licence, "2023-01-02 10:05")):
        posts.append({"title": title, "kind": "page", "date": date, "authors": [AUTHORS[0]["name"]],
                      "html": f"<p>{html.escape(text, quote=False)}</p>", "markdown": text, "spip": {"texte": text}})
    content = {"site": {"title": "Le Banc d’essai", "description": "Des textes pour éprouver un robot d’archivage"},
               "authors": AUTHORS, "posts": posts}
    out.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {sum(p.get('kind') != 'page' for p in posts)} posts, "
          f"{sum(p.get('kind') == 'page' for p in posts)} pages")


if __name__ == "__main__":
    main()
