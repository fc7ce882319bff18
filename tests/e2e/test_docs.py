"""The documentation's examples run: every ```lua block of docs/reference.md
is the body of a stage run on the sample document the page describes."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, check, eq, main, tmp, vigie, write  # noqa: E402

SAMPLE = ("Les agents sont géolocalisés par l’application Factéo. La badgeuse contrôle tout.\n"
          "\n"
          "Fin du tract.\n")


def blocks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"^### (.+?)$|^```lua\n(.*?)^```", text, re.S | re.M):
        yield m.group(1), m.group(2)


def test_every_reference_example_runs():
    d = tmp()
    write(os.path.join(d, "docs", "sample.txt"), SAMPLE)
    heading, ran = None, 0
    for head, code in blocks(os.path.join(SRC, "docs", "reference.md")):
        if head:
            heading = head
            continue
        write(os.path.join(d, "p.lua"),
              "return { params = { sample = true }, stages = { { function(doc, ctx)\n%s\nend, name = \"example\" } } }\n" % code)
        r = vigie("run", "p.lua", "docs/sample.txt", "-j", "1", cwd=d)
        eq(r.code, 0, "the example under '%s' runs" % heading, r)
        ran += 1
    check(ran >= 20, "every section has its example (%d ran)" % ran)


def test_every_vigie_function_and_doc_method_is_in_the_reference():
    with open(os.path.join(SRC, "docs", "reference.md"), encoding="utf-8") as f:
        ref = f.read()
    d = tmp()
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      local names = {}
      for k in pairs(vigie) do names[#names + 1] = "vigie." .. k end
      for k in pairs(vigie.json) do names[#names + 1] = "vigie.json." .. k end
      for _, m in ipairs({ "tag", "untag", "has", "tags", "flag", "flags", "clear_flags",
          "lines", "sentences", "paragraphs", "drop", "derive", "unique" }) do
        assert(type(doc[m]) == "function", m)
        names[#names + 1] = "doc:" .. m
      end
      doc.meta.names = names
    end } }''')
    write(os.path.join(d, "a.txt"), "x")
    r = vigie("run", "p.lua", "a.txt", cwd=d)
    eq(r.code, 0, "exit", r)
    for name in r.docs[0]["metadata"]["names"]:
        if name in ("vigie.version", "vigie.test"):
            continue
        check(name in ref, "%s is documented in docs/reference.md" % name)


main()
