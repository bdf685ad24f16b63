site "x" {
  url = "http://evil.example.org/sites/hr"
}
