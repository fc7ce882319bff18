-- too_short: drops documents shorter than params.min_chars characters.
-- Params: min_chars (default 80).
return function(doc, ctx)
  local min = ctx.params.min_chars or 80
  if vigie.len(doc.text) < min then
    doc:drop(("shorter than %d characters"):format(min))
  end
end
