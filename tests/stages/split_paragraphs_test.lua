local t = vigie.test("split_paragraphs")
t:case("three paragraphs give three documents", {
  text = "Premier paragraphe.\n\nDeuxième\nsur deux lignes.\n\n\n  Troisième.  \n", dropped = false })
t:case("nothing but white space is split into nothing", { text = " \n\n ", dropped = true })
