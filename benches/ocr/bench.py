#!/usr/bin/env python3
"""OCR accuracy of `veille extract` on scans made here from a known French
text, against the text layer of tesseract's own searchable PDF.

The text (texte.txt, written for this bench, under the project's licence)
is set by groff on A5 pages (no hyphenation, ragged right), turned into a
PDF by ps2pdf, rendered by pdftoppm at each resolution, optionally made to
look scanned (`noisy`: a 0.8 degree skew, Gaussian noise, a few specks, JPEG
at quality 75; `heavy`: 1.5 degrees, twice the noise, five times the specks,
JPEG at 50), and put back into a PDF with no text layer by img2pdf. Then:

- veille: `veille extract --json scan.pdf`, its plain `text`;
- tesseract pdf: `tesseract page.png out -l fra pdf` for each page, the
  text layer read back by `pdftotext`;
- languages: tesseract's plain text with `-l fra` and with `-l fra+eng`
  (every language installed besides French is tried the same way).

Character accuracy is 1 - Levenshtein distance / length of the reference,
after whitespace is normalised and typographic apostrophes and spaces are
made plain in both texts (so a ’ read as ' is no error).

Usage: python3 benches/ocr/bench.py [--veille PATH] [--dpi 150 200 300] [--scans clean noisy heavy]
Needs: groff, ghostscript, poppler-utils, tesseract-ocr, tesseract-ocr-fra;
Pillow, numpy and img2pdf from PyPI.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def normalise(text):
    for fancy, plain in (("’", "'"), ("\u00a0", " "), ("\u202f", " "), ("ﬁ", "fi"), ("ﬂ", "fl")):
        text = text.replace(fancy, plain)
    return " ".join(text.split())


def accuracy(reference, read):
    reference, read = normalise(reference), normalise(read)
    return 1 - levenshtein(reference, read) / len(reference)


def typeset(text, out_pdf):
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    title, body = paragraphs[0], paragraphs[1:]
    roff = ".nh\n.ad l\n.ll 11c\n.po 1.9c\n.ps 11\n.vs 14\n.ft B\n.ps 15\n" + title + "\n.ft R\n.ps 11\n"
    for paragraph in body:
        roff += ".sp\n" + paragraph + "\n"
    ps = subprocess.run(["groff", "-Kutf8", "-Tps", "-dpaper=a5", "-P-pa5"], input=roff.encode(),
                        check=True, stdout=subprocess.PIPE).stdout
    subprocess.run(["ps2pdf", "-sPAPERSIZE=a5", "-", out_pdf], input=ps, check=True)


# How a scan is spoiled: skew in degrees, noise's standard deviation (grey
# levels), share of pixels turned into black specks, JPEG quality.
SPOILS = {
    "clean": None,
    "noisy": (0.8, 12, 0.0002, 75),
    "heavy": (1.5, 25, 0.001, 50),
}


def scan(text_pdf, dpi, spoil, workdir):
    """The scanned PDF and its page images, at `dpi`, spoiled as `SPOILS[spoil]` says."""
    import img2pdf
    import numpy
    from PIL import Image
    prefix = os.path.join(workdir, f"render-{dpi}")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", text_pdf, prefix], check=True)
    renders = sorted(f for f in os.listdir(workdir) if f.startswith(f"render-{dpi}-"))
    rng = numpy.random.default_rng(dpi)
    images, files = [], []
    for n, name in enumerate(renders, 1):
        image = Image.open(os.path.join(workdir, name)).convert("L")
        buffer = io.BytesIO()
        if SPOILS[spoil]:
            skew, sigma, specks, quality = SPOILS[spoil]
            image = image.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = numpy.asarray(image).astype(numpy.int16)
            pixels = pixels + rng.normal(0, sigma, pixels.shape).astype(numpy.int16)
            pixels[rng.random(pixels.shape) < specks] = 0
            image = Image.fromarray(pixels.clip(0, 255).astype(numpy.uint8))
            image.save(buffer, format="JPEG", quality=quality, dpi=(dpi, dpi))
            ext = "jpg"
        else:
            image.save(buffer, format="PNG", dpi=(dpi, dpi))
            ext = "png"
        path = os.path.join(workdir, f"scan-{dpi}-{spoil}-{n}.{ext}")
        with open(path, "wb") as f:
            f.write(buffer.getvalue())
        images.append(buffer.getvalue())
        files.append(path)
    pdf = os.path.join(workdir, f"scan-{dpi}-{spoil}.pdf")
    with open(pdf, "wb") as f:
        f.write(img2pdf.convert(images))
    return pdf, files


def veille_text(veille, pdf):
    start = time.monotonic()
    out = subprocess.run([veille, "extract", "--json", pdf], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, "VEILLE_LOG": "off"})
    seconds = time.monotonic() - start
    if out.returncode not in (0, 1):
        sys.exit(f"veille extract failed on {pdf}: {out.stderr.decode()}")
    data = json.loads(out.stdout)
    return data.get("text", ""), data.get("ocr"), data.get("status"), seconds


def tesseract_pdf_text(files, workdir):
    texts = []
    for path in files:
        base = path.rsplit(".", 1)[0] + "-tess"
        subprocess.run(["tesseract", path, base, "-l", "fra", "pdf"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        texts.append(subprocess.run(["pdftotext", base + ".pdf", "-"], check=True,
                                    stdout=subprocess.PIPE).stdout.decode())
    return "\n".join(texts)


def tesseract_text(files, languages):
    return "\n".join(subprocess.run(["tesseract", path, "stdout", "-l", languages], check=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
                     for path in files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "..", "target"))
    parser.add_argument("--veille", default=os.path.join(target, "release", "veille"))
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    parser.add_argument("--scans", nargs="+", default=list(SPOILS), choices=list(SPOILS))
    args = parser.parse_args()
    with open(os.path.join(HERE, "texte.txt"), encoding="utf-8") as f:
        reference = f.read()
    installed = subprocess.run(["tesseract", "--list-langs"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT).stdout.decode().split()
    others = [l for l in ("eng", "ita", "spa", "deu", "por") if l in installed]
    print(f"tesseract languages besides fra: {' '.join(others) or 'none'}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        text_pdf = os.path.join(workdir, "texte.pdf")
        typeset(reference, text_pdf)
        for dpi in args.dpi:
            for spoil in args.scans:
                pdf, files = scan(text_pdf, dpi, spoil, workdir)
                text, ocr, status, seconds = veille_text(args.veille, pdf)
                row = {
                    "dpi": dpi,
                    "scan": spoil,
                    "pages": len(files),
                    "veille": round(accuracy(reference, text), 4),
                    "veille_ocr": ocr,
                    "veille_status": status,
                    "veille_seconds": round(seconds, 1),
                    "tesseract_pdf": round(accuracy(reference, tesseract_pdf_text(files, workdir)), 4),
                    "fra": round(accuracy(reference, tesseract_text(files, "fra")), 4),
                }
                for language in others:
                    row[f"fra+{language}"] = round(accuracy(reference, tesseract_text(files, f"fra+{language}")), 4)
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    columns = ["dpi", "scan", "pages", "veille", "tesseract_pdf", "fra"] + [f"fra+{l}" for l in others]
    print("\n| " + " | ".join(columns) + " | veille s |")
    print("|" + "---|" * (len(columns) + 1))
    for row in rows:
        cells = [str(row[c]) if not isinstance(row[c], float) else f"{row[c] * 100:.2f} %" for c in columns]
        print("| " + " | ".join(cells) + f" | {row['veille_seconds']} |")


if __name__ == "__main__":
    main()
