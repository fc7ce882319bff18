local t = vigie.test("extract_meta")
t:case("numeric date and the last organisation", { text = "Le 17/01/2017, la CFDT puis la CGT signent.",
  expect_meta = { date = "2017-01-17", org = "CGT" } })
t:case("a date in words", { text = "Réunion du 21 juin 2017. SUD Santé", expect_meta = { date = "2017-06-21", org = "SUD" } })
t:case("1er with a superscript", { text = "Manifestation le 1ᵉʳ mai 2019.", expect_meta = { date = "2019-05-01" } })
t:case("no date, no signature", { text = "Sans date ni signature.", expect_meta = { date = vigie.null, org = vigie.null } })
