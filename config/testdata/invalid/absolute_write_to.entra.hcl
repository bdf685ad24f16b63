application "a" {
  display_name = "a"
  secret "s" {
    write_to = "/etc/app.env"
  }
  certificate "c" {
    private_key_file = ""
  }
}
