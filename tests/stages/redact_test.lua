local t = vigie.test("redact")
t:case("addresses and phones", {
  text = "Écrire à jean.dupont@cgt-poste.fr, au 06 12 34 56 78 ou au +33 6.12.34.56.78.",
  expect_text = "Écrire à [e-mail], au [téléphone] ou au [téléphone].",
  expect_meta = { redacted = { emails = 1, phones = 2 } } })
t:case("numbers that are not phones", { text = "En 2017, 12 34 agents.", expect_text = "En 2017, 12 34 agents.",
  expect_meta = { redacted = vigie.null } })
local c = vigie.test("redact", { email = "X" })
c:case("placeholder from params", { text = "a@b.fr", expect_text = "X" })
