site "hr" {
  url = "http://intranet.contoso.com/sites/hr"
}
