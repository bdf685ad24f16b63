application "a" {
  display_name = shell("id")
}
