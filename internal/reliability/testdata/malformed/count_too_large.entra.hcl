application "a" {
  count        = 100000000
  display_name = "A"
}
