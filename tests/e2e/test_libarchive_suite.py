"""Every archive of libarchive's own test suite (libarchive/test/*.uu in
its source, decoded by .ci/libarchive-suite into
build-libarchive-src/archives/) goes through `vigie run` without a hang, a
crash or a sanitizer report: each run ends by itself, within 60 s, with
exit 0, 1 or 2. libarchive 3.6 never finishes some of them by itself: the
reader's child process and --input-timeout are what end those.

When the archives are not there (the script was not run), the test says so
and passes. VIGIE_LIBARCHIVE_ARCHIVES names another folder."""
import collections
import concurrent.futures
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, VIGIE, check, eq, main, tmp, write  # noqa: E402

ARCHIVES = os.environ.get("VIGIE_LIBARCHIVE_ARCHIVES") or os.path.join(SRC, "build-libarchive-src", "archives")
SLOW = 10 if os.environ.get("VIGIE_VALGRIND") else 1
LIMIT = 60 * SLOW  # seconds one run may take before it counts as a hang
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def run_one(pipeline, path):
    """(exit status or "hang", seconds, stderr) of one run."""
    cmd = [VIGIE, "run", pipeline, path, "--input-timeout", "10", "--timeout", "10", "-j", "1",
           "-o", "/dev/null", "--no-progress"]
    if os.environ.get("VIGIE_VALGRIND"):
        cmd = ["valgrind", "-q", "--trace-children=yes", "--error-exitcode=86"] + cmd
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=LIMIT)
        return p.returncode, time.monotonic() - t0, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return "hang", time.monotonic() - t0, (e.stderr or b"").decode("utf-8", "replace")


def test_every_archive_of_libarchive_tests_ends_by_itself():
    if not os.path.isdir(ARCHIVES) or not os.listdir(ARCHIVES):
        print("note: %s is missing: run .ci/libarchive-suite to fetch libarchive's test archives; "
              "nothing checked" % ARCHIVES)
        return
    d = tmp()
    pipeline = write(os.path.join(d, "identity.lua"), "return { stages = { function(doc) end } }")
    names = sorted(os.listdir(ARCHIVES))
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = dict(zip(names, pool.map(lambda n: run_one(pipeline, os.path.join(ARCHIVES, n)), names)))
    wall = time.monotonic() - t0
    by_code = collections.Counter(code for code, _, _ in results.values())
    abandoned = sorted(n for n, (_, _, err) in results.items() if "abandoned" in err)
    crashed = sorted(n for n, (_, _, err) in results.items() if "the reader crashed" in err)
    slowest = sorted(results.items(), key=lambda kv: -kv[1][1])[:3]
    print("%d archives in %.1f s; by exit status: %s" % (
        len(names), wall, ", ".join("%s: %d" % (k, v) for k, v in sorted(by_code.items(), key=str))))
    print("abandoned by --input-timeout: %s" % (", ".join(abandoned) or "none"))
    print("reader crashed: %s" % (", ".join(crashed) or "none"))
    print("slowest: %s" % ", ".join("%s %.1f s" % (n, r[1]) for n, r in slowest))
    bad = []
    for n, (code, secs, err) in sorted(results.items()):
        marks = [m for m in SANITIZER_MARKS if m in err]
        if code not in (0, 1, 2) or marks:
            bad.append("%s: exit %s after %.1f s%s\n%s" % (
                n, code, secs, " (%s)" % ", ".join(marks) if marks else "", err[-2000:]))
    check(not bad, "%d archives did not end cleanly:\n%s" % (len(bad), "\n".join(bad)))
    eq(crashed, [], "no reader crashed")


if __name__ == "__main__":
    main()
