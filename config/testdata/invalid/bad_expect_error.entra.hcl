application "a" {
  display_name = "a"
  secret "s" {}
}

check "not_a_code" {
  application  = application.a
  flow         = "auth_code"
  user         = "adele@contoso.onmicrosoft.com"
  expect_error = "50105"
}

check "token_expected_too" {
  application  = application.a
  flow         = "auth_code"
  expect_error = "AADSTS50105"
  expect_roles = ["Orders.Read"]
}
