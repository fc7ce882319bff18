"""--trace ID: what each stage did to one document, for people debugging a
rule."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402

PIPELINE = '''return { stages = {
  { function(doc) end, name = "noop" },
  { function(doc) doc:tag("lang:fr") end, name = "lang" },
  { function(doc) doc.text = doc.text:gsub("XX", "la") end, name = "clean" },
  { function(doc)
      for s, e in doc.text:gmatch("()badgeuse()") do doc:flag{ rule = "time_clock", start = s, stop = e - 1 } end
      local s, e = doc.text:find("GPS", 1, true)
      if s then doc:flag{ rule = "geolocation", start = s, stop = e } end
    end, name = "flag" },
  { function(doc) if doc.name == "b.txt" then doc:drop("too dull") end end, name = "filter" },
} }'''


def setup():
    d = tmp()
    write(os.path.join(d, "p.lua"), PIPELINE)
    write(os.path.join(d, "in", "a.txt"), "Une badgeuse.\nXX badgeuse et le GPS.\n")
    write(os.path.join(d, "in", "b.txt"), "Rien.\n")
    return d


def test_trace_shows_each_stage():
    d = setup()
    r = vigie("run", "p.lua", "in", "--trace", "in/a.txt", cwd=d)
    eq(r.code, 0, "exit", r)
    lines = r.err.splitlines()
    check(lines[0].startswith("in/a.txt (") and "utf-8" in lines[0], "header", r)
    body = "\n".join(lines[1:7])
    check("noop" in body and "nothing changed" in body, "an idle stage", r)
    check("+tag lang:fr" in body, "tags added", r)
    check('text changed (37 -> 37 bytes) at byte 15: "' in body, "text diff", r)
    check("+3 flags: time_clock x2 (l.1, l.2), geolocation (l.2)" in body, "flags with lines", r)
    check(" ms" in body, "time spent", r)
    check("-> kept, 3 flags, tags: lang:fr" in body, "the end", r)
    check("in/b.txt" not in body, "only the traced document", r)
    eq([x["id"] for x in r.docs], ["in/a.txt"], "the run itself is unchanged")


def test_trace_a_dropped_document_and_a_missing_id():
    d = setup()
    r = vigie("run", "p.lua", "in", "--trace", "in/b.txt", cwd=d)
    check("dropped: too dull" in r.err, "why it was dropped", r)
    r = vigie("run", "p.lua", "in", "--trace", "in/nope.txt", cwd=d)
    eq(r.code, 0)
    check("--trace in/nope.txt: no document has this id" in r.err, "says so", r)


main()
