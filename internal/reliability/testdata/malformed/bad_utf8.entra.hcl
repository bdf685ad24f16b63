application "a" {
  display_name = "ÿþý"
}
