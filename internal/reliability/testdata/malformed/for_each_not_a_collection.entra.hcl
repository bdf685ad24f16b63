application "a" {
  for_each     = "abc"
  display_name = each.key
}
