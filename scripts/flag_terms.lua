-- flag_terms: flags every occurrence of the terms of a list (folded:
-- case and accents do not count; whole words).
--
-- Params:
--   terms  a file (relative to the pipeline or test file; one term a line,
--          # comments) or a list of terms
--   rule   the flags' rule id (default "terms")
--   label  their label (default: the term matched)
--   tag    a tag for flagged documents (default none)
--
-- Example:
--   { "flag_terms", terms = "terms/geoloc.txt", rule = "geolocation", tag = "surveillance" }
local M = {}
local matcher, rule, label, tag

function M.init(ctx)
  local p = ctx.params
  local terms = p.terms
  if type(terms) == "string" and terms:sub(1, 1) ~= "/" then terms = ctx.dir .. "/" .. terms end
  if terms == nil then error("flag_terms: params.terms must be a file or a list of terms", 0) end
  matcher = vigie.terms(terms)
  rule, label, tag = p.rule or "terms", p.label, p.tag
end

function M.process(doc)
  if matcher:flag(doc, { rule = rule, label = label }) > 0 and tag then doc:tag(tag) end
end

return M
