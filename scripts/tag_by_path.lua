-- tag_by_path: tags documents from their path: each folder of the path
-- becomes a tag (prefixed), and patterns of params.rules add more.
--
-- Params:
--   prefix   prefix of folder tags (default "dir:"); false: no folder tags
--   rules    a table { [lua pattern] = "tag", ... } matched against doc.id
--   year     true (default): a 4-digit year in the path gives "year:2017"
--
-- Example:
--   { "tag_by_path", rules = { ["/cgt/"] = "org:cgt", ["%.md$"] = "markdown" } }
return function(doc, ctx)
  local p = ctx.params
  local prefix = p.prefix == nil and "dir:" or p.prefix
  local dir = doc.path:match("^(.*)/[^/]*$")
  if prefix and dir then
    for part in dir:gmatch("[^/]+") do doc:tag(prefix .. part) end
  end
  if p.year ~= false then
    local y = doc.id:match("%f[%d](%d%d%d%d)%f[%D]")
    if y and tonumber(y) >= 1900 and tonumber(y) <= 2100 then doc:tag("year:" .. y) end
  end
  for pattern, tag in pairs(p.rules or {}) do
    if doc.id:find(pattern) then doc:tag(tag) end
  end
end
