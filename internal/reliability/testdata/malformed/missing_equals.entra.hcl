application "a" {
  display_name "A"
}
