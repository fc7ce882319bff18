-- The benchmark of vigie.terms: is matching 10,000 terms as fast as
-- matching 10 (the cost per byte must not grow with the list)?
--
--   build/vigie run bench/terms_bench_pipeline.lua -j 1 -o /dev/null --no-progress
--
-- It reads the French tracts of corpus/tracts (the pipeline's input),
-- joins their texts into 1 MB, and times m:count on it (the best of 10
-- runs) with 10 surveillance terms, then with the same 10 plus 9,990
-- generated French-looking words and phrases (made of the syllables of
-- real words, so the automaton walks deep into the list's prefixes on
-- real text). It prints, on stderr, the times, MB/s, the matches found
-- and the ratio; the target is a ratio under about 1.3.
-- Params (--set): mb (default 1), runs (default 10), terms (default 10000).
-- Build with -DCMAKE_BUILD_TYPE=Release (the default, RelWithDebInfo, is
-- close); a Debug or sanitizer build measures the checks, not the matcher.
return {
  name = "terms_bench",
  input = { "../corpus/tracts" },
  params = { mb = 1, runs = 10, terms = 10000 },
  stages = { "terms_bench.lua" },
}
