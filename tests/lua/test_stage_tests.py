"""vigie test (SPEC section 7): users test their stages on sentences."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402

STAGE = '''local M, word = {}, nil
function M.init(ctx) word = ctx.params.word or "géolocalisé" end
function M.process(doc)
  if doc.text:find("^%s*$") then return false end
  local s, e = doc.text:find(word, 1, true)
  if s then doc:flag{ rule = "geoloc", start = s, stop = e }; doc:tag("surveillance") end
  local b, c = doc.text:find("badge", 1, true)
  if b then doc:flag{ rule = "badge", start = b, stop = c } end
end
return M
'''


def setup(test_src):
    d = tmp()
    write(os.path.join(d, "rules", "stages", "geo.lua"), STAGE)
    write(os.path.join(d, "rules", "geo_test.lua"), test_src)
    return d


def test_passing_cases():
    d = setup('''local t = vigie.test("stages/geo.lua")
t:case("a claim", { text = "Chaque agent sera géolocalisé.", flags = { "geoloc" }, tags = { "surveillance" } })
t:case("neutral", { text = "Bonne année", flags = {}, tags = {} })
t:case("text order", { text = "Le badge puis géolocalisé.", flags = { "badge", "geoloc" } })
t:case("dropped", { text = "   ", dropped = true })
local t2 = vigie.test("stages/geo.lua", { word = "pointé" })
t2:case("params reach init", { text = "Il est pointé.", flags = { "geoloc" } })
''')
    r = vigie("test", os.path.join(d, "rules", "geo_test.lua"))
    eq(r.code, 0, "exit", r)
    eq(r.text.splitlines()[-1], "5 passed, 0 failed")


def test_failing_cases_print_expected_and_actual():
    d = setup('''local t = vigie.test("stages/geo.lua")
t:case("missed", { text = "Rien ici.", flags = { "geoloc" } })
t:case("order", { text = "Le badge puis géolocalisé.", flags = { "geoloc", "badge" } })
t:case("tags", { text = "géolocalisé", tags = {} })
t:case("kept", { text = "Rien", dropped = true })
t:case("fine", { text = "Rien", flags = {} })
''')
    r = vigie("test", os.path.join(d, "rules", "geo_test.lua"))
    eq(r.code, 1, "exit", r)
    lines = r.text.splitlines()
    eq(lines[-1], "1 passed, 4 failed")
    check("geo_test.lua:2: missed" in r.text and "flags: expected geoloc; got (none)" in r.text, "missed", r)
    check("flags: expected geoloc, badge; got badge, geoloc" in r.text, "order", r)
    check("tags: expected (none); got surveillance" in r.text, "tags", r)
    check("expected the document dropped" in r.text, "dropped", r)


def test_a_stage_error_fails_the_case_with_its_line():
    d = tmp()
    write(os.path.join(d, "s.lua"), 'return function(doc)\n  error("boom")\nend\n')
    write(os.path.join(d, "t.lua"), 'vigie.test("s.lua"):case("c", { text = "x", flags = {} })\n')
    r = vigie("test", os.path.join(d, "t.lua"))
    eq(r.code, 1, "exit", r)
    check("s.lua:2: boom" in r.text, "stage error shown", r)


def test_a_broken_test_file_exits_2():
    d = tmp()
    write(os.path.join(d, "t.lua"), 'local t = vigie.test("missing.lua")\n')
    r = vigie("test", os.path.join(d, "t.lua"))
    eq(r.code, 2, "exit", r)
    check("missing.lua" in r.err, "names the stage", r)
    r = vigie("test")
    eq(r.code, 2)


main()
