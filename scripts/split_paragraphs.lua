-- split_paragraphs: replaces each document with one document per
-- paragraph (paragraphs are separated by blank lines), so that later
-- stages and the output work paragraph by paragraph. Each part's id is the
-- document's id followed by "#p" and the paragraph's number (1, 2...); it
-- keeps the document's tags and metadata, plus meta.paragraph = {n, start}.
--
-- Params:
--   min_chars  paragraphs shorter than this are left out (default 1)
--
-- Example:
--   stages = { "split_paragraphs", { "flag_rules", rules = "rules.lua" } }
return function(doc, ctx)
  local min = ctx.params.min_chars or 1
  local parts, n = {}, 0
  for text, s in doc:paragraphs() do
    n = n + 1
    if vigie.len(text) >= min then
      local part = doc:derive{ text = text, id_suffix = "p" .. n }
      part.meta.paragraph = { n = n, start = s }
      parts[#parts + 1] = part
    end
  end
  return parts
end
