"""vigie.terms (SPEC section 4): the multi-term matcher, through the binary.

Folded matching (NFC, NFD, upper case, no accents, ß), whole words next to
apostrophes and guillemets, phrases across any white space, offsets into
the original text (in Lua with text:sub, and in the JSON output), the
options, count and any, term files relative to the stage, errors with the
caller's file:line, 10,000 terms, and the --timeout deadline inside a long
count."""
import json
import os
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, ok, run_lua, tmp, vigie, write  # noqa: E402






# Lua helpers prepended to the bodies: all(m, text) lists the matches as
# "term@start-stop=span" strings, checking that text:sub(s, e) is the span.
HELPERS = r'''
local function all(m, text)
  local out = {}
  for term, s, e in m:find(text) do
    assert(math.type(s) == "integer" and math.type(e) == "integer")
    assert(s >= 1 and e <= #text and s <= e + 1, ("bad span %d-%d"):format(s, e))
    out[#out + 1] = ("%s@%d-%d=%s"):format(term, s, e, text:sub(s, e))
  end
  return table.concat(out, "|")
end
local function expect(got, want) assert(got == want, "\n got: " .. got .. "\nwant: " .. want) end
'''


def lua(body, **kw):
    return ok(HELPERS + body, **kw)


def test_folded_forms_nfc_nfd_upper_unaccented():
    lua(r'''
      local m = vigie.terms({ "géolocalisés" })
      local nfd = "ge\u{301}olocalise\u{301}s"
      local text = "GÉOLOCALISÉS, geolocalises, " .. nfd .. ", Géolocalisés."
      expect(all(m, text), "géolocalisés@1-14=GÉOLOCALISÉS|géolocalisés@17-28=geolocalises|"
        .. "géolocalisés@31-46=" .. nfd .. "|géolocalisés@49-62=Géolocalisés")
      -- the NFD span ends after the combining accent of the last é... and the s
      local _, s, e = m:find(nfd)()
      assert(s == 1 and e == #nfd, e)
      -- a term written in NFD, upper case, finds the NFC text
      local m2 = vigie.terms({ "GE\u{301}OLOCALISE\u{301}S" })
      assert(m2:count("les géolocalisés") == 1)
      -- full case folding: ß matches ss, and the other way round
      assert(vigie.terms({ "strasse" }):count("Straße STRASSE strasse") == 3)
      assert(vigie.terms({ "straße" }):count("STRASSE") == 1)
      -- compatibility forms: the ligature ﬁ
      assert(vigie.terms({ "fiche" }):count("la \u{FB01}che de poste") == 1)
    ''')


def test_whole_words_next_to_apostrophes_and_guillemets():
    lua(r'''
      local m = vigie.terms({ "agenda" })
      local text = "« l’agenda » puis l'agenda, les agendas, un agenda. Fin"
      local got = {}
      for term, s, e in m:find(text) do
        assert(text:sub(s, e) == "agenda")
        got[#got + 1] = text:sub(s - 3, e + 1)
      end
      expect(table.concat(got, "|"), "’agenda | l'agenda,|un agenda.")
      -- the typographic apostrophe matches the ASCII one, both ways
      local la = vigie.terms({ "l'agenda", "l’emploi" })
      expect(all(la, "« l’agenda » l'emploi"), "l'agenda@4-13=l’agenda|l’emploi@18-25=l'emploi")
      -- not inside a word, a number, or after a mark
      assert(m:count("subagenda agenda2 2agenda agenda_x") == 1) -- _ is a boundary
      assert(m:count("xe\u{301}agenda") == 0)
    ''')


def test_phrases_across_newlines_and_no_break_spaces():
    lua(r'''
      local m = vigie.terms({ "bracelet connecté" })
      local t1 = "un bracelet\nconnecté"
      local t2 = "un BRACELET\u{A0}CONNECTÉ"
      local t3 = "un bracelet \u{202F}\n\t connecté !"
      expect(all(m, t1), "bracelet connecté@4-21=bracelet\nconnecté")
      expect(all(m, t2), "bracelet connecté@4-22=BRACELET\u{A0}CONNECTÉ")
      expect(all(m, t3), "bracelet connecté@4-27=bracelet \u{202F}\n\t connecté")
      -- white space inside a term is any run, too
      assert(vigie.terms({ "bracelet \u{A0} connecté" }):count(t1) == 1)
      assert(m:count("braceletconnecté") == 0)
    ''')


def test_overlaps_all_reported_in_order_of_start_longest_first():
    lua(r'''
      local m = vigie.terms({ "connecté", "bracelet", "bracelet connecté", "Bracelet" })
      expect(all(m, "Le bracelet connecté."),
        "bracelet connecté@4-21=bracelet connecté|bracelet@4-11=bracelet|connecté@13-21=connecté")
      assert(m:count("Le bracelet connecté.") == 3)
      assert(#m == 4)
    ''')


def test_options_words_false_and_fold_false():
    lua(r'''
      local text = "Agendas, agenda, AGENDA"
      assert(vigie.terms({ "agenda" }, { words = false }):count(text) == 3)
      local exact = vigie.terms({ "agenda" }, { fold = false })
      expect(all(exact, text), "agenda@10-15=agenda")
      local exact_parts = vigie.terms({ "genda" }, { fold = false, words = false })
      expect(all(exact_parts, text), "genda@2-6=genda|genda@11-15=genda")
      -- exact bytes: NFD is not NFC, and a phrase wants its own space
      local e2 = vigie.terms({ "é", "a b" }, { fold = false })
      assert(e2:count("e\u{301} é a b a\nb") == 2)
      local t = tostring(vigie.terms({ "x" }, { fold = false, words = false }))
      assert(t:find("1 term") and t:find("exact"), t)
      assert(tostring(vigie.terms({ "x", "y" })):find("2 terms, folded, whole words"))
    ''')


def test_count_any_and_iterators():
    lua(r'''
      local m = vigie.terms({ "badgeuse", "pointeuse" })
      local text = "La badgeuse, la pointeuse, la BADGEUSE."
      assert(m:count(text) == 3)
      assert(m:any(text) == true and m:any("rien") == false and m:count("") == 0)
      -- breaking out, nesting, and count inside a find loop
      for term, s, e in m:find(text) do break end
      local pairs_ = 0
      for t1 in m:find(text) do
        for t2 in m:find(text) do pairs_ = pairs_ + 1 end
        assert(m:count(text) == 3)
      end
      assert(pairs_ == 9, pairs_)
      -- an iterator keeps its text alive and can be called past its end
      local it = m:find(("x "):rep(10) .. "pointeuse")
      collectgarbage()
      assert(it() == "pointeuse" and it() == nil and it() == nil)
      -- the term as written comes back, even when several fold alike
      local m2 = vigie.terms({ "Badgeuse", "BADGEUSE", "badgeuse" })
      expect(all(m2, "badgeuse"), "Badgeuse@1-8=badgeuse")
    ''')


def test_terms_file_relative_to_the_stage():
    lua(r'''
      local m = vigie.terms("lists/terms.txt")
      assert(#m == 3, #m)
      expect(all(m, "Le logiciel de suivi et la badgeuse, bracelet connecté."),
        "logiciel de suivi@4-20=logiciel de suivi|badgeuse@28-35=badgeuse|bracelet connecté@38-55=bracelet connecté")
      local ok, err = pcall(function() return vigie.terms("lists/nope.txt") end)
      assert(not ok and err:find("t.lua:%d+:") and err:find("stages/lists/nope.txt", 1, true), err)
      local ok2, err2 = pcall(function() return vigie.terms("lists/blank.txt") end)
      assert(not ok2 and err2:find("no terms") and err2:find("blank.txt", 1, true), err2)
      local ok3, err3 = pcall(function() return vigie.terms("lists/bad.txt") end)
      assert(not ok3 and err3:find("bad.txt:3:", 1, true) and err3:find("folds to nothing"), err3)
    ''', files={
        "stages/lists/terms.txt": "# surveillance\nbadgeuse\r\n\n  bracelet connecté  \nlogiciel de suivi\n",
        "stages/lists/blank.txt": "# nothing\n\n",
        "stages/lists/bad.txt": "ok\n# comment\n\u0301\n",
    })


def test_errors_carry_the_callers_line():
    lua(r'''
      local function try(...) local args = { ... }; return select(2, pcall(function() return vigie.terms(table.unpack(args)) end)) end
      local function has(err, ...)
        assert(err:find("t.lua:%d+:"), err)
        for _, s in ipairs({ ... }) do assert(err:find(s, 1, true), err .. " lacks " .. s) end
      end
      has(try({}), "empty term list")
      has(try({ "ok", "\u{301}" }), "term 2", "folds to nothing")
      has(try({ "ok", "  " }), "term 2", "folds to nothing")
      has(try({ "ok", 12 }), "term 2 is a number")
      has(try({ "\xff" }), "not valid UTF-8")
      has(try(42), "table of terms or file name")
      has(try({ "a" }, { word = false }), "unknown option 'word'")
      has(try({ "a" }, { words = "no" }), "must be a boolean")
      local m = vigie.terms({ "a" })
      local ok, err = pcall(function() return m:find("\xff") end)
      has(err, "not valid UTF-8")
      ok, err = pcall(function() return m.count("x") end)
      has(err, "vigie.terms expected")
      assert(getmetatable(m) == "vigie.terms")
    ''')


def test_offsets_round_trip_through_json_flags():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { "stages/flag.lua" } }\n')
    write(os.path.join(d, "stages", "flag.lua"), r'''
      local m
      return {
        init = function() m = vigie.terms({ "géolocalisés", "l'agenda", "bracelet connecté", "agenda" }) end,
        process = function(doc)
          for term, s, e in m:find(doc.text) do doc:flag{ rule = "t", label = term, start = s, stop = e } end
        end,
      }
    ''')
    nfd = unicodedata.normalize("NFD", "Les GÉOLOCALISÉS et géolocalisés")
    text = nfd + "\n« l\u2019agenda », un bracelet\u00a0\nconnecté, agendas, Agenda.\n"
    write(os.path.join(d, "in.txt"), text)
    r = vigie("run", "p.lua", "in.txt", "--normalize", "none", cwd=d)
    eq(r.code, 0, "run", r)
    doc = r.docs[0]
    eq(doc["text"], text, "text kept in NFD")
    raw = doc["text"].encode("utf-8")
    got = []
    for f in doc["flags"]:
        span = raw[f["start"]:f["end"]].decode("utf-8")
        eq(span, f["match"], "text.encode()[start:end] == match", f)
        got.append((f["label"], span))
    eq(got, [("géolocalisés", unicodedata.normalize("NFD", "GÉOLOCALISÉS")),
             ("géolocalisés", unicodedata.normalize("NFD", "géolocalisés")),
             ("l'agenda", "l\u2019agenda"), ("agenda", "agenda"),
             ("bracelet connecté", "bracelet\u00a0\nconnecté"), ("agenda", "Agenda")])


def test_flag_makes_the_flags_of_a_find_loop():
    """m:flag(doc, opts) flags in C what a find loop with doc:flag flags:
    the same JSON, byte for byte; label the term unless given; note and
    score; the count returned; errors for a bad opts table."""
    d = tmp()
    terms = '{ "géolocalisés", "l\'agenda", "bracelet connecté", "agenda" }'
    write(os.path.join(d, "loop.lua"), 'return { stages = { "stages/loop.lua" } }\n')
    write(os.path.join(d, "bulk.lua"), 'return { stages = { "stages/bulk.lua" } }\n')
    write(os.path.join(d, "stages", "loop.lua"), r'''
      local m = vigie.terms(%s)
      return function(doc)
        for term, s, e in m:find(doc.text) do doc:flag{ rule = "t", label = term, start = s, stop = e } end
        for _, s, e in m:find(doc.text) do doc:flag{ rule = "u", label = "L", note = "n", score = 0.5, start = s, stop = e } end
        doc.meta.n = 12
      end
    ''' % terms)
    write(os.path.join(d, "stages", "bulk.lua"), r'''
      local m = vigie.terms(%s)
      return function(doc)
        local a = m:flag(doc, { rule = "t" })
        local b = m:flag(doc, { rule = "u", label = "L", note = "n", score = 0.5 })
        doc.meta.n = a + b
        assert(vigie.terms({ "absent" }):flag(doc, { rule = "x" }) == 0)
        local function err(opts) return select(2, pcall(m.flag, m, doc, opts)) end
        assert(err({}):find("'rule' is required", 1, true), err({}))
        assert(err({ rule = "t", lable = "x" }):find("unknown key 'lable'", 1, true))
        assert(err({ rule = 1 }):find("'rule' must be a string", 1, true))
        assert(err({ rule = "t", score = "high" }):find("'score' must be a number", 1, true))
        assert(select(2, pcall(m.flag, m, "text", { rule = "t" })):find("vigie.doc expected", 1, true))
      end
    ''' % terms)
    nfd = unicodedata.normalize("NFD", "Les GÉOLOCALISÉS et géolocalisés.")
    text = nfd + "\n« l\u2019agenda », un bracelet\u00a0\nconnecté, agendas, Agenda.\n"
    write(os.path.join(d, "in.txt"), text)
    runs = [vigie("run", p, "in.txt", "--normalize", "none", cwd=d) for p in ("loop.lua", "bulk.lua")]
    for r in runs:
        eq(r.code, 0, "run", r)
    eq(runs[1].out, runs[0].out, "the same JSON")
    flags = runs[1].docs[0]["flags"]
    eq(len(flags), 12, "6 matches, flagged twice")
    eq([f["label"] for f in flags if f["rule"] == "t"],
       ["géolocalisés", "géolocalisés", "l'agenda", "agenda", "bracelet connecté", "agenda"])
    check(all(f["label"] == "L" and f["note"] == "n" and f["score"] == 0.5
              for f in flags if f["rule"] == "u"), "label, note, score given", flags)


def test_ten_thousand_generated_terms():
    lua(r'''
      local terms, want = {}, {}
      local syl = { "ba", "gé", "lo", "ca", "ti", "on", "sur", "veil", "lan", "ce", "ri", "mo" }
      math.randomseed(7)
      local seen = {}
      while #terms < 10000 do
        local w = {}
        for i = 1, math.random(2, 5) do w[i] = syl[math.random(#syl)] end
        local t = table.concat(w)
        if math.random(6) == 1 then t = t .. " " .. syl[math.random(#syl)] .. "x" end
        if not seen[vigie.fold(t)] then seen[vigie.fold(t)] = true; terms[#terms + 1] = t end
      end
      local m = vigie.terms(terms)
      assert(#m == 10000)
      -- a text of every 7th term, upper-cased, and of words in no list
      local parts = {}
      for i = 1, #terms, 7 do
        parts[#parts + 1] = terms[i]:upper()
        parts[#parts + 1] = "zzz" .. i
      end
      local text = table.concat(parts, " , ")
      local n, seen_terms = 0, {}
      for term, s, e in m:find(text) do
        n = n + 1
        assert(vigie.fold(text:sub(s, e)) == vigie.fold(term), term .. " vs " .. text:sub(s, e))
        seen_terms[term] = true
      end
      for i = 1, #terms, 7 do assert(seen_terms[terms[i]], "missed " .. terms[i]) end
      assert(n == m:count(text) and n >= #parts / 2, n)
    ''')


def test_a_long_count_stops_at_the_timeout():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { "stages/slow.lua" } }\n')
    write(os.path.join(d, "stages", "slow.lua"), r'''
      local m = vigie.terms({ "agenda", "badgeuse" })
      return function(doc)
        local text = ("l'agenda et la badgeuse, "):rep(800000) -- 20 MB, built in C
        doc.meta.n = m:count(text)                         -- one call, no Lua in between
      end
    ''')
    write(os.path.join(d, "in.txt"), "x")
    r = vigie("run", "p.lua", "in.txt", "--timeout", "0.02", "--lua-memory", "1G", cwd=d)
    eq(r.code, 1, "the document fails", r)
    check("timeout" in r.err, "says timeout", r)


main()
