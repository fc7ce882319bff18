-- The flag pipeline of the benchmark (bench/run.sh): every occurrence of
-- the ~200 terms of bench/terms.txt (folded, whole words), rule "terms".
-- bench/reference.py does the same job in Python; bench/compare.py checks
-- that both find the same flags.
return {
  name = "bench_flag",
  stages = {
    { "flag_terms", terms = "terms.txt", rule = "terms" },
  },
}
