#!/usr/bin/env python3
"""pdftotext_batch.py - poppler's pdftotext behind score.py's batch protocol.

Reads PDF paths on stdin, one per line, and prints one JSON line per path
({"title": pdfinfo's Title, "text": pdftotext's output} or {"error": ...}), flushed
after each. It is an example of the protocol and a check of score.py's batch mode:

  python3 benches/pdf/score.py /tmp/pdfset --name pdftotext-batch -- python3 benches/pdf/pdftotext_batch.py
"""
import json
import re
import subprocess
import sys


def extract(path: str) -> dict:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True)
    if text.returncode != 0:
        return {"error": text.stderr.decode("utf-8", "replace").strip()[:200]}
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", path], capture_output=True).stdout.decode("utf-8", "replace")
    title = re.search(r"^Title:\s*(.*?)\s*$", info, re.M)
    return {"title": title[1] if title else None, "text": text.stdout.decode("utf-8", "replace")}


def main() -> None:
    for line in sys.stdin:
        path = line.rstrip("\n")
        if path:
            print(json.dumps(extract(path), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
