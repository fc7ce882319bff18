local t = vigie.test("strip_html")
t:case("markup out, entities decoded", {
  text = [[<html><head><title>T</title><style>p{}</style></head><body>
<h1>Grève</h1><p>La direction &laquo;&nbsp;suit&nbsp;&raquo; les agents&#8230;</p>
<script>alert(1)</script><p>Fin &amp; suite</p></body></html>]],
  tags = { "html" },
  expect_text = "Grève\n\nLa direction «\u{a0}suit\u{a0}» les agents…\n\nFin & suite\n" })
t:case("plain text untouched", { text = "a < b et c > d", tags = {}, expect_text = "a < b et c > d" })
