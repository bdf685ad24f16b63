application "a" {
  display_name = lowercase("A")
}
