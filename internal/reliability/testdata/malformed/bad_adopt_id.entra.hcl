application "a" {
  adopt        = "not-a-guid"
  display_name = "A"
}
