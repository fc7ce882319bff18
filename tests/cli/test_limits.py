"""Runaway stages (SPEC section 6): --timeout and --lua-memory stop one
document, name the limit and the stage, rebuild the worker's Lua state,
and the run goes on."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402


def setup(stage, n=4):
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { "stages/s.lua", function(doc) doc:tag("after") end } }')
    write(os.path.join(d, "stages", "s.lua"), stage)
    for i in range(n):
        write(os.path.join(d, "in", "%d.txt" % i), "doc %d" % i)
    return d


def test_infinite_loop_hits_the_timeout_and_pcall_cannot_catch_it():
    d = setup('''local state = "fresh"
return function(doc)
  if state ~= "fresh" then doc:tag("state-kept") end
  if doc.name == "1.txt" then
    state = "dirty"
    while true do pcall(function() while true do end end) end
  end
end''')
    t0 = time.time()
    r = vigie("run", "p.lua", "in", "--timeout", "0.5", "-j", "1", "--errors", "e.jsonl", cwd=d)
    check(time.time() - t0 < 30, "the run ends")
    eq(r.code, 1, "one document failed", r)
    eq([x["id"] for x in r.docs], ["in/0.txt", "in/2.txt", "in/3.txt"], "the others go on")
    for x in r.docs:
        eq(x["tags"], ["after"], "the rebuilt state starts fresh")
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([(e["id"], e["stage"]) for e in errs], [("in/1.txt", "s")])
    check("ran past --timeout 0.5 s" in errs[0]["reason"], "names the limit", errs)
    check("stage s" in r.err and "--timeout" in r.err, "summary", r)


def test_memory_hungry_stage_hits_the_lua_memory_limit():
    d = setup('''return function(doc)
  if doc.name == "2.txt" then
    local t = {}
    for i = 1, 1e9 do t[i] = ("x"):rep(1000) .. i end
  end
end''')
    r = vigie("run", "p.lua", "in", "--lua-memory", "64M", "-j", "2", "--errors", "e.jsonl", cwd=d)
    eq(r.code, 1, "one document failed", r)
    eq(sorted(x["id"] for x in r.docs), ["in/0.txt", "in/1.txt", "in/3.txt"])
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq(len(errs), 1)
    check("ran past --lua-memory" in errs[0]["reason"] and errs[0]["stage"] == "s", "names the limit", errs)


def test_limits_are_checked_options():
    d = setup("return function() end")
    for args in (["--timeout", "0"], ["--timeout", "x"], ["--lua-memory", "10"], ["-j", "0"]):
        r = vigie("run", "p.lua", "in", *args, cwd=d)
        eq(r.code, 2, " ".join(args), r)


main()
