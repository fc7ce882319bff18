#!/usr/bin/env python3
"""Compares the flags of vigie's JSONL with those of bench/reference.py.

    bench/compare.py VIGIE.jsonl REFERENCE.jsonl [--show 10]

Per document (by id), the multiset of (rule, match, line) of each side:
prints how many flags each has, how many vigie finds that the reference
does not and the reverse (with the first differences), and documents
present on one side only. Matches are compared as written in the text;
a difference that only folding removes (the same word, other case or
accents) is counted apart. Exits 0 (PASS) when vigie finds every flag the
reference finds, 1 otherwise.
"""
import argparse
import collections
import json
import sys
import unicodedata


def flags_of(line):
    d = json.loads(line)
    return d["id"], collections.Counter(
        (f["rule"], f["match"], f["line"]) for f in d.get("flags", []))


def loose(key):
    rule, match, line = key
    s = unicodedata.normalize("NFKD", match).casefold()
    return rule, "".join(c for c in s if not unicodedata.combining(c)), line


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vigie")
    ap.add_argument("reference")
    ap.add_argument("--show", type=int, default=10)
    a = ap.parse_args()
    n_v = n_r = docs = 0
    only_v, only_r = [], []  # (id, (rule, match, line), count)
    n_only_v = n_only_r = n_loose = 0
    pend_v, pend_r = {}, {}  # documents read on one side, not yet on the other

    def diff(doc_id, cv, cr):
        nonlocal n_only_v, n_only_r, n_loose
        dv, dr = cv - cr, cr - cv
        if not dv and not dr:
            return
        lv = collections.Counter(loose(k) for k in dv.elements())
        lr = collections.Counter(loose(k) for k in dr.elements())
        n_loose += sum((lv & lr).values())
        for k, c in dv.items():
            n_only_v += c
            if len(only_v) < a.show:
                only_v.append((doc_id, k, c))
        for k, c in dr.items():
            n_only_r += c
            if len(only_r) < a.show:
                only_r.append((doc_id, k, c))

    with open(a.vigie, encoding="utf-8") as fv, open(a.reference, encoding="utf-8") as fr:
        lines_v, lines_r = iter(fv), iter(fr)
        while True:
            lv, lr = next(lines_v, None), next(lines_r, None)
            if lv is None and lr is None:
                break
            for line, mine, other, is_v in ((lv, pend_v, pend_r, True), (lr, pend_r, pend_v, False)):
                if line is None or not line.strip():
                    continue
                doc_id, c = flags_of(line)
                if is_v:
                    n_v += sum(c.values())
                else:
                    n_r += sum(c.values())
                if doc_id in other:
                    oc = other.pop(doc_id)
                    docs += 1
                    diff(doc_id, c, oc) if is_v else diff(doc_id, oc, c)
                else:
                    mine[doc_id] = c
    print("documents compared: %d (only in vigie: %d, only in the reference: %d)"
          % (docs, len(pend_v), len(pend_r)))
    for doc_id in list(pend_v)[:a.show]:
        print("  only in vigie:", doc_id)
    for doc_id in list(pend_r)[:a.show]:
        print("  only in the reference:", doc_id)
    print("flags: vigie %d, reference %d" % (n_v, n_r))
    print("found by vigie, not by the reference: %d" % n_only_v)
    for doc_id, k, c in only_v:
        print("  %s: %s %r line %d%s" % (doc_id, k[0], k[1], k[2], " (x%d)" % c if c > 1 else ""))
    print("found by the reference, not by vigie: %d" % n_only_r)
    for doc_id, k, c in only_r:
        print("  %s: %s %r line %d%s" % (doc_id, k[0], k[1], k[2], " (x%d)" % c if c > 1 else ""))
    if n_loose:
        print("of these, pairs that differ only in case or accents of the match: %d" % n_loose)
    ok = n_only_r == 0 and not pend_r
    same = ok and n_only_v == 0 and not pend_v
    print("flags check: %s (%s)" % ("PASS" if ok else "FAIL",
          "the same flags" if same else
          "vigie finds every flag the reference finds" if ok else
          "vigie misses flags the reference finds"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
