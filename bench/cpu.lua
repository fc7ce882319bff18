-- The CPU-bound pipeline of the benchmark (bench/run.sh): a stage that
-- burns about 0.2 ms of Lua per document of the benchmark's corpus (4 KB
-- tracts): it folds the text (vigie.fold) and counts its words, `rounds`
-- times, and keeps the count in doc.meta.words. bench/run.sh compares its
-- -j 1 and -j 2 times: with a stage that dominates, two workers should
-- take about half the time of one.
--   vigie run bench/cpu.lua CORPUS.zip -j 2 --no-text -o /dev/null [--set rounds=N]
return {
  name = "bench_cpu",
  params = { rounds = 2 },
  stages = {
    function(doc, ctx)
      local rounds = tonumber(ctx.params.rounds) or 1
      local words = 0
      for _ = 1, rounds do
        local folded = vigie.fold(doc.text)
        for _ in folded:gmatch("%w+") do words = words + 1 end
      end
      doc.meta.words = words // rounds
    end,
  },
}
