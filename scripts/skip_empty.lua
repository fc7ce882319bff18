-- skip_empty: drops documents whose text is empty or only white space.
--
-- Params: none.
-- Example: stages = { "skip_empty", ... }
return function(doc)
  if not doc.text:find("%S") then return doc:drop("empty") end
end
