application "a" {
  display_name = "a"
}

check "c" {
  application = application.a
  flow        = "certificate"
}
