application "reader" {
  display_name = "reader"
  permission "graph" {
    application = ["Sites.Raed.All"]
  }
}
