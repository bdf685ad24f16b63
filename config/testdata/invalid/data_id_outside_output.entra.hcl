data "user" "alex" {
  user_principal_name = "alex@contoso.com"
}

application "a" {
  display_name = "a"
  notes        = data.user.alex.id
  owners       = [data.user.alx]
}
