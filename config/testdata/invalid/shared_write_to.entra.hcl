application "a" {
  display_name = "a"
  secret "s" {
    write_to = "secrets/app.env"
  }
}

application "b" {
  display_name = "b"
  secret "s" {
    write_to = "secrets/app.env"
  }
}
