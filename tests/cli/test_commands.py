"""The commands other than run: --help for each, --version, check, ls, cat,
stats."""
import json
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402


def test_version_and_help():
    r = vigie("--version")
    eq(r.code, 0)
    check(r.text.startswith("vigie "), "version line", r)
    r = vigie("--help")
    eq(r.code, 0)
    for cmd in ("run", "check", "ls", "cat", "stats"):
        check("  %s " % cmd in r.text, "lists " + cmd, r)
    r = vigie()
    eq(r.code, 2, "no command is a usage error", r)
    check("usage: vigie" in r.err, "usage on stderr", r)


def test_help_of_each_command():
    for cmd, words in (("run", ["--output", "--set", "--errors", "--max-doc-bytes", "Exit status"]),
                       ("check", ["problem"]), ("ls", ["encoding"]), ("cat", ["--id"]),
                       ("stats", ["--stats"])):
        r = vigie(cmd, "--help")
        eq(r.code, 0, cmd, r)
        check(r.text.startswith("usage: vigie " + cmd), cmd + " usage line", r)
        for w in words:
            check(w in r.text, "%s --help mentions %s" % (cmd, w), r)


def test_every_run_option_is_in_its_help():
    src = open(os.path.join(os.path.dirname(__file__), "..", "..", "engine", "cli.c")).read()
    table = src[src.index("RUN_OPTS[] = {"):]
    table = table[:table.index("{0, 0, 0, 0}")]
    names = [l.split('"')[1] for l in table.splitlines() if '{"' in l]
    helptext = vigie("run", "--help").text
    for n in names:
        if n == "help":
            continue
        check("--" + n in helptext, "--%s documented in run --help" % n)


def test_unknown_command():
    r = vigie("frobnicate")
    eq(r.code, 2)
    check("unknown command 'frobnicate'" in r.err, "names it", r)


def make_zip(d):
    z = os.path.join(d, "t.zip")
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.txt", "Caf\u0065\u0301 cr\u00e8me\r\n")
        zf.writestr("b.txt", "r\u00e9union".encode("cp1252"))
        zf.writestr("c.bin", b"\x00\x00\x01")
    return z


def test_ls_lists_id_bytes_format_encoding_status():
    d = tmp()
    z = make_zip(d)
    r = vigie("ls", z)
    eq(r.code, 0, "exit", r)
    rows = [l.split("\t") for l in r.text.splitlines()]
    eq([row[0] for row in rows], [z + "!a.txt", z + "!b.txt", z + "!c.bin"])
    eq(rows[0][1:], ["15", "text", "utf-8", "ok"])
    eq(rows[1][3], "windows-1252")
    check(rows[2][4].startswith("skipped: binary"), "binary", rows)
    r = vigie("ls", os.path.join(d, "missing.zip"))
    eq(r.code, 1, "missing input", r)


def test_cat_prints_normalized_text():
    d = tmp()
    z = make_zip(d)
    r = vigie("cat", z, "--id", z + "!a.txt")
    eq(r.code, 0, "exit", r)
    eq(r.text, "Caf\u00e9 cr\u00e8me\n", "NFC, LF")
    r = vigie("cat", z)
    eq(r.text, "Caf\u00e9 cr\u00e8me\nr\u00e9union\n")
    r = vigie("cat", z, "--id", "nope")
    eq(r.code, 1)
    check("no document with id nope" in r.err, "says so", r)
    r = vigie("cat", z, "--id", z + "!a.txt", "--normalize", "NFD")
    eq(r.text, "Cafe\u0301 cre\u0300me\n")


def test_stats_sums_shards():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { function(doc) if doc.name == "0.txt" then return false end end } }')
    for i in range(6):
        write(os.path.join(d, "in", "%d.txt" % i), "x%d" % i)
    for k in range(3):
        r = vigie("run", "p.lua", "in", "--shard", "%d/3" % k, "--stats", "s%d.json" % k,
                  "-o", "out%d.jsonl" % k, cwd=d)
        eq(r.code, 0, "shard", r)
    r = vigie("stats", "s0.json", "s1.json", "s2.json", cwd=d)
    eq(r.code, 0, "exit", r)
    total = json.loads(r.text)
    eq((total["documents"], total["kept"], total["dropped"]), (6, 5, 1))
    ids = []
    for k in range(3):
        ids += [json.loads(l)["id"] for l in open(os.path.join(d, "out%d.jsonl" % k))]
    eq(sorted(ids), ["in/%d.txt" % i for i in range(1, 6)], "the union of the shards is one run")
    r = vigie("stats", "p.lua", cwd=d)
    eq(r.code, 1, "not a stats file", r)



def test_progress_line_with_an_eta_only_when_asked_or_on_a_terminal():
    d = tmp()
    z = os.path.join(d, "t.zip")
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(150):
            zf.writestr("d%03d.txt" % i, "texte %d\n" % i)
    # a stage that takes 10 ms a document: the run lasts over a second
    write(os.path.join(d, "p.lua"), 'return { stages = { function(doc) local t = os.clock() '
          'while os.clock() - t < 0.01 do end end } }\n')
    r = vigie("run", "p.lua", "t.zip", "-o", "/dev/null", "-j", "1", "--progress", cwd=d)
    eq(r.code, 0, "exit", r)
    lines = [l for l in r.err.split("\r") if "documents," in l]
    check(lines, "a progress line", r)
    check(any(re.search(r"\d+%, ETA \d+m\d\ds", l) for l in lines), "a share done and an ETA", lines)
    r = vigie("run", "p.lua", "t.zip", "-o", "/dev/null", "-j", "1", cwd=d)
    check("documents," not in r.err and "\r" not in r.err, "none when stderr is a pipe", r)



def test_ls_and_cat_read_through_the_reader_child():
    d = tmp()
    with zipfile.ZipFile(os.path.join(d, "t.zip"), "w") as zf:
        zf.writestr("a.txt", "premier\n")
        zf.writestr("boom.txt", "second\n")
    write(os.path.join(d, "c.txt"), "troisième\n")
    env = {"VIGIE_TEST_READER_CRASH": "boom"}  # the reader child aborts on that entry
    r = vigie("ls", "t.zip", "c.txt", cwd=d, env=env)
    eq(r.code, 1, "a crashed reader is a failed input", r)
    eq([l.split("\t")[0] for l in r.text.splitlines()], ["t.zip!a.txt", "t.zip", "c.txt"],
       "what came before, the crash on the input, and the next input", r)
    check("crashed" in r.err, "reported", r)
    r = vigie("cat", "t.zip", "c.txt", cwd=d, env=env)
    eq((r.code, r.text), (1, "premier\ntroisième\n"), "cat goes on too", r)


main()
