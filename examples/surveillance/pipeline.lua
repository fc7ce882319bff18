-- surveillance: flag claims of workplace surveillance in French union tracts.
--
-- Reads every tract of the sample collection (corpus/tracts.zip: zipped
-- folders, mixed encodings and line ends), drops empty files, notes the date
-- and the signing union (metadata.date, metadata.org), tags the language,
-- and flags each sentence that claims that management watches, measures or
-- judges staff: time clocks, geolocation, activity-tracking software,
-- monitoring of internet use and mail, wearables, workload metrics,
-- customer satisfaction surveys. One flag per claim, with the rule (the
-- kind of surveillance), the line, the words matched and the sentence.
--
-- The rules are declarative and live in rules/surveillance.lua, with their
-- vocabularies in rules/terms/*.txt and their tests in
-- rules/surveillance_test.lua. Run:
--
--   vigie run examples/surveillance/pipeline.lua -o flags.jsonl
--   vigie run examples/surveillance/pipeline.lua -o flags.tsv -o report.html
--   vigie run examples/surveillance/pipeline.lua my_tracts/ -o flags.jsonl   (your own files)
--   vigie test examples/surveillance/rules/surveillance_test.lua
--
-- Flagged tracts are tagged "surveillance" and "surveillance:<kind>".
return {
  name = "surveillance",
  description = "Flag claims of workplace surveillance in French union tracts",
  input = { "../../corpus/tracts.zip" },
  stages = {
    "skip_empty",
    "extract_meta",
    "lang",
    { "flag_rules", rules = "rules/surveillance.lua" },
  },
}
