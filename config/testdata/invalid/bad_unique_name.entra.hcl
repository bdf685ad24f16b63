application "a" {
  display_name = "a"
  unique_name  = "has spaces/and slashes"
}
