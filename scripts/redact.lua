-- redact: replaces e-mail addresses and French phone numbers in the text
-- with placeholders, before the text is written or shared. Run it before
-- any stage that flags (flags point into the text).
--
-- Params:
--   email  the placeholder for addresses (default "[e-mail]")
--   phone  the placeholder for phone numbers (default "[téléphone]")
--
-- Example:
--   stages = { "redact", ... }
local EMAIL = "[%w%.%%%+%-_]+@[%w%-]+%.[%w%.%-]*%w"
-- 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +33 (0)6 ...
local PHONES = {
  "%+33%s?%(?0?%)?%s?[1-9][%s%.%-]?%d%d[%s%.%-]?%d%d[%s%.%-]?%d%d[%s%.%-]?%d%d",
  "%f[%d]0[1-9][%s%.%-]?%d%d[%s%.%-]?%d%d[%s%.%-]?%d%d[%s%.%-]?%d%d%f[%D]",
}

return function(doc, ctx)
  local p = ctx.params
  local text, ne, np = doc.text, 0, 0
  text, ne = text:gsub(EMAIL, p.email or "[e-mail]")
  for _, pat in ipairs(PHONES) do
    local n
    text, n = text:gsub(pat, p.phone or "[téléphone]")
    np = np + n
  end
  if ne + np > 0 then
    doc.text = text
    doc.meta.redacted = { emails = ne, phones = np }
  end
end
