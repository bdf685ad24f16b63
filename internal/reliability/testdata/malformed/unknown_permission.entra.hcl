application "a" {
  display_name = "A"
  permission "graph" {
    application = ["Sites.ReadEverything.All"]
  }
}
