application "a" {
  notes = "no display_name"
}
