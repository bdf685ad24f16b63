application "a" {
  display_name = "a"
  redirect_uri = "https://app.contoso.com"
}
