"""The stage library (scripts/): each stage's tests are vigie test files
under tests/stages/, run through the real binary."""
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, check, eq, main, tmp, vigie, write  # noqa: E402

STAGES = os.path.join(SRC, "tests", "stages")


def test_every_library_stage_has_tests_and_they_pass():
    files = sorted(glob.glob(os.path.join(STAGES, "*_test.lua")))
    tested = {os.path.basename(f)[:-len("_test.lua")] for f in files}
    for stage in glob.glob(os.path.join(SRC, "scripts", "*.lua")):
        name = os.path.basename(stage)[:-4]
        check(name in tested, "scripts/%s.lua has tests/stages/%s_test.lua" % (name, name))
    for f in files:
        r = vigie("test", f)
        eq(r.code, 0, os.path.basename(f), r)
        last = r.text.splitlines()[-1]
        check(last.endswith(" 0 failed") and not last.startswith("0 passed"), "cases ran: " + last, r)


def test_every_library_stage_is_documented_at_its_top():
    for stage in glob.glob(os.path.join(SRC, "scripts", "*.lua")):
        with open(stage, encoding="utf-8") as f:
            head = f.read(4000)
        name = os.path.basename(stage)[:-4]
        check(head.startswith("-- " + name + ":"), "%s says what it does first" % name)
        check("Params" in head or "params" in head, "%s documents its params" % name)
        check("Example" in head or "example" in head, "%s gives an example" % name)


def test_dedup_keeps_the_first_in_input_order_whatever_jobs_is():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { { "dedup", fold = true } } }')
    texts = ["Même  texte.", "Autre texte.", "MÊME texte.", "même texte.\n", "Autre texte.", "Seul."]
    for i, t in enumerate(texts * 20):
        write(os.path.join(d, "in", "%03d.txt" % i), t)
    outs = []
    for j in ("1", "2", "3"):
        r = vigie("run", "p.lua", "in", "-j", j, "--errors", "e.jsonl", cwd=d)
        eq(r.code, 0, "exit", r)
        outs.append(r.out)
        eq([x["id"] for x in r.docs], ["in/000.txt", "in/001.txt", "in/005.txt"], "first of each")
        check("dropped 117 (dedup: duplicate: 117)" in r.err, "summary", r)
    eq(outs[1], outs[0])
    eq(outs[2], outs[0])


def test_flag_rules_reports_mistakes_in_a_pack_with_the_rule():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { { "flag_rules", rules = "pack.lua" } } }')
    for pack, words in (('return { { label = "x", terms = { "a" } } }', "needs an id"),
                        ('return { { id = "r", terms = { "a" }, regex = "b" } }', "exactly one of"),
                        ('return { { id = "r", within = "page", terms = { "a" } } }', "within is"),
                        ('return { { id = "r", set = "nope" } }', 'no set named "nope"'),
                        ('return { { id = "r", regex = "(" } }', "missing closing parenthesis"),
                        ('return { { id = "r", none = { { terms = { "a" } } } } }', "nothing to point at")):
        write(os.path.join(d, "pack.lua"), pack)
        r = vigie("check", "p.lua", cwd=d)
        eq(r.code, 2, pack, r)
        check(words in r.err and "pack.lua" in r.err, "%s: says %s" % (pack, words), r)


def test_split_paragraphs_ids_texts_and_meta():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { function(doc) doc:tag("t"); doc.meta.k = 1 end, '
          '{ "split_paragraphs", min_chars = 3 } } }')
    write(os.path.join(d, "a.txt"), "Premier paragraphe.\n\nDeuxième\nsur deux lignes.\n\nOk\n\n  Dernier.  \n")
    r = vigie("run", "p.lua", "a.txt", cwd=d)
    eq(r.code, 0, "exit", r)
    eq([x["id"] for x in r.docs], ["a.txt#p1", "a.txt#p2", "a.txt#p4"], "short paragraph 3 left out")
    eq([x["text"] for x in r.docs], ["Premier paragraphe.", "Deuxième\nsur deux lignes.", "Dernier."])
    eq(r.docs[1]["tags"], ["t"])
    eq(r.docs[1]["metadata"]["k"], 1)
    eq(r.docs[1]["metadata"]["paragraph"], {"n": 2, "start": 22})


main()
