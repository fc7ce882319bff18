local t = vigie.test("lang")
t:case("French", { text = "Les agents de la poste sont suivis par le logiciel et nous le refusons.",
  tags = { "lang:fr" } })
t:case("English", { text = "The agents of the post office are tracked and we refuse it, as is our right.",
  tags = { "lang:en" } })
t:case("too short to say", { text = "Bonjour", tags = { "lang:other" } })
local k = vigie.test("lang", { keep = { "fr" } })
k:case("other languages dropped", { text = "The agents of the post office are tracked and we refuse it.",
  dropped = true })
