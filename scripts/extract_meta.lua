-- extract_meta: finds the date of a tract and the organisation that
-- signs it, and writes them in doc.meta.date ("2017-06-21") and
-- doc.meta.org ("CGT"). Dates: 17/01/2017, 17.01.2017, 17-01-17,
-- « 21 juin 2017 », « 1er mai 2019 »; the first one found is kept.
-- Organisations: the union acronyms of params.orgs, the last one named
-- (signatures come at the end).
--
-- Params:
--   orgs  acronyms to look for (default: CGT, CFDT, FO, SUD, Solidaires,
--         UNSA, CFE-CGC, CFTC, FSU)
--
-- Example:
--   stages = { "extract_meta", { "flag_rules", rules = "rules.lua" } }
local MONTHS = { janvier = 1, fevrier = 2, mars = 3, avril = 4, mai = 5, juin = 6, juillet = 7,
  aout = 8, septembre = 9, octobre = 10, novembre = 11, decembre = 12 }
local ORGS = { "CGT", "CFDT", "FO", "SUD", "Solidaires", "UNSA", "CFE%-CGC", "CFTC", "FSU" }

local function iso(y, m, d)
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if y < 100 then y = y + 2000 end
  if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  return ("%04d-%02d-%02d"):format(y, m, d)
end

local function find_date(text)
  local best, at
  local folded = vigie.fold(text) -- "1ᵉʳ Août" -> "1er aout"
  local s, _, d, m, y = folded:find("%f[%d](%d%d?)[/%.%-](%d%d?)[/%.%-](%d%d%d?%d?)%f[%D]")
  if s and (#y == 2 or #y == 4) then best, at = iso(y, m, d), s end
  local fs, _, fd, month, fy = folded:find("%f[%w](%d%d?)e?r?%s+(%a+)%s+(%d%d%d%d)%f[%D]")
  while fs and not MONTHS[month] do
    fs, _, fd, month, fy = folded:find("%f[%w](%d%d?)e?r?%s+(%a+)%s+(%d%d%d%d)%f[%D]", fs + 1)
  end
  if fs and (not best or fs < at) then best = iso(fy, MONTHS[month], fd) end
  return best
end

return function(doc, ctx)
  local text = doc.text
  local date = find_date(text)
  if date then doc.meta.date = date end
  local org, last = nil, 0
  for _, o in ipairs(ctx.params.orgs or ORGS) do
    local init = 1
    while true do
      local s, e = text:find("%f[%w]" .. o .. "%f[^%w]", init)
      if not s then break end
      if s > last then org, last = o:gsub("%%", ""), s end
      init = e + 1
    end
  end
  if org then doc.meta.org = org end
end
