-- min_length: drops documents shorter than a number of characters (code
-- points, not bytes), or of words.
--
-- Params:
--   min_chars  fewest characters a kept document has (default 200)
--   min_words  fewest words (default: not checked)
--
-- Example:
--   { "min_length", min_chars = 500 }
return function(doc, ctx)
  local p = ctx.params
  local min_chars = p.min_chars or 200
  local n = vigie.len(doc.text)
  if n < min_chars then
    return doc:drop(("shorter than %d characters"):format(min_chars))
  end
  if p.min_words then
    local words = 0
    for _ in doc.text:gmatch("[%w\128-\255]+") do words = words + 1 end
    if words < p.min_words then return doc:drop(("fewer than %d words"):format(p.min_words)) end
  end
end
