-- A first pipeline, in plain Lua: drop empty documents, tag each tract by
-- the sector it speaks of, and flag the words that talk of watching staff.
--
--   vigie run examples/first/pipeline.lua corpus/tracts.zip -o first.jsonl
return {
  name = "first",
  description = "Tag tracts by sector and flag surveillance words, in plain Lua",
  input = { "../../corpus/tracts.zip" },
  params = { min_chars = 80 },
  stages = {
    "skip_empty",
    { "stages/too_short.lua" },
    { "stages/tag_sector.lua" },
    { "stages/flag_words.lua", words = "words.txt" },
  },
}
