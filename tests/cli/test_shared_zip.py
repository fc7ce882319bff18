"""A zip on disk with -j N: every worker reads its share of the entries
(inflating only its own), and the output is still the one -j 1 gives:
documents, errors and skips, in entry order, each reported once."""
import io
import json
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402


def inner_zip():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(3):
            z.writestr("n%d.txt" % i, "nested %d" % i)
    return b.getvalue()


def make(d):
    path = os.path.join(d, "big.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(120):
            if i % 17 == 0:
                z.writestr("d%03d/" % i, "")                      # a folder: not a document
            elif i % 23 == 0:
                z.writestr("b%03d.bin" % i, b"\x00\x01" * 10)     # binary: skipped
            elif i % 29 == 0:
                z.writestr("n%03d.zip" % i, inner_zip())          # nested: three documents
            elif i % 31 == 0:
                z.writestr("l%03d.txt" % i, "x" * 5000)           # over --max-doc-bytes
            else:
                z.writestr("t%03d.txt" % i, ("Tract %d. " % i) * (i % 7 + 1))
    return path


def test_every_jobs_count_gives_the_same_run():
    d = tmp()
    make(d)
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      if doc.name:find("5") then return false end
      if doc.name == "t044.txt" then error("boom") end
      doc.meta.worker_free = true
    end } }''')
    runs = []
    for j in ("1", "2", "3", "4"):
        r = vigie("run", "p.lua", "big.zip", "-j", j, "--max-doc-bytes", "4K", "--errors", "e%s.jsonl" % j,
                  "--stats", "s%s.json" % j, cwd=d)
        eq(r.code, 1, "one failure", r)
        errs = open(os.path.join(d, "e%s.jsonl" % j), "rb").read()
        stats = open(os.path.join(d, "s%s.json" % j)).read()
        stats = stats[:stats.index('"stage_seconds"')]
        runs.append((r.out, errs, stats))
    ids = [x["id"] for x in vigie("run", "p.lua", "big.zip", "-j", "1", cwd=d).docs]
    check("big.zip!n058.zip!n0.txt" in ids, "nested documents", ids[:5])
    eq(ids, sorted(ids, key=lambda i: (int(i.split("!")[1][1:4]), i)), "entry order")
    for k in (1, 2, 3):
        eq(runs[k][0], runs[0][0], "documents, -j %d vs -j 1" % (k + 1))
        eq(runs[k][1], runs[0][1], "errors, -j %d vs -j 1" % (k + 1))
        eq(runs[k][2], runs[0][2], "counts, -j %d vs -j 1" % (k + 1))


def test_an_entry_that_ends_the_archive_ends_it_for_every_reader():
    """When an entry ends the archive (here the archive as a whole expands
    past --max-ratio at its fifth entry), what the other readers read past
    it is dropped: every -j gives what one reader gives."""
    d = tmp()
    path = os.path.join(d, "z.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(60):
            z.writestr("t%02d.txt" % i, "0" * (2 << 20) if i == 5 else "Tract %d." % i)
    write(os.path.join(d, "p.lua"), "return { stages = { function() end } }")
    runs = []
    for j in ("1", "2", "3"):
        r = vigie("run", "p.lua", "z.zip", "-j", j, "--errors", "e%s.jsonl" % j, "--stats", "s.json", cwd=d)
        eq(r.code, 0, "exit", r)
        runs.append((r.out, open(os.path.join(d, "e%s.jsonl" % j)).read()))
        st = json.load(open(os.path.join(d, "s.json")))
        eq(st["entries"], st["kept"] + st["dropped"] + st["failed"] + st["skipped"] + st["input_errors"],
           "-j %s: the entries dropped past the end are not counted" % j, st)
    eq([x["id"] for x in vigie("run", "p.lua", "z.zip", "-j", "1", cwd=d).docs],
       ["z.zip!t%02d.txt" % i for i in range(5)], "the entries before it")
    check("the rest of it is not read" in runs[0][1], "told", runs[0][1])
    for k in (1, 2):
        eq(runs[k], runs[0], "-j %d vs -j 1" % (k + 1))


def test_limit_and_a_missing_zip_with_several_jobs():
    d = tmp()
    make(d)
    write(os.path.join(d, "p.lua"), "return { stages = { function() end } }")
    one = vigie("run", "p.lua", "big.zip", "--limit", "10", "-j", "1", cwd=d)
    three = vigie("run", "p.lua", "big.zip", "--limit", "10", "-j", "3", cwd=d)
    eq(three.out, one.out, "--limit takes the first documents in entry order")
    write(os.path.join(d, "broken.zip"), b"PK\x03\x04" + b"\x00" * 40)
    r = vigie("run", "p.lua", "broken.zip", "big.zip", "-j", "3", "--errors", "e.jsonl", cwd=d)
    eq(r.code, 1, "exit", r)
    errs = open(os.path.join(d, "e.jsonl")).read().splitlines()
    eq(sum('"id":"broken.zip"' in l for l in errs), 1, "the damage is told once")



class Unseekable(io.RawIOBase):
    """A file zipfile cannot seek in: it then writes each entry's sizes
    after its data (a data descriptor), as streaming zip writers do."""
    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)


def test_a_zip_of_many_entries_is_read_as_a_stream():
    """Past 10,000 entries a zip is read from local header to local header
    (so memory does not grow with its entries): the same documents, in the
    same order, as the same files in a tar, with -j 1 and -j 2, whether the
    entries carry their sizes before their data or after it."""
    d = tmp()
    n = 10050
    names = []
    for name, kw in (("sized.zip", {}), ("streamed.zip", {"stream": True})):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            with zipfile.ZipFile(Unseekable(f) if kw else f, "w", zipfile.ZIP_DEFLATED) as z:
                for i in range(n):
                    if i == 77:
                        z.writestr("n077.zip", inner_zip())
                    elif i % 1000 == 999:
                        z.writestr("b%05d.bin" % i, b"\x00\x01" * 10)
                    else:
                        z.writestr("t%05d.txt" % i, "Tract %d: la badgeuse.\n" % i)
                    if name == "sized.zip":
                        names.append(z.infolist()[-1].filename)
    import tarfile
    with tarfile.open(os.path.join(d, "same.tar"), "w") as t, zipfile.ZipFile(os.path.join(d, "sized.zip")) as z:
        for name in names:
            info = tarfile.TarInfo(name)
            data = z.read(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    check(zipfile.ZipFile(os.path.join(d, "streamed.zip")).infolist()[0].flag_bits & 8,
          "streamed.zip puts its sizes after the data")
    write(os.path.join(d, "p.lua"), "return { stages = { function() end } }")

    def docs(src, j):
        r = vigie("run", "p.lua", src, "-j", j, "--errors", "e.jsonl", cwd=d)
        eq(r.code, 0, src, r)
        skipped = open(os.path.join(d, "e.jsonl")).read().count('"skipped"')
        return [(x["id"].split("!", 1)[1], x["text"]) for x in r.docs], skipped

    want = docs("same.tar", "1")
    eq(len(want[0]), n - 10 + 2, "documents: the binaries skipped, the nested zip's three")
    eq(want[1], 10, "the binaries, skipped")
    for src in ("sized.zip", "streamed.zip"):
        for j in ("1", "2"):
            got = docs(src, j)
            eq(got[1], want[1], "%s -j %s: skips" % (src, j))
            check(got[0] == want[0], "%s -j %s: the tar's documents, in order" % (src, j),
                  [a for a, b in zip(got[0], want[0]) if a != b][:3])


def test_a_streamed_zip_leaves_what_is_not_plain_to_libarchive():
    """In a zip read as a stream, vigie inflates plain deflated entries
    itself (libdeflate) and leaves the rest to libarchive: stored entries
    are read, an entry whose CRC does not match is reported damaged (not
    taken as it inflates), an entry past --max-ratio is skipped with the
    ratio; the rest is read."""
    d = tmp()
    n = 10020
    path = os.path.join(d, "big.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            if i == n - 2:  # late, where the archive as a whole expands little
                z.writestr("zeros.txt", "0" * (2 << 20))                     # ratio ~1000
            elif i % 500 == 7:
                z.writestr("s%05d.txt" % i, "Stored %d." % i, zipfile.ZIP_STORED)
            else:
                z.writestr("t%05d.txt" % i, "Tract %d: la badgeuse.\n" % i)
        bad = z.getinfo("t00009.txt").header_offset
    data = bytearray(open(path, "rb").read())
    data[bad + 14] ^= 0xFF                    # the CRC-32 of t00009.txt's local header
    write(os.path.join(d, "big.zip"), bytes(data))
    write(os.path.join(d, "p.lua"), "return { stages = { function() end } }")
    for j in ("1", "2"):
        r = vigie("run", "p.lua", "big.zip", "-j", j, "--errors", "e.jsonl", cwd=d)
        eq(r.code, 1, "the damaged entry fails the run", r)
        names = [x["id"].split("!", 1)[1] for x in r.docs]
        eq(len(names), n - 2, "every entry but the one skipped and the damaged one")
        check("t00009.txt" not in names and "zeros.txt" not in names, "neither is a document")
        check("s00007.txt" in names and "s09507.txt" in names, "stored entries read")
        eq(r.docs[names.index("s00507.txt")]["text"], "Stored 507.", "a stored entry's text")
        eq(r.docs[names.index("t09999.txt")]["text"], "Tract 9999: la badgeuse.\n", "the last entry")
        errs = open(os.path.join(d, "e.jsonl")).read()
        check("(t00009.txt): ZIP bad CRC" in errs, "the bad CRC is told", errs)
        check('zeros.txt","kind":"skipped","stage":"input","reason":"entry expands' in errs and
              "--max-ratio" in errs, "the entry's ratio is told", errs)
        eq(names[-1], "t%05d.txt" % (n - 1), "the entry after it is read")


main()
