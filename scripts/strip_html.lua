-- strip_html: turns HTML markup in the text into plain text: scripts,
-- styles and comments removed, block elements as line breaks, tags
-- dropped, the common entities decoded. For text that is mostly HTML (a
-- saved web page); other text is left as it is.
--
-- Params:
--   min_tags  fewest tags that make a text HTML (default 3)
--
-- Example:
--   stages = { "strip_html", ... }
local ENTITIES = { amp = "&", lt = "<", gt = ">", quot = '"', apos = "'", nbsp = "\u{a0}",
  laquo = "«", raquo = "»", rsquo = "’", lsquo = "‘", ldquo = "“", rdquo = "”", hellip = "…",
  ndash = "–", mdash = "—", euro = "€", eacute = "é", egrave = "è", agrave = "à", ccedil = "ç",
  ecirc = "ê", ocirc = "ô", icirc = "î", ucirc = "û", Eacute = "É", oelig = "œ" }
local BLOCK = { p = true, div = true, br = true, li = true, tr = true, h1 = true, h2 = true,
  h3 = true, h4 = true, h5 = true, h6 = true, ul = true, ol = true, table = true,
  section = true, article = true, header = true, footer = true, blockquote = true, hr = true }

local function entity(name)
  local n = name:match("^#[xX](%x+)$")
  if n then return utf8.char(tonumber(n, 16)) end
  n = name:match("^#(%d+)$")
  if n then return utf8.char(tonumber(n)) end
  return ENTITIES[name]
end

return function(doc, ctx)
  local text = doc.text
  local _, tags = text:gsub("<%/?%a[^>]*>", "")
  if tags < (ctx.params.min_tags or 3) then return end
  text = text:gsub("<!%-%-.-%-%->", "")
  for _, el in ipairs({ "script", "style", "head" }) do
    text = text:gsub("<" .. el .. "[^>]*>.-</" .. el .. "%s*>", "")
  end
  text = text:gsub("<(/?)(%a%w*)[^>]*>", function(_, name)
    return BLOCK[name:lower()] and "\n" or ""
  end)
  text = text:gsub("&(#?%w+);", function(name) return entity(name) end)
  text = text:gsub("[ \t]+\n", "\n"):gsub("\n\n\n+", "\n\n"):gsub("^%s+", "")
  doc.text = text
  doc:tag("html")
end
