application "a" {
  display_name = "A"
}
check "c" {
  application = application.a
  flow        = "telepathy"
  request "r" {
    url = "https://graph.microsoft.com/v1.0/sites/root"
  }
}
