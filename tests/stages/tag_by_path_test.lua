local t = vigie.test("tag_by_path", { rules = { ["/cgt/"] = "org:cgt" } })
t:case("folders, year and rules", { id = "x.zip!2017/cgt/a.txt", path = "2017/cgt/a.txt",
  text = "x", tags = { "dir:2017", "dir:cgt", "org:cgt", "year:2017" } })
t:case("no folder", { id = "a.txt", path = "a.txt", text = "x", tags = {} })
local n = vigie.test("tag_by_path", { prefix = false, year = false })
n:case("folder tags off", { id = "2017/a.txt", path = "2017/a.txt", text = "x", tags = {} })
