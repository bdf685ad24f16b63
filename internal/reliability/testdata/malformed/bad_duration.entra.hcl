application "a" {
  display_name = "A"
  secret "s" {
    expires_in = "forever"
  }
}
