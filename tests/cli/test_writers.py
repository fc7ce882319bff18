"""The writers (SPEC section 5): zip, tar, tar.gz, a folder, jsonl.gz, TSV
and the report, chosen by extension or --format, several in one run. Each
output is read back with a tool that is not vigie (bsdtar, python's
zipfile, tarfile, gzip, csv, json) and compared with the JSONL of the same
run. Hostile names never leave the output; a folder that is not empty is
refused without --force; links planted in an output folder are not
followed; outputs are atomic; the summary is easy to scan, in color only on
a terminal without NO_COLOR."""
import csv
import gzip
import io
import json
import os
import pty
import re
import subprocess
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, VIGIE, check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

FIRST = "examples/first/pipeline.lua"

# flags the whole text of every document, and tags it
FLAG_ALL = '''return { stages = { function(doc)
  if #doc.text > 0 then doc:flag{ rule = "all", label = "the whole text", start = 1, stop = #doc.text } end
  doc:tag("seen")
end } }'''

HOSTILE = ["../../etc/x", "/abs/y", "C:\\win\\z", "a/./b", "ok!../../../up", "c:/drive/d",
           "tab\there", "dup", "dup", "dup.txt", "dup.txt", "f", "f/g", "h.txt.vigie.json", "h.txt", "..",
           "//", "é/ü.txt"]


def sidecar_of(doc):
    """What the sidecar holds: the JSONL line without the text."""
    return {k: v for k, v in doc.items() if k != "text"}


def unescape_tsv(field):
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[m.group(1)], field)


def run_first(d, *outs, extra=()):
    args = ["run", FIRST, "-o", os.path.join(d, "out.jsonl")]
    for o in outs:
        args += ["-o", os.path.join(d, o)]
    r = vigie(*args, *extra, cwd=SRC)
    eq(r.code, 0, "exit", r)
    return r, read_jsonl(os.path.join(d, "out.jsonl"))


def check_members(docs, names, read, what):
    """names: the files of an archive or folder; read(name) -> bytes."""
    expected = []
    for doc in docs:
        path = doc["id"].replace("!", "/")
        expected += [path, path + ".vigie.json"]
        eq(read(path).decode("utf-8"), doc["text"], "%s: the text of %s" % (what, doc["id"]))
        eq(json.loads(read(path + ".vigie.json")), sidecar_of(doc), "%s: the sidecar of %s" % (what, doc["id"]))
    eq(sorted(names), sorted(expected), what + ": a text and a sidecar per document, nothing else")


def test_every_writer_in_one_run_matches_the_jsonl():
    d = tmp()
    r, docs = run_first(d, "out.zip", "out.tar", "out.tar.gz", "out.jsonl.gz", "flags.tsv", "report.html",
                        "folder/")
    eq(len(docs), 37)
    for o in ("out.zip", "out.tar", "out.tar.gz", "out.jsonl.gz", "flags.tsv (39 flags)", "report.html (16 documents)",
              "folder (37 documents)"):
        check(o in r.err, "the summary says it wrote " + o, r)
    check(not [f for f in os.listdir(d) if f.endswith(".partial")], "no .partial left")

    with zipfile.ZipFile(os.path.join(d, "out.zip")) as z:
        eq(z.testzip(), None, "the zip's checksums")
        check_members(docs, z.namelist(), z.read, "zip")
    for name in ("out.tar", "out.tar.gz"):
        with tarfile.open(os.path.join(d, name)) as t:
            check(all(m.isfile() for m in t.getmembers()), "regular files only")
            check_members(docs, t.getnames(), lambda n: t.extractfile(n).read(), name)
        listed = subprocess.run(["bsdtar", "-tf", os.path.join(d, name)], capture_output=True, check=True)
        eq(len(listed.stdout.decode().splitlines()), 2 * len(docs), "bsdtar lists " + name)
        one = docs[3]["id"].replace("!", "/")
        shown = subprocess.run(["bsdtar", "-xOf", os.path.join(d, name), one], capture_output=True, check=True)
        eq(shown.stdout.decode(), docs[3]["text"], "bsdtar -xOf " + name)
    zshown = subprocess.run(["bsdtar", "-xOf", os.path.join(d, "out.zip"), docs[0]["id"].replace("!", "/")],
                            capture_output=True, check=True)
    eq(zshown.stdout.decode(), docs[0]["text"], "bsdtar reads the zip")

    folder = os.path.join(d, "folder")
    files = [os.path.relpath(os.path.join(p, f), folder) for p, _, fs in os.walk(folder) for f in fs]
    check_members(docs, files, lambda n: open(os.path.join(folder, n), "rb").read(), "folder")
    doc = [x for x in docs if "mtime" in x["metadata"]][0]
    eq(int(os.stat(os.path.join(folder, doc["id"].replace("!", "/"))).st_mtime), doc["metadata"]["mtime"],
       "a file keeps the document's mtime")

    with gzip.open(os.path.join(d, "out.jsonl.gz")) as g:
        eq(g.read(), open(os.path.join(d, "out.jsonl"), "rb").read(), "jsonl.gz holds the same JSONL")

    with open(os.path.join(d, "flags.tsv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    eq(rows[0], ["id", "rule", "line", "col", "match", "excerpt"], "the header")
    want = [[x["id"], fl["rule"], str(fl["line"]), str(fl["col"]), fl["match"], fl["excerpt"]]
            for x in docs for fl in x["flags"]]
    eq([[unescape_tsv(c) for c in row] for row in rows[1:]], want, "one row per flag, in order")


def test_format_option_stdout_and_unknown_formats():
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    write(os.path.join(d, "in", "a.txt"), "badgeuse\n")
    write(os.path.join(d, "in", "b.txt"), "géolocalisation\n")
    ref = vigie("run", "p.lua", "in", cwd=d)
    for fmt in ("tar", "tar.gz", "zip"):
        r = vigie("run", "p.lua", "in", "--format", fmt, cwd=d)
        eq(r.code, 0, fmt, r)
        if fmt == "zip":
            names = zipfile.ZipFile(io.BytesIO(r.out)).namelist()
        else:
            names = tarfile.open(fileobj=io.BytesIO(r.out)).getnames()
        eq(names, ["in/a.txt", "in/a.txt.vigie.json", "in/b.txt", "in/b.txt.vigie.json"], fmt + " on stdout")
    r = vigie("run", "p.lua", "in", "--format", "jsonl.gz", cwd=d)
    eq(gzip.decompress(r.out), ref.out, "jsonl.gz on stdout")
    r = vigie("run", "p.lua", "in", "--format", "tsv", cwd=d)
    eq(r.out.decode().splitlines()[1], "in/a.txt\tall\t1\t1\tbadgeuse\\n\tbadgeuse\\n", "tsv on stdout")
    r = vigie("run", "p.lua", "in", "--format", "html", cwd=d)
    check(r.out.startswith(b"<!DOCTYPE html>") and r.out.rstrip().endswith(b"</html>"), "html on stdout")
    r = vigie("run", "p.lua", "in", "-o", "flags.txt", "--format", "tsv", cwd=d)
    eq(r.code, 0, "any name with --format", r)
    check(open(os.path.join(d, "flags.txt")).read().startswith("id\trule\t"), "written as TSV")
    for args, says in ((["--format", "docx"], "jsonl, jsonl.gz, zip, tar, tar.gz, dir, tsv or html"),
                       (["-o", "out.docx"], ".zip"), (["-o", "noext"], "DIR/"),
                       (["-o", "-", "--format", "dir"], "stdout"),
                       (["-o", "in/a.txt", "--format", "dir"], "not a folder"),
                       (["-o", "in", "--format", "zip"], "is a folder")):
        r = vigie("run", "p.lua", "in", "-o", "ok.jsonl", *args, cwd=d)
        eq(r.code, 2, " ".join(args), r)
        check(says in r.err, "the message says " + says, r)
        check(not os.path.exists(os.path.join(d, "ok.jsonl.partial")), "a usage error makes no output")


def test_tsv_escapes_tabs_newlines_and_backslashes():
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    docs = [{"id": "a\tb\\c", "text": "x\ty\\z\nw\r"}, {"id": "plain", "text": "q"}]
    r = vigie("run", "p.lua", "-", "--input-format", "jsonl", "--normalize", "none", "-o", "f.tsv",
              input="".join(json.dumps(x) + "\n" for x in docs), cwd=d)
    eq(r.code, 0, "exit", r)
    raw = open(os.path.join(d, "f.tsv"), encoding="utf-8", newline="").read()
    lines = raw.split("\n")
    eq(len(lines), 4, "a header, two rows, and the last newline", raw)
    eq(lines[1].split("\t")[0], "a\\tb\\\\c", "the id escaped")
    fields = [unescape_tsv(c) for c in lines[1].split("\t")]
    eq(fields[0], "a\tb\\c")
    eq(fields[4], "x\ty\\z\nw\r", "the match, back as it was")


def test_hostile_names_never_leave_the_output():
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    lines = "".join(json.dumps({"id": i, "text": "text of %s\n" % i}) for i in HOSTILE)
    lines = "\n".join(lines.replace('"}{"', '"}\n{"').split("\n")) + "\n"
    work = os.path.join(d, "work")
    os.makedirs(work)
    r = vigie("run", os.path.join(d, "p.lua"), "-", "--input-format", "jsonl", "-o", "o.zip", "-o", "o.tar",
              "-o", "o.tar.gz", "-o", "out/", "-o", "o.jsonl", input=lines, cwd=work)
    eq(r.code, 0, "exit", r)
    docs = read_jsonl(os.path.join(work, "o.jsonl"))
    eq([x["id"] for x in docs], HOSTILE, "the ids stay as they were in the JSONL")
    check("vigie: ../../etc/x: unsafe name written as __/__/etc/x" in r.err, "reported", r)
    eq(r.err.count("../../etc/x: unsafe name"), 1, "once, whatever the number of outputs", r)
    check("C:\\win\\z: unsafe name written as C_/win/z" in r.err, "a drive letter", r)

    def safe(name):
        parts = name.split("/")
        return (not name.startswith("/") and ".." not in parts and "." not in parts and "" not in parts
                and "\\" not in name and not re.match(r"^[A-Za-z]:", name)
                and not any(ord(c) < 32 for c in name))

    with zipfile.ZipFile(os.path.join(work, "o.zip")) as z:
        zip_names = z.namelist()
        # a text is a name whose sidecar is there ("h.txt.vigie.json" may be a text too)
        texts = {n: z.read(n).decode() for n in zip_names if n + ".vigie.json" in zip_names}
        sides = {n + ".vigie.json": json.loads(z.read(n + ".vigie.json")) for n in texts}
    eq(len(zip_names), 2 * len(texts), "a text and a sidecar each")
    for n in zip_names:
        check(safe(n), "a safe name in the zip: %r" % n)
    eq(len(zip_names), len(set(zip_names)), "no two entries of one name")
    eq(len(texts), len(HOSTILE), "every document written")
    for name, text in texts.items():
        eq(sides[name + ".vigie.json"]["id"] + "\n", text.replace("text of ", "", 1), "its sidecar: " + name)
    check("dup" in texts and "dup~2" in texts and "dup~2.txt" in texts and "f" in texts and "f~2/g" in texts
          and "h~2.txt" in texts, "same names get ~2", sorted(texts))
    check("é/ü.txt" in texts, "UTF-8 names stay", sorted(texts))
    for name in ("o.tar", "o.tar.gz"):
        with tarfile.open(os.path.join(work, name)) as t:
            eq(sorted(t.getnames()), sorted(zip_names), name + ": the same names as the zip")

    # extracted by bsdtar, and written by vigie as a folder: all inside
    ext = os.path.join(work, "ext")
    os.makedirs(ext)
    subprocess.run(["bsdtar", "-xf", os.path.join(work, "o.tar"), "-C", ext], check=True)
    for root in (ext, os.path.join(work, "out")):
        got = sorted(os.path.relpath(os.path.join(p, f), root) for p, _, fs in os.walk(root) for f in fs)
        eq(got, sorted(zip_names), "the folder holds the names of the zip: " + root)
    eq(sorted(os.listdir(work)), ["ext", "o.jsonl", "o.tar", "o.tar.gz", "o.zip", "out"], "nothing beside")
    eq(sorted(os.listdir(d)), ["p.lua", "work"], "nothing above")
    check(not os.path.exists("/abs/y") and not os.path.exists(os.path.join(d, "etc")), "nothing outside")


def test_hostile_entry_names_in_an_input_zip():
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    with zipfile.ZipFile(os.path.join(d, "h.zip"), "w") as z:
        for n in ("../../etc/x", "/abs/y", "C:\\win\\z", "a/./b"):
            z.writestr(zipfile.ZipInfo(n), "text of " + n)
    r = vigie("run", "p.lua", "h.zip", "-o", "o.zip", "-o", "out/", cwd=d)
    eq(r.code, 0, "exit", r)
    names = zipfile.ZipFile(os.path.join(d, "o.zip")).namelist()
    for n in names:
        check(n.startswith("h.zip/") and ".." not in n.split("/") and "\\" not in n, "inside: %r" % n)
    got = sorted(os.path.relpath(os.path.join(p, f), os.path.join(d, "out"))
                 for p, _, fs in os.walk(os.path.join(d, "out")) for f in fs)
    eq(got, sorted(names), "the folder too")
    eq(sorted(os.listdir(d)), ["h.zip", "o.zip", "out", "p.lua"], "nothing beside")


def test_a_folder_that_is_not_empty_is_refused_without_force():
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    write(os.path.join(d, "in", "a.txt"), "badgeuse\n")
    write(os.path.join(d, "out", "old.txt"), "mine")
    r = vigie("run", "p.lua", "in", "-o", "out/", "-o", "x.jsonl", cwd=d)
    eq(r.code, 2, "refused", r)
    check("out/ is a folder that is not empty" in r.err and "--force" in r.err, "a clear message", r)
    eq(sorted(os.listdir(d)), ["in", "out", "p.lua"], "nothing written, not even x.jsonl")
    eq(os.listdir(os.path.join(d, "out")), ["old.txt"], "the folder as it was")
    os.makedirs(os.path.join(d, "empty"))
    r = vigie("run", "p.lua", "in", "-o", "empty", cwd=d)
    eq(r.code, 0, "an empty folder is fine (the format from the folder itself)", r)
    eq(sorted(os.listdir(os.path.join(d, "empty", "in"))), ["a.txt", "a.txt.vigie.json"])
    r = vigie("run", "p.lua", "in", "-o", "out/", "--force", cwd=d)
    eq(r.code, 0, "--force", r)
    eq(sorted(os.listdir(os.path.join(d, "out"))), ["in"], "replaced: the old file is gone")
    check(not os.path.exists(os.path.join(d, "out.partial")), "no .partial left")
    r = vigie("run", "../p.lua", "../in", "-o", ".", "--force", cwd=os.path.join(d, "out"))
    eq(r.code, 2, "never the folder one works in", r)
    check("holds the current folder" in r.err, "says why", r)


def test_force_does_not_follow_links_planted_in_the_output():
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    write(os.path.join(d, "in", "a.txt"), "badgeuse\n")
    victim = os.path.join(d, "victim")
    write(os.path.join(victim, "keep.txt"), "precious")
    os.makedirs(os.path.join(d, "out"))
    os.symlink(victim, os.path.join(d, "out", "in"))          # where in/a.txt would go
    os.symlink(os.path.join(victim, "keep.txt"), os.path.join(d, "out", "old"))
    os.symlink(victim, os.path.join(d, "out.partial"))        # and where the run writes first
    r = vigie("run", "p.lua", "in", "-o", "out", "--force", cwd=d)
    eq(r.code, 0, "exit", r)
    eq(sorted(os.listdir(victim)), ["keep.txt"], "nothing written through a link")
    eq(open(os.path.join(victim, "keep.txt")).read(), "precious", "nothing removed through a link")
    check(not os.path.islink(os.path.join(d, "out", "in")), "a real folder now")
    eq(sorted(os.listdir(os.path.join(d, "out", "in"))), ["a.txt", "a.txt.vigie.json"])
    check(not os.path.lexists(os.path.join(d, "out.partial")), "the planted link is gone, not followed")


def test_outputs_are_atomic_when_the_run_aborts():
    d = tmp()
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      if doc.name == "c.txt" then error("broken") end
      doc:flag{ rule = "r", start = 1, stop = 1 }
    end } }''')
    for n in "abcdef":
        write(os.path.join(d, "in", n + ".txt"), "text " + n)
    outs = ["o.zip", "o.tar.gz", "o.jsonl.gz", "o.tsv", "o.html", "dir/"]
    args = ["run", "p.lua", "in", "--fail-fast", "-j", "1"]
    for o in outs:
        args += ["-o", o]
    r = vigie(*args, cwd=d)
    eq(r.code, 3, "aborted", r)
    for o in outs:
        o = o.rstrip("/")
        check(not os.path.exists(os.path.join(d, o)), "nothing at " + o)
        check(os.path.exists(os.path.join(d, o + ".partial")), "kept at %s.partial" % o)
    with zipfile.ZipFile(os.path.join(d, "o.zip.partial")) as z:
        eq(z.namelist()[:2], ["in/a.txt", "in/a.txt.vigie.json"], "the partial zip is readable")
    tarfile.open(os.path.join(d, "o.tar.gz.partial")).getnames()
    html = open(os.path.join(d, "o.html.partial"), encoding="utf-8").read()
    check("did not finish" in html and html.rstrip().endswith("</html>"), "a partial report that opens")
    check("o.zip.partial" in r.err and "run not finished" in r.err, "the summary says so", r)


def test_the_same_bytes_whatever_jobs_is():
    d = tmp()
    outs = {}
    for j in ("1", "3"):
        sub = os.path.join(d, j)
        os.makedirs(sub)
        run_first(sub, "o.zip", "o.tar.gz", "o.jsonl.gz", "o.tsv", "o.html", extra=("-j", j))
        outs[j] = {n: open(os.path.join(sub, n), "rb").read() for n in ("o.zip", "o.tar.gz", "o.jsonl.gz", "o.tsv")}
        html = open(os.path.join(sub, "o.html"), encoding="utf-8").read()
        outs[j]["html"] = re.sub(r'"seconds":[0-9.e-]+|[0-9.]+ s \u00b7|"stage_seconds":\{[^}]*\}', "", html)
    for n in outs["1"]:
        eq(outs["3"][n] == outs["1"][n], True, n + ": -j 3 == -j 1")


def sanitized():
    """1 when the binary is built with ASan (which keeps freed memory aside)."""
    cache = os.path.join(os.path.dirname(os.path.abspath(VIGIE)), "CMakeCache.txt")
    return os.path.exists(cache) and "VIGIE_SANITIZE:BOOL=ON" in open(cache).read()


def test_report_memory_stays_bounded():
    if sanitized():
        return  # ASan's quarantine holds freed memory: RSS says nothing there
    d = tmp()
    write(os.path.join(d, "p.lua"), FLAG_ALL)
    text = ("Chaque agent est géolocalisé par son smartphone. " * 40) + "\n"
    rss = {}
    for n in (1000, 10000):
        src = os.path.join(d, "in%d.jsonl" % n)
        with open(src, "w") as f:
            for i in range(n):
                f.write(json.dumps({"id": "d%06d" % i, "text": text}) + "\n")
        out = os.path.join(d, "r%d.html" % n)
        p = subprocess.Popen([VIGIE, "run", "p.lua", src, "--input-format", "jsonl", "-o", out, "-j", "2"],
                             cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        eq(os.waitstatus_to_exitcode(status), 0, "exit")
        rss[n] = usage.ru_maxrss  # KiB
        check(os.path.getsize(out) > n * len(text), "every document is in the report")
    # ten times the documents (20 MB more report), about the same memory
    check(rss[10000] < rss[1000] + 16 * 1024, "memory does not grow with the report", rss)


def test_summary_is_aligned_and_colored_only_on_a_terminal():
    d = tmp()
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      if doc.name == "e.txt" then error("broken") end
      doc:flag{ rule = "r" .. #doc.text, start = 1, stop = 1 }
    end } }''')
    for n, t in (("a.txt", "x"), ("b.txt", "xy"), ("e.txt", "z")):
        write(os.path.join(d, "in", n), t)
    r = vigie("run", "p.lua", "in", "--errors", "err.jsonl", cwd=d)
    eq(r.code, 1, "a failure", r)
    check("\033[" not in r.err, "no escape codes when stderr is not a terminal", r)
    cols = {}
    for line in r.err.splitlines():
        m = re.match(r"^( +)(kept|dropped|failed|skipped|flags|problems|wrote|time) (\S)", line)
        if m:
            cols[m.group(2)] = len(m.group(1)) + len(m.group(2))
    check(len(cols) >= 7 and len(set(cols.values())) == 1, "the numbers start in one column", r.err)
    check("every one of them in err.jsonl" in r.err, "where the errors file is", r)
    check(re.search(r"r1 +1 +50%", r.err), "the top rules with their share", r)

    def on_tty(env):
        master, slave = pty.openpty()
        e = dict(os.environ)
        e.pop("NO_COLOR", None)
        e.update(env)
        p = subprocess.Popen([VIGIE, "run", "p.lua", "in", "--no-progress"], cwd=d, env=e,
                             stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        p.wait(timeout=60)
        os.close(master)
        return out.decode("utf-8", "replace")

    check("\033[" in on_tty({}), "colors on a terminal")
    check("\033[" not in on_tty({"NO_COLOR": "1"}), "none with NO_COLOR")


main()
