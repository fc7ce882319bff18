"""Hostile inputs (SPEC section 6, issue 7): zip and tar.gz bombs, names
that try to leave the output, links and devices, truncated and bit-flipped
archives, deep nesting, binary and oversized entries, an input whose
reading never ends, a reader that crashes. Each case checks the exit
status, the report (--errors, the summary) and what was written, and that
no reader child is left behind.

Every input is made by tests/hostile/gen.py in the test's own folder: no
downloaded samples. The reader runs in a child process (engine/reader.c):
VIGIE_TEST_READER_CRASH=TEXT makes that child abort() on an entry whose id
contains TEXT."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "hostile"))
import gen  # noqa: E402
from vtest import VIGIE, check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

IDENTITY = "return { stages = { function(doc) end } }"
SLOW = 10 if os.environ.get("VIGIE_VALGRIND") else 1  # valgrind runs ten times slower
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def setup():
    d = tmp()
    write(os.path.join(d, "p.lua"), IDENTITY)
    return d


def run(d, *args, env=None, timeout=120, cwd=None):
    """vigie run p.lua ARGS in d; the Result gets .secs. Checks that the run
    ended by itself (no signal), without a sanitizer report, and left no
    reader behind."""
    t0 = time.monotonic()
    r = vigie("run", os.path.join(d, "p.lua"), *args, "--no-progress", cwd=cwd or d, env=env,
              timeout=timeout * SLOW)
    r.secs = time.monotonic() - t0
    check(r.code >= 0, "killed by signal %d" % -r.code, r)
    for m in SANITIZER_MARKS:
        check(m not in r.err, "sanitizer report", r)
    eq(readers_left(cwd or d), [], "reader children left behind", r)
    return r


def readers_left(cwd):
    """Pids of `vigie __reader` processes working in cwd."""
    left = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
            if len(argv) > 1 and argv[1] == b"__reader" and \
                    os.path.realpath(os.readlink("/proc/%s/cwd" % pid)) == os.path.realpath(cwd):
                left.append(int(pid))
        except OSError:
            pass
    return left


def stats(d, name="s.json"):
    """The --stats file, after checking its accounting: every entry read is
    kept, dropped, failed, skipped or an input error."""
    with open(os.path.join(d, name)) as f:
        s = json.load(f)
    eq(s["entries"], s["kept"] + s["dropped"] + s["failed"] + s["skipped"] + s["input_errors"],
       "entries = kept + dropped + failed + skipped + input errors", s)
    eq(s["documents"], s["kept"] + s["dropped"] + s["failed"], "documents = kept + dropped + failed", s)
    return s


def ids(path):
    return [x["id"] for x in read_jsonl(path)] if os.path.exists(path) else []


def errors(d, name="e.jsonl"):
    return read_jsonl(os.path.join(d, name))


# --- bombs -------------------------------------------------------------------

def test_zip_bomb_is_stopped_by_max_ratio_quickly():
    d = setup()
    gen.zip_bomb(os.path.join(d, "bomb.zip"))  # 1 GiB of zeros in about 1 MiB
    # the header says 1 GiB: skipped without inflating anything
    r = run(d, "bomb.zip", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 0, "a limit is a policy skip: exit 0", r)
    eq(ids(os.path.join(d, "out.jsonl")), ["bomb.zip!before.txt", "bomb.zip!after.txt"], "", r)
    e = errors(d)
    eq([(x["id"], x["kind"], x["stage"]) for x in e], [("bomb.zip!bomb.txt", "skipped", "input")], "", e)
    check("--max-doc-bytes" in e[0]["reason"], "names the limit", e)
    # with room for it, the ratio stops it after a little more than 1 MiB
    for jobs, kept in ((1, ["before.txt"]), (2, ["before.txt", "after.txt"])):
        # (one reader stops reading the zip once the whole has expanded too much; with
        # two workers, the other one reads its own entries on)
        r = run(d, "bomb.zip", "--max-doc-bytes", "2G", "-j", jobs, "-o", "out.jsonl",
                "--errors", "e.jsonl", "--stats", "s.json")
        eq(r.code, 0, "exit", r)
        check(r.secs < 10 * SLOW, "stopped in well under 10 s (%.1f s)" % r.secs, r)
        eq(ids(os.path.join(d, "out.jsonl")), ["bomb.zip!" + k for k in kept], "-j %d" % jobs, r)
        e = errors(d)
        eq([(x["id"], x["kind"]) for x in e], [("bomb.zip!bomb.txt", "skipped")], "reported with the entry", e)
        check("--max-ratio 200" in e[0]["reason"] and "expands" in e[0]["reason"], "and the limit", e)
        eq(stats(d)["skipped_by"], {"ratio": 1})
        check("ratio" in r.err, "in the summary", r)


def test_zip_bomb_that_lies_about_its_size():
    d = setup()
    gen.lying_zip_bomb(os.path.join(d, "liar.zip"))  # sizes rewritten to 100 bytes
    r = run(d, "liar.zip", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
    check(r.code in (0, 1), "exit 0 (over the ratio) or 1 (damage found first)", r)
    check(r.secs < 10 * SLOW, "quickly (%.1f s)" % r.secs, r)
    eq(ids(os.path.join(d, "out.jsonl"))[:1], ["liar.zip!before.txt"], "", r)
    e = errors(d)
    check(any(x["id"].startswith("liar.zip") and ("--max-ratio" in x["reason"] or x["kind"] == "failed")
              for x in e), "reported", e)
    check(os.path.getsize(os.path.join(d, "out.jsonl")) < 10000, "no zeros written")
    stats(d)


def test_nested_zip_bomb():
    d = setup()
    gen.nested_zip_bomb(os.path.join(d, "nb.zip"))  # 16 zips of 16 MiB of zeros each
    r = run(d, "nb.zip", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 0, "exit", r)
    check(r.secs < 10 * SLOW, "quickly (%.1f s)" % r.secs, r)
    eq(ids(os.path.join(d, "out.jsonl")), ["nb.zip!note.txt"], "", r)
    e = errors(d)
    eq([x["id"] for x in e], ["nb.zip!bomb%02d.zip!zeros.txt" % i for i in range(16)], "each one reported", e)
    check(all("--max-ratio" in x["reason"] for x in e), "with the limit", e)
    eq(stats(d)["skipped_by"], {"ratio": 16})


def test_tar_gz_bomb_is_stopped_by_the_stream_ratio():
    d = setup()
    gen.tar_gz_bomb(os.path.join(d, "bomb.tar.gz"))  # 512 MiB of zeros in 0.5 MiB
    r = run(d, "bomb.tar.gz", "--max-doc-bytes", "1G", "-o", "out.jsonl", "--errors", "e.jsonl",
            "--stats", "s.json")
    eq(r.code, 0, "exit", r)
    check(r.secs < 10 * SLOW, "quickly (%.1f s)" % r.secs, r)
    eq(ids(os.path.join(d, "out.jsonl")), ["bomb.tar.gz!before.txt"], "", r)
    e = errors(d)
    eq(e[0]["id"], "bomb.tar.gz!zeros.txt", "the entry", e)
    check(all("over --max-ratio 200" in x["reason"] and x["kind"] == "skipped" for x in e), "the limit", e)
    check(any("the rest of it is not read" in x["reason"] for x in e), "the stream as a whole", e)
    stats(d)
    # a single compressed text that expands 1000 times
    import gzip
    with gzip.open(os.path.join(d, "z.txt.gz"), "wb") as f:
        for _ in range(32):
            f.write(bytes(1 << 20))
    r = run(d, "z.txt.gz", "-o", "out2.jsonl", "--errors", "e2.jsonl")
    eq(r.code, 0, "exit", r)
    eq(ids(os.path.join(d, "out2.jsonl")), [], "", r)
    e = errors(d, "e2.jsonl")
    eq([(x["id"], x["kind"]) for x in e], [("z.txt.gz", "skipped")], "", e)
    check("--max-ratio" in e[0]["reason"], "", e)


# --- names and links -------------------------------------------------------------

# what vg_input_clean_name makes of gen.TRAVERSAL_NAMES
CLEAN_NAMES = ["etc/x", "abs/y", "win/z", "a/b.txt", "dir/up.txt", "ok.txt", "server/share/s.txt",
               "drive/d.txt", "bellname.txt"]


def all_files(d):
    out = set()
    for root, dirs, files in os.walk(d):
        for n in files + [x for x in dirs if os.path.islink(os.path.join(root, x))]:
            out.add(os.path.relpath(os.path.join(root, n), d))
    return out


def test_traversal_names_are_neutralized():
    for kind, make in (("zip", gen.traversal_zip), ("tar", gen.traversal_tar)):
        d = setup()
        name = "t." + kind
        make(os.path.join(d, name))
        work = os.path.join(d, "w1", "w2")
        os.makedirs(work)
        r = run(d, os.path.join("..", "..", name), "-o", "out.jsonl", "--errors", "e.jsonl", cwd=work)
        eq(r.code, 0, "exit of " + kind, r)
        docs = read_jsonl(os.path.join(work, "out.jsonl"))
        eq([x["path"] for x in docs], CLEAN_NAMES, "paths of " + kind, r)
        eq([x["id"] for x in docs], ["../../%s!%s" % (name, p) for p in CLEAN_NAMES], "ids", r)
        for x in docs:
            p = x["path"]
            check(not p.startswith("/") and "\\" not in p and ":" not in p and
                  ".." not in p.split("/") and not any(ord(c) < 32 for c in p), "neutralized: %r" % p)
        check("entry 0: ../../etc/x" in docs[0]["text"], "the text is the entry's", docs[0])
        eq(all_files(d), {"p.lua", name, "w1/w2/out.jsonl", "w1/w2/e.jsonl"}, "nothing written elsewhere")
        eq(errors(work), [], "nothing to report")


def test_links_and_devices_in_tar_are_skipped():
    d = setup()
    gen.links_tar(os.path.join(d, "l.tar"))
    r = run(d, "l.tar", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 0, "links and devices are policy skips: exit 0", r)
    docs = read_jsonl(os.path.join(d, "out.jsonl"))
    eq([x["id"] for x in docs], ["l.tar!a.txt", "l.tar!up/escaped.txt", "l.tar!z.txt"], "", r)
    check(all("root:" not in x["text"] for x in docs), "never a link's target")
    e = errors(d)
    eq([(x["id"], x["kind"], x["stage"]) for x in e],
       [("l.tar!passwd", "skipped", "input"), ("l.tar!hard.txt", "skipped", "input"),
        ("l.tar!up", "skipped", "input"), ("l.tar!null", "skipped", "input"),
        ("l.tar!pipe", "skipped", "input")], "", e)
    check("symbolic link to /etc/passwd" in e[0]["reason"], "", e)
    check("hard link to a.txt" in e[1]["reason"], "", e)
    check("device" in e[3]["reason"] and "FIFO" in e[4]["reason"], "", e)
    eq(stats(d)["skipped_by"], {"link": 3, "device": 2})
    eq(all_files(d), {"p.lua", "l.tar", "out.jsonl", "e.jsonl", "s.json"}, "nothing written elsewhere")


# --- damaged archives ---------------------------------------------------------------

def test_truncated_and_bit_flipped_archives_end_by_themselves():
    d = setup()
    texts = gen.texts()
    names = {n for n, _ in texts}
    outcomes = {}
    for kind in ("zip", "tar.gz", "7z"):
        with open(gen.good_archive(os.path.join(d, "good." + kind), kind, texts), "rb") as f:
            good = f.read()
        for label, data in gen.damaged_variants(good, seed=42):
            name = "bad-%s.%s" % (label, kind)
            write(os.path.join(d, name), data)
            for jobs in ((1, 2) if kind == "zip" else (1,)):
                r = run(d, name, "-j", jobs, "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json",
                        timeout=60)
                what = "%s -j %d" % (name, jobs)
                check(r.code in (0, 1), "%s: exit 0 or 1" % what, r)
                check(r.secs < 30 * SLOW, "%s ends by itself (%.1f s)" % (what, r.secs), r)
                s = stats(d)
                eq(r.code, 1 if s["input_errors"] else 0, "%s: exit 1 exactly when damage was reported" % what, s)
                docs = read_jsonl(os.path.join(d, "out.jsonl"))
                check(len(docs) <= len(texts) + 1, what + ": no more documents than entries", docs)
                for x in errors(d):
                    check(x["id"].startswith(name), what + ": reported with the input", x)
                    if x["kind"] == "failed":
                        check(x["reason"], what + ": with a reason", x)
                outcomes[(kind, r.code)] = outcomes.get((kind, r.code), 0) + 1
                intact = [x for x in docs if x["path"] in names]
                check(len({x["path"] for x in intact}) == len(intact) or jobs > 1, what + ": no entry twice", docs)
    # the cuts and flips must have found damage in every format
    for kind in ("zip", "tar.gz", "7z"):
        check(outcomes.get((kind, 1), 0) >= 5, "damage reported in %s" % kind, outcomes)


def test_truncated_zip_with_jobs_keeps_the_entries_of_every_worker():
    d = setup()
    texts = gen.texts(n=8)
    with open(gen.good_archive(os.path.join(d, "good.zip"), "zip", texts), "rb") as f:
        good = f.read()
    cut = good[:good.index(b"t06.txt") + 40]  # inside the 7th entry's header
    write(os.path.join(d, "cut.zip"), cut)
    for jobs in (1, 2, 3):
        r = run(d, "cut.zip", "-j", jobs, "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
        eq(r.code, 1, "damage: exit 1", r)
        eq(ids(os.path.join(d, "out.jsonl")), ["cut.zip!t%02d.txt" % i for i in range(6)],
           "the entries before the damage, in order, -j %d" % jobs, r)
        e = errors(d)
        check(len(e) >= 1 and all(x["kind"] == "failed" and x["id"].startswith("cut.zip") for x in e), "", e)
        stats(d)


def test_small_tar_gz_cut_in_half_keeps_the_entries_before_the_cut():
    # libarchive's gzip filter drops the block it was inflating when the stream is cut (up to
    # 64 KiB): on a small tar.gz, every entry. vigie inflates the file again with zlib.
    import random
    import tarfile
    import io
    rnd = random.Random(3)
    texts = [("%s.txt" % n, "".join("tract %s, ligne %d: %s\n" % (n, k, rnd.randbytes(8).hex()) for k in range(60)).encode())
             for n in "abc"]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in texts:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1500000000
            t.addfile(ti, io.BytesIO(data))
    full = buf.getvalue()
    d = setup()
    write(os.path.join(d, "half.tar.gz"), full[:len(full) // 2])
    write(os.path.join(d, "after.txt"), "after\n")
    for extra in ([], ["--input-timeout", "0"]):
        r = run(d, "half.tar.gz", "after.txt", *extra, "-o", "out.jsonl", "--errors", "e.jsonl",
                "--stats", "s.json")
        eq(r.code, 1, "damage: exit 1", r)
        docs = read_jsonl(os.path.join(d, "out.jsonl"))
        eq([x["id"] for x in docs], ["half.tar.gz!a.txt", "after.txt"], "the entry before the cut " + str(extra), r)
        eq(docs[0]["text"], texts[0][1].decode(), "whole")
        e = errors(d)
        eq([(x["id"], x["kind"]) for x in e], [("half.tar.gz", "failed")], "", e)
        check("b.txt" in e[0]["reason"] and "gzip" in e[0]["reason"], "the entry and the damage", e)
        stats(d)


# --- nesting, binary, size ----------------------------------------------------------

def test_deep_nesting_is_reported():
    d = setup()
    gen.nested_zips(os.path.join(d, "n.zip"), depth=10)
    r = run(d, "n.zip", "--max-depth", "4", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 0, "too deep is a policy skip: exit 0", r)
    chain = ["n.zip"] + ["z%d.zip" % i for i in range(2, 11)]
    eq(ids(os.path.join(d, "out.jsonl")), ["!".join(chain[:i]) + "!level%d.txt" % i for i in range(1, 5)], "", r)
    e = errors(d)
    eq([(x["id"], x["kind"]) for x in e], [("!".join(chain[:5]), "skipped")], "the archive at depth 5", e)
    check("--max-depth 4" in e[0]["reason"] and "depth 5" in e[0]["reason"], "the limit", e)
    eq(stats(d)["skipped_by"], {"too_deep": 1})
    r = run(d, "n.zip", "--max-depth", "10", "-o", "out.jsonl", "--errors", "e.jsonl")
    eq(r.code, 0, "", r)
    got = ids(os.path.join(d, "out.jsonl"))
    eq(len(got), 11, "every level and the note", got)
    eq(got[-1], "!".join(chain) + "!note.txt")


def test_binary_entries_are_skipped_and_reported():
    d = setup()
    gen.binary_zip(os.path.join(d, "b.zip"))
    r = run(d, "b.zip", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 0, "exit", r)
    docs = read_jsonl(os.path.join(d, "out.jsonl"))
    eq([x["path"] for x in docs], ["text.txt", "utf16.txt", "late_nul.txt", "last.txt"], "", r)
    eq(docs[1]["text"], "du texte en UTF-16\n", "UTF-16 with a BOM is text")
    e = errors(d)
    eq([x["id"] for x in e], ["b.zip!image.png", "b.zip!prog.elf", "b.zip!random.bin"], "", e)
    check(all(x["kind"] == "skipped" and "binary" in x["reason"] for x in e), "", e)
    eq(stats(d)["skipped_by"], {"binary": 3})


def test_oversized_entries_are_skipped_and_reported():
    d = setup()
    big = os.urandom(700 * 1024).hex().encode()  # 1.4 MB that does not compress much
    with zipfile.ZipFile(os.path.join(d, "s.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("small.txt", "small\n")
        z.writestr("big.txt", big)
        z.writestr("last.txt", "last\n")
    import gzip
    with gzip.open(os.path.join(d, "big.txt.gz"), "wb") as f:
        f.write(big)
    r = run(d, "s.zip", "big.txt.gz", "--max-doc-bytes", "1M", "-o", "out.jsonl", "--errors", "e.jsonl",
            "--stats", "s.json")
    eq(r.code, 0, "exit", r)
    eq(ids(os.path.join(d, "out.jsonl")), ["s.zip!small.txt", "s.zip!last.txt"], "", r)
    e = errors(d)
    eq([(x["id"], x["kind"]) for x in e], [("s.zip!big.txt", "skipped"), ("big.txt.gz", "skipped")], "", e)
    check(all("--max-doc-bytes (1.0 MB)" in x["reason"] for x in e), "the limit", e)
    eq(stats(d)["skipped_by"], {"too_large": 2})
    # a zip streamed on stdin (sizes only after the data) is read in-process, and stopped the same way
    r = vigie("run", "p.lua", "-", "--max-doc-bytes", "1M", "--errors", "e2.jsonl", "--no-progress",
              input=open(os.path.join(d, "s.zip"), "rb").read(), cwd=d)
    eq(r.code, 0, "stdin", r)
    eq([x["id"] for x in r.docs], ["-!small.txt", "-!last.txt"], "", r)
    eq([x["id"] for x in errors(d, "e2.jsonl")], ["-!big.txt"])


# --- readers that hang or crash -----------------------------------------------------

def test_input_that_never_ends_is_abandoned():
    d = setup()
    write(os.path.join(d, "before.txt"), "before\n")
    write(os.path.join(d, "after.txt"), "after\n")
    os.mkfifo(os.path.join(d, "never.fifo"))  # no writer ever: opening it blocks for good
    r = run(d, "before.txt", "never.fifo", "after.txt", "--input-timeout", "1", "-o", "out.jsonl",
            "--errors", "e.jsonl", "--stats", "s.json")
    eq(r.code, 1, "an abandoned input is a failure: exit 1", r)
    check(r.secs < 10 * SLOW, "abandoned after about 1 s (%.1f s)" % r.secs, r)
    eq(ids(os.path.join(d, "out.jsonl")), ["before.txt", "after.txt"], "the run goes on", r)
    e = errors(d)
    eq([(x["id"], x["kind"], x["stage"]) for x in e], [("never.fifo", "failed", "input")], "", e)
    check("no progress for 1 s" in e[0]["reason"] and "abandoned" in e[0]["reason"], "", e)
    check("never.fifo" in r.err and "abandoned" in r.err, "in the summary", r)
    s = stats(d)
    eq((s["inputs"], s["input_errors"]), (3, 1), "", s)


def test_input_that_stalls_midway_is_abandoned():
    d = setup()
    write(os.path.join(d, "after.txt"), "after\n")
    fifo = os.path.join(d, "stall.fifo")
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDWR)  # a writer that sends a little and then nothing
    try:
        os.write(fd, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 20)
        r = run(d, "stall.fifo", "after.txt", "--input-timeout", "0.5", "-o", "out.jsonl",
                "--errors", "e.jsonl")
    finally:
        os.close(fd)
    eq(r.code, 1, "exit", r)
    check(r.secs < 10 * SLOW, "(%.1f s)" % r.secs, r)
    eq(ids(os.path.join(d, "out.jsonl")), ["after.txt"], "", r)
    e = errors(d)
    eq([(x["id"], x["kind"]) for x in e], [("stall.fifo", "failed")], "", e)
    check("no progress for 0.5 s" in e[0]["reason"], "", e)


def test_slow_input_that_keeps_reading_is_not_abandoned():
    d = setup()
    fifo = os.path.join(d, "slow.fifo")
    os.mkfifo(fifo)
    lines = ["ligne %d\n" % i for i in range(8)]

    def feed():  # waits for the reader at most 30 s (when vigie does not start, nobody comes)
        deadline = time.monotonic() + 30 * SLOW
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.05)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w") as f:
            for line in lines:
                f.write(line)
                f.flush()
                time.sleep(0.3)
    t = threading.Thread(target=feed)
    t.start()
    r = run(d, "slow.fifo", "--input-timeout", "1", "-o", "out.jsonl", "--errors", "e.jsonl")
    t.join()
    eq(r.code, 0, "2.4 s of reading, never 1 s without a byte read: not abandoned", r)
    docs = read_jsonl(os.path.join(d, "out.jsonl"))
    eq([(x["id"], x["text"]) for x in docs], [("slow.fifo", "".join(lines))], "", r)


def crash_zip(d):
    with zipfile.ZipFile(os.path.join(d, "c.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(6):
            z.writestr("c%d.txt" % i, "entry %d\n" % i)
    write(os.path.join(d, "after.txt"), "after\n")


def test_a_reader_that_crashes_costs_one_input():
    d = setup()
    crash_zip(d)
    env = {"VIGIE_TEST_READER_CRASH": "c3.txt"}
    r = run(d, "c.zip", "after.txt", "-j", "1", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json",
            env=env)
    eq(r.code, 1, "a crash is a failure: exit 1", r)
    eq(ids(os.path.join(d, "out.jsonl")), ["c.zip!c0.txt", "c.zip!c1.txt", "c.zip!c2.txt", "after.txt"],
       "what came before, then the next input", r)
    e = errors(d)
    eq([(x["id"], x["kind"], x["stage"]) for x in e], [("c.zip", "failed", "input")], "", e)
    check("the reader crashed (signal 6, SIGABRT) after entry 3 (c.zip!c2.txt)" in e[0]["reason"], "", e)
    check("crashed" in r.err, "in the summary", r)
    s = stats(d)
    eq((s["kept"], s["input_errors"]), (4, 1), "", s)
    # a zip shared by two workers: the one whose reader crashed loses its entries from there on
    r = run(d, "c.zip", "after.txt", "-j", "2", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json",
            env=env)
    eq(r.code, 1, "exit", r)
    eq(ids(os.path.join(d, "out.jsonl")), ["c.zip!c0.txt", "c.zip!c1.txt", "c.zip!c2.txt", "c.zip!c4.txt",
                                           "after.txt"], "the other worker's entries are kept", r)
    e = errors(d)
    eq([(x["id"], x["kind"]) for x in e], [("c.zip", "failed")], "", e)
    check("crashed" in e[0]["reason"] and "c.zip!c1.txt" in e[0]["reason"], "", e)
    stats(d)
    # --input-timeout 0 reads in-process: no child, no hook; stdin is always read in-process
    r = run(d, "c.zip", "--input-timeout", "0", "-o", "out.jsonl", env=env)
    eq(r.code, 0, "", r)
    eq(len(ids(os.path.join(d, "out.jsonl"))), 6)
    r = vigie("run", "p.lua", "-", "--no-progress", input=open(os.path.join(d, "c.zip"), "rb").read(),
              cwd=d, env=env)
    eq((r.code, len(r.docs)), (0, 6), "stdin", r)


def test_interrupt_while_a_reader_hangs():
    d = setup()
    os.mkfifo(os.path.join(d, "never.fifo"))
    write(os.path.join(d, "a.txt"), "a\n")
    p = subprocess.Popen([VIGIE, "run", "p.lua", "a.txt", "never.fifo", "-o", "out.jsonl", "--no-progress"],
                         cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0 * SLOW)
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30 * SLOW)
    eq(p.returncode, 130, "interrupted", err)
    check(time.monotonic() - t0 < 5 * SLOW, "at once, not after --input-timeout")
    check(not os.path.exists(os.path.join(d, "out.jsonl")), "no final output")
    eq(ids(os.path.join(d, "out.jsonl.partial")), ["a.txt"], "what was done is kept")
    eq(readers_left(d), [], "the reader is gone")


def test_reader_dies_with_its_parent():
    d = setup()
    os.mkfifo(os.path.join(d, "never.fifo"))
    p = subprocess.Popen([VIGIE, "run", "p.lua", "never.fifo", "-o", "out.jsonl", "--no-progress"],
                         cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10 * SLOW
    while not readers_left(d) and time.monotonic() < deadline:
        time.sleep(0.05)
    check(readers_left(d), "a reader child runs")
    p.kill()  # SIGKILL: vigie cannot stop its child itself
    p.communicate(timeout=30)
    deadline = time.monotonic() + 5 * SLOW
    while readers_left(d) and time.monotonic() < deadline:
        time.sleep(0.05)
    eq(readers_left(d), [], "the hung child ended with its parent")


def test_many_small_inputs_reuse_reader_children():
    d = setup()
    names = ["f%03d.txt" % i for i in range(400)]
    for n in names:
        write(os.path.join(d, n), n + "\n")
    crash_zip(d)
    args = names[:200] + ["c.zip"] + names[200:]
    r = run(d, *args, "-j", "2", "-o", "out.jsonl", "--errors", "e.jsonl", "--stats", "s.json",
            env={"VIGIE_TEST_READER_CRASH": "c2.txt"})
    eq(r.code, 1, "the crash", r)
    check(r.secs < 5 * SLOW, "a child per thread, not per input (%.1f s)" % r.secs, r)
    got = ids(os.path.join(d, "out.jsonl"))
    # c.zip is shared by the two workers: worker 0 (c0, c2, c4) crashes at c2, worker 1 reads on
    eq(got, names[:200] + ["c.zip!c%d.txt" % i for i in (0, 1, 3, 5)] + names[200:],
       "in order, all but the crashed reader's", r)
    e = errors(d)
    eq([(x["id"], x["kind"]) for x in e], [("c.zip", "failed")], "", e)
    eq(stats(d)["inputs"], 401)


def test_input_timeout_option():
    d = setup()
    for bad in ("-1", "abc", ""):
        r = vigie("run", "p.lua", "--input-timeout", bad, cwd=d)
        eq(r.code, 2, "--input-timeout %r" % bad, r)
        check("--input-timeout" in r.err, "", r)
    r = vigie("run", "--help")
    check("--input-timeout" in r.text, "in the help", r)
    write(os.path.join(d, "a.txt"), "a\n")
    r = run(d, "a.txt", "--input-timeout", "0.25")
    eq((r.code, [x["id"] for x in r.docs]), (0, ["a.txt"]), "decimals", r)


if __name__ == "__main__":
    main()
