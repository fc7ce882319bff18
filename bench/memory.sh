#!/bin/sh
# Peak memory of a streaming run: vigie over a 100 MB and a 1 GB zip of
# tracts, identity pipeline, JSONL to /dev/null, measured with
# /usr/bin/time -v. The target: under 100 MB on the 1 GB archive, and about
# the same as on the 100 MB one (memory bounded by the largest document,
# not by the corpus).
#   bench/memory.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DATA=bench/data
mkdir -p "$DATA"
[ -f "$DATA/tracts-100M.zip" ] || python3 bench/gen_corpus.py "$DATA/tracts-100M.zip" --docs 25000 --mb 100 --level 1
[ -f "$DATA/tracts-1G.zip" ] || python3 bench/gen_corpus.py "$DATA/tracts-1G.zip" --docs 250000 --mb 1024 --level 1
for size in 100M 1G; do
  /usr/bin/time -v "$BUILD/vigie" run bench/identity.lua "$DATA/tracts-$size.zip" --no-progress \
    >/dev/null 2>"$DATA/time-$size.txt" || true
  peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DATA/time-$size.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DATA/time-$size.txt")
  docs=$(grep -o 'vigie: [0-9]* documents' "$DATA/time-$size.txt" || true)
  echo "tracts-$size.zip: peak RSS $((peak / 1024)) MB, wall $wall, $docs"
done
