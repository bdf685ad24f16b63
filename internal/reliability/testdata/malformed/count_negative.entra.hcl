application "a" {
  count        = -1
  display_name = "A"
}
