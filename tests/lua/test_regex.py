"""vigie.regex (SPEC section 4): PCRE2 with UTF, Unicode properties, JIT
and a match limit; find, gfind, gsub, test; byte offsets that doc:flag and
the JSON output agree with; the --timeout deadline inside long loops."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, ok, run_lua, tmp, vigie, write  # noqa: E402






def test_find_with_captures_and_init():
    ok('''
      local r = vigie.regex("(\\\\w+)@(\\\\w+)?")
      local t = "écrire à jean@ ou à marie@cgt"
      local s, e, user, host = r:find(t)
      assert(s == 12 and e == 16 and user == "jean", tostring(s) .. " " .. tostring(e))
      assert(host == false, "a group that did not take part is false")
      assert(select("#", r:find(t)) == 4)
      s, e, user, host = r:find(t, 17)
      assert(t:sub(s, e) == "marie@cgt" and user == "marie" and host == "cgt")
      s, e, user = r:find(t, -9)
      assert(t:sub(s, e) == "marie@cgt" and user == "marie", tostring(s))
      s, e, user = r:find(t, -3)
      assert(s == nil, "from the 3rd last byte: no @ left")
      assert(r:find(t, #t + 2) == nil, "init past the end")
      assert(r:find(t, -1000) == 12, "init before the start counts from 1")
      assert(vigie.regex("x"):find("abc") == nil)
      local es, ee = vigie.regex(""):find("abc", 2)
      assert(es == 2 and ee == 1, "an empty match, as string.find")
      local ok, err = pcall(function() return r:find("été", 2) end)
      assert(not ok and err:find("inside a UTF%-8 sequence") and err:find("t.lua:"), err)
    ''')


def test_gsub_named_groups_dollar_zero_and_dollars():
    ok('''
      local r = vigie.regex("(?<jour>\\\\d\\\\d)/(?<mois>\\\\d\\\\d)/(\\\\d{4})")
      local out, n = r:gsub("du 05/03/2017 au 12/04/2018", "$3-${mois}-${jour}")
      assert(out == "du 2017-03-05 au 2018-04-12" and n == 2, out)
      out = r:gsub("le 05/03/2017", "[$0] coûte $$5 (${3})")
      assert(out == "le [05/03/2017] coûte $5 (2017)", out)
      out, n = r:gsub("01/01/2001 02/02/2002 03/03/2003", "X", 2)
      assert(out == "X X 03/03/2003" and n == 2, out)
      out, n = vigie.regex("x*"):gsub("axb", "-")
      assert(out == "-a-b-" and n == 3, out .. " (as Lua 5.4's string.gsub)")
      local ok, err = pcall(function() return r:gsub("x", "${nope}") end)
      assert(not ok and err:find("no group 'nope'"), err)
      ok, err = pcall(function() return r:gsub("x", "$4") end)
      assert(not ok and err:find("no group 4"), err)
      ok, err = pcall(function() return r:gsub("x", "5 $") end)
      assert(not ok and err:find("invalid use of '%$'"), err)
      ok, err = pcall(function() return r:gsub("x", true) end)
      assert(not ok and err:find("string/function/table expected"), err)
    ''')


def test_gsub_with_a_table_and_a_function():
    ok('''
      local words = vigie.regex("\\\\p{L}+")
      local out, n = words:gsub("la badgeuse et le bracelet", { badgeuse = "pointeuse", le = false })
      assert(out == "la pointeuse et le bracelet" and n == 5, out)
      -- with captures, the table is indexed by the first capture
      out = vigie.regex("(\\\\w)(\\\\w*)"):gsub("ab cd", { a = "X", c = "Y" })
      assert(out == "X Y", out)
      -- a function gets the whole match, or the captures
      out, n = words:gsub("Géolocalisation des agents", function(w) return #w > 4 and w:upper() end)
      assert(out == "GéOLOCALISATION des AGENTS" and n == 3, out)
      out = vigie.regex("(\\\\d+)(€)?"):gsub("5€ et 7", function(d, e)
        assert(e == "€" or e == false)
        return e and d .. " euros" or nil
      end)
      assert(out == "5 euros et 7", out)
      out = vigie.regex("\\\\d+"):gsub("a 12 b", function(d) return tonumber(d) * 2 end)
      assert(out == "a 24 b", out)
      local ok, err = pcall(function() return words:gsub("ab", function() return {} end) end)
      assert(not ok and err:find("invalid replacement value %(a table%)"), err)
    ''')


def test_gsub_function_that_uses_regexes_itself():
    # the replacement function matches other patterns (and the same one):
    # the outer gsub's offsets must survive it
    ok('''
      local r = vigie.regex("(\\\\p{L}+)-(\\\\p{L}+)")
      local inner = vigie.regex("[aeiouyéè]")
      local out = r:gsub("porte-clé et garde-fou", function(a, b)
        assert(r:test(a .. "-" .. b))
        return inner:gsub(a, "") .. "+" .. select(1, r:gsub(b .. "-x", "$2$1"))
      end)
      assert(out == "prt+xclé et grd+xfou", out)
    ''')


def test_gfind_over_french_text_gives_byte_offsets_that_round_trip():
    ok('''
      local t = "Les salariés sont géolocalisés; l’employeur prétend que c’est légal."
      local words, n = {}, 0
      for s, e, first in vigie.regex("(\\\\p{L})\\\\p{L}*"):gfind(t) do
        n = n + 1
        words[n] = t:sub(s, e)
        assert(first == t:sub(s, s + #first - 1))
        assert(vigie.valid(t:sub(s, e)))
      end
      assert(table.concat(words, "|") ==
        "Les|salariés|sont|géolocalisés|l|employeur|prétend|que|c|est|légal", table.concat(words, "|"))
      local s, e = vigie.regex("géolocalisés"):find(t)
      assert(s == 20 and e == 33 and t:sub(s, e) == "géolocalisés", s)
      -- gfind takes an init too
      local after = {}
      for s2, e2 in vigie.regex("\\\\p{L}+"):gfind(t, -7) do after[#after + 1] = t:sub(s2, e2) end
      assert(#after == 1 and after[1] == "légal", table.concat(after, "|"))
    ''')


def test_flags_i_m_s_x():
    ok('''
      assert(vigie.regex("été", "i"):find("ÉTÉ") == 1)
      assert(vigie.regex("ÉTÉ", "i"):find("un bel été") == 8)
      assert(not vigie.regex("été"):test("ÉTÉ"))
      assert(vigie.regex("GÉOLOCALISÉS", "i"):test("agents géolocalisés"))
      local lines = {}
      for s, e in vigie.regex("^\\\\w+", "m"):gfind("un\\ndeux\\ntrois") do lines[#lines + 1] = s end
      assert(#lines == 3 and lines[2] == 4 and lines[3] == 9, #lines)
      assert(#{ vigie.regex("^\\\\w+"):find("un\\ndeux", 2) } == 0, "without m, ^ is the start")
      assert(vigie.regex("a.b", "s"):test("a\\nb"))
      assert(not vigie.regex("a.b"):test("a\\nb"))
      local x = vigie.regex([[
        (\\d{4})   # year
        - (\\d\\d)  # month
      ]], "x")
      local _, _, y, m = x:find("le 2017-03")
      assert(y == "2017" and m == "03")
      assert(not vigie.regex("a b"):test("ab") and vigie.regex("a b", "x"):test("ab"))
      assert(vigie.regex("A.B", "smix"):test("a\\nb"))
    ''')


def test_unicode_properties():
    ok('''
      local s, e = vigie.regex("\\\\p{L}+"):find("« géolocalisés »")
      assert(s == 4 and e == 17, "\\\\p{L}+ takes the whole word")
      s, e = vigie.regex("\\\\w+"):find("« géolocalisés »")
      assert(s == 4 and e == 17, "\\\\w is Unicode-aware")
      assert(vigie.regex("\\\\bété\\\\b"):test("un été chaud"))
      assert(not vigie.regex("\\\\bté\\\\b"):test("un été chaud"), "no boundary between é and t")
      assert(not vigie.regex("\\\\bcontrôl\\\\b"):test("contrôlé"), "no boundary before é")
      s, e = vigie.regex("[[:alpha:]]+"):find("99 Œuvres")
      assert(s == 4 and e == 10, "[[:alpha:]] is Unicode-aware")
      assert(vigie.regex("\\\\p{Lu}"):find("le Élan") == 4)
      assert(vigie.regex("^.$"):test("é"), "dot is one character")
    ''')


def test_bad_pattern_and_bad_flag():
    r = run_lua('local r = vigie.regex("(géo|loc")')
    eq(r.code, 1, "a bad pattern fails the document", r)
    check("t.lua:2:" in r.err and "missing closing parenthesis" in r.err and "offset 9" in r.err,
          "PCRE2's message, the offset, the caller's line", r)
    r = run_lua('local r = vigie.regex("a", "iq")')
    eq(r.code, 1, "a bad flag fails the document", r)
    check("t.lua:2:" in r.err and "unknown flag 'q'" in r.err and "#2" in r.err, "names the flag", r)
    r = run_lua('local r = vigie.regex("a\\\\Cb")')
    eq(r.code, 1, "\\C could split a character", r)
    check("using \\C is disabled" in r.err, "PCRE2 says so", r)


def test_pathological_pattern_raises_match_limit_quickly():
    start = time.time()
    ok('''
      local LIMIT = @LIMIT@ -- seconds (valgrind runs code 20 to 50 times slower)
      local cases = {
        { "(a+)+$", ("a"):rep(32) .. "!" },
        { "(*NO_JIT)(a+)+$", ("a"):rep(32) .. "!" },  -- the interpreter has the limit too
        { "(\\\\w+\\\\s?)+$", ("aé "):rep(12) .. ("x"):rep(30) .. "!" },
      }
      for _, c in ipairs(cases) do
        local r = vigie.regex(c[1])
        local t0 = os.clock()
        local ok, err = pcall(r.find, r, c[2])
        local dt = os.clock() - t0
        assert(not ok and err:find("regex: match limit exceeded", 1, true), c[1] .. ": " .. tostring(err))
        assert(dt < LIMIT, c[1] .. " took " .. dt)
      end
      -- the same patterns match sane texts
      assert(vigie.regex("(a+)+$"):find("baaa") == 2)
    '''.replace("@LIMIT@", "60.0" if os.environ.get("VIGIE_VALGRIND") else "1.0"))
    check(time.time() - start < (300 if os.environ.get("VIGIE_VALGRIND") else 5), "the run is quick")


def test_invalid_utf8_subject_raises():
    for call in ('r:find("a\\xff")', 'r:test("\\xc3")', 'r:gsub("\\xed\\xa0\\x80", "x")',
                 'r:gfind("\\xc0\\xaf")'):
        r = run_lua('local r = vigie.regex("a")\n' + call)
        eq(r.code, 1, call, r)
        check("not valid UTF-8" in r.err and "t.lua:3:" in r.err, call + ": says so, where", r)
    r = run_lua('local r = vigie.regex("\\xff")')
    eq(r.code, 1, "invalid pattern", r)
    check("UTF-8" in r.err, "an invalid pattern is a pattern error", r)


def test_empty_matches_in_gfind_do_not_split_utf8():
    ok('''
      local t = "é€😀a"
      local starts = {}
      for s, e in vigie.regex(""):gfind(t) do
        assert(e == s - 1)
        starts[#starts + 1] = s
      end
      assert(table.concat(starts, ",") == "1,3,6,10,11", table.concat(starts, ","))
      local out, n = vigie.regex("x*"):gsub(t, "|")
      assert(out == "|é|€|😀|a|" and n == 5, out)
      out = vigie.regex("(?=\\\\p{L})"):gsub("éa b", "^")
      assert(out == "^é^a ^b", out)
    ''')


def test_test_and_tostring():
    ok('''
      local r = vigie.regex("bracelet.connecté", "i")
      assert(r:test("Un BRACELET CONNECTÉ") == true)
      assert(r:test("un bracelet") == false)
      assert(tostring(r) == "vigie.regex(/bracelet.connecté/i)", tostring(r))
      assert(tostring(vigie.regex("a", "xsmi")) == "vigie.regex(/a/imsx)")
      local ok, err = pcall(r.test, {}, "x")
      assert(not ok and err:find("vigie.regex expected"), err)
    ''')


def test_flag_from_regex_offsets_round_trips_through_json():
    text = "Les agents seront géolocalisés par GPS.\nLa badgeuse « Kelio » contrôle l’été.\n"
    r = ok('''
      local r = vigie.regex("(?i)géolocalis\\\\p{L}*|badgeuse|l’été")
      for s, e in r:gfind(doc.text) do doc:flag{rule = "r", start = s, stop = e} end
      local s, e = vigie.regex("« (\\\\p{L}+) »"):find(doc.text)
      doc:flag{rule = "quote", start = s, stop = e}
    ''', text=text)
    flags = r.docs[0]["flags"]
    eq([f["match"] for f in flags], ["géolocalisés", "badgeuse", "« Kelio »", "l’été"])
    raw = r.docs[0]["text"].encode("utf-8")
    for f in flags:
        eq(raw[f["start"]:f["end"]].decode("utf-8"), f["match"], "offsets round-trip")
    eq(flags[0]["start"], text.encode("utf-8").index("géolocalisés".encode("utf-8")))


def test_gsub_over_a_huge_text_respects_timeout():
    # each match looks ahead to the end of the text: one gsub call would run
    # for a minute; the deadline is checked between matches
    start = time.time()
    r = run_lua('''
      local t = ("x"):rep(300000) .. "y"
      local out = vigie.regex("x(?=.*y)"):gsub(t, "z")
      doc.meta.len = #out
    ''', args=("--timeout", "0.5"))
    elapsed = time.time() - start
    eq(r.code, 1, "the document fails", r)
    check("timeout" in r.err, "says which limit", r)
    check(elapsed < 10, "stopped near the deadline (%.1f s)" % elapsed, r)
    r = run_lua('''
      local t = ("x"):rep(300000) .. "y"
      local n = 0
      for s in vigie.regex("x(?=.*y)"):gfind(t) do n = n + 1 end
    ''', args=("--timeout", "0.5"))
    eq(r.code, 1, "gfind too", r)
    check("timeout" in r.err, "says which limit", r)


def test_same_patterns_across_workers():
    # every worker compiles the same patterns (shared, compiled once) and
    # matches them at once; the result does not depend on -j
    d = tmp()
    write(os.path.join(d, "p.lua"), "return { stages = { { \"stages/t.lua\" } } }\n")
    write(os.path.join(d, "stages", "t.lua"), '''
      local M = {}
      local words, dates
      function M.init(ctx)
        words = vigie.regex("\\\\b(g[ée]o)\\\\p{L}*", "i")
        dates = vigie.regex("(?<d>\\\\d\\\\d)/(?<m>\\\\d\\\\d)")
      end
      function M.process(doc)
        local n = 0
        for s, e, g in words:gfind(doc.text) do
          n = n + 1
          doc:flag{rule = "geo", start = s, stop = e}
        end
        doc.meta.dates = dates:gsub(doc.text, "${m}-${d}")
        doc.meta.n = n
        local again = vigie.regex("\\\\b(g[ée]o)\\\\p{L}*", "i") -- from the cache
        assert(select(2, again:gsub(doc.text, "")) == n)
      end
      return M
    ''')
    for i in range(120):
        write(os.path.join(d, "in", "%03d.txt" % i),
              "Géolocalisation n°%d le 0%d/1%d, GÉOLOC et géo.\n" % (i, i % 10, i % 3) * (1 + i % 5))
    one = vigie("run", "p.lua", "in", "-j", "1", cwd=d)
    many = vigie("run", "p.lua", "in", "-j", "4", cwd=d)
    eq(one.code, 0, "-j 1", one)
    eq(many.code, 0, "-j 4", many)
    eq(many.out, one.out, "same output whatever -j")
    docs = one.docs
    eq(len(docs), 120)
    eq(docs[7]["metadata"]["n"], 3 * 3)
    eq(docs[7]["metadata"]["dates"].split("\n")[0], "Géolocalisation n°7 le 11-07, GÉOLOC et géo.")


main()
