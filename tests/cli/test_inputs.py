"""Inputs (SPEC sections 1 and 6) through `vigie run`, `vigie ls` and
`vigie cat`: every kind of input, ids and paths, nested archives and
--max-depth, several inputs, missing and damaged inputs, entries that are
skipped (binary, too large, links), and the accounting of --stats.

Fixtures are made in each test's own temporary directory, with Python's
zipfile/tarfile/gzip/lzma/bz2 or with bsdtar, 7z and zstd."""
import bz2
import gzip
import io
import json
import lzma
import os
import subprocess
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

IDENTITY = "return { stages = { function(doc) end } }"

# The tree most archives are made of: (entry path, bytes), in archive order.
TREE = [("a.txt", "alpha\n".encode()), ("sub/b.txt", "b\u00eata, l\u2019\u00e9t\u00e9\n".encode())]


def setup(files=None):
    """A temporary directory with the identity pipeline p.lua, and files."""
    d = tmp()
    write(os.path.join(d, "p.lua"), IDENTITY)
    for name, content in (files or {}).items():
        write(os.path.join(d, name), content)
    return d


def run(d, *args, **kw):
    return vigie("run", "p.lua", *args, cwd=d, **kw)


def tar_bytes(entries, mode="w"):
    """A tar (mode "w", "w:gz", ...) of (name, bytes) entries, as bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in entries:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1500000000
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def tree_dir(d, name="src"):
    """Writes TREE under d/name; returns that folder."""
    root = os.path.join(d, name)
    for path, data in TREE:
        write(os.path.join(root, path), data)
    return root


def tool(args, cwd):
    p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, "fixture tool failed: %s\n%s" % (" ".join(args), p.stderr.decode(errors="replace")))


def check_tree_run(d, archive):
    """Runs the identity pipeline over archive (a name in d) and checks that
    the documents are TREE's entries, with ids, sources, paths and texts."""
    r = run(d, archive, "--errors", "e.jsonl")
    eq(r.code, 0, "exit of %s" % archive, r)
    docs = r.docs
    eq([x["id"] for x in docs], [archive + "!" + p for p, _ in TREE], "ids of " + archive, r)
    eq([x["path"] for x in docs], [p for p, _ in TREE], "paths of " + archive)
    eq([x["source"] for x in docs], [archive] * len(TREE), "sources of " + archive)
    eq([x["text"] for x in docs], [t.decode() for _, t in TREE], "texts of " + archive)
    eq([x["metadata"]["bytes"] for x in docs], [len(t) for _, t in TREE], "bytes of " + archive)
    eq(read_jsonl(os.path.join(d, "e.jsonl")), [], "nothing reported for " + archive)
    check("kept 2" in r.err, "summary counts 2 kept", r)


# --- every kind of input -------------------------------------------------

def test_zip():
    d = setup({"t.zip": zip_bytes(TREE)})
    check_tree_run(d, "t.zip")
    d = setup({"stored.zip": zip_bytes(TREE, zipfile.ZIP_STORED)})
    check_tree_run(d, "stored.zip")


def test_tar():
    d = setup({"t.tar": tar_bytes(TREE)})
    check_tree_run(d, "t.tar")
    r = run(d, "t.tar")
    eq(r.docs[0]["metadata"]["mtime"], 1500000000, "the entry's mtime")


def test_tar_gz_bz2_xz():
    d = setup({"t.tar.gz": tar_bytes(TREE, "w:gz"), "t.tgz": tar_bytes(TREE, "w:gz"),
               "t.tar.bz2": tar_bytes(TREE, "w:bz2"), "t.tar.xz": tar_bytes(TREE, "w:xz")})
    for name in ("t.tar.gz", "t.tgz", "t.tar.bz2", "t.tar.xz"):
        check_tree_run(d, name)


def test_tar_zst():
    d = setup()
    src = tree_dir(d)
    tool(["bsdtar", "--zstd", "-cf", "../t.tar.zst"] + [p for p, _ in TREE], src)
    check_tree_run(d, "t.tar.zst")
    # the same tar, compressed by the zstd tool itself
    write(os.path.join(d, "plain.tar"), tar_bytes(TREE))
    tool(["zstd", "-q", "plain.tar", "-o", "z.tar.zst"], d)
    check_tree_run(d, "z.tar.zst")


def test_7z():
    d = setup()
    src = tree_dir(d)
    tool(["7z", "a", "-bd", "-y", "../t.7z"] + [p for p, _ in TREE], src)
    check_tree_run(d, "t.7z")
    tool(["bsdtar", "--format", "7zip", "-cf", "../b.7z"] + [p for p, _ in TREE], src)
    check_tree_run(d, "b.7z")


def test_cpio():
    d = setup()
    src = tree_dir(d)
    tool(["bsdtar", "--format", "cpio", "-cf", "../t.cpio"] + [p for p, _ in TREE], src)
    check_tree_run(d, "t.cpio")
    tool(["bsdtar", "--format", "newc", "-cf", "../n.cpio"] + [p for p, _ in TREE], src)
    check_tree_run(d, "n.cpio")


def test_single_compressed_texts():
    text = "Une note compress\u00e9e,\r\nsur deux lignes.\n"
    raw = text.encode()
    d = setup({"n.txt.gz": gzip.compress(raw), "n.txt.xz": lzma.compress(raw),
               "n.txt.bz2": bz2.compress(raw), "plain.txt": raw})
    tool(["zstd", "-q", "plain.txt", "-o", "n.txt.zst"], d)
    names = ["n.txt.gz", "n.txt.xz", "n.txt.bz2", "n.txt.zst"]
    r = run(d, *names)
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], names, "id: the path as given")
    eq([x["source"] for x in r.docs], names, "source: the path as given")
    eq([x["path"] for x in r.docs], ["n.txt"] * 4, "path: the name without the compression suffix")
    eq([x["text"] for x in r.docs], ["Une note compress\u00e9e,\nsur deux lignes.\n"] * 4, "decompressed and decoded")
    eq([x["metadata"]["bytes"] for x in r.docs], [len(raw)] * 4, "bytes: the decompressed size")
    # given with a folder, the id keeps it and the path is the name in it
    write(os.path.join(d, "in", "m.txt.gz"), gzip.compress(b"m\n"))
    r = run(d, "in/m.txt.gz")
    eq((r.docs[0]["id"], r.docs[0]["text"]), ("in/m.txt.gz", "m\n"), "", r)


def test_directory_is_walked_in_sorted_order():
    d = setup()
    # written out of order on purpose: the walk must sort
    for name, text in (("dir/z.txt", "zed\n"), ("dir/sub/b.txt", "bee\n"), ("dir/a.txt", "ay\n"),
                       ("dir/sub/a.txt", "sub ay\n"), ("dir/m/deep/x.txt", "deep\n")):
        write(os.path.join(d, name), text)
    os.makedirs(os.path.join(d, "dir", "empty"))
    r = run(d, "dir")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs],
       ["dir/a.txt", "dir/m/deep/x.txt", "dir/sub/a.txt", "dir/sub/b.txt", "dir/z.txt"], "sorted walk", r)
    eq([x["path"] for x in r.docs], ["a.txt", "m/deep/x.txt", "sub/a.txt", "sub/b.txt", "z.txt"],
       "path relative to the directory")
    eq({x["source"] for x in r.docs}, {"dir"})
    eq([x["text"] for x in r.docs], ["ay\n", "deep\n", "sub ay\n", "bee\n", "zed\n"])
    # an archive found in a directory is opened
    write(os.path.join(d, "dir2", "t.zip"), zip_bytes(TREE))
    r = run(d, "dir2")
    eq([x["id"] for x in r.docs], ["dir2/t.zip!a.txt", "dir2/t.zip!sub/b.txt"], "archive inside a directory", r)


def test_plain_file_id_is_the_path_as_given():
    d = setup({"notes/a.txt": "note\n"})
    r = run(d, "notes/a.txt", "./notes/a.txt")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["notes/a.txt", "./notes/a.txt"], "id as given", r)
    eq([x["text"] for x in r.docs], ["note\n", "note\n"])
    r = run(d, os.path.join(d, "notes", "a.txt"))
    eq(r.docs[0]["id"], os.path.join(d, "notes", "a.txt"), "an absolute path is kept too")


def test_stdin_zip():
    d = setup()
    r = run(d, "-", input=zip_bytes(TREE))
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["-!a.txt", "-!sub/b.txt"], "ids of an archive on stdin", r)
    eq([x["source"] for x in r.docs], ["-", "-"])
    eq([x["path"] for x in r.docs], ["a.txt", "sub/b.txt"])
    eq([x["text"] for x in r.docs], [t.decode() for _, t in TREE])
    # a tar.gz on stdin too
    r = run(d, "-", input=tar_bytes(TREE, "w:gz"))
    eq([x["id"] for x in r.docs], ["-!a.txt", "-!sub/b.txt"], "tar.gz on stdin", r)


def test_stdin_plain_text():
    d = setup()
    r = run(d, "-", input="Texte lu sur l\u2019entr\u00e9e standard\r\n")
    eq(r.code, 0, "exit", r)
    eq(len(r.docs), 1, "one document", r)
    eq(r.docs[0]["id"], "-")
    eq(r.docs[0]["source"], "-")
    eq(r.docs[0]["text"], "Texte lu sur l\u2019entr\u00e9e standard\n")


# --- nesting ---------------------------------------------------------------

def nested(d):
    deep = zip_bytes([("note.txt", b"deep note\n")])
    inner = zip_bytes([("deep.zip", deep), ("mid.txt", b"mid\n")])
    write(os.path.join(d, "outer.tar.gz"), tar_bytes([("top.txt", b"top\n"), ("inner.zip", inner)], "w:gz"))


def test_nested_archives_chain_ids():
    d = setup()
    nested(d)
    r = run(d, "outer.tar.gz", "--errors", "e.jsonl")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs],
       ["outer.tar.gz!top.txt", "outer.tar.gz!inner.zip!deep.zip!note.txt", "outer.tar.gz!inner.zip!mid.txt"],
       "ids chain the containers with !", r)
    eq([x["text"] for x in r.docs], ["top\n", "deep note\n", "mid\n"])
    eq({x["source"] for x in r.docs}, {"outer.tar.gz"}, "source is the input as given")
    eq(read_jsonl(os.path.join(d, "e.jsonl")), [], "nothing skipped at the default --max-depth 4")
    r = run(d, "outer.tar.gz", "--max-depth", "3")
    eq(len(r.docs), 3, "depth 3 is opened with --max-depth 3", r)


def test_max_depth_skips_and_reports_deeper_archives():
    d = setup()
    nested(d)
    r = run(d, "outer.tar.gz", "--max-depth", "2", "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 0, "too deep is a policy skip: exit 0", r)
    eq([x["id"] for x in r.docs], ["outer.tar.gz!top.txt", "outer.tar.gz!inner.zip!mid.txt"], "the deepest is left out", r)
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["id"], e["kind"], e["stage"]) for e in errs], [("outer.tar.gz!inner.zip!deep.zip", "skipped", "input")], "", errs)
    check("depth" in errs[0]["reason"], "the reason says depth", errs)
    check("skipped 1" in r.err, "the summary counts it", r)
    with open(os.path.join(d, "s.json")) as f:
        s = json.load(f)
    eq(s["skipped"], 1, "stats", s)
    r = run(d, "outer.tar.gz", "--max-depth", "1")
    eq([x["id"] for x in r.docs], ["outer.tar.gz!top.txt"], "--max-depth 1 opens only the input", r)
    eq(r.code, 0)


# --- several inputs, missing inputs ---------------------------------------

def test_several_inputs_keep_the_order_given():
    d = setup({"z.txt": "zed\n", "t.zip": zip_bytes(TREE), "a.txt": "ay\n"})
    write(os.path.join(d, "dir", "x.txt"), "ex\n")
    r = run(d, "z.txt", "t.zip", "dir", "a.txt", "-j", "3")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["z.txt", "t.zip!a.txt", "t.zip!sub/b.txt", "dir/x.txt", "a.txt"], "order given", r)


def test_missing_input_is_reported_and_others_processed():
    d = setup({"one.txt": "one\n", "two.zip": zip_bytes([("in.txt", b"two\n")])})
    r = run(d, "two.zip", "nope.zip", "one.txt", "--errors", "e.jsonl")
    eq(r.code, 1, "a missing input makes exit 1", r)
    eq([x["id"] for x in r.docs], ["two.zip!in.txt", "one.txt"], "the other inputs are processed", r)
    check("nope.zip" in r.err, "named on stderr", r)
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["id"], e["kind"], e["stage"]) for e in errs], [("nope.zip", "failed", "input")], "", errs)
    check("nope.zip" in errs[0]["reason"] or "No such file" in errs[0]["reason"], "reason", errs)


# --- skipped entries ---------------------------------------------------------

def test_binary_entry_is_skipped_and_reported():
    d = setup({"t.zip": zip_bytes([("a.txt", b"text\n"), ("img.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
                                   ("c.txt", b"last\n")])})
    r = run(d, "t.zip", "--errors", "e.jsonl")
    eq(r.code, 0, "a binary entry is a policy skip: exit 0", r)
    eq([x["id"] for x in r.docs], ["t.zip!a.txt", "t.zip!c.txt"], "", r)
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["id"], e["kind"], e["stage"]) for e in errs], [("t.zip!img.bin", "skipped", "input")], "", errs)
    check("binary" in errs[0]["reason"], "reason says binary", errs)
    check("skipped 1" in r.err and "binary" in r.err, "summary mentions the skip", r)


def test_entry_over_max_doc_bytes_is_skipped_and_reported():
    d = setup({"t.tar.gz": tar_bytes([("exact.txt", b"x" * 1024), ("big.txt", b"y" * 1025),
                                      ("small.txt", b"small\n")], "w:gz")})
    r = run(d, "t.tar.gz", "--max-doc-bytes", "1K", "--errors", "e.jsonl")
    eq(r.code, 0, "too large is a policy skip: exit 0", r)
    eq([x["id"] for x in r.docs], ["t.tar.gz!exact.txt", "t.tar.gz!small.txt"], "1024 bytes fit in 1K, 1025 do not", r)
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["id"], e["kind"], e["stage"]) for e in errs], [("t.tar.gz!big.txt", "skipped", "input")], "", errs)
    check("max-doc-bytes" in errs[0]["reason"], "reason names the limit", errs)
    check("skipped 1" in r.err and "too_large" in r.err, "summary mentions the skip", r)
    # a plain file in a directory too
    write(os.path.join(d, "dir", "big.txt"), b"z" * 2048)
    write(os.path.join(d, "dir", "ok.txt"), b"ok\n")
    r = run(d, "dir", "--max-doc-bytes", "1K", "--errors", "e2.jsonl")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["dir/ok.txt"])
    eq([(e["id"], e["kind"]) for e in read_jsonl(os.path.join(d, "e2.jsonl"))], [("dir/big.txt", "skipped")])


def link_tar(d):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        ti = tarfile.TarInfo("a.txt")
        ti.size = 3
        t.addfile(ti, io.BytesIO(b"aa\n"))
        ti = tarfile.TarInfo("link.txt")
        ti.type = tarfile.SYMTYPE
        ti.linkname = "/etc/passwd"
        t.addfile(ti)
        ti = tarfile.TarInfo("z.txt")
        ti.size = 3
        t.addfile(ti, io.BytesIO(b"zz\n"))
    write(os.path.join(d, "l.tar"), buf.getvalue())


def test_symlink_entry_is_skipped_and_reported():
    d = setup()
    link_tar(d)
    r = run(d, "l.tar", "--errors", "e.jsonl")
    eq(r.code, 0, "a link is a policy skip: exit 0", r)
    eq([x["id"] for x in r.docs], ["l.tar!a.txt", "l.tar!z.txt"], "the link is not followed", r)
    check("root:" not in r.text, "never the target's content", r)
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["id"], e["kind"], e["stage"]) for e in errs], [("l.tar!link.txt", "skipped", "input")], "", errs)
    check("link" in errs[0]["reason"], "reason says link", errs)
    # a symbolic link in a directory input is skipped as well
    write(os.path.join(d, "dir", "a.txt"), "aa\n")
    os.symlink("/etc/passwd", os.path.join(d, "dir", "b.txt"))
    r = run(d, "dir", "--errors", "e2.jsonl")
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["dir/a.txt"], "", r)
    eq([(e["id"], e["kind"]) for e in read_jsonl(os.path.join(d, "e2.jsonl"))], [("dir/b.txt", "skipped")])


# --- damaged archives ---------------------------------------------------------

def noise(n):
    """n bytes of text that does not compress (so a cut lands inside it)."""
    return os.urandom(n // 2).hex().encode()


def test_truncated_zip_keeps_entries_before_the_damage():
    full = zip_bytes([("a.txt", b"first entry\n" * 10), ("b.txt", b"second entry\n" * 10), ("c.txt", noise(6000))])
    cut = full[:full.index(b"c.txt") + 300]
    d = setup({"cut.zip": cut, "after.txt": "after\n"})
    r = run(d, "cut.zip", "after.txt", "--errors", "e.jsonl")
    eq(r.code, 1, "a damaged archive makes exit 1", r)
    eq([x["id"] for x in r.docs], ["cut.zip!a.txt", "cut.zip!b.txt", "after.txt"],
       "entries before the damage, then the next input", r)
    eq(r.docs[1]["text"], "second entry\n" * 10, "the entries before are whole")
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["kind"], e["stage"]) for e in errs], [("failed", "input")], "one damage reported", errs)
    check(errs[0]["id"].startswith("cut.zip"), "reported with the input", errs)
    check("c.txt" in errs[0]["id"] + errs[0]["reason"], "and the entry", errs)
    check("cut.zip" in r.err, "named on stderr", r)


def test_truncated_tar_gz_keeps_entries_before_the_damage():
    # the entries before the damage are larger than libarchive's read-ahead
    first = ("Premier tract, ligne %d.\n" * 4000 % tuple(range(4000))).encode()
    full = tar_bytes([("a.txt", first), ("b.txt", b"second\n"), ("c.txt", noise(200000))], "w:gz")
    d = setup({"cut.tar.gz": full[:len(full) * 3 // 4], "after.txt": "after\n"})
    r = run(d, "cut.tar.gz", "after.txt", "--errors", "e.jsonl")
    eq(r.code, 1, "a damaged archive makes exit 1", r)
    eq([x["id"] for x in r.docs], ["cut.tar.gz!a.txt", "cut.tar.gz!b.txt", "after.txt"],
       "entries before the damage, then the next input", r)
    eq(r.docs[0]["text"], first.decode())
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["kind"], e["stage"]) for e in errs], [("failed", "input")], "one damage reported", errs)
    check(errs[0]["id"].startswith("cut.tar.gz"), "reported with the input", errs)
    check("c.txt" in errs[0]["id"] + errs[0]["reason"], "and the entry", errs)
    check("cut.tar.gz" in r.err, "named on stderr", r)


# --- ls and cat ------------------------------------------------------------------

def test_ls_one_line_per_entry():
    d = setup({"t.zip": zip_bytes([("a.txt", "caf\u00e9\n".encode()), ("b.txt", "r\u00e9union\n".encode("cp1252")),
                                   ("c.bin", b"\x00\x01\x02"), ("d.txt", b"\xef\xbb\xbfbom\n")])})
    link_tar(d)
    r = vigie("ls", "t.zip", "l.tar", cwd=d)
    eq(r.code, 0, "exit", r)
    rows = [l.split("\t") for l in r.text.splitlines()]
    eq([len(row) for row in rows], [5] * 7, "id, bytes, format, encoding, status", r)
    eq([row[0] for row in rows], ["t.zip!a.txt", "t.zip!b.txt", "t.zip!c.bin", "t.zip!d.txt",
                                  "l.tar!a.txt", "l.tar!link.txt", "l.tar!z.txt"], "", r)
    eq(rows[0][1:], ["6", "text", "utf-8", "ok"])
    eq(rows[1][1:], ["8", "text", "windows-1252", "ok"])
    check(rows[2][4].startswith("skipped") and "binary" in rows[2][4], "binary", rows)
    eq(rows[3][1:], ["7", "text", "utf-8-bom", "ok"])
    check(rows[5][4].startswith("skipped") and "link" in rows[5][4], "link", rows)
    eq(r.out.count(b"\n"), 7, "one line per entry")
    # ls reads stdin too, and honours --max-doc-bytes
    r = vigie("ls", "-", "--max-doc-bytes", "1K", input=zip_bytes([("s.txt", b"s\n"), ("big.txt", b"b" * 1025)]), cwd=d)
    rows = [l.split("\t") for l in r.text.splitlines()]
    eq([row[0] for row in rows], ["-!s.txt", "-!big.txt"], "", r)
    check(rows[1][4].startswith("skipped"), "too large", rows)
    r = vigie("ls", "t.zip", "gone.zip", cwd=d)
    eq(r.code, 1, "a missing input", r)
    check("gone.zip" in r.err, "named", r)


def test_cat_one_document():
    d = setup({"t.zip": zip_bytes([("a.txt", "Cafe\u0301\r\nligne 2\r\n".encode()),
                                   ("b.txt", "r\u00e9union \u0153uvre\n".encode("cp1252"))])})
    nested(d)
    r = vigie("cat", "t.zip", "--id", "t.zip!b.txt", cwd=d)
    eq(r.code, 0, "exit", r)
    eq(r.out, "r\u00e9union \u0153uvre\n".encode(), "exactly that document, decoded")
    r = vigie("cat", "t.zip", "--id", "t.zip!a.txt", cwd=d)
    eq(r.out, "Caf\u00e9\nligne 2\n".encode(), "NFC, LF")
    r = vigie("cat", "outer.tar.gz", "--id", "outer.tar.gz!inner.zip!deep.zip!note.txt", cwd=d)
    eq((r.code, r.out), (0, b"deep note\n"), "a nested id", r)
    r = vigie("cat", "t.zip", "--id", "t.zip!nope.txt", cwd=d)
    eq(r.code, 1, "no such id", r)
    eq(r.out, b"")


# --- accounting --------------------------------------------------------------------

def test_stats_accounting():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        def add(name, data=None, kind=tarfile.REGTYPE, link=""):
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.linkname = link
            if kind == tarfile.REGTYPE:
                ti.size = len(data)
            t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        add("d/", kind=tarfile.DIRTYPE)
        add("d/keep1.txt", b"keep\n")
        add("d/keep2.txt", "caf\u00e9\n".encode("cp1252"))
        add("d/bin.dat", b"ab\x00cd")
        add("d/big.txt", b"x" * 2000)
        add("d/e/", kind=tarfile.DIRTYPE)
        add("d/e/link.txt", kind=tarfile.SYMTYPE, link="../keep1.txt")
        add("d/e/drop.txt", b"drop me\n")
        add("d/e/fail.txt", b"fail me\n")
    d = setup({"t.tar.gz": buf.getvalue()})
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      if doc.name == "drop.txt" then return false end
      if doc.name == "fail.txt" then error("boom") end
    end } }''')
    r = run(d, "t.tar.gz", "--max-doc-bytes", "1K", "--stats", "s.json", "--errors", "e.jsonl")
    eq(r.code, 1, "a stage failure makes exit 1", r)
    with open(os.path.join(d, "s.json")) as f:
        s = json.load(f)
    file_entries = 7  # every entry but the two directories
    eq(s["documents"] + s["skipped"], file_entries, "documents + skipped = entries that are files", s)
    eq(s["kept"] + s["dropped"] + s["failed"], s["documents"], "kept + dropped + failed = documents", s)
    eq((s["documents"], s["kept"], s["dropped"], s["failed"], s["skipped"]), (4, 2, 1, 1, 3), "", s)
    eq(s["skipped_by"], {"binary": 1, "too_large": 1, "link": 1}, "", s)
    eq(s["inputs"], 1)
    eq([x["id"] for x in r.docs], ["t.tar.gz!d/keep1.txt", "t.tar.gz!d/keep2.txt"], "", r)
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq(len(errs), s["skipped"] + s["dropped"] + s["failed"], "one --errors line per skip, drop, failure", errs)
    check("skipped 3" in r.err, "the summary says so", r)


main()
