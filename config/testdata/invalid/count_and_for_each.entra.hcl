application "a" {
  count        = 2
  for_each     = toset(["x"])
  display_name = "a"
}
