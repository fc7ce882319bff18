-- dedup: keeps the first of documents whose text is the same (exactly, after
-- normalization; params can make the comparison looser), in input order,
-- across all workers: the others are dropped with the reason "duplicate".
-- The output is the same whatever -j is. Within one run (or one shard).
--
-- Params:
--   fold     compare folded text (case, accents and ligatures do not count)
--   spaces   collapse runs of white space before comparing (default true)
--
-- Example:
--   stages = { "skip_empty", { "dedup", fold = true }, ... }
return function(doc, ctx)
  local key = doc.text
  if ctx.params.spaces ~= false then key = key:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "") end
  if ctx.params.fold then key = vigie.fold(key) end
  doc:unique(key)
end
