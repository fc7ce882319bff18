-- The stage of bench/terms_bench_pipeline.lua (see there): collects the
-- texts of the run, and in finish builds the 1 MB text and the term lists
-- and times vigie.terms on them. Run it with -j 1 so one worker sees every
-- document.
local M = {}
local texts = {}

local TEN = { "badgeuse", "pointeuse", "géolocalisation", "géolocalisé",
  "bracelet connecté", "logiciel de suivi", "vidéosurveillance", "keylogger",
  "traçabilité", "contrôle de l'activité" }

local SYLL = { "ba", "be", "ca", "ce", "ché", "con", "cri", "dé", "di", "é", "en",
  "fi", "ga", "gé", "in", "la", "lo", "ma", "me", "mi", "mo", "na", "ne", "or",
  "pa", "pé", "po", "pro", "ra", "ré", "ri", "sa", "se", "si", "ta", "té", "ti",
  "tra", "tu", "va", "vé", "vi", "ment", "tion", "ité", "eur", "age", "ure",
  "que", "ble", "ant", "ance", "ail", "eil", "oir", "ien", "ière", "sion" }

-- A French-looking word of 2 to 5 syllables.
local function word()
  local w = {}
  for i = 1, math.random(2, 5) do w[i] = SYLL[math.random(#SYLL)] end
  return table.concat(w)
end

-- The best of `runs` timings of f and of g, taken in turns (so a busy
-- machine slows both alike), and their results.
local function best2(runs, f, g)
  local tf, tg, rf, rg = math.huge, math.huge, nil, nil
  for _ = 1, runs do
    local c0 = os.clock()
    rf = f()
    local c1 = os.clock()
    rg = g()
    local c2 = os.clock()
    tf, tg = math.min(tf, c1 - c0), math.min(tg, c2 - c1)
  end
  return tf, rf, tg, rg
end

function M.process(doc)
  texts[#texts + 1] = doc.text
end

function M.finish(ctx)
  local p = ctx.params
  local target = math.floor((tonumber(p.mb) or 1) * 1024 * 1024)
  local runs = tonumber(p.runs) or 10
  local nterms = tonumber(p.terms) or 10000
  assert(#texts > 0, "no input texts: run from the source tree (input ../corpus/tracts)")
  local parts, size = {}, 0
  while size < target do
    for _, t in ipairs(texts) do
      parts[#parts + 1] = t
      size = size + #t + 2
      if size >= target then break end
    end
  end
  local text = table.concat(parts, "\n\n")
  math.randomseed(42)
  local big, seen = {}, {}
  for i, t in ipairs(TEN) do big[i] = t; seen[vigie.fold(t)] = true end
  while #big < nterms do
    local t = math.random(5) == 1 and (word() .. " " .. word()) or word()
    if not seen[vigie.fold(t)] then seen[vigie.fold(t)] = true; big[#big + 1] = t end
  end
  local c0 = os.clock()
  local small_m = vigie.terms(TEN)
  local c_small = os.clock() - c0
  c0 = os.clock()
  local big_m = vigie.terms(big)
  local c_big = os.clock() - c0
  local mb = #text / (1024 * 1024)
  local t_small, n_small, t_big, n_big = best2(runs,
    function() return small_m:count(text) end, function() return big_m:count(text) end)
  local function loop(m)
    return function()
      local n = 0
      for _ in m:find(text) do n = n + 1 end
      return n
    end
  end
  local t_find_small, _, t_find_big = best2(runs, loop(small_m), loop(big_m))
  print(("text: %.2f MB of tracts; best of %d runs (os.clock)"):format(mb, runs))
  print(("%6d terms: compile %7.1f ms, count %7.1f ms (%6.1f MB/s), %d matches")
    :format(#TEN, c_small * 1e3, t_small * 1e3, mb / t_small, n_small))
  print(("%6d terms: compile %7.1f ms, count %7.1f ms (%6.1f MB/s), %d matches")
    :format(#big, c_big * 1e3, t_big * 1e3, mb / t_big, n_big))
  print(("find loops: %.1f ms and %.1f ms"):format(t_find_small * 1e3, t_find_big * 1e3))
  print(("ratio %d / %d terms: %.2f (target <= 1.3)"):format(#big, #TEN, t_big / t_small))
end

return M
