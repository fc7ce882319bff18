local t = vigie.test("flag_rules", { rules = "packs/sample.lua" })
-- all{} within a sentence, with a named set
t:case("clock and control in one sentence", {
  text = "La badgeuse sert à contrôler les horaires.", flags = { "clock" }, tags = { "surveillance" } })
t:case("clock and control in two sentences", {
  text = "La badgeuse est neuve. Le contrôle aura lieu demain.", flags = {} })
t:case("folded: capitals and accents", { text = "LA POINTEUSE SURVEILLE TOUT.", flags = { "clock" } })
-- a window of words
t:case("within 6 words", { text = "Les facteurs sont géolocalisés en permanence.", flags = { "geo" } })
t:case("too far apart", {
  text = "Les facteurs, dit la direction dans une note longue et confuse, seront un jour géolocalisés.",
  flags = {} })
-- regex leaf
t:case("a named application and a control verb", {
  text = "L’application Factéo permet de suivre chaque tournée.", flags = { "app" } })
t:case("no name", { text = "Une application permet de suivre la météo.", flags = {} })
-- paragraph scope
t:case("same paragraph", { text = "Les cadences montent.\nDes sanctions tombent.\n", flags = { "metrics" } })
t:case("two paragraphs", { text = "Les cadences montent.\n\nDes sanctions tombent.\n", flags = {} })
-- document scope and any{}
t:case("any of two, anywhere", { text = "Titre\n\nUn client mystère est passé.", flags = { "survey" }, tags = { "surveys" } })
-- none{}
t:case("none excludes", { text = "Le badge ouvre la porte.", flags = {} })
t:case("none lets others through", { text = "Le badge trace nos entrées.", flags = { "badge" } })
-- one flag per unit per rule, several units
t:case("a flag per sentence", {
  text = "La badgeuse contrôle tout. La pointeuse surveille aussi.", flags = { "clock", "clock" } })
