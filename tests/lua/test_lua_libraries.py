"""Lua libraries users already have (SPEC section 6): pure-Lua ones such as
Penlight work inside the sandbox through VIGIE_PATH; C modules such as
LPeg need --trust. Both from Debian (lua-penlight, lua-lpeg)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402

LUA_SHARE = "/usr/share/lua/5.4"
LUA_LIB = "/usr/lib/x86_64-linux-gnu/lua/5.4"


def run(body, *args, env=None):
    d = tmp()
    write(os.path.join(d, "p.lua"), "return { stages = { function(doc)\n%s\nend } }\n" % body)
    write(os.path.join(d, "a.txt"), "Un tract.")
    return vigie("run", "p.lua", "a.txt", "-j", "1", *args, cwd=d, env=env)


def test_penlight_works_in_the_sandbox_through_vigie_path():
    check(os.path.exists(os.path.join(LUA_SHARE, "pl", "init.lua")), "lua-penlight is installed (.ci/install-deps)")
    r = run('''local List = require("pl.List")
      local stringx = require("pl.stringx")
      local pretty = require("pl.pretty")
      doc.meta.pl = List({ "b", "a" }):sort():join(",") .. "|" .. stringx.strip("  x  ")
      doc.meta.dump = pretty.write({ 1 }, "")''', env={"VIGIE_PATH": LUA_SHARE})
    eq(r.code, 0, "exit", r)
    eq(r.docs[0]["metadata"]["pl"], "a,b|x")
    eq(r.docs[0]["metadata"]["dump"], "{1}")


def test_lpeg_needs_trust():
    check(os.path.exists(os.path.join(LUA_LIB, "lpeg.so")), "lua-lpeg is installed (.ci/install-deps)")
    r = run('local lpeg = require("lpeg")', env={"VIGIE_PATH": LUA_LIB})
    eq(r.code, 1, "refused in the sandbox", r)
    check("C module" in r.err and "--trust" in r.err, "says why and what lifts it", r)
    r = run('''local lpeg = require("lpeg")
      local word = lpeg.C(lpeg.R("az")^1)
      doc.meta.first = word:match("tract un")''', "--trust")
    eq(r.code, 0, "works when trusted", r)
    eq(r.docs[0]["metadata"]["first"], "tract")


main()
