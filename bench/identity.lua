-- The identity pipeline of the benchmarks: one stage that reads doc.text.
return {
  name = "identity",
  stages = { function(doc) local _ = #doc.text end },
}
