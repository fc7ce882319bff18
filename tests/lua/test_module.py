"""The vigie module (SPEC section 4): Unicode helpers, JSON, hash,
read_lines, and the sandbox around stages (SPEC section 6)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, ok, run_lua, tmp, vigie, write  # noqa: E402






def test_unicode_helpers():
    ok('''
      assert(vigie.fold("Géolocalisation") == "geolocalisation")
      assert(vigie.fold("GÉOLOCALISÉS") == vigie.fold("ge\\u{301}olocalise\\u{301}s"))
      assert(vigie.fold("Straße") == "strasse")
      assert(vigie.fold("\\u{FB01}che") == "fiche")
      assert(vigie.casefold("ÉTÉ") == "été")
      assert(vigie.normalize("e\\u{301}") == "\\u{e9}")
      assert(vigie.normalize("\\u{e9}", "NFD") == "e\\u{301}")
      assert(vigie.normalize("\\u{FB01}", "NFKC") == "fi")
      assert(vigie.normalize("\\u{FB01}", "NFC") == "\\u{FB01}")
      assert(vigie.len("été 📢") == 5)
      assert(vigie.valid("été") and not vigie.valid("\\xC0\\xAF") and not vigie.valid("\\xED\\xA0\\x80"))
      local ok, err = pcall(vigie.fold, "\\xff")
      assert(not ok and err:find("not valid UTF%-8"), err)
      local ok2, err2 = pcall(vigie.normalize, "x", "NFX")
      assert(not ok2 and err2:find("NFC, NFD"), err2)
    ''')


def test_json_round_trip_keeps_null_and_empty_arrays():
    ok('''
      local v = vigie.json.decode('{"a":[],"b":{},"c":null,"d":[1,2.5,"x"],"e":true}')
      assert(getmetatable(v.a) ~= nil and #v.a == 0)
      assert(v.c == vigie.null)
      local back = vigie.json.encode(v)
      assert(back == '{"a":[],"b":{},"c":null,"d":[1,2.5,"x"],"e":true}', back)
      assert(vigie.json.encode({ z = 1, a = 2 }) == '{"a":2,"z":1}')
      assert(vigie.json.encode("é\\n\\1") == '"é\\\\n\\\\u0001"', vigie.json.encode("é\\n\\1"))
      local bad, msg = vigie.json.decode("{oops")
      assert(bad == nil and msg:find("invalid JSON"), msg)
      local ok, err = pcall(vigie.json.encode, { f = print })
      assert(not ok and err:find("value.f: a function"), err)
      local ok2, err2 = pcall(vigie.json.encode, { [1] = 1, x = 2 })
      assert(not ok2 and err2:find("number keys"), err2)
    ''')


def test_hash_is_xxh64_seed_0():
    # reference values of XXH64 with seed 0
    ok('''
      assert(vigie.hash("") == "ef46db3751d8e999", vigie.hash(""))
      assert(vigie.hash("a") == "d24ec4f1a98c6e5b", vigie.hash("a"))
    ''')


def test_read_lines_is_relative_to_the_stage():
    ok('''
      local l = vigie.read_lines("terms.txt")
      assert(#l == 2 and l[1] == "badgeuse" and l[2] == "bracelet connecté", table.concat(l, "|"))
      local none, err = vigie.read_lines("nope.txt")
      assert(none == nil and err:find("nope.txt"), err)
    ''', files={"stages/terms.txt": "# comment\nbadgeuse\r\n\n  bracelet connecté  \n"})


def test_require_vigie():
    ok('local v = require("vigie"); assert(v == vigie and v.fold)')


def test_sandbox_refuses_with_a_message_naming_the_function():
    for call, name in (('os.execute("true")', "os.execute"), ('io.popen("ls")', "io.popen"),
                       ('os.remove("x")', "os.remove"), ('os.getenv("HOME")', "os.getenv"),
                       ('io.open("w.txt", "w")', "io.open for writing"),
                       ('package.loadlib("x", "y")', "package.loadlib"),
                       ('debug.sethook()', "debug.sethook"),
                       ('load(string.dump(function() end))', "binary chunks"),
                       ('dofile("/etc/passwd")', "dofile")):
        r = run_lua(call)
        eq(r.code, 1, call, r)
        check(name in r.err and "--trust" in r.err, "%s: names it and --trust" % call, r)


def test_sandbox_reads_only_under_the_stage_folders():
    r = run_lua('local f = io.open("/etc/hostname"); f:close()')
    eq(r.code, 1, "outside", r)
    check("not allowed in the sandbox" in r.err, "says so", r)
    ok('local f = assert(io.open("stages/data.txt")); assert(f:read("a") == "ok"); f:close()',
       files={"stages/data.txt": "ok"})


def test_loadfile_and_dofile_read_lua_under_the_stage_folders():
    ok('''
      local rules = dofile("stages/rules.lua")
      assert(rules[1].id == "r1")
      local chunk = assert(loadfile("stages/rules.lua"))
      assert(chunk()[1].id == "r1")
      assert(ctx.dir:sub(1, 1) == "/" and io.open(ctx.dir .. "/stages/rules.lua"), ctx.dir)
    ''', files={"stages/rules.lua": 'return { { id = "r1" } }'})


def test_trust_lifts_the_sandbox():
    r = run_lua('doc.meta.home = os.getenv("HOME") ~= nil', args=("--trust",))
    eq(r.code, 0, "trusted", r)
    eq(r.docs[0]["metadata"]["home"], True)


def test_c_modules_need_trust():
    d = tmp()
    write(os.path.join(d, "stages", "cmod.so"), b"\x7fELF")
    r = run_lua('require("cmod")', files={"stages/cmod.so": b"\x7fELF"})
    eq(r.code, 1, "exit", r)
    check("C module" in r.err and "--trust" in r.err, "says so", r)


main()
