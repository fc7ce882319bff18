"""Scaling out (SPEC section 8): the README's GNU parallel recipe, run on
this machine; the union of N shards equals one run; vigie stats sums the
shards; --skip-existing redoes only what is missing."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, VIGIE, check, eq, main, read_jsonl, tmp, vigie  # noqa: E402

PIPELINE = os.path.join(SRC, "examples", "first", "pipeline.lua")
CORPUS = os.path.join(SRC, "corpus", "tracts.zip")


def sh(cmd, cwd):
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(VIGIE)) + ":" + os.environ["PATH"])
    p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def by_id(docs):
    return {d["id"]: d for d in docs}


def test_gnu_parallel_shards_equal_one_run():
    if not shutil.which("parallel"):
        raise AssertionError("GNU parallel is not installed (.ci/install-deps installs it)")
    d = tmp()
    one = vigie("run", PIPELINE, CORPUS, "-o", os.path.join(d, "one.jsonl"), "-j", "1")
    eq(one.code, 0, "single run", one)
    # the README's recipe, with -S : (this machine) standing for -S host1,host2
    code, out, err = sh(
        "mkdir -p out && parallel --will-cite -S : vigie run %s %s --shard {}/4 "
        "-o out/shard-{}.jsonl --stats out/shard-{}.stats.json --skip-existing ::: 0 1 2 3"
        % (PIPELINE, CORPUS), d)
    eq(code, 0, "parallel", err)
    union = []
    for k in range(4):
        union += read_jsonl(os.path.join(d, "out", "shard-%d.jsonl" % k))
    single = read_jsonl(os.path.join(d, "one.jsonl"))
    eq(sorted(by_id(union)), sorted(by_id(single)), "the same documents")
    eq(by_id(union), by_id(single), "the same output for each")
    code, out, err = sh("vigie stats out/*.stats.json", d)
    eq(code, 0, "stats", err)
    total = json.loads(out)
    with open(os.path.join(d, "out", "shard-0.stats.json")) as f:
        json.load(f)
    eq(total["kept"], len(single))
    eq(total["flags"], sum(len(x["flags"]) for x in single))
    # a relaunched array of shards redoes only the missing one
    os.remove(os.path.join(d, "out", "shard-2.jsonl"))
    before = os.path.getmtime(os.path.join(d, "out", "shard-1.jsonl"))
    code, out, err = sh(
        "parallel --will-cite vigie run %s %s --shard {}/4 -o out/shard-{}.jsonl --skip-existing ::: 0 1 2 3"
        % (PIPELINE, CORPUS), d)
    eq(code, 0, "relaunch", err)
    check(os.path.exists(os.path.join(d, "out", "shard-2.jsonl")), "the missing shard is made again")
    eq(os.path.getmtime(os.path.join(d, "out", "shard-1.jsonl")), before, "a finished shard is left alone")
    check("already exists" in err, "says it skipped", err)


def test_shard_by_input_reads_each_input_once():
    d = tmp()
    for i in range(4):
        shutil.copy(CORPUS, os.path.join(d, "part%d.zip" % i))
    outs = []
    for k in range(2):
        r = vigie("run", PIPELINE, *["part%d.zip" % i for i in range(4)], "--shard", "%d/2" % k,
                  "--shard-by", "input", cwd=d)
        eq(r.code, 0, "exit", r)
        outs.append({x["source"] for x in r.docs})
    eq(outs[0] | outs[1], {"part%d.zip" % i for i in range(4)})
    eq(outs[0] & outs[1], set(), "each input in one shard only")


def test_stdin_stdout_filter_mode():
    d = tmp()
    first = vigie("run", PIPELINE, CORPUS, "-j", "1")
    r = vigie("run", os.path.join(SRC, "bench", "identity.lua"), "-", "--input-format", "jsonl",
              input=first.out, cwd=d)
    eq(r.code, 0, "exit", r)
    eq(r.out, first.out, "a filter over JSONL, as Hadoop Streaming or RDD.pipe run it")


main()
