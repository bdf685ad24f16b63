application "a" {
  display_name = "A"
  permission "no_such_api" {
    application = ["Read"]
  }
}
