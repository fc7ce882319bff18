-- lang: tags a document "lang:fr", "lang:en" or "lang:other" from the
-- stop words it uses, and writes the scores in doc.meta.lang.
--
-- Params:
--   min_words  fewest stop words needed to decide (default 5)
--   keep       a list of languages to keep; others are dropped (default: all)
--
-- Example:
--   { "lang", keep = { "fr" } }
local STOP = {
  fr = { "le", "la", "les", "des", "du", "un", "une", "et", "est", "dans", "pour", "que",
         "qui", "pas", "sur", "nous", "vous", "avec", "au", "aux", "ce", "cette", "sont", "par" },
  en = { "the", "and", "of", "to", "is", "in", "that", "for", "it", "with", "as", "was",
         "on", "are", "be", "this", "by", "not", "or", "we", "you", "have", "from", "at" },
}
local sets = {}
for lang, words in pairs(STOP) do
  sets[lang] = {}
  for _, w in ipairs(words) do sets[lang][w] = true end
end

return function(doc, ctx)
  local counts = { fr = 0, en = 0 }
  for w in vigie.fold(doc.text):gmatch("%a+") do
    for lang, set in pairs(sets) do
      if set[w] then counts[lang] = counts[lang] + 1 end
    end
  end
  local min = ctx.params.min_words or 5
  local lang = "other"
  if counts.fr >= min and counts.fr > counts.en then lang = "fr"
  elseif counts.en >= min and counts.en > counts.fr then lang = "en" end
  doc:tag("lang:" .. lang)
  doc.meta.lang = { lang = lang, fr = counts.fr, en = counts.en }
  local keep = ctx.params.keep
  if keep then
    for _, k in ipairs(keep) do if k == lang then return end end
    return doc:drop("language " .. lang)
  end
end
