-- flag_rules: flags claims with a declarative rule pack (see
-- scripts/vigie/rules.lua for the format: terms, regex, all/any/none, and
-- a scope: sentence, paragraph, document or a number of words).
--
-- Params:
--   rules  the rule pack file, relative to the pipeline (or test) file
--
-- Example:
--   stages = { { "flag_rules", rules = "rules/surveillance.lua" } }
--   -- rules/surveillance.lua
--   return {
--     { id = "time_clock", label = "time clock used to control staff",
--       all = { { terms = { "badgeuse", "pointeuse" } },
--               { terms = { "contrôler", "surveiller" } } },
--       within = "sentence", tags = { "surveillance" } },
--   }
local rules = require("vigie.rules")

local M = {}
local pack

function M.init(ctx)
  local file = ctx.params.rules
  if type(file) ~= "string" then error("flag_rules: params.rules must name a rule pack file", 0) end
  pack = rules.load(rules.join(ctx.dir, file))
end

function M.process(doc)
  rules.apply(pack, doc)
end

return M
