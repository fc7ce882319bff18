"""Decoding and normalization of input text (SPEC sections 4, 5 and 6):
one French sentence written in every encoding vigie detects and with every
line end comes out as the same NFC, LF text; metadata.encoding says what it
was; --normalize picks the form; invalid bytes become U+FFFD and are
counted in metadata.replaced; stages see the same doc.encoding and
doc.replaced."""
import io
import os
import sys
import unicodedata
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

IDENTITY = "return { stages = { function(doc) end } }"

# Accents, a typographic apostrophe, guillemets with no-break spaces inside,
# oe ligature, euro sign: every character of it exists in Windows-1252.
SENTENCE = unicodedata.normalize("NFC", (
    "L\u2019\u00e9quipe d\u00e9nonce la \u00ab\u00a0pointeuse biom\u00e9trique\u00a0\u00bb : "
    "c\u0153ur du contr\u00f4le, 12\u00a0\u20ac par badge.\n"
    "Deuxi\u00e8me ligne o\u00f9 l\u2019\u0153il voit tout.\n"
    "\n"
    "Fin, d\u00e9j\u00e0.\n"))
NFD = unicodedata.normalize("NFD", SENTENCE)
check(NFD != SENTENCE, "the sentence has something to decompose")

# (entry prefix, expected metadata.encoding, how to encode a str)
ENCODINGS = [
    ("utf8-nfc", "utf-8", lambda s: s.encode("utf-8")),
    ("utf8-nfd", "utf-8", lambda s: unicodedata.normalize("NFD", s).encode("utf-8")),
    ("utf8-bom", "utf-8-bom", lambda s: b"\xef\xbb\xbf" + s.encode("utf-8")),
    ("cp1252", "windows-1252", lambda s: s.encode("cp1252")),
    ("utf16le", "utf-16le", lambda s: b"\xff\xfe" + s.encode("utf-16-le")),
    ("utf16be", "utf-16be", lambda s: b"\xfe\xff" + s.encode("utf-16-be")),
]
LINE_ENDS = [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")]


def zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def all_variants():
    """[(entry name, expected encoding, raw bytes)] for every encoding x line end."""
    out = []
    for prefix, enc, encode in ENCODINGS:
        for le_name, le in LINE_ENDS:
            out.append(("%s-%s.txt" % (prefix, le_name), enc, encode(SENTENCE.replace("\n", le))))
    return out


def setup(entries=None, pipeline=IDENTITY):
    d = tmp()
    write(os.path.join(d, "p.lua"), pipeline)
    if entries is not None:
        write(os.path.join(d, "t.zip"), zip_bytes(entries))
    return d


def run(d, *args):
    return vigie("run", "p.lua", "t.zip", *args, cwd=d)


def raw_texts(out):
    """The "text" values of the JSONL lines exactly as written (JSON source)."""
    texts = []
    for line in out.split(b"\n"):
        if line.strip():
            start = line.index(b'"text":') + len(b'"text":')
            end = line.index(b',"source":')
            texts.append(line[start:end])
    return texts


def test_every_encoding_and_line_end_gives_the_same_text():
    variants = all_variants()
    d = setup([(n, b) for n, _, b in variants])
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 0, "exit", r)
    docs = r.docs
    eq([x["id"] for x in docs], ["t.zip!" + n for n, _, _ in variants], "every variant is a document", r)
    for x, (name, enc, raw) in zip(docs, variants):
        eq(x["text"], SENTENCE, "text of " + name)
        eq(x["text"].encode("utf-8"), SENTENCE.encode("utf-8"), "bytes of " + name)
        eq(x["metadata"]["encoding"], enc, "encoding of " + name)
        eq(x["metadata"]["bytes"], len(raw), "raw size of " + name)
        eq(x["metadata"].get("replaced", 0), 0, "nothing replaced in " + name)
    raws = raw_texts(r.out)
    eq(len(set(raws)), 1, "every text is written byte-identical", raws)
    eq(read_jsonl(os.path.join(d, "e.jsonl")), [], "nothing skipped or failed")


def test_ls_and_cat_agree_with_run():
    variants = all_variants()
    d = setup([(n, b) for n, _, b in variants])
    r = vigie("ls", "t.zip", cwd=d)
    eq(r.code, 0, "exit", r)
    rows = [l.split("\t") for l in r.text.splitlines()]
    eq([tuple(row) for row in rows],
       [("t.zip!" + n, str(len(b)), "text", enc, "ok") for n, enc, b in variants],
       "ls: id, bytes, format, encoding, status", r)
    for name, _, _ in variants:
        r = vigie("cat", "t.zip", "--id", "t.zip!" + name, cwd=d)
        eq((r.code, r.out), (0, SENTENCE.encode("utf-8")), "cat of " + name, r)


def test_normalize_nfd():
    variants = all_variants()
    d = setup([(n, b) for n, _, b in variants])
    r = run(d, "--normalize", "NFD")
    eq(r.code, 0, "exit", r)
    eq(len(r.docs), len(variants), "", r)
    for x, (name, _, _) in zip(r.docs, variants):
        eq(x["text"], NFD, "NFD text of " + name)


def test_normalize_none_keeps_the_text_as_written():
    d = setup([("nfd.txt", NFD.encode("utf-8")), ("nfc.txt", SENTENCE.encode("utf-8")),
               ("nfd-crlf.txt", NFD.replace("\n", "\r\n").encode("utf-8"))])
    r = run(d, "--normalize", "none")
    eq(r.code, 0, "exit", r)
    eq([x["text"] for x in r.docs], [NFD, SENTENCE, NFD], "an NFD file stays decomposed, line ends still LF", r)
    r = run(d)
    eq([x["text"] for x in r.docs], [SENTENCE] * 3, "NFC by default", r)
    # the pipeline's own normalize field, and --normalize winning over it
    write(os.path.join(d, "p.lua"), 'return { normalize = "none", stages = { function(doc) end } }')
    r = run(d)
    eq(r.docs[0]["text"], NFD, "normalize = \"none\" in the pipeline", r)
    r = run(d, "--normalize", "NFC")
    eq(r.docs[0]["text"], SENTENCE, "--normalize wins over the pipeline", r)


def test_normalize_nfkc_folds_compatibility_characters():
    text = "La \ufb01che de poste \u2460 : \ufb01n du contr\u00f4le, m\u00b2.\n"
    d = setup([("lig.txt", text.encode("utf-8")), ("lig-nfd.txt", unicodedata.normalize("NFD", text).encode("utf-8"))])
    r = run(d, "--normalize", "NFKC")
    eq(r.code, 0, "exit", r)
    expected = "La fiche de poste 1 : fin du contr\u00f4le, m2.\n"
    eq([x["text"] for x in r.docs], [expected, expected], "NFKC: \ufb01 becomes fi", r)
    r = run(d)
    eq(r.docs[0]["text"], text, "NFC keeps the ligature", r)
    r = run(d, "--normalize", "NFKD")
    eq(r.docs[0]["text"], unicodedata.normalize("NFKD", text), "NFKD", r)
    check("fi" in r.docs[0]["text"] and "\ufb01" not in r.docs[0]["text"], "NFKD decomposes the ligature too")


def test_invalid_bytes_after_a_utf8_bom_are_replaced_and_counted():
    raw = b"\xef\xbb\xbfcaf\xc3\xa9 \xff\xfe fin \xc3 du texte\r\n"
    d = setup([("bad.txt", raw), ("good.txt", b"\xef\xbb\xbfbon\n")])
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 0, "exit", r)
    bad, good = r.docs
    eq(bad["text"], "caf\u00e9 \ufffd\ufffd fin \ufffd du texte\n", "each invalid sequence is U+FFFD, the BOM is gone", r)
    eq(bad["metadata"]["encoding"], "utf-8-bom", "a BOM says UTF-8: no fall back to Windows-1252")
    eq(bad["metadata"].get("replaced"), 3, "counted in metadata.replaced")
    eq(bad["metadata"]["bytes"], len(raw))
    eq(good["text"], "bon\n")
    eq(good["metadata"].get("replaced", 0), 0, "nothing replaced in the good one")
    eq(read_jsonl(os.path.join(d, "e.jsonl")), [], "a replacement is not an error")
    r = vigie("ls", "t.zip", cwd=d)
    row = r.text.splitlines()[0].split("\t")
    eq(row[3], "utf-8-bom")
    check("3" in row[4], "ls tells the replacements", row)


def test_utf16_damage_is_replaced_and_counted():
    odd = b"\xff\xfe" + "abc".encode("utf-16-le") + b"\x00"        # a stray last byte
    lone = b"\xff\xfe" + "a".encode("utf-16-le") + b"\x00\xd8" + "b\n".encode("utf-16-le")  # lone high surrogate
    pair = b"\xfe\xff" + "\U0001F4E2 tract\n".encode("utf-16-be")  # a surrogate pair is fine
    d = setup([("odd.txt", odd), ("lone.txt", lone), ("pair.txt", pair)])
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq([(x["text"], x["metadata"]["encoding"], x["metadata"].get("replaced", 0)) for x in r.docs],
       [("abc\ufffd", "utf-16le", 1), ("a\ufffdb\n", "utf-16le", 1), ("\U0001F4E2 tract\n", "utf-16be", 0)], "", r)


def test_windows_1252_is_the_fallback_for_the_whole_document():
    # valid UTF-8 for more than a read block, then one Windows-1252 byte:
    # the whole document is decoded as Windows-1252, not a mix
    raw = "\u00e9".encode("utf-8") * 40000 + b" caf\xe9\n"
    d = setup([("late.txt", raw), ("early.txt", b"caf\xe9 " + "\u00e9".encode("utf-8") + b"\n")])
    r = run(d)
    eq(r.code, 0, "exit", r)
    late, early = r.docs
    eq(late["metadata"]["encoding"], "windows-1252", "", r)
    eq(late["text"], raw.decode("cp1252"), "every byte read as Windows-1252")
    eq(early["metadata"]["encoding"], "windows-1252")
    eq(early["text"], "caf\u00e9 \u00c3\u00a9\n")


def test_utf16_without_bom_is_binary():
    d = setup([("nobom.txt", "texte sans BOM\n".encode("utf-16-le")), ("ok.txt", b"ok\n")])
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["t.zip!ok.txt"], "", r)
    eq([(e["id"], e["kind"], e["stage"]) for e in read_jsonl(os.path.join(d, "e.jsonl"))],
       [("t.zip!nobom.txt", "skipped", "input")])


def test_line_ends_and_sequences_across_read_blocks():
    # CRLF, a UTF-8 sequence and a UTF-16 surrogate pair cut by 8K, 10K,
    # 16K, 32K and 64K boundaries, in a directory and in a zip
    d = setup()
    entries = []
    for k in (8192, 10240, 16384, 32768, 65536):
        entries.append(("crlf-%d.txt" % k, b"x" * (k - 1) + b"\r\n" + b"y\rz\n", "x" * (k - 1) + "\ny\nz\n"))
        entries.append(("utf8-%d.txt" % k, b"x" * (k - 1) + "\u00e9\u20ac".encode() + b"\n", "x" * (k - 1) + "\u00e9\u20ac\n"))
        s = "a" * (k // 2 - 2) + "\U0001F600b\r\nc"
        entries.append(("u16-%d.txt" % k, b"\xff\xfe" + s.encode("utf-16-le"), s.replace("\r\n", "\n")))
        entries.append(("cr-%d.txt" % k, b"x" * (k - 1) + b"\r\r\nq", "x" * (k - 1) + "\n\nq"))
    entries.sort()
    for name, raw, _ in entries:
        write(os.path.join(d, "dir", name), raw)
    write(os.path.join(d, "t.zip"), zip_bytes([(n, b) for n, b, _ in entries]))
    for inp, prefix in (("dir", "dir/"), ("t.zip", "t.zip!")):
        r = vigie("run", "p.lua", inp, cwd=d)
        eq(r.code, 0, "exit", r)
        eq([x["id"] for x in r.docs], [prefix + n for n, _, _ in entries], inp)
        for x, (name, _, expected) in zip(r.docs, entries):
            eq(x["text"], expected, "%s %s" % (inp, name))
            eq(x["metadata"].get("replaced", 0), 0, "%s %s" % (inp, name))


def test_empty_and_bom_only_files():
    d = setup([("empty.txt", b""), ("bom.txt", b"\xef\xbb\xbf"), ("bom16.txt", b"\xff\xfe")])
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq([(x["text"], x["metadata"]["encoding"]) for x in r.docs],
       [("", "utf-8"), ("", "utf-8-bom"), ("", "utf-16le")], "", r)


def test_stage_sees_encoding_and_replaced():
    variants = all_variants()
    entries = [(n, b) for n, _, b in variants] + [("bad.txt", b"\xef\xbb\xbfa\xff\xfeb\n"),
                                                  ("bad1252.txt", b"caf\xe9 \x81\n")]
    d = setup(entries, pipeline='''return { stages = { function(doc)
      doc.meta.seen_encoding = doc.encoding
      doc.meta.seen_replaced = doc.replaced
      doc.meta.seen_bytes = doc.bytes
      doc.meta.seen_nbsp = doc.text:find("\\u{A0}pointeuse", 1, true) ~= nil
    end } }''')
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq(len(r.docs), len(entries), "", r)
    for x in r.docs:
        m = x["metadata"]
        eq(m["seen_encoding"], m["encoding"], "doc.encoding of " + x["id"])
        eq(m["seen_replaced"], m.get("replaced", 0), "doc.replaced of " + x["id"])
        eq(m["seen_bytes"], m["bytes"], "doc.bytes of " + x["id"])
    by = {x["id"]: x["metadata"] for x in r.docs}
    eq([by["t.zip!" + n]["seen_encoding"] for n, _, _ in variants], [e for _, e, _ in variants], "per encoding")
    check(all(by["t.zip!" + n]["seen_nbsp"] for n, _, _ in variants), "the stage sees the U+00A0", by)
    eq((by["t.zip!bad.txt"]["seen_encoding"], by["t.zip!bad.txt"]["seen_replaced"]), ("utf-8-bom", 2))
    eq(by["t.zip!bad1252.txt"]["seen_encoding"], "windows-1252")
    check(by["t.zip!bad1252.txt"]["seen_replaced"] >= 1, "0x81 has no Windows-1252 character: replaced", by)


def test_text_assigned_by_a_stage_is_normalized_like_the_input():
    d = setup([("a.txt", b"x\n")], pipeline='''return { stages = { function(doc)
      doc.text = "Cafe\\u{301} \\u{FB01}che"
    end } }''')
    eq(run(d).docs[0]["text"], "Caf\u00e9 \ufb01che", "NFC")
    eq(run(d, "--normalize", "NFKC").docs[0]["text"], "Caf\u00e9 fiche", "NFKC")
    eq(run(d, "--normalize", "none").docs[0]["text"], "Cafe\u0301 \ufb01che", "none")


main()
