application "a" {
  display_name = "first"
}

application "a" {
  display_name = "second"
}
