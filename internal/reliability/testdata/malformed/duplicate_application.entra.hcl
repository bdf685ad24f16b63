application "a" {
  display_name = "A"
}
application "a" {
  display_name = "B"
}
