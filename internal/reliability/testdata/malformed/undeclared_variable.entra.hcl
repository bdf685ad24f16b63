application "a" {
  display_name = var.missing
}
