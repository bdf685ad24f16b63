application "a" {
  display_name = "A"
  secret "s" {
    write_to = "s.env"
  }
}
application "b" {
  display_name = "B"
  secret "s" {
    write_to = "s.env"
  }
}
