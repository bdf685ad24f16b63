application "a" {
  display_name = "A"
  display_name = "B"
}
