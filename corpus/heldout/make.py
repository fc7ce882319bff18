#!/usr/bin/env python3
"""Builds corpus/heldout/heldout.zip from corpus/heldout/src/*.txt.

The held-out set: 8 short French tracts written to test whether the
surveillance rule pack (examples/surveillance/rules/) generalises. They were
written before the rules were tuned and are never used to tune them: 5 make
surveillance claims (labels.tsv, same format as corpus/labels.tsv), 3 are
controls with tricky vocabulary (controls.txt) that must get no flag.

    python3 corpus/heldout/make.py          # rewrites heldout.zip
    python3 corpus/heldout/make.py --check  # verifies labels and the zip, exit 1 on a problem

The zip is deterministic: entries sorted by name, each dated
2017-01-01 00:00:00, deflated, mode 0644. Only the standard library is used.
"""
import io
import os
import sys
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
ZIP = os.path.join(HERE, "heldout.zip")
CATEGORIES = {"time_clock", "geolocation", "activity_tracking", "internet_monitoring",
              "wearables", "workload_metrics", "satisfaction_surveys"}


def build():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(os.listdir(SRC)):
            if not name.endswith(".txt"):
                continue
            info = zipfile.ZipInfo(name, date_time=(2017, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            with open(os.path.join(SRC, name), "rb") as f:
                z.writestr(info, f.read())
    return buf.getvalue()


def check():
    problems = []
    texts = {}
    for name in sorted(os.listdir(SRC)):
        with open(os.path.join(SRC, name), "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        if unicodedata.normalize("NFC", text) != text:
            problems.append("%s: not NFC" % name)
        if "\r" in text or "'" in text:
            problems.append("%s: CR or ASCII apostrophe" % name)
        n = len(text.split())
        if not 150 <= n <= 350:
            problems.append("%s: %d words, not 150 to 350" % (name, n))
        texts[name] = text.split("\n")
    labelled = set()
    with open(os.path.join(HERE, "labels.tsv"), encoding="utf-8") as f:
        rows = f.read().splitlines()
    if rows[0] != "file\tcategory\tline\tquote":
        problems.append("labels.tsv: bad header")
    for i, row in enumerate(rows[1:], 2):
        fn, cat, line, quote = row.split("\t")
        labelled.add(fn)
        if fn not in texts:
            problems.append("labels.tsv:%d: no file %s" % (i, fn))
            continue
        if cat not in CATEGORIES:
            problems.append("labels.tsv:%d: unknown category %s" % (i, cat))
        ln = int(line)
        if not 1 <= ln <= len(texts[fn]) or quote not in texts[fn][ln - 1]:
            problems.append("labels.tsv:%d: quote not on line %d of %s" % (i, ln, fn))
        if "\u202f" in quote:
            problems.append("labels.tsv:%d: quote holds U+202F" % i)
    with open(os.path.join(HERE, "controls.txt"), encoding="utf-8") as f:
        controls = set(f.read().split())
    if controls & labelled:
        problems.append("controls with labels: %s" % sorted(controls & labelled))
    if controls | labelled != set(texts):
        problems.append("files neither labelled nor controls: %s" % sorted(set(texts) - controls - labelled))
    if not os.path.exists(ZIP):
        problems.append("heldout.zip is missing")
    else:
        with open(ZIP, "rb") as f:
            if f.read() != build():
                problems.append("heldout.zip is not what a rebuild gives")
    return problems


def main():
    if "--check" in sys.argv[1:]:
        problems = check()
        for p in problems:
            print(p)
        print("ok" if not problems else "%d problems" % len(problems))
        return 1 if problems else 0
    data = build()
    with open(ZIP, "wb") as f:
        f.write(data)
    print("wrote %s (%d bytes)" % (ZIP, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
