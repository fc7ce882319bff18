#!/bin/sh
# vigie's benchmark against its peers, side by side in one run, on the same
# corpus (a zip of French tracts made by bench/gen_corpus.py):
#   bsdtar -xOf ZIP                           the floor: inflate every entry
#   ugrep -z -i -w -F -c -f TERMS ZIP         the fastest scanner of archives
#   python3 bench/reference.py TERMS ZIP      the flag job in Python
#   python3 bench/reference.py --trie ...     the same, its regex factored
#   vigie identity pipeline -j 1, -j 2        read, decode, NFC, JSONL
#   vigie flag pipeline -j 1, -j 2            ~200 folded terms (--no-text)
#   vigie CPU-bound pipeline -j 1, -j 2       a stage that burns ~0.2 ms/doc
# each --runs times, in turns (so a busy spell slows every tool alike),
# with wall time and peak RSS from /usr/bin/time. Then peak memory on a
# 100 MB and a 1 GB zip, the flags check (vigie against the Python
# reference, bench/compare.py) and ugrep's counts. Prints a table and the
# acceptance lines of issue 4, PASS or FAIL each; everything also goes to
# bench/data/run/results.txt.
#
#   bench/run.sh [--docs N] [--mb M] [--runs R] [--no-memory] [--vigie PATH]
#
# --vigie PATH times that binary instead of building one (a build of a
# given commit, say, while the work tree is being edited).
# Defaults: 50,000 documents, 200 MB of text, 5 runs. The corpus is cached
# under bench/data/ (made once, about ten seconds; the 1 GB one a minute).
# vigie is built in Release into build-bench/. Needs bsdtar, ugrep,
# python3 and /usr/bin/time (.ci/install-deps).
set -eu
cd "$(dirname "$0")/.."

DOCS=50000
MB=200
RUNS=5
MEMORY=1
VIGIE=
usage() {
  sed -n '/^#   bench/p' "$0" | sed 's/^#  *//' >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
    --docs) DOCS=$2; shift 2 ;;
    --mb) MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-memory) MEMORY=0; shift ;;
    --vigie) VIGIE=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "bench/run.sh: unknown argument: $1" >&2; usage ;;
  esac
done

for t in bsdtar ugrep python3 cmake /usr/bin/time; do
  command -v "$t" >/dev/null 2>&1 || { echo "bench/run.sh: $t is missing (.ci/install-deps installs it)" >&2; exit 2; }
done

DATA=bench/data
OUT=$DATA/run
mkdir -p "$OUT"
rm -f "$OUT"/*.err "$OUT/times.tsv" "$OUT/counts.txt"

if [ -z "$VIGIE" ]; then
  BUILD=build-bench
  VIGIE=$BUILD/vigie
  echo "== building vigie (Release, $BUILD)" >&2
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$OUT/build.log" 2>&1
  cmake --build "$BUILD" -j "$(nproc)" --target vigie >>"$OUT/build.log" 2>&1 ||
    { cat "$OUT/build.log" >&2; exit 1; }
  COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- engine include CMakeLists.txt 2>/dev/null || echo ' + uncommitted changes')"
else
  [ -x "$VIGIE" ] || { echo "bench/run.sh: $VIGIE: not an executable" >&2; exit 2; }
  COMMIT="given binary $VIGIE"
fi

ZIP=$DATA/corpus-$DOCS-${MB}M.zip
if [ ! -f "$ZIP" ]; then
  echo "== generating $ZIP" >&2
  python3 bench/gen_corpus.py "$ZIP" --docs "$DOCS" --mb "$MB"
fi
# ugrep reads every line of a pattern file as a pattern: give it the terms
# without the comments and blank lines.
TERMS_UGREP=$OUT/terms-ugrep.txt
sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' bench/terms.txt | grep -v -e '^#' -e '^$' >"$TERMS_UGREP"
NTERMS=$(wc -l <"$TERMS_UGREP")

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo)"
  echo "tools: $(bsdtar --version | head -1 | cut -d' ' -f1-2), $(ugrep --version | head -1 | cut -d' ' -f1-2), $(python3 --version), $($VIGIE --version 2>&1 | head -1) ($COMMIT)"
  echo "corpus: $ZIP: $DOCS documents, $MB MB of text, $(($(stat -c %s "$ZIP") / 1048576)) MB zipped; $NTERMS terms"
  echo "runs: $RUNS of each, in turns; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/header.txt"
BUSY=$(ps -eo pcpu=,pid=,args= --sort=-pcpu | awk -v me=$$ '$1 >= 20 && $2 != me {print "  " $0}' | cut -c1-120 | head -5)
[ -n "$BUSY" ] && { echo "busy at start (over 20% CPU):"; echo "$BUSY"; } >>"$OUT/header.txt"
cat "$OUT/header.txt" >&2

# timed NAME COMMAND...: runs it once, stdout to /dev/null, stderr to
# $OUT/NAME.err, and appends "NAME seconds peakKB status" to times.tsv.
timed() {
  name=$1
  shift
  status=0
  /usr/bin/time -o "$OUT/time.txt" -f "%e %M" "$@" >/dev/null 2>"$OUT/$name.err" || status=$?
  echo "$name $(tail -1 "$OUT/time.txt") $status" >>"$OUT/times.tsv"
}

cat "$ZIP" >/dev/null # in the page cache for every tool alike
LOOP='x = 0
for i in range(20000000): x += i % 7'
r=1
while [ "$r" -le "$RUNS" ]; do
  echo "== run $r of $RUNS" >&2
  timed bsdtar bsdtar -xOf "$ZIP"
  timed ugrep ugrep -z -i -w -F -c -f "$TERMS_UGREP" "$ZIP"
  timed python python3 bench/reference.py bench/terms.txt "$ZIP" -o "$OUT/reference.jsonl"
  timed python-trie python3 bench/reference.py --trie bench/terms.txt "$ZIP" -o "$OUT/reference-trie.jsonl"
  for j in 1 2; do
    timed "identity-j$j" "$VIGIE" run bench/identity.lua "$ZIP" -j "$j" -o /dev/null --no-progress
    timed "flag-j$j" "$VIGIE" run bench/flag.lua "$ZIP" -j "$j" --no-text -o /dev/null --no-progress
    timed "cpu-j$j" "$VIGIE" run bench/cpu.lua "$ZIP" -j "$j" --no-text -o /dev/null --no-progress
  done
  # the machine's own ceiling for the CPU-bound line: one copy of a loop,
  # then two at once (two vCPUs may not give twice the work)
  timed machine-1 python3 -c "$LOOP"
  timed machine-2 sh -c "python3 -c '$LOOP' & python3 -c '$LOOP'; wait"
  r=$((r + 1))
done

if [ "$MEMORY" = 1 ]; then
  # The archives of bench/memory.sh.
  [ -f "$DATA/tracts-100M.zip" ] || python3 bench/gen_corpus.py "$DATA/tracts-100M.zip" --docs 25000 --mb 100 --level 1
  [ -f "$DATA/tracts-1G.zip" ] || python3 bench/gen_corpus.py "$DATA/tracts-1G.zip" --docs 250000 --mb 1024 --level 1
  m=1
  while [ "$m" -le "$RUNS" ] && [ "$m" -le 3 ]; do
    echo "== memory, run $m" >&2
    for size in 100M 1G; do
      timed "mem-$size" "$VIGIE" run bench/identity.lua "$DATA/tracts-$size.zip" -j 2 -o /dev/null --no-progress
    done
    m=$((m + 1))
  done
fi

echo "== flags check and counts" >&2
"$VIGIE" run bench/flag.lua "$ZIP" -j 1 --no-text -o "$OUT/vigie-flag-j1.jsonl" --no-progress 2>"$OUT/vigie-flag-j1.err" || true
"$VIGIE" run bench/flag.lua "$ZIP" -j 2 --no-text -o "$OUT/vigie-flag-j2.jsonl" --no-progress 2>"$OUT/vigie-flag-j2.err" || true
if cmp -s "$OUT/vigie-flag-j1.jsonl" "$OUT/vigie-flag-j2.jsonl"; then same_j=yes; else same_j=no; fi
if cmp -s "$OUT/reference.jsonl" "$OUT/reference-trie.jsonl"; then same_trie=yes; else same_trie=no; fi
python3 bench/compare.py "$OUT/vigie-flag-j1.jsonl" "$OUT/reference.jsonl" >"$OUT/compare.txt" && flags_ok=PASS || flags_ok=FAIL
{
  echo "ugrep_lines $(ugrep -z -i -w -F -c -f "$TERMS_UGREP" "$ZIP" | awk -F: '{n += $NF} END {print n + 0}')"
  echo "ugrep_matches $(ugrep -z -i -w -F -o -f "$TERMS_UGREP" "$ZIP" | wc -l)"
  echo "same_j $same_j"
  echo "same_trie $same_trie"
  echo "flags_ok $flags_ok"
} >"$OUT/counts.txt"

python3 - "$OUT" <<'EOF' | tee "$OUT/results.txt"
import json, re, statistics, sys
out = sys.argv[1]
print(open(out + "/header.txt").read().rstrip())
with open("/proc/loadavg") as f:
    print("load average at end: " + " ".join(f.read().split()[:3]))
times, peaks, bad = {}, {}, {}
for line in open(out + "/times.tsv"):
    name, secs, kb, status = line.split()
    times.setdefault(name, []).append(float(secs))
    peaks[name] = max(peaks.get(name, 0), int(kb))
    if status != "0" and not (name == "ugrep" and status == "1"):
        bad[name] = status
counts = dict(l.split(None, 1) for l in open(out + "/counts.txt"))
med = {k: statistics.median(v) for k, v in times.items()}
floor = med["bsdtar"]
rows = [("bsdtar -xOf (the floor)", "bsdtar"),
        ("ugrep -z -i -w -F -c -f terms", "ugrep"),
        ("python3 bench/reference.py", "python"),
        ("python3 bench/reference.py --trie", "python-trie"),
        ("vigie identity -j 1", "identity-j1"), ("vigie identity -j 2", "identity-j2"),
        ("vigie flag -j 1", "flag-j1"), ("vigie flag -j 2", "flag-j2"),
        ("vigie cpu -j 1", "cpu-j1"), ("vigie cpu -j 2", "cpu-j2"),
        ("vigie identity -j 2, 100 MB zip", "mem-100M"),
        ("vigie identity -j 2, 1 GB zip", "mem-1G")]
print()
print("%-34s %8s %8s %9s %8s" % ("tool", "median s", "min s", "x bsdtar", "peak MB"))
for label, k in rows:
    if k not in med:
        continue
    ratio = "" if k.startswith("mem-") else "%.2f" % (med[k] / floor)
    print("%-34s %8.2f %8.2f %9s %8.1f%s" % (label, med[k], min(times[k]), ratio,
          peaks[k] / 1024, "  (exit %s)" % bad[k] if k in bad else ""))

def stage_ms(name):
    try:
        err = open(out + "/" + name + ".err").read()
        s = float(re.search(r"time in stages: \S+ ([0-9.]+) s", err).group(1))
        n = int(re.search(r"vigie: (\d+) documents", err).group(1))
        return 1000 * s / n
    except (OSError, AttributeError):
        return None
ms = stage_ms("cpu-j1")
if ms:
    print("(cpu stage: %.3f ms of Lua per document at -j 1)" % ms)
print()
print("acceptance (issue 4), medians:")
def line(ok, text):
    print("  %-4s %s" % ("PASS" if ok else "FAIL", text))
r = med["identity-j1"] / floor
line(r <= 1.5, "identity -j 1 at most 1.5x bsdtar: %.2fx" % r)
r = med["identity-j2"] / floor
line(r <= 0.75, "identity -j 2 at most 0.75x bsdtar: %.2fx" % r)
r = med["flag-j2"] / med["ugrep"]
line(r <= 1.0 and counts["flags_ok"].strip() == "PASS",
     "flag -j 2 no slower than ugrep (%.2f s vs %.2f s: %.2fx), finding every match "
     "of the Python reference (%s)" % (med["flag-j2"], med["ugrep"], r, counts["flags_ok"].strip()))
r = med["python"] / med["flag-j1"]
line(r >= 10 and counts["flags_ok"].strip() == "PASS",
     "flag -j 1 at least 10x faster than Python: %.1fx (%.2f s vs %.2f s)"
     % (r, med["flag-j1"], med["python"]))
print("       (against the --trie variant of the reference: %.1fx)" % (med["python-trie"] / med["flag-j1"]))
r = med["cpu-j1"] / med["cpu-j2"]
line(r >= 1.8, "-j 2 at least 1.8x faster than -j 1 on a CPU-bound stage: %.2fx" % r)
if "machine-2" in med:
    print("       (this machine runs two copies of a CPU-bound loop at once %.2fx as fast as one:"
          % (2 * med["machine-1"] / med["machine-2"]))
    print("       the ceiling of that line here; -j 2 reaches %.0f%% of it)"
          % (100 * r / (2 * med["machine-1"] / med["machine-2"])))
if "mem-1G" in peaks:
    a, b = peaks["mem-100M"] / 1024, peaks["mem-1G"] / 1024
    line(b <= 1.1 * a, "peak memory on 1 GB within 10%% of 100 MB: %.1f MB vs %.1f MB (%+.1f%%)"
         % (b, a, 100 * (b - a) / a))
else:
    print("  ---- peak memory on 1 GB vs 100 MB: not measured (--no-memory)")
print()
print("flags check (bench/compare.py, vigie -j 1 against the Python reference):")
for l in open(out + "/compare.txt"):
    print("  " + l.rstrip())
print("  vigie -j 1 and -j 2 flag outputs byte-identical: %s" % counts["same_j"].strip())
print("  reference and reference --trie outputs byte-identical: %s" % counts["same_trie"].strip())
nv = nv_greedy = 0
for l in open(out + "/vigie-flag-j1.jsonl"):
    flags = json.loads(l)["flags"]
    nv += len(flags)
    end = -1
    for f in sorted(flags, key=lambda f: (f["start"], -f["end"])):
        if f["start"] >= end:
            nv_greedy += 1
            end = f["end"]
ul, um = int(counts["ugrep_lines"]), int(counts["ugrep_matches"])
print()
print("ugrep against vigie:")
print("  vigie flags (every occurrence, overlapping ones too): %d" % nv)
print("  vigie flags without overlaps (leftmost-longest, as grep -o counts): %d" % nv_greedy)
print("  ugrep -c (lines with a match): %d" % ul)
print("  ugrep -o | wc -l (matches): %d = %.1f%% of vigie's leftmost-longest matches "
      "(%.1f%% of all its flags)" % (um, 100 * um / nv_greedy if nv_greedy else 0,
                                     100 * um / nv if nv else 0))
EOF
