application "a" {
  display_name = "A"
  colour = "blue"
}
