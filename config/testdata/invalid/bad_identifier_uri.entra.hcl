application "a" {
  display_name            = "a"
  identifier_uris         = ["orders", "api://orders?x=1", "api://contoso.com/orders", "api://contoso.com/orders"]
  group_membership_claims = "SecurityGroups"
  tags                    = ["entraform:managed"]
  optional_claims {
    id_token "email" {}
    id_token "email" {}
  }
  api {
    requested_access_token_version = 3
  }
}
