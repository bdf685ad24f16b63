application "a" {
  for_each     = ["x", "y"]
  display_name = each.key
}
