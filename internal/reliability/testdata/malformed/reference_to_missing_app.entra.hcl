site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "g" {
    application = application.ghost
    roles       = ["read"]
  }
}
