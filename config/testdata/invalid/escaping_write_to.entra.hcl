application "a" {
  display_name = "a"
  secret "s" {
    write_to = "../../../tmp/x.env"
  }
  secret "t" {
    write_to = "secrets/../../x.env"
  }
  secret "u" {
    write_to = "secrets/../a.env"
  }
  certificate "c" {
    private_key_file = "keys/.."
  }
}
