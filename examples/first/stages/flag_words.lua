-- flag_words: flags every occurrence of the words of a list (params.words,
-- a file next to this stage, one word or phrase a line) in the text.
-- Plain Lua: each word is turned into a Lua pattern that ignores the case
-- of its first letter, and searched as a whole word.
local M = {}
local patterns

-- "badgeuse" -> "%f[%w\128-\255][Bb]adgeuse%f[^%w\128-\255]"
local function word_pattern(w)
  local first, rest = w:sub(1, 1), w:sub(2)
  local head = first:match("%a") and ("[" .. first:upper() .. first:lower() .. "]") or first
  rest = rest:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  return "%f[%w\128-\255]" .. head .. rest .. "%f[^%w\128-\255]"
end

function M.init(ctx)
  patterns = {}
  for _, w in ipairs(assert(vigie.read_lines(ctx.params.words or "words.txt"))) do
    local rule, word = w:match("^(%S+)%s+(.+)$")
    patterns[#patterns + 1] = { rule = rule, word = word, pat = word_pattern(word) }
  end
end

function M.process(doc)
  local text = doc.text
  for _, p in ipairs(patterns) do
    local init = 1
    while true do
      local s, e = text:find(p.pat, init)
      if not s then break end
      doc:flag{ rule = p.rule, start = s, stop = e, label = p.word }
      doc:tag("surveillance")
      init = e + 1
    end
  end
end

return M
