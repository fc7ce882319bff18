-- A small rule pack for flag_rules' tests: one rule for each kind of
-- condition and scope.
return {
  sets = {
    staff = { "agents", "salariés", "facteurs" },
    control = { "contrôler", "contrôle", "surveiller", "surveille", "suivre" },
  },
  rules = {
    { id = "clock", label = "time clock", score = 2, tags = { "surveillance" },
      all = { { terms = { "badgeuse", "pointeuse" } }, { set = "control" } } },
    { id = "geo", within = 6,
      all = { { terms = { "GPS", "géolocalisés", "géolocalisation" } }, { set = "staff" } } },
    { id = "app", within = "sentence",
      all = { { regex = [[\b(?:logiciel|application)\s+\p{Lu}\w+]] }, { set = "control" } } },
    { id = "metrics", within = "paragraph",
      all = { { terms = { "cadences" } }, { terms = { "sanctions" } } } },
    { id = "survey", within = "document",
      any = { { terms = { "client mystère" } }, { terms = { "enquête de satisfaction" } } },
      tags = { "surveys" } },
    { id = "badge", within = "sentence",
      all = { { terms = { "badge" } },
              { none = { { terms = { "local syndical", "porte" } } } } } },
  },
}
