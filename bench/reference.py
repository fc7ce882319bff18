#!/usr/bin/env python3
"""The Python reference of vigie's flag pipeline (bench/flag.lua).

What a competent Python user would write to do the same job with the
standard library only (zipfile, unicodedata, re, json): flag every
occurrence of a list of terms, folded (case, accents and compatibility
forms do not count), whole words, in every text of a zip, and write one
JSON line per document.

    bench/reference.py TERMS ZIP [-o OUT.jsonl]

Output: {"id": "ZIP!entry", "flags": [{"rule": "terms", "match": ..., "line": N}]}
per document, in archive order, flags in text order. bench/compare.py
checks it against vigie's JSONL.

It follows vigie's rules (engine/text.h, docs/reference.md):
- decoding: UTF-8 BOM stripped; UTF-16 with a BOM decoded; else UTF-8 if
  valid, otherwise Windows-1252 (its 5 undefined bytes become U+FFFD);
  CRLF and CR become LF; then NFC;
- the matching key of a character: NFKD, full case folding, marks
  (general category M) dropped, NFC; White_Space characters (tab, LF,
  U+00A0, U+202F...) become a space and U+2019/U+02BC an apostrophe;
- a space in a term matches any run of white space; a match is a whole
  word when the folded characters around it are not letters or numbers;
- every occurrence is reported, overlapping ones too (a shorter term at the
  same place as a longer one, a term inside a phrase); terms with the same
  key count once.

How: each document is folded with str.translate through a table of the
folds of the characters seen so far (one unicodedata call per distinct
character, not per character). Folding keeps one character for one
character except for the few characters whose fold is empty or longer
(a mark left after NFC, a ligature such as "fi", "ß"); those are found
with one regex and give a sorted list of shifts that maps a folded
offset back to the text (bisect). The terms are one compiled regex, an
alternation longest first inside a lookahead, so finditer tries every
word start and finds the longest term there; the shorter terms that match
at the same place are prefixes of it, checked from a precomputed table.
With --trie, the alternation is factored by common prefixes (a trie
written as a regex), which the re module runs about three times faster;
the flags are the same.

Known differences from vigie (none occurs in the benchmark's corpus):
Python's \\w (used for word boundaries, minus "_") counts letters and
numbers but not marks, where vigie also counts marks as word characters;
a mark left in folded text is rare since marks are dropped by the fold.
Binary entries (a NUL byte without a UTF-16 BOM), which vigie skips, are
read as text.
"""
import argparse
import bisect
import json
import re
import sys
import time
import unicodedata
import zipfile

# Unicode White_Space, as vigie folds it to one space.
WHITE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"
QUOTES = "\u2019\u02bc"


def fold_char(c):
    """The matching key of one character (a string, maybe empty)."""
    if c in WHITE:
        return " "
    if c in QUOTES:
        return "'"
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M"))
    return unicodedata.normalize("NFC", s)


class Folder:
    """Folds texts, remembering the fold of every character seen."""

    def __init__(self):
        self.table = {}      # code point -> folded string (for str.translate)
        self.irregular = set()  # characters whose fold is not one character

    def learn(self, text):
        """Adds the folds of text's new characters; returns its characters."""
        chars = set(text)
        for c in chars:
            if ord(c) not in self.table:
                f = fold_char(c)
                self.table[ord(c)] = f
                if len(f) != 1:
                    self.irregular.add(c)
        return chars

    def fold(self, text):
        """Returns the folded text and a function from folded offsets to
        text offsets (the start of the character the folded one came
        from; characters that fold to nothing belong to the one before)."""
        odd = self.learn(text) & self.irregular
        folded = text.translate(self.table)
        if not odd:
            return folded, lambda f: f
        rx = re.compile("[" + "".join(re.escape(c) for c in odd) + "]")
        starts, idx, lens, after = [], [], [], []  # per irregular character
        shift = 0
        for m in rx.finditer(text):
            i = m.start()
            n = len(self.table[ord(text[i])])
            starts.append(i + shift)
            idx.append(i)
            lens.append(n)
            shift += n - 1
            after.append(shift)

        def to_text(f):
            k = bisect.bisect_right(starts, f) - 1
            if k < 0:
                return f
            if f < starts[k] + lens[k]:
                return idx[k]
            return f - after[k]
        return folded, to_text


def key_of(term, folder):
    """A term's key: folded, white space runs made one space, trimmed."""
    folder.learn(term)
    return re.sub(" +", " ", term.translate(folder.table)).strip()


def read_terms(path):
    terms = []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            t = line.strip(" \t\r\n")
            if t and not t.startswith("#"):
                terms.append(t)
    return terms


def key_regex(key):
    return " +".join(re.escape(w) for w in key.split(" "))


def trie_regex(keys):
    """The keys as one regex factored by common prefixes (a trie), longer
    continuations tried first: what the --trie variant uses."""
    trie = {}
    for k in keys:
        node = trie
        for ch in k:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node):
        alts = [(" +" if ch == " " else re.escape(ch)) + emit(node[ch])
                for ch in sorted(node) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body
    return emit(trie)


class Matcher:
    """Every occurrence of the keys, whole words, in a folded text."""

    def __init__(self, terms, folder, trie=False):
        self.label = {}  # key -> the first term in the list with that key
        for t in terms:
            self.label.setdefault(key_of(t, folder), t)
        keys = sorted(self.label, key=lambda k: (-len(k), k))
        alt = trie_regex(keys) if trie else "|".join(key_regex(k) for k in keys)
        # (?<![^\W_]): not after a letter or digit; likewise after the match.
        self.rx = re.compile(r"(?<![^\W_])(?=(" + alt + r")(?![^\W_]))")
        self.one = {k: re.compile(key_regex(k) + r"(?![^\W_])") for k in keys}
        # The keys that are whole-word prefixes of another key.
        word = re.compile(r"[^\W_]")
        self.prefixes = {k: [p for p in keys if len(p) < len(k) and k.startswith(p)
                             and not word.match(k, len(p))] for k in keys}

    def find(self, folded):
        """Yields (key, start, end) in the folded text: by start, longest first."""
        for m in self.rx.finditer(folded):
            s, e = m.span(1)
            key = re.sub(" +", " ", m.group(1))
            yield key, s, e
            for p in self.prefixes[key]:
                pm = self.one[p].match(folded, s)
                if pm:
                    yield p, s, pm.end()


def decode(raw):
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", "replace")
    elif raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le", "replace")
    elif raw.startswith(b"\xfe\xff"):
        text = raw[2:].decode("utf-16-be", "replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("terms")
    ap.add_argument("zip")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--rule", default="terms")
    ap.add_argument("--trie", action="store_true",
                    help="factor the terms' regex by common prefixes (faster)")
    a = ap.parse_args()
    t0 = time.time()
    folder = Folder()
    matcher = Matcher(read_terms(a.terms), folder, a.trie)
    out = sys.stdout if a.output == "-" else open(a.output, "w", encoding="utf-8")
    docs = nflags = 0
    with zipfile.ZipFile(a.zip) as z:
        for info in z.infolist():
            if info.is_dir():
                continue
            text = decode(z.read(info))
            folded, to_text = folder.fold(text)
            flags = []
            newlines = None
            for key, s, e in matcher.find(folded):
                start = to_text(s)
                end = to_text(e) if e < len(folded) else len(text)
                if newlines is None:
                    newlines = [m.start() for m in re.finditer("\n", text)]
                line = bisect.bisect_left(newlines, start) + 1
                flags.append({"rule": a.rule, "match": text[start:end], "line": line})
            out.write(json.dumps({"id": a.zip + "!" + info.filename, "flags": flags},
                                 ensure_ascii=False) + "\n")
            docs += 1
            nflags += len(flags)
    if out is not sys.stdout:
        out.close()
    print("reference: %d documents, %d flags, %.1f s" % (docs, nflags, time.time() - t0),
          file=sys.stderr)


if __name__ == "__main__":
    main()
