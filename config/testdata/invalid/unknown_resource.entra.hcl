application "a" {
  display_name = "a"
  permission "grpah" {
    application = ["Sites.Read.All"]
  }
}
