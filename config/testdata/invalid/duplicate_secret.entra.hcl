application "a" {
  display_name = "a"
  secret "web" {}
  secret "web" {
    expires_in = "90d"
  }
}
