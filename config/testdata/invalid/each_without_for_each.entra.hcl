application "a" {
  display_name = each.key
}
