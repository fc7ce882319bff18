"""docs/first-rule.md works as written: its files are written and its
commands run in order in a fresh folder; a command's expected last line
("N passed, N failed") is checked."""
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, VIGIE, check, eq, main, tmp, write  # noqa: E402


def steps(path):
    """Yields ("file", name, content) and ("console", commands) in order."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pattern = re.compile(r"^`([^`\n]+)`:\n\n```\w*\n(.*?)^```|^```console\n(.*?)^```", re.S | re.M)
    for m in pattern.finditer(text):
        if m.group(1):
            yield ("file", m.group(1), m.group(2))
        else:
            yield ("console", m.group(3))


def test_the_tutorial_runs_as_written():
    d = tmp()
    ran = 0
    for step in steps(os.path.join(SRC, "docs", "first-rule.md")):
        if step[0] == "file":
            write(os.path.join(d, step[1]), step[2])
            continue
        lines = step[1].splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("$ "):
                continue
            args = shlex.split(line[2:].replace("path/to/vigie", SRC))
            if args[0] == "vigie":
                args[0] = VIGIE
            p = subprocess.run(args, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = p.stdout.decode("utf-8", "replace")
            eq(p.returncode, 0, line, out + p.stderr.decode("utf-8", "replace"))
            expected = lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith("$ ") else None
            if expected and re.match(r"\d+ passed, \d+ failed$", expected):
                eq(out.splitlines()[-1], expected, line)
            ran += 1
    check(ran >= 6, "the commands ran (%d)" % ran)
    flags = open(os.path.join(d, "flags.jsonl"), encoding="utf-8").read()
    check('"rule":"time_clock"' in flags, "the rule flags the collection")


main()
