#!/usr/bin/env python3
"""Deterministic corpus generator for vigie's benchmarks.

Writes a zip of French tracts at scale, built by recombining the paragraphs
of corpus/src/*.txt (the project's own tracts) with the same Unicode mess
as corpus/: NFD accents, Windows-1252 files, BOMs, CRLF line ends.

    bench/gen_corpus.py OUT.zip --docs 50000 --mb 200 [--seed 1]

The same arguments always give the same bytes.
"""
import argparse
import glob
import os
import random
import sys
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "corpus", "src")

FALLBACK = [
    "La direction a installé une badgeuse à l’entrée du service : chaque agent doit pointer.",
    "Les véhicules de la tournée sont équipés d’un boîtier GPS qui géolocalise les facteurs.",
    "Le logiciel enregistre chaque appel et affiche en temps réel l’activité de chacun.",
    "Assemblée générale le 21 juin 2017 à la salle des fêtes, ordre du jour : les salaires.",
    "Nous revendiquons une hausse de 150 € pour tous et l’égalité femmes-hommes.",
    "Le bureau de la section syndicale vous souhaite de bonnes fêtes de fin d’année.",
]


def paragraphs():
    paras = []
    for path in sorted(glob.glob(os.path.join(SRC, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            paras += [p.strip() for p in f.read().split("\n\n") if p.strip()]
    return paras or FALLBACK


def mess(text, rng):
    """Gives text the shape of a real file: returns bytes."""
    kind = rng.random()
    if rng.random() < 0.2:
        text = unicodedata.normalize("NFD", text)
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    if kind < 0.15:
        t = unicodedata.normalize("NFC", text).replace("\u202f", "\u00a0")
        return t.encode("cp1252", "replace")
    if kind < 0.25:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if kind < 0.28:
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=50000)
    ap.add_argument("--mb", type=float, default=200, help="megabytes of text in all")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--level", type=int, default=6, help="deflate level")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    paras = paragraphs()
    per_doc = int(a.mb * 1024 * 1024 / a.docs)
    tmp = a.out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=a.level) as z:
        for i in range(a.docs):
            parts, size = [], 0
            while size < per_doc:
                p = rng.choice(paras)
                parts.append(p)
                size += len(p.encode("utf-8")) + 2
            data = mess("\n\n".join(parts) + "\n", rng)
            info = zipfile.ZipInfo("%d/%02d/tract-%06d.txt" % (2010 + i % 15, i % 12 + 1, i),
                                   date_time=(2017, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    os.replace(tmp, a.out)
    print("%s: %d documents, %.0f MB of text, %.0f MB zipped" % (
        a.out, a.docs, a.mb, os.path.getsize(a.out) / 1048576), file=sys.stderr)


if __name__ == "__main__":
    main()
