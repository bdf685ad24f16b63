data "usr" "alex" {
  user_principal_name = "alex@contoso.com"
}
