local t = vigie.test("flag_terms", { terms = { "géolocalisés", "bracelet connecté" }, rule = "watch",
  tag = "surveillance" })
t:case("every occurrence, folded", { text = "GÉOLOCALISÉS ou geolocalises : tous géolocalisés.",
  flags = { "watch", "watch", "watch" }, tags = { "surveillance" } })
t:case("a phrase across a no-break space", { text = "Un bracelet\u{a0}connecté au poignet.", flags = { "watch" } })
t:case("whole words only", { text = "Les géolocalisésX ne comptent pas.", flags = {}, tags = {} })
local f = vigie.test("flag_terms", { terms = "packs/terms.txt" })
f:case("terms from a file, rule by default", { text = "La badgeuse.", flags = { "terms" } })
