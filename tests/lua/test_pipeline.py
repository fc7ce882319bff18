"""Pipelines and stages (SPEC sections 2 and 3): the return protocol, errors,
environments, use, params, the stage library, init/finish, check."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402


def setup(pipeline, stages=None, docs=None):
    """A folder with p.lua, stage files and input documents a.txt, b.txt..."""
    d = tmp()
    write(os.path.join(d, "p.lua"), pipeline)
    for name, src in (stages or {}).items():
        write(os.path.join(d, name), src)
    for name, text in (docs or {"a.txt": "Alpha text.\n", "b.txt": "Beta text.\n"}).items():
        write(os.path.join(d, "in", name), text)
    return d


def run(d, *args, **kw):
    return vigie("run", "p.lua", "in", *args, cwd=d, **kw)


def test_keep_nothing_true_or_doc():
    d = setup('return { stages = { function(doc) end, function(doc) return true end, '
              'function(doc) return doc end } }')
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["in/a.txt", "in/b.txt"])


def test_drop_with_false_names_the_stage():
    d = setup('return { stages = { { function(doc) return doc.name ~= "a.txt" end, name = "no_a" } } }')
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 0, "dropping is success", r)
    eq([x["id"] for x in r.docs], ["in/b.txt"])
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq(errs, [{"id": "in/a.txt", "kind": "dropped", "stage": "no_a", "reason": "no_a"}])
    check("dropped 1 (no_a: 1)" in r.err, "summary names the stage", r)


def test_drop_reason_holds_whatever_process_returns_after():
    d = setup('return { stages = { { function(doc) doc:drop("too short"); return true end, name = "len" } } }')
    r = run(d, "--errors", "e.jsonl", "--rejects", "rej.jsonl")
    eq(r.docs, [])
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq([e["reason"] for e in errs], ["too short", "too short"])
    rej = read_jsonl(os.path.join(d, "rej.jsonl"))
    eq([x["id"] for x in rej], ["in/a.txt", "in/b.txt"])
    eq(rej[0]["metadata"]["filter_reason"], "too short")
    eq(rej[0]["text"], "Alpha text.\n")


def test_split_with_derive():
    d = setup('''return { stages = {
      function(doc)
        doc:tag("parent"); doc.meta.k = 1
        doc:flag{rule = "r", start = 1, stop = 5}
        local out = {}
        for line, s, e in doc:lines() do
          out[#out + 1] = doc:derive{ text = line, id_suffix = "l" .. s }
        end
        return out
      end,
      function(doc) doc:tag("after") end,
    } }''', docs={"a.txt": "one\ntwo\n"})
    r = run(d)
    eq(r.code, 0, "exit", r)
    docs = r.docs
    eq([x["id"] for x in docs], ["in/a.txt#l1", "in/a.txt#l5"])
    eq([x["path"] for x in docs], ["a.txt#l1", "a.txt#l5"])
    eq([x["text"] for x in docs], ["one", "two"])
    eq(docs[0]["tags"], ["after", "parent"], "derived docs copy tags and go on through later stages")
    eq(docs[0]["flags"], [], "not the flags")
    eq(docs[0]["metadata"]["k"], 1, "meta is copied")
    eq(docs[0]["source"], "in", "the input as given")


def test_split_into_nothing_drops():
    d = setup('return { stages = { { function(doc) return {} end, name = "splitter" } } }')
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 0)
    eq(r.docs, [])
    eq(read_jsonl(os.path.join(d, "e.jsonl"))[0]["reason"], "split into nothing")


def test_in_place_edits_count_whatever_is_returned():
    d = setup('return { stages = { function(doc) doc.text = "changed"; doc.meta.x = "y"; return true end } }')
    r = run(d)
    eq(r.docs[0]["text"], "changed")
    eq(r.docs[0]["metadata"]["x"], "y")


def test_bad_return_value_fails_the_document():
    d = setup('return { stages = { { function(doc) return 42 end, name = "bad" } } }')
    r = run(d)
    eq(r.code, 1, "exit", r)
    check("process returned a number" in r.err, "says what was wrong", r)


def test_error_names_stage_file_and_line_and_run_goes_on():
    d = setup('return { stages = { "stages/boom.lua" } }', {
        "stages/boom.lua": 'return function(doc)\n  if doc.name == "a.txt" then\n    local t = nil; return t.x\n  end\nend\n'})
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 1, "a failed document makes exit 1", r)
    eq([x["id"] for x in r.docs], ["in/b.txt"], "the other document goes on")
    errs = read_jsonl(os.path.join(d, "e.jsonl"))
    eq(len(errs), 1)
    eq(errs[0]["kind"], "failed")
    eq(errs[0]["stage"], "boom")
    check("stages/boom.lua:3:" in errs[0]["reason"], "file:line in the reason", errs)
    check("in/a.txt" in r.err and "stages/boom.lua:3:" in r.err, "summary names doc and line", r)
    check("failed 1" in r.err, "summary counts it", r)


def test_error_object_that_is_not_a_string_is_shown():
    d = setup('return { stages = { function(doc) error({ code = 7 }) end } }')
    r = run(d)
    eq(r.code, 1)
    check('{"code":7}' in r.err or '{"code": 7}' in r.err, "table error shown", r)


def test_same_error_is_printed_once_with_a_count():
    docs = {"%02d.txt" % i: "x\n" for i in range(5)}
    d = setup('return { stages = { function(doc) error("always") end } }', docs=docs)
    r = run(d)
    eq(r.err.count("always"), 1, "printed once", r)
    check("and 4 more like it" in r.err, "with a count", r)


def test_on_error_keep_drop_abort():
    boom = 'function(doc) if doc.name == "a.txt" then error("bad a") end end'
    d = setup('return { stages = { { %s, on_error = "keep" }, function(doc) doc:tag("next") end } }' % boom)
    r = run(d)
    eq(r.code, 0, "keep: the error is reported, the document goes on", r)
    eq([x["tags"] for x in r.docs], [["next"], ["next"]])
    check("bad a" in r.err, "reported", r)
    d = setup('return { stages = { { %s, on_error = "drop" } } }' % boom)
    r = run(d, "--errors", "e.jsonl")
    eq(r.code, 0)
    eq([x["id"] for x in r.docs], ["in/b.txt"])
    eq(read_jsonl(os.path.join(d, "e.jsonl"))[0]["kind"], "dropped")
    d = setup('return { stages = { { %s, on_error = "abort" } } }' % boom)
    r = run(d, "-o", "out.jsonl")
    eq(r.code, 3, "abort", r)
    check(not os.path.exists(os.path.join(d, "out.jsonl")), "no output at the final path")
    check(os.path.exists(os.path.join(d, "out.jsonl.partial")), "kept as .partial")


def test_fail_fast_exits_3():
    d = setup('return { stages = { function(doc) error("x") end } }')
    r = run(d, "--fail-fast", "-o", "out.jsonl")
    eq(r.code, 3, "exit", r)
    check("--fail-fast" in r.err, "says why", r)


def test_stages_do_not_share_globals():
    stage = 'counter = 0\nreturn function(doc) counter = counter + 1; doc.meta[STAGE_NAME] = counter end\n'
    d = setup('return { stages = { "s1.lua", "s2.lua" } }', {
        "s1.lua": 'STAGE_NAME = "s1"\n' + stage,
        "s2.lua": 'STAGE_NAME = "s2"\n' + stage})
    r = run(d, "-j", "1")
    eq(r.code, 0, "exit", r)
    eq([x["metadata"]["s1"] for x in r.docs], [1, 2])
    eq([x["metadata"]["s2"] for x in r.docs], [1, 2])


def test_undeclared_global_in_process_is_an_error_naming_it():
    d = setup('return { stages = { "typo.lua" } }', {
        "typo.lua": 'local count = 0\nreturn function(doc)\n  coutn = count + 1\nend\n'})
    r = run(d)
    eq(r.code, 1)
    check("coutn" in r.err and "typo.lua:3" in r.err, "names the variable and the line", r)


def test_inline_stage_names_and_chunk_names():
    d = setup('return {\n  stages = {\n    function(doc) error("inline boom") end,\n  },\n}\n')
    r = run(d, "--errors", "e.jsonl")
    e = read_jsonl(os.path.join(d, "e.jsonl"))[0]
    eq(e["stage"], "inline@p.lua:3")
    check(e["reason"].startswith("p.lua:3: inline boom"), "real file:line", e)


def test_library_stage_pipeline_folder_and_vigie_path():
    d = setup('return { stages = { "skip_empty", "mine" } }', {
        "mine.lua": 'return function(doc) doc:tag("mine") end'},
        docs={"a.txt": "text\n", "b.txt": "  \n"})
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["in/a.txt"], "skip_empty from the stage library")
    eq(r.docs[0]["tags"], ["mine"])
    lib = tmp()
    write(os.path.join(lib, "elsewhere.lua"), 'return function(doc) doc:tag("vp") end')
    d = setup('return { stages = { "elsewhere" } }')
    r = run(d, env={"VIGIE_PATH": lib})
    eq(r.code, 0, "exit", r)
    eq(r.docs[0]["tags"], ["vp"], "found through VIGIE_PATH")
    r = run(d)
    eq(r.code, 2, "not found without it")
    check("no stage \"elsewhere\"" in r.err and "elsewhere.lua" in r.err, "says where it looked", r)


def test_params_entry_and_set():
    d = setup('''return {
      params = { a = 1, b = "x" },
      stages = {
        { "show.lua", b = "entry" },
        { "show.lua", name = "second" },
      } }''', {"show.lua": '''return { process = function(doc, ctx)
        doc.meta[ctx.stage] = { a = ctx.params.a, b = ctx.params.b, c = ctx.params.c } end }'''})
    r = run(d, "--set", "a=2.5", "--set", "second.c=true", "--set", "show.b=cli")
    eq(r.code, 0, "exit", r)
    m = r.docs[0]["metadata"]
    eq(m["show"], {"a": 2.5, "b": "cli"})
    eq(m["second"], {"a": 2.5, "b": "x", "c": True})
    r = run(d, "--set", "a=7")
    eq(r.docs[0]["metadata"]["show"]["a"], 7, "an integer stays an integer")


def test_use_inlines_stages_with_their_params_as_defaults():
    d = setup('''return { params = { level = "outer" }, stages = {
        { use = "sub/clean.lua" },
        function(doc) doc:tag("outer") end } }''', {
        "sub/clean.lua": '''return { params = { level = "inner", only = "inner" }, stages = {
            { "tagger.lua" } } }''',
        "sub/tagger.lua": '''return function(doc, ctx)
            doc:tag(ctx.params.level .. "/" .. ctx.params.only) end'''})
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq(r.docs[0]["tags"], ["outer", "outer/inner"], "outer params win, inner ones are defaults")


def test_use_cycle_is_an_error_that_names_the_files():
    d = setup('return { stages = { { use = "b.lua" } } }', {
        "b.lua": 'return { stages = { { use = "c.lua" } } }',
        "c.lua": 'return { stages = { { use = "b.lua" } } }'})
    r = run(d)
    eq(r.code, 2, "exit", r)
    check("use cycle" in r.err and "b.lua -> c.lua -> b.lua" in r.err, "names the files", r)
    eq(r.out, b"", "nothing processed")


def test_init_and_finish_counters_in_stats():
    d = setup('return { stages = { "count.lua" } }', {"count.lua": '''
        local M, n, prefix = {}, 0, nil
        function M.init(ctx) prefix = ctx.params.prefix or "p" end
        function M.process(doc, ctx) n = n + 1; doc:tag(prefix) end
        function M.finish(ctx) return { seen = n, ignored = "text" } end
        return M'''})
    r = run(d, "--stats", "s.json", "--set", "prefix=q")
    eq(r.code, 0, "exit", r)
    eq([x["tags"] for x in r.docs], [["q"], ["q"]])
    with open(os.path.join(d, "s.json")) as f:
        stats = json.load(f)
    eq(stats["stage_counters"], {"count": {"seen": 2}})
    eq(stats["documents"], 2)
    eq(stats["kept"], 2)


def test_check_reports_every_problem():
    d = setup('return { stage = {}, stages = { "missing_one", "bad.lua", 42 } }', {
        "bad.lua": 'return function(doc)\n  if then end\nend\n'})
    r = vigie("check", "p.lua", cwd=d)
    eq(r.code, 2, "exit", r)
    check("unknown field \"stage\"" in r.err, "unknown field", r)
    check("missing_one" in r.err, "missing stage", r)
    check("bad.lua:2:" in r.err, "syntax error with line", r)
    check("cannot be a number" in r.err, "bad entry", r)
    check("4 problems" in r.err, "all four", r)
    d = setup('return { stages = { "skip_empty", function(doc) end } }')
    r = vigie("check", "p.lua", cwd=d)
    eq(r.code, 0, "exit", r)
    check("skip_empty" in r.text and "inline@p.lua:1" in r.text, "lists stages", r)


def test_init_error_is_a_pipeline_error():
    d = setup('return { stages = { { process = function() end } } }')
    r = run(d)
    eq(r.code, 2, "a table entry without a file or function", r)
    d = setup('return { stages = { "i.lua" } }', {
        "i.lua": 'return { init = function(ctx) error("no terms file") end, process = function() end }'})
    r = run(d)
    eq(r.code, 2, "exit", r)
    check("init failed" in r.err and "no terms file" in r.err and "i.lua:1" in r.err, "says so", r)


def test_print_goes_to_stderr_prefixed():
    d = setup('return { stages = { { function(doc, ctx) print("hello", 1); ctx.log("via ctx") end, name = "talk" } } }')
    r = run(d)
    eq(r.code, 0)
    eq(len(r.docs), 2, "stdout holds only JSONL")
    check("talk: in/a.txt: hello\t1" in r.err, "prefixed with stage and document", r)
    check("talk: in/b.txt: via ctx" in r.err, "ctx.log too", r)


def test_require_from_the_stage_folder():
    d = setup('return { stages = { "stages/uses_helper.lua" } }', {
        "stages/uses_helper.lua": 'local h = require("helper")\nreturn function(doc) doc:tag(h.name) end',
        "stages/helper.lua": 'return { name = "helped" }'})
    r = run(d)
    eq(r.code, 0, "exit", r)
    eq(r.docs[0]["tags"], ["helped"])


def test_pipeline_input_and_output_are_relative_to_the_file():
    d = setup('return { input = { "in" }, output = "out/result.jsonl", stages = { function() end } }')
    os.makedirs(os.path.join(d, "out"))
    r = vigie("run", os.path.join(d, "p.lua"))
    eq(r.code, 0, "exit", r)
    docs = read_jsonl(os.path.join(d, "out", "result.jsonl"))
    eq(len(docs), 2)
    check(docs[0]["id"].endswith("/in/a.txt"), "input relative to the pipeline", docs[0]["id"])
    r = vigie("run", "p.lua", cwd=d, env={})
    d2 = setup('return { stages = { function() end } }')
    r = vigie("run", "p.lua", cwd=d2)
    eq(r.code, 2, "no input at all is a usage error", r)
    check("no input" in r.err, "says so", r)


main()
