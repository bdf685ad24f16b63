application "a" {
  display_name = "a"
  secret "s" {}
}

check "c" {
  application = application.a
  flow        = "client_credential"
}
