application "a" {
  for_each     = toset(["x"])
  count        = 1
  display_name = "A"
}
