-- vigie.rules: the declarative rule format behind the flag_rules stage.
--
-- A rule pack is a Lua file that returns an array of rules, or a table
-- { sets = { name = {terms...} | "file.txt", ... }, rules = { ... } }.
-- A rule:
--   { id = "time_clock",                 -- required: the flag's rule
--     label = "time clock used to control staff",   -- default: id
--     score = 2,                         -- default 1
--     tags = { "surveillance" },         -- added to a flagged document
--     within = "sentence",               -- "sentence" (default), "paragraph",
--                                        -- "document", or a number of words
--     -- and a condition: a leaf or a composite, at the top of the rule
--     -- or under `when`:
--     terms = { "badgeuse", "pointeuse" } | "terms.txt",  -- vigie.terms, folded, whole words
--     regex = "pattern", flags = "i",    -- vigie.regex
--     set = "control_verbs",             -- a named set of the pack
--     all = { cond, ... },               -- every one, in the same scope
--     any = { cond, ... },               -- at least one
--     none = { cond, ... },              -- not one (next to a positive condition)
--   }
-- A rule fires once per scope unit (a sentence, say) where its condition
-- holds; the flag covers the match of its first positive leaf there (the
-- anchor), and the engine's excerpt is the sentence around it.
local M = {}

local SCOPES = { sentence = true, paragraph = true, document = true }
local LEAF_KEYS = { terms = true, regex = true, set = true }
local COMPOSITES = { all = true, any = true, none = true }

function M.join(dir, path)
  if path:sub(1, 1) == "/" or dir == nil or dir == "" then return path end
  return dir .. "/" .. path
end

local function dirname(p) return p:match("^(.*)/[^/]*$") or "." end

-- Compiles a condition node; where names it in errors.
local function compile_node(node, ctx, where)
  if type(node) ~= "table" then error(where .. ": a condition is a table", 0) end
  local kinds = {}
  for k in pairs(node) do
    if LEAF_KEYS[k] or COMPOSITES[k] then kinds[#kinds + 1] = k end
  end
  if #kinds ~= 1 then
    error(("%s: a condition has exactly one of terms, regex, set, all, any, none (it has %s)")
      :format(where, #kinds == 0 and "none" or table.concat(kinds, ", ")), 0)
  end
  local k = kinds[1]
  if COMPOSITES[k] then
    local children = node[k]
    if type(children) ~= "table" or #children == 0 then
      error(("%s: %s needs a list of conditions"):format(where, k), 0)
    end
    local c = { kind = k }
    for i, child in ipairs(children) do
      c[i] = compile_node(child, ctx, ("%s.%s[%d]"):format(where, k, i))
    end
    return c
  end
  if k == "set" then
    local s = ctx.sets[node.set]
    if not s then error(("%s: no set named %q in the pack"):format(where, tostring(node.set)), 0) end
    return s
  end
  if k == "terms" then
    local src = node.terms
    if type(src) == "string" then src = M.join(ctx.dir, src) end
    local ok, m = pcall(vigie.terms, src, { fold = node.fold, words = node.words })
    if not ok then error(("%s: %s"):format(where, tostring(m)), 0) end
    return { kind = "terms", m = m }
  end
  local ok, r = pcall(vigie.regex, node.regex, node.flags)
  if not ok then error(("%s: %s"):format(where, tostring(r)), 0) end
  return { kind = "regex", r = r }
end

-- 1 when a compiled node has a positive leaf (something a flag can point at).
local function positive(c)
  if c.kind == "terms" or c.kind == "regex" then return true end
  if c.kind == "none" then return false end
  for _, child in ipairs(c) do if positive(child) then return true end end
  return false
end

-- Loads and compiles the rule pack in file path. Errors name the rule.
function M.load(path)
  local ok, pack = pcall(dofile, path)
  if not ok then error(pack, 0) end
  return M.compile(pack, dirname(path), path)
end

function M.compile(pack, dir, name)
  name = name or "rules"
  if type(pack) ~= "table" then error(name .. ": a rule pack is a table", 0) end
  local list = pack.rules or pack
  local ctx = { dir = dir, sets = {} }
  for sname, def in pairs(pack.sets or {}) do
    local node = type(def) == "table" and def.regex and def or { terms = def }
    ctx.sets[sname] = compile_node(node, ctx, ("%s: set %s"):format(name, sname))
  end
  local rules, seen = {}, {}
  for i, r in ipairs(list) do
    local where = ("%s: rule %s"):format(name, type(r) == "table" and r.id and ("%q"):format(r.id) or i)
    if type(r) ~= "table" or type(r.id) ~= "string" then error(where .. ": needs an id", 0) end
    if seen[r.id] then error(where .. ": the id is used twice", 0) end
    seen[r.id] = true
    local within = r.within or "sentence"
    if not SCOPES[within] and not (math.type(within) == "integer" and within > 0) then
      error(where .. ': within is "sentence", "paragraph", "document" or a number of words', 0)
    end
    local cond = r.when
    if cond == nil then
      cond = {}
      for k in pairs(LEAF_KEYS) do cond[k] = r[k] end
      for k in pairs(COMPOSITES) do cond[k] = r[k] end
      cond.flags, cond.fold, cond.words = r.flags, r.fold, r.words
    end
    local c = compile_node(cond, ctx, where)
    if not positive(c) then error(where .. ": the condition has nothing to point at (only none)", 0) end
    rules[#rules + 1] = { id = r.id, label = r.label or r.id, score = r.score or 1,
      tags = r.tags or {}, within = within, cond = c, note = r.note }
  end
  return rules
end

---------------------------------------------------------------- evaluation

-- The matches of a leaf over the whole text, as a sorted array {s, e, ...}.
local function leaf_matches(leaf, text, cache)
  local m = cache[leaf]
  if m then return m end
  m = {}
  if leaf.kind == "terms" then
    for _, s, e in leaf.m:find(text) do m[#m + 1] = { s, e } end
  else
    for s, e in leaf.r:gfind(text) do m[#m + 1] = { s, e } end
  end
  table.sort(m, function(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end)
  cache[leaf] = m
  return m
end

-- The first match in m that starts at or after us.
local function first_from(m, us)
  local lo, hi = 1, #m + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if m[mid][1] < us then lo = mid + 1 else hi = mid end
  end
  return m[lo]
end

-- Evaluates node in the unit [us, ue]: a span (the anchor), true (holds,
-- nothing to point at), or nil.
local function eval(node, us, ue, text, cache)
  local k = node.kind
  if k == "terms" or k == "regex" then
    local hit = first_from(leaf_matches(node, text, cache), us)
    if hit and hit[2] <= ue then return hit end
    return nil
  elseif k == "all" then
    local anchor
    for _, child in ipairs(node) do
      local r = eval(child, us, ue, text, cache)
      if not r then return nil end
      if anchor == nil and type(r) == "table" then anchor = r end
    end
    return anchor or true
  elseif k == "any" then
    local best
    for _, child in ipairs(node) do
      local r = eval(child, us, ue, text, cache)
      if type(r) == "table" and (type(best) ~= "table" or r[1] < best[1]) then best = r
      elseif r and not best then best = true end
    end
    return best
  else -- none
    for _, child in ipairs(node) do
      if eval(child, us, ue, text, cache) then return nil end
    end
    return true
  end
end

-- The first positive leaf of a node (where word windows are centred).
local function anchor_leaf(node)
  if node.kind == "terms" or node.kind == "regex" then return node end
  if node.kind == "none" then return nil end
  for _, child in ipairs(node) do
    local a = anchor_leaf(child)
    if a then return a end
  end
end

-- The words of text as an array of {s, e} (letters, digits, marks and
-- any non-ASCII byte make words).
local function words_of(text)
  local w = {}
  for s, e in text:gmatch("()[%w\128-\255]+()") do w[#w + 1] = { s, e - 1 } end
  return w
end

-- The scope units of a document for within: an array of {s, e}.
local function units(doc, within, node, text, cache, per_doc)
  if within == "document" then return { { 1, #text } } end
  if within == "sentence" or within == "paragraph" then
    local u = per_doc[within]
    if not u then
      u = {}
      for _, s, e in doc[within == "sentence" and "sentences" or "paragraphs"](doc) do
        u[#u + 1] = { s, e }
      end
      per_doc[within] = u
    end
    return u
  end
  -- a window of `within` words each side of each match of the anchor leaf
  local words = per_doc.words
  if not words then
    words = words_of(text)
    per_doc.words = words
  end
  local u = {}
  for _, hit in ipairs(leaf_matches(anchor_leaf(node), text, cache)) do
    local lo, hi = 1, #words + 1
    while lo < hi do
      local mid = (lo + hi) // 2
      if words[mid][2] < hit[1] then lo = mid + 1 else hi = mid end
    end
    local a, b = math.max(1, lo - within), math.min(#words, lo + within)
    if words[a] and words[b] then
      u[#u + 1] = { math.min(words[a][1], hit[1]), math.max(words[b][2], hit[2]) }
    end
  end
  return u
end

-- Flags doc with every rule that fires; returns the number of flags.
function M.apply(rules, doc)
  local text = doc.text
  local cache, per_doc, n = {}, {}, 0
  for _, rule in ipairs(rules) do
    local seen = {}
    for _, u in ipairs(units(doc, rule.within, rule.cond, text, cache, per_doc)) do
      local hit = eval(rule.cond, u[1], u[2], text, cache)
      if type(hit) == "table" and not seen[hit[1]] then
        seen[hit[1]] = true
        doc:flag{ rule = rule.id, start = hit[1], stop = hit[2], label = rule.label,
          score = rule.score, note = rule.note }
        for _, t in ipairs(rule.tags) do doc:tag(t) end
        n = n + 1
      end
    end
  end
  return n
end

return M
