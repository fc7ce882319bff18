"""vtest: the small harness of vigie's tests that run the real binary.

A test file defines functions named test_*, and ends with vtest.main().
Each test gets a fresh temporary directory (vtest.tmp()), runs the binary
with vtest.vigie(...), and checks with check()/eq(). The binary is $VIGIE,
the source tree $VIGIE_SOURCE_DIR (set by ctest).
"""
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

VIGIE = os.environ.get("VIGIE") or os.path.join(os.path.dirname(__file__), "..", "build", "vigie")
SRC = os.environ.get("VIGIE_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

_failures = []
_tmpdirs = []


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr.decode("utf-8", "replace")

    @property
    def text(self):
        return self.out.decode("utf-8")

    @property
    def docs(self):
        """The JSONL documents written on stdout."""
        return [json.loads(l) for l in self.out.decode("utf-8").split("\n") if l.strip()]

    def __repr__(self):
        return "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (self.code, self.out[:3000].decode("utf-8", "replace"), self.err[:3000])


def vigie(*args, input=None, cwd=None, env=None, timeout=120):
    """Runs vigie with args; returns a Result (code, out bytes, err str, docs)."""
    e = dict(os.environ)
    e.pop("VIGIE_PATH", None)
    if env:
        e.update(env)
    if isinstance(input, str):
        input = input.encode("utf-8")
    cmd = [VIGIE] + [str(a) for a in args]
    if os.environ.get("VIGIE_VALGRIND"):
        # .ci/valgrind: every run of the binary under memcheck; a report exits 86
        e["VIGIE_NO_JIT"] = "1"
        cmd = ["valgrind", "-q", "--trace-children=yes", "--error-exitcode=86", "--leak-check=full",
               "--errors-for-leak-kinds=definite,indirect"] + cmd
        timeout *= 10
    proc = subprocess.run(cmd, input=input, cwd=cwd, env=e,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return Result(proc)


def tmp():
    """A fresh temporary directory, removed when the test file ends."""
    d = tempfile.mkdtemp(prefix="vigie-test-")
    _tmpdirs.append(d)
    return d


def write(path, content, mode=None):
    """Writes content (str as UTF-8, or bytes) to path, making folders."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    with open(path, "wb") as f:
        f.write(content)
    return path


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f.read().split("\n") if l.strip()]


def run_lua(body, text="x", args=(), files=None):
    """Runs body (Lua, with doc and ctx) as the process of a stage file
    stages/t.lua over one document whose text is text; files are written
    beside the pipeline first. Returns the Result."""
    d = tmp()
    write(os.path.join(d, "p.lua"), "return { stages = { { \"stages/t.lua\" } } }\n")
    write(os.path.join(d, "stages", "t.lua"), "return function(doc, ctx)\n%s\nend\n" % body)
    for name, content in (files or {}).items():
        write(os.path.join(d, name), content)
    write(os.path.join(d, "in.txt"), text)
    return vigie("run", "p.lua", "in.txt", *args, cwd=d)


def ok(body, **kw):
    """run_lua, and the run must succeed (the body's asserts hold)."""
    r = run_lua(body, **kw)
    eq(r.code, 0, "assertions in Lua", r)
    return r


class CheckFailed(Exception):
    pass


def check(cond, msg="check failed", context=None):
    if not cond:
        raise CheckFailed(msg + ("\n" + repr(context) if context is not None else ""))


def eq(actual, expected, msg="", context=None):
    if actual != expected:
        raise CheckFailed("%s\n  expected: %r\n  actual:   %r%s" % (
            msg, expected, actual, ("\n" + repr(context)) if context is not None else ""))


def main():
    """Runs every test_* function of the calling module; exits 1 on failure."""
    caller = inspect.stack()[1].frame.f_globals
    tests = [(n, f) for n, f in caller.items() if n.startswith("test_") and callable(f)]
    passed = 0
    for name, fn in tests:
        try:
            fn()
            passed += 1
        except Exception as exc:  # noqa: BLE001 - report every kind of failure
            _failures.append(name)
            print("FAIL %s: %s" % (name, exc if isinstance(exc, CheckFailed) else traceback.format_exc()))
    for d in _tmpdirs:
        shutil.rmtree(d, ignore_errors=True)
    print("%d passed, %d failed" % (passed, len(_failures)))
    sys.exit(1 if _failures else 0)
