"""The document object (SPEC section 4): fields, text, meta, tags, flags,
lines, drop, derive, and what happens when a stage misuses it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402


def run_stage(body, text="Bonjour.\n", name="doc.txt", args=()):
    """Runs a one-stage pipeline whose process is body (Lua, with doc and ctx)
    on one document; returns the Result."""
    d = tmp()
    write(os.path.join(d, "p.lua"), "return { stages = { { function(doc, ctx)\n%s\nend, name = \"t\" } } }\n" % body)
    write(os.path.join(d, "in", name), text)
    return vigie("run", "p.lua", os.path.join("in", name), *args, cwd=d)


def ok(body, **kw):
    r = run_stage(body, **kw)
    eq(r.code, 0, "stage assertions", r)
    return r


def test_read_only_fields():
    ok('''
      assert(doc.id == "in/t.md", doc.id)
      assert(doc.source == "in/t.md")
      assert(doc.path == "in/t.md")
      assert(doc.name == "t.md")
      assert(doc.ext == "md", doc.ext)
      assert(doc.bytes == 12, doc.bytes)
      assert(type(doc.mtime) == "number")
      assert(doc.encoding == "utf-8")
      assert(doc.replaced == 0)
      assert(doc.format == "text")
      local ok, err = pcall(function() doc.id = "x" end)
      assert(not ok and err:find("doc.id is read%-only"), err)
    ''', text="Été 2017.\n", name="t.md")


def test_text_assignment_normalizes_and_checks_utf8():
    r = ok('''
      doc.text = "e\\u{301}t\\u{e9}"            -- NFD in, NFC kept
      assert(doc.text == "\\u{e9}t\\u{e9}", doc.text)
      local ok, err = pcall(function() doc.text = "bad \\xff" end)
      assert(not ok and err:find("not valid UTF%-8"), err)
    ''')
    eq(r.docs[0]["text"], "été")


def test_text_assignment_after_flags_is_an_error_naming_the_flagging_stage():
    r = run_stage('''
      doc:flag{rule = "r", start = 1, stop = 3}
      doc.text = "other"
    ''')
    eq(r.code, 1)
    check("has flags (from stage 't')" in r.err and "clear_flags" in r.err, "message", r)
    ok('''
      doc:flag{rule = "r", start = 1, stop = 3}
      doc:clear_flags()
      doc.text = "other"
      assert(#doc:flags() == 0)
    ''')


def test_tags_are_a_sorted_set():
    r = ok('''
      doc:tag("b", "a"):tag("c")
      doc:tag("a")
      doc:untag("c")
      assert(doc:has("a") and not doc:has("c"))
      local t = doc:tags()
      assert(#t == 2 and t[1] == "a" and t[2] == "b")
    ''')
    eq(r.docs[0]["tags"], ["a", "b"])


def test_flag_fields_line_col_excerpt():
    text = "Titre\nLa direction « géolocalise » les agents. Autre phrase.\n"
    r = ok('''
      local s, e = doc.text:find("géolocalise", 1, true)
      doc:flag{rule = "geoloc", start = s, stop = e, label = "géolocalisation", score = 2.5, note = "n"}
      doc:flag{rule = "plain", start = 1, stop = 5}
      local f = doc:flags()
      assert(#f == 2)
      assert(f[1].rule == "geoloc" and f[1].line == 2 and f[1].col == 16, f[1].col)
      assert(f[1].match == "géolocalise" and f[1].start == s and f[1].stop == e)
      assert(f[1].excerpt == "La direction « géolocalise » les agents.", f[1].excerpt)
      assert(f[2].label == "plain" and f[2].score == 1)
    ''', text=text)
    flags = sorted(r.docs[0]["flags"], key=lambda f: f["rule"])
    eq([f["rule"] for f in r.docs[0]["flags"]], ["plain", "geoloc"], "written in text order")
    eq(list(flags[0].keys()), ["rule", "label", "start", "end", "line", "col", "match", "excerpt", "score", "note"])
    eq(list(flags[1].keys()), ["rule", "label", "start", "end", "line", "col", "match", "excerpt", "score"])
    eq(flags[0]["score"], 2.5)
    eq(flags[1]["score"], 1)
    t = r.docs[0]["text"].encode()
    for f in flags:
        eq(t[f["start"]:f["end"]].decode(), f["match"], "offsets round-trip")


def test_flag_offsets_that_cut_utf8_or_leave_the_text_are_errors():
    for bad, what in (("start = 2, stop = 2", "cuts a UTF-8 sequence"),
                      ("start = 1, stop = 99", "outside the text"),
                      ("start = 0, stop = 1", "outside the text"),
                      ("start = 1, stop = 1", "cuts a UTF-8 sequence")):
        r = run_stage('doc:flag{rule = "r", %s}' % bad, text="é\n")
        eq(r.code, 1, bad, r)
        check(what in r.err, what, r)
    r = run_stage('doc:flag{start = 1, stop = 1}', text="e\n")
    check("field 'rule' must be a string" in r.err, "rule required", r)


def test_meta_round_trip_and_json_mapping():
    r = ok('''
      doc.meta.s = "x"
      doc.meta.n = 3
      doc.meta.f = 0.5
      doc.meta.b = false
      doc.meta.list = { 1, 2, "three" }
      doc.meta.empty_obj = {}
      doc.meta.empty_arr = vigie.array()
      doc.meta.nested = { z = 1, a = { y = true } }
      doc.meta.null = vigie.null
    ''')
    m = r.docs[0]["metadata"]
    eq(m["s"], "x")
    eq(m["list"], [1, 2, "three"])
    eq(m["empty_obj"], {})
    eq(m["empty_arr"], [])
    eq(m["nested"], {"a": {"y": True}, "z": 1})
    eq(m["null"], None)
    eq(list(m.keys())[:3], ["encoding", "bytes", "mtime"], "engine fields first")


def test_meta_that_json_cannot_hold_fails_the_document():
    r = run_stage('doc.meta.f = function() end')
    eq(r.code, 1, "exit", r)
    check("doc.meta.f: a function cannot be written as JSON" in r.err, "names the key", r)


def test_lines_iterator():
    ok('''
      local got = {}
      for line, s, e in doc:lines() do got[#got + 1] = line .. "@" .. s .. "-" .. e end
      assert(table.concat(got, " ") == "ab@1-2 @4-3 cé@5-7", table.concat(got, " "))
    ''', text="ab\n\ncé")


def test_sentences_and_paragraphs_iterators():
    ok('''
      local got = {}
      for s, a, b in doc:sentences() do
        assert(doc.text:sub(a, b) == s)
        got[#got + 1] = s
      end
      assert(#got == 4, table.concat(got, "|"))
      assert(got[1] == "TITRE DU TRACT" and got[2] == "M. Dupont a parlé.", got[2])
      assert(got[3] == "Non\\u{202F}!" and got[4] == "Fin.", got[3])
      local paras = {}
      for p in doc:paragraphs() do paras[#paras + 1] = p end
      assert(#paras == 2 and paras[2] == "Fin.", #paras)
    ''', text="TITRE DU TRACT\nM. Dupont a parlé. Non\u202f!\n\nFin.\n")


def test_document_used_after_it_left_the_pipeline_is_a_clear_error():
    d = tmp()
    write(os.path.join(d, "p.lua"), '''local kept
return { stages = { function(doc)
  if kept then local ok, err = pcall(function() return kept.text end)
    doc.meta.err = err end
  kept = doc
end } }''')
    write(os.path.join(d, "in", "a.txt"), "a")
    write(os.path.join(d, "in", "b.txt"), "b")
    r = vigie("run", "p.lua", "in", "-j", "1", cwd=d)
    eq(r.code, 0, "exit", r)
    check("after it left the pipeline" in r.docs[1]["metadata"]["err"], "message", r)


def test_vigie_doc_for_tests():
    ok('''
      local d = vigie.doc{ id = "x", text = "Cafe\\u{301}", meta = { k = 1 } }
      assert(d.id == "x" and d.text == "Caf\\u{e9}" and d.meta.k == 1)
      d:tag("t")
      assert(d:has("t"))
    ''')


main()
