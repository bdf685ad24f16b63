application "reader" {
  display_name = "reader"
  certificate "c" {
    private_key_file = "keys/reader.pem"
  }
}

site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "g" {
    application = application.reader
    roles       = ["reader", "owner"]
  }
}
