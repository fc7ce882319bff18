"""End to end: the examples/ pipelines over corpus/, compared with golden
files under tests/e2e/golden/ (VIGIE_UPDATE_GOLDEN=1 rewrites them)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, check, eq, main, tmp, vigie  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


def golden(name, data):
    path = os.path.join(GOLDEN, name)
    if os.environ.get("VIGIE_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(path, "rb") as f:
        return f.read()


def test_first_example_over_the_corpus():
    out = tmp()
    runs = {}
    for j in ("1", "2"):
        r = vigie("run", "examples/first/pipeline.lua", "-o", os.path.join(out, "first%s.jsonl" % j),
                  "-j", j, "--stats", os.path.join(out, "s.json"), cwd=SRC)
        eq(r.code, 0, "exit", r)
        check("wrote %s" % os.path.join(out, "first%s.jsonl" % j) in r.err, "says where output went", r)
        with open(os.path.join(out, "first%s.jsonl" % j), "rb") as f:
            runs[j] = f.read()
    eq(runs["2"], runs["1"], "the same output whatever -j is")
    expected = golden("first.jsonl", runs["1"])
    eq(runs["1"].decode(), expected.decode(), "matches tests/e2e/golden/first.jsonl")


def test_readme_demo_command_works_from_the_source_tree():
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        first = f.read().split("```sh\n", 1)[1].splitlines()[0]
    demo = first.split("&& build/vigie ", 1)[1].split()
    out = tmp()
    r = vigie(*[os.path.join(SRC, a) if a.endswith(".lua") else a for a in demo], cwd=out)
    eq(r.code, 0, "exit", r)
    check("documents from 1 input" in r.err and "tracts.zip" in r.err, "reads the bundled corpus", r)
    check("wrote flags.jsonl" in r.err, "says where the output went", r)
    check(os.path.getsize(os.path.join(out, "flags.jsonl")) > 0, "wrote it")


main()
