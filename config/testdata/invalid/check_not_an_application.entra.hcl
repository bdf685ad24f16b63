application "a" {
  for_each     = toset(["x", "y"])
  display_name = each.key
  secret "s" {
    write_to = "secrets/${each.key}.env"
  }
}

check "c" {
  application = application.a
  flow        = "client_credentials"
}
