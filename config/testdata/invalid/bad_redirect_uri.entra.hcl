application "web" {
  display_name = "web"
  web {
    redirect_uris = [
      "https://app.contoso.com/callback",
      "http://app.contoso.com/callback",
      "ftp://files.contoso.com/",
    ]
  }
  spa {
    redirect_uris = ["https://app.contoso.com/#/auth"]
  }
}
