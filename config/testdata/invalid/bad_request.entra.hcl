application "a" {
  display_name = "a"
  secret "s" {}
}

check "c" {
  application = application.a
  flow        = "client_credentials"
  request "r" {
    url    = "graph.microsoft.com/v1.0/me"
    method = "FETCH"
    status = 1000
  }
}
