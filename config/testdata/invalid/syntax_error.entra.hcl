application "a" {
  display_name = "unterminated
}
