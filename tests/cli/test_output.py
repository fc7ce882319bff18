"""Output (SPEC section 5) and exit codes (section 1): the JSONL schema and
key order, JSON escaping, offsets, --no-text, --limit, --errors, --rejects,
--stats, atomic output, every exit status."""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import VIGIE, check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

FLAGGER = '''return { stages = { function(doc)
  for _, w in ipairs({ "géolocalisés", "📢", "badgeuse" }) do
    local s, e = doc.text:find(w, 1, true)
    if s then doc:flag{ rule = "r_" .. #w, start = s, stop = e } end
  end
end } }'''


def setup(pipeline=FLAGGER, docs=None):
    d = tmp()
    write(os.path.join(d, "p.lua"), pipeline)
    for name, text in (docs or {}).items():
        write(os.path.join(d, "in", name), text)
    return d


def test_schema_and_key_order():
    d = setup(docs={"a.txt": "Les agents sont géolocalisés.\n"})
    r = vigie("run", "p.lua", "in", cwd=d)
    eq(r.code, 0, "exit", r)
    line = r.text.splitlines()[0]
    doc = json.loads(line)
    eq(list(doc.keys()), ["id", "text", "source", "path", "tags", "flags", "metadata"])
    eq(doc["tags"], [])
    eq(list(doc["flags"][0].keys()), ["rule", "label", "start", "end", "line", "col", "match", "excerpt", "score"])
    eq(doc["flags"][0]["label"], doc["flags"][0]["rule"], "label defaults to the rule")
    eq(doc["metadata"]["encoding"], "utf-8")
    eq(doc["metadata"]["bytes"], len("Les agents sont géolocalisés.\n".encode()))
    check(r.out.endswith(b"\n") and r.out.count(b"\n") == 1, "one line per document")


def test_offsets_round_trip_with_multibyte_text():
    text = "📢 Œuvre — les agents sont géolocalisés ; la badgeuse aussi.\n"
    d = setup(docs={"a.txt": text})
    r = vigie("run", "p.lua", "in", cwd=d)
    doc = r.docs[0]
    eq(len(doc["flags"]), 3)
    b = doc["text"].encode("utf-8")
    for f in doc["flags"]:
        eq(b[f["start"]:f["end"]].decode("utf-8"), f["match"], "text.encode()[start:end] == match")
    f = [f for f in doc["flags"] if f["match"] == "géolocalisés"][0]
    eq(f["col"], doc["text"].index("géolocalisés") + 1, "col in code points")
    eq(f["line"], 1)


def test_json_escaping_of_control_characters_and_non_bmp():
    text = 'quote " backslash \\ tab \t bell \x07 esc \x1b del \x7f emoji 😀 𝄞 nbsp\u00a0 ls\u2028\nline2\n'
    d = setup(pipeline="return { stages = { function() end } }", docs={"a.txt": text})
    r = vigie("run", "p.lua", "in", cwd=d)
    eq(r.code, 0, "exit", r)
    raw = r.out.decode("utf-8")
    check('\\u0007' in raw and '\\u001b' in raw and '\\t' in raw and '\\"' in raw and '\\\\' in raw,
          "control characters escaped", raw)
    check("😀" in raw and "𝄞" in raw, "non-BMP written as UTF-8", raw)
    eq(raw.count("\n"), 1, "no raw newline inside a line")
    eq(r.docs[0]["text"], text, "decodes back to the same text")


def test_no_text():
    d = setup(docs={"a.txt": "badgeuse\n"})
    r = vigie("run", "p.lua", "in", "--no-text", cwd=d)
    doc = r.docs[0]
    check("text" not in doc, "no text key", doc)
    eq(list(doc.keys()), ["id", "source", "path", "tags", "flags", "metadata"])
    eq(doc["flags"][0]["match"], "badgeuse", "flags keep their match")


def test_limit():
    d = setup(docs={"%d.txt" % i: "x" for i in range(5)})
    r = vigie("run", "p.lua", "in", "--limit", "2", cwd=d)
    eq(r.code, 0)
    eq([x["id"] for x in r.docs], ["in/0.txt", "in/1.txt"])


def test_errors_rejects_stats_files():
    d = setup(pipeline='''return { stages = {
      { function(doc) if doc.name == "d.txt" then doc:drop("dull") end end, name = "f" },
      { function(doc) if doc.name == "e.txt" then error("broken") end end, name = "g" } } }''',
        docs={"d.txt": "dropped", "e.txt": "error", "k.txt": "kept", "z.bin": b"\x00\x01binary"})
    r = vigie("run", "p.lua", "in", "-o", "out.jsonl", "--errors", "err.jsonl",
              "--rejects", "rej.jsonl", "--stats", "stats.json", cwd=d)
    eq(r.code, 1, "a failure makes exit 1", r)
    eq([x["id"] for x in read_jsonl(os.path.join(d, "out.jsonl"))], ["in/k.txt"])
    errs = read_jsonl(os.path.join(d, "err.jsonl"))
    eq([(e["id"], e["kind"], e["stage"]) for e in errs],
       [("in/d.txt", "dropped", "f"), ("in/e.txt", "failed", "g"), ("in/z.bin", "skipped", "input")])
    for e in errs:
        eq(list(e.keys())[:4], ["id", "kind", "stage", "reason"])
    rej = read_jsonl(os.path.join(d, "rej.jsonl"))
    eq([(x["id"], x["metadata"]["filter_reason"]) for x in rej], [("in/d.txt", "dull")])
    with open(os.path.join(d, "stats.json")) as f:
        s = json.load(f)
    eq((s["documents"], s["kept"], s["dropped"], s["failed"], s["skipped"]), (3, 1, 1, 1, 1))
    eq(s["documents"] + s["skipped"], 4, "read = kept + dropped + failed + skipped")
    eq(s["dropped_by"], {"f: dull": 1})
    eq(s["failed_by"], {"g": 1})
    eq(s["skipped_by"], {"binary": 1})
    check("wrote out.jsonl (1 documents)" in r.err, "summary says where output went", r)


def test_summary_counts_flags_by_rule():
    d = setup(docs={"a.txt": "badgeuse et géolocalisés", "b.txt": "badgeuse", "c.txt": "rien"})
    r = vigie("run", "p.lua", "in", cwd=d)
    check("flags 3 in 2 documents" in r.err, "flag totals", r)
    check("r_8 " in r.err and "r_14 " in r.err, "by rule", r)
    eq([f["match"] for f in r.docs[0]["flags"]], ["badgeuse", "géolocalisés"], "flags in text order")


def test_exit_2_on_usage_and_pipeline_errors():
    d = setup(docs={"a.txt": "x"})
    for args in (["run"], ["run", "p.lua", "in", "--bogus"], ["run", "p.lua", "in", "--max-doc-bytes", "lots"],
                 ["run", "p.lua", "in", "--shard", "3/2"], ["run", "p.lua", "in", "--normalize", "NFX"],
                 ["run", "missing.lua", "in"], ["nope"], ["run", "p.lua", "in", "-o", "x.weird"]):
        r = vigie(*args, cwd=d)
        eq(r.code, 2, " ".join(args), r)
        check(r.err.startswith("vigie:") or "usage" in r.err, "clear message", r)
        eq(r.out, b"", "nothing processed")


def test_exit_3_when_output_cannot_be_written():
    d = setup(docs={"a.txt": "x"})
    r = vigie("run", "p.lua", "in", "-o", "/nonexistent-dir/out.jsonl", cwd=d)
    eq(r.code, 3, "exit", r)
    check("/nonexistent-dir/out.jsonl" in r.err, "names the path", r)
    if os.path.exists("/dev/full"):
        r = vigie("run", "p.lua", "in", "-o", "/dev/full", cwd=d)
        eq(r.code, 3, "a full disk", r)
        check("/dev/full: No space left on device" in r.err, "the system's message", r)


def test_output_through_a_link_or_a_device():
    d = setup(docs={"a.txt": "x"})
    write(os.path.join(d, "target.jsonl"), "old")
    os.symlink("target.jsonl", os.path.join(d, "link.jsonl"))
    r = vigie("run", "p.lua", "in", "-o", "link.jsonl", cwd=d)
    eq(r.code, 0, "exit", r)
    check(os.path.islink(os.path.join(d, "link.jsonl")), "the link is kept")
    check('"id":"in/a.txt"' in open(os.path.join(d, "target.jsonl")).read(), "the file it points to is written")
    r = vigie("run", "p.lua", "in", "-o", "/dev/stdout", cwd=d)
    eq(r.code, 0, "exit", r)
    eq(len(r.docs), 1, "written to the device")


def test_output_is_atomic_and_interrupt_exits_130():
    d = setup(pipeline='return { stages = { function(doc) local t = os.clock() + 0.05 while os.clock() < t do end end } }',
              docs={"%03d.txt" % i: "x" for i in range(200)})
    p = subprocess.Popen([VIGIE, "run", "p.lua", "in", "-o", "out.jsonl"], cwd=d,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    check(os.path.exists(os.path.join(d, "out.jsonl.partial")), "written under a temporary name")
    check(not os.path.exists(os.path.join(d, "out.jsonl")), "nothing at the final path while running")
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    eq(p.returncode, 130, "exit status", err)
    check(not os.path.exists(os.path.join(d, "out.jsonl")), "no final file after an interrupt")
    lines = open(os.path.join(d, "out.jsonl.partial"), encoding="utf-8").read().splitlines()
    check(0 < len(lines) < 200, "what was done is kept", len(lines))
    for l in lines:
        json.loads(l)
    check(b"interrupted" in err and b"kept" in err, "summary still printed", err)


def test_stdout_gets_only_whole_lines_on_interrupt():
    d = setup(pipeline='return { stages = { function(doc) local t = os.clock() + 0.05 while os.clock() < t do end end } }',
              docs={"%03d.txt" % i: "x" * 5000 for i in range(200)})
    p = subprocess.Popen([VIGIE, "run", "p.lua", "in"], cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    eq(p.returncode, 130)
    check(out.endswith(b"\n"), "ends with a whole line")
    for l in out.decode().splitlines():
        json.loads(l)


def test_output_is_byte_identical_whatever_jobs_is():
    docs = {"%03d.txt" % i: ("badgeuse " * (i % 13)) + "géolocalisés\n" for i in range(300)}
    d = setup(pipeline='''return { stages = {
      function(doc) if #doc.text % 7 == 0 then return false end end,
      function(doc) local t = os.clock() + (#doc.text % 5) * 0.0003 while os.clock() < t do end end,
      function(doc)
        if #doc.text % 11 == 0 then
          return { doc:derive{ text = "a", id_suffix = "1" }, doc:derive{ text = "b", id_suffix = "2" } }
        end
      end,
    } }''', docs=docs)
    outs = []
    for j in ("1", "2", "4"):
        r = vigie("run", "p.lua", "in", "-j", j, "--errors", "e%s.jsonl" % j, cwd=d)
        eq(r.code, 0, "exit", r)
        check("%s worker" % j in r.err, "summary says the workers", r)
        outs.append((r.out, open(os.path.join(d, "e%s.jsonl" % j), "rb").read()))
    eq(outs[1], outs[0], "-j 2 == -j 1")
    eq(outs[2], outs[0], "-j 4 == -j 1")


main()
