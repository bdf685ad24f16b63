application "a" {
  display_name = null
}
