application "a" "b" {
  display_name = "A"
}
