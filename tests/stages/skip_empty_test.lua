local t = vigie.test("skip_empty")
t:case("text is kept", { text = "Un tract.", dropped = false })
t:case("blank text is dropped", { text = " \n\t\n", dropped = true })
t:case("empty text is dropped", { text = "", dropped = true })
