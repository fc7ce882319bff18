-- dedup's drops happen when documents leave the pipeline, in input order:
-- tests/lua/test_library.py checks them through a run; here, that a single
-- document is kept.
local t = vigie.test("dedup")
t:case("a document alone is kept", { text = "Un tract.", dropped = false })
