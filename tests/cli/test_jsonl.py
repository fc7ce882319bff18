"""--input-format jsonl: documents in the output schema on stdin or in
files; vigie's own output read back gives the same output."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import check, eq, main, tmp, vigie, write  # noqa: E402

FLAG = '''return { stages = { function(doc)
  local s, e = doc.text:find("badgeuse", 1, true)
  if s then doc:flag{ rule = "badge", start = s, stop = e, note = "n", score = 0.5 } end
  doc:tag("seen"); doc.meta.k = { 1, 2 }
end } }'''


def test_output_read_back_is_the_same_output():
    d = tmp()
    write(os.path.join(d, "flag.lua"), FLAG)
    write(os.path.join(d, "id.lua"), "return { stages = { function() end } }")
    write(os.path.join(d, "in", "a.txt"), "Une badgeuse « géolocalisée » 📢\n")
    write(os.path.join(d, "in", "b.txt"), "neutre".encode("cp1252"))
    first = vigie("run", "flag.lua", "in", cwd=d)
    eq(first.code, 0, "exit", first)
    again = vigie("run", "id.lua", "-", "--input-format", "jsonl", input=first.out, cwd=d)
    eq(again.code, 0, "exit", again)
    eq(again.out, first.out, "identity over vigie's own output changes nothing")
    write(os.path.join(d, "docs.jsonl"), first.out)
    from_file = vigie("run", "id.lua", "docs.jsonl", "--input-format", "jsonl", cwd=d)
    eq(from_file.out, first.out, "from a file too")


def test_minimal_documents_as_datatrove_writes_them():
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { function(doc) doc.meta.seen_id = doc.id end } }')
    lines = ['{"id": "d1", "text": "Cafe\u0301", "media": [], "metadata": {"url": "u"}}',
             '', '{"text": "no id here"}', 'not json', '{"id": "d3"}', '{"id": 7, "text": "num"}']
    r = vigie("run", "p.lua", "-", "--input-format", "jsonl", "--errors", "e.jsonl",
              input="\n".join(lines) + "\n", cwd=d)
    eq(r.code, 1, "bad lines make exit 1", r)
    docs = r.docs
    eq([x["id"] for x in docs], ["d1", "-:3", "7"], "a missing id becomes SOURCE:LINE")
    eq(docs[0]["text"], "Caf\u00e9", "normalized like any text")
    eq(docs[0]["metadata"]["url"], "u")
    eq(docs[0]["metadata"]["media"], [], "other keys go to metadata")
    errs = [json.loads(l) for l in open(os.path.join(d, "e.jsonl"))]
    eq([(e["id"], e["stage"]) for e in errs], [("-:4", "input"), ("-:5", "input")])
    check("invalid JSON" in errs[0]["reason"] and "text" in errs[1]["reason"], "reasons", errs)


def test_shards_and_limit_apply_to_jsonl():
    d = tmp()
    write(os.path.join(d, "p.lua"), "return { stages = { function() end } }")
    src = "".join('{"id":"doc%d","text":"t%d"}\n' % (i, i) for i in range(20))
    ids = []
    for k in range(2):
        r = vigie("run", "p.lua", "-", "--input-format", "jsonl", "--shard", "%d/2" % k, input=src, cwd=d)
        ids += [x["id"] for x in r.docs]
    eq(sorted(ids), sorted("doc%d" % i for i in range(20)))
    r = vigie("run", "p.lua", "-", "--input-format", "jsonl", "--limit", "3", input=src, cwd=d)
    eq(len(r.docs), 3)


main()
