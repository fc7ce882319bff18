#!/usr/bin/env python3
"""Build corpus/tracts/, corpus/tracts.zip and corpus/manifest.tsv from corpus/src/.

The texts in src/ are clean UTF-8, NFC, LF. A real collection is not: this
script gives each file the "mess" listed in MESS below (encoding, BOM, line
ends, normalization form, folder, extension), so that vigie's decoding and
normalization are exercised by the demo corpus.

    python3 corpus/make_corpus.py           # (re)build, deterministic
    python3 corpus/make_corpus.py --check   # verify outputs, src and labels

Standard library only. Running it twice gives byte-identical outputs.
"""

import io
import os
import shutil
import sys
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
TRACTS = os.path.join(HERE, "tracts")
ZIP = os.path.join(HERE, "tracts.zip")
MANIFEST = os.path.join(HERE, "manifest.tsv")
LABELS = os.path.join(HERE, "labels.tsv")
CONTROLS = os.path.join(HERE, "controls.txt")

# Fixed timestamps: 2017-01-01 00:00:00 (zip entries) and the same instant
# in UTC for the files written under tracts/ (so directory inputs give
# reproducible metadata.mtime too).
ZIP_DATE = (2017, 1, 1, 0, 0, 0)
FILE_MTIME = 1483228800

CATEGORIES = (
    "time_clock",
    "geolocation",
    "activity_tracking",
    "internet_monitoring",
    "wearables",
    "workload_metrics",
    "satisfaction_surveys",
)

# The mess table: src stem -> (folder, extension, encoding, line ends, normal form).
# encoding: utf-8, utf-8-bom, utf-16le, utf-16be (both with a BOM), windows-1252
# (the names vigie reports in doc.encoding); line ends: lf, crlf, cr; form: nfc, nfd.
MESS = {
    "01-badgeuse-urgences":           ("2017",       ".txt", "utf-8",        "crlf", "nfc"),
    "02-elections-cse":               ("2018",       ".txt", "utf-8",        "lf",   "nfd"),
    "03-facteurs-smartphone":         ("2018",       ".txt", "utf-8-bom",    "lf",   "nfc"),
    "04-entrepot-cadences":           ("2017",       ".txt", "windows-1252", "lf",   "nfc"),
    "05-cantine-tarifs":              ("2017",       ".txt", "utf-8",        "lf",   "nfc"),
    "06-centre-appels":               ("2018",       ".TXT", "utf-8",        "lf",   "nfc"),
    "07-cr-comite-technique":         ("2017",       ".txt", "windows-1252", "crlf", "nfc"),
    "08-greve-retraites":             ("",           ".txt", "utf-8",        "lf",   "nfc"),
    "09-aide-domicile":               ("2018",       ".txt", "utf-8",        "lf",   "nfd"),
    "10-bulletin-bus":                ("2019",       ".txt", "utf-16le",     "lf",   "nfd"),
    "11-banque-satisfaction":         ("2018",       ".txt", "utf-8-bom",    "lf",   "nfd"),
    "12-pique-nique":                 ("",           ".txt", "utf-16le",     "crlf", "nfc"),
    "13-faq-bracelets":               ("2019",       ".txt", "utf-8",        "crlf", "nfc"),
    "14-formation-syndicale":         ("2019",       ".md",  "utf-8",        "lf",   "nfc"),
    "15-pointeuse-biometrique":       ("2017",       ".txt", "utf-8",        "lf",   "nfd"),
    "16-lettre-drh-internet":         ("2019",       ".txt", "utf-8",        "cr",   "nfc"),
    "17-appli-conges":                ("2019",       ".txt", "utf-8",        "lf",   "nfc"),
    "18-cr-chsct-brancardage":        ("2018",       ".txt", "utf-8",        "crlf", "nfc"),
    "19-nao-salaires":                ("2018",       ".txt", "windows-1252", "lf",   "nfc"),
    "20-restauration-scolaire":       ("2019",       ".txt", "utf-8",        "lf",   "nfc"),
    "21-puce-sous-cutanee":           ("2018",       ".txt", "utf-8",        "lf",   "nfd"),
    "22-vehicules-controle-technique": ("2018",      ".txt", "windows-1252", "lf",   "nfc"),
    "23-teletravail":                 ("2019",       ".txt", "utf-8",        "crlf", "nfc"),
    "24-entretiens-evaluation":       ("2017",       ".txt", "utf-8",        "lf",   "nfd"),
    "25-bornes-satisfaction":         ("2019",       ".txt", "utf-16be",     "crlf", "nfc"),
    "26-resultats-elections":         ("2018",       ".txt", "utf-8-bom",    "lf",   "nfc"),
    "27-notes-cse-logidis":           ("2019/notes", ".txt", "utf-8",        "lf",   "nfc"),
    "28-collecte-dechets":            ("2018",       ".txt", "windows-1252", "cr",   "nfc"),
    "29-ehpad-soigneo":               ("2019",       ".txt", "utf-8",        "lf",   "nfc"),
    "30-convocation-ag":              ("2019/notes", ".txt", "utf-8",        "lf",   "nfc"),
    "31-mutuelle-nps":                ("2019",       ".txt", "utf-8",        "lf",   "nfd"),
    "32-vacances-ce":                 ("2018",       ".txt", "utf-8",        "lf",   "nfc"),
    "33-oph-messagerie":              ("2018",       ".txt", "utf-8-bom",    "crlf", "nfc"),
    "34-livreurs-montres":            ("2019",       ".txt", "utf-8",        "lf",   "nfc"),
    "35-huit-mars":                   ("",           ".txt", "utf-8",        "lf",   "nfc"),
    "36-fin-de-conflit":              ("2017",       ".txt", "utf-8",        "lf",   "nfc"),
    "37-agenda-tempora":              ("2017",       ".txt", "utf-8",        "lf",   "nfd"),
}

EOL = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
BOMS = {"utf-8-bom": b"\xef\xbb\xbf", "utf-16le": b"\xff\xfe", "utf-16be": b"\xfe\xff"}


def read_src(name):
    with open(os.path.join(SRC, name), "rb") as f:
        return f.read().decode("utf-8")


def expected_text(src_text, encoding):
    """What a reader must get back after decoding, LF and NFC."""
    t = unicodedata.normalize("NFC", src_text)
    if encoding == "windows-1252":
        # cp1252 has no narrow no-break space: such files use U+00A0 instead.
        t = t.replace("\u202f", "\u00a0")
    return t


def rel_path(stem):
    folder, ext, _, _, _ = MESS[stem]
    return (folder + "/" if folder else "") + stem + ext


def messify(src_text, encoding, eol, form):
    t = expected_text(src_text, encoding)
    t = unicodedata.normalize(form.upper(), t)
    t = t.replace("\n", EOL[eol])
    if encoding == "windows-1252":
        return t.encode("cp1252")  # strict: fails on a character cp1252 lacks
    if encoding in ("utf-8", "utf-8-bom"):
        return BOMS.get(encoding, b"") + t.encode("utf-8")
    if encoding == "utf-16le":
        return BOMS[encoding] + t.encode("utf-16-le")
    if encoding == "utf-16be":
        return BOMS[encoding] + t.encode("utf-16-be")
    raise ValueError(encoding)


def src_stems():
    return sorted(n[:-4] for n in os.listdir(SRC) if n.endswith(".txt"))


def build_files():
    """{relative path: bytes} and the manifest rows."""
    stems = src_stems()
    missing = sorted(set(stems) ^ set(MESS))
    if missing:
        raise SystemExit("src/ and MESS disagree on: " + ", ".join(missing))
    files, rows = {}, []
    for stem in stems:
        folder, ext, enc, eol, form = MESS[stem]
        path = rel_path(stem)
        files[path] = messify(read_src(stem + ".txt"), enc, eol, form)
        rows.append((stem + ".txt", path, enc, eol, form, "yes" if enc in BOMS else "no"))
    return files, rows


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in sorted(files):
            zi = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            z.writestr(zi, files[path])
    return buf.getvalue()


def manifest_bytes(rows):
    lines = ["src\tpath\tencoding\tline_ends\tnormal_form\tbom"]
    lines += ["\t".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def build():
    files, rows = build_files()
    if os.path.isdir(TRACTS):
        shutil.rmtree(TRACTS)
    dirs = set()
    for path, data in files.items():
        full = os.path.join(TRACTS, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        os.utime(full, (FILE_MTIME, FILE_MTIME))
        d = os.path.dirname(full)
        while len(d) >= len(TRACTS):
            dirs.add(d)
            d = os.path.dirname(d)
    for d in sorted(dirs, key=len, reverse=True):
        os.utime(d, (FILE_MTIME, FILE_MTIME))
    write_atomic(ZIP, zip_bytes(files))
    write_atomic(MANIFEST, manifest_bytes(rows))
    print("wrote %d files under tracts/, tracts.zip, manifest.tsv" % len(files))


# ---------------------------------------------------------------- checking

def detect(data):
    """Decode like vigie: BOM sniffing, else UTF-8, else Windows-1252."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16le", data[2:].decode("utf-16-le")
    if data.startswith(b"\xfe\xff"):
        return "utf-16be", data[2:].decode("utf-16-be")
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-bom", data[3:].decode("utf-8")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252", data.decode("cp1252")


def line_ends(text):
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [k for k, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    return kinds[0] if len(kinds) == 1 else "mixed:" + ",".join(kinds)


def check():
    errors = []
    err = errors.append

    # src/
    for stem in src_stems():
        name = stem + ".txt"
        t = read_src(name)
        if not unicodedata.is_normalized("NFC", t):
            err("%s: src is not NFC" % name)
        if "\r" in t or not t.endswith("\n"):
            err("%s: src must use LF and end with a newline" % name)
        if "'" in t:
            err("%s: ASCII apostrophe in src (use U+2019)" % name)
        words = len(t.split())
        if not 150 <= words <= 600:
            err("%s: %d words, expected 150 to 600" % (name, words))

    # tracts/ against the manifest and src/
    with open(MANIFEST, encoding="utf-8") as f:
        mrows = [l.rstrip("\n").split("\t") for l in f]
    if mrows[0] != ["src", "path", "encoding", "line_ends", "normal_form", "bom"]:
        err("manifest.tsv: bad header")
    mrows = mrows[1:]
    files = {}
    for src, path, enc, eol, form, bom in mrows:
        with open(os.path.join(TRACTS, *path.split("/")), "rb") as f:
            data = f.read()
        files[path] = data
        got_enc, text = detect(data)
        if got_enc != enc:
            err("%s: detected %s, manifest says %s" % (path, got_enc, enc))
        if (bom == "yes") != (got_enc in BOMS):
            err("%s: bom column is wrong" % path)
        if line_ends(text) != eol:
            err("%s: line ends %s, manifest says %s" % (path, line_ends(text), eol))
        if form == "nfd" and not (unicodedata.is_normalized("NFD", text)
                                  and not unicodedata.is_normalized("NFC", text)):
            err("%s: not a (non-trivial) NFD text" % path)
        if form == "nfc" and not unicodedata.is_normalized("NFC", text):
            err("%s: not NFC" % path)
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        if text != expected_text(read_src(src), enc):
            err("%s: does not decode back to src/%s" % (path, src))
    if sorted(r[0] for r in mrows) != sorted(s + ".txt" for s in src_stems()):
        err("manifest.tsv does not list exactly the files of src/")
    on_disk = []
    for root, _, names in os.walk(TRACTS):
        for n in names:
            on_disk.append(os.path.relpath(os.path.join(root, n), TRACTS).replace(os.sep, "/"))
    if sorted(on_disk) != sorted(files):
        err("tracts/ holds other files than the manifest lists")

    # tracts.zip: same entries and bytes, and what a rebuild would give
    with open(ZIP, "rb") as f:
        zdata = f.read()
    with zipfile.ZipFile(io.BytesIO(zdata)) as z:
        names = z.namelist()
        if names != sorted(files):
            err("tracts.zip: entries differ from tracts/ (or are not sorted)")
        for n in names:
            if files.get(n) != z.read(n):
                err("tracts.zip: %s differs from tracts/%s" % (n, n))
    built, _ = build_files()
    if zip_bytes(built) != zdata:
        err("tracts.zip is not what a rebuild gives (run make_corpus.py)")

    # labels.tsv and controls.txt
    encs = {r[0]: r[2] for r in mrows}
    with open(CONTROLS, encoding="utf-8") as f:
        controls = [l.strip() for l in f if l.strip()]
    with open(LABELS, encoding="utf-8") as f:
        lrows = [l.rstrip("\n").split("\t") for l in f]
    if lrows[0] != ["file", "category", "line", "quote"]:
        err("labels.tsv: bad header")
    labelled = set()
    for i, row in enumerate(lrows[1:], 2):
        if len(row) != 4:
            err("labels.tsv:%d: expected 4 fields" % i)
            continue
        name, cat, line, quote = row
        if name not in encs:
            err("labels.tsv:%d: unknown file %s" % (i, name))
            continue
        labelled.add(name)
        if cat not in CATEGORIES:
            err("labels.tsv:%d: unknown category %s" % (i, cat))
        lines = read_src(name).split("\n")
        n = int(line)
        if not 1 <= n <= len(lines) or quote not in lines[n - 1]:
            err("labels.tsv:%d: quote not found on line %s of %s" % (i, line, name))
        if "\u202f" in quote or "\t" in quote or not quote.strip():
            err("labels.tsv:%d: quote must be non-empty, without U+202F or tabs" % i)
        if encs[name] == "windows-1252":
            try:
                quote.encode("cp1252")
            except UnicodeEncodeError:
                err("labels.tsv:%d: quote not representable in cp1252" % i)
    for c in controls:
        if c not in encs:
            err("controls.txt: unknown file %s" % c)
        if c in labelled:
            err("controls.txt: %s has labels" % c)
    for name in encs:
        if name not in labelled and name not in controls:
            err("%s: neither labelled nor a control" % name)

    for e in errors:
        print("FAIL", e, file=sys.stderr)
    if errors:
        return 1
    print("ok: %d files, %d labels, %d controls" % (len(mrows), len(lrows) - 1, len(controls)))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    if sys.argv[1:]:
        sys.exit("usage: make_corpus.py [--check]")
    build()
