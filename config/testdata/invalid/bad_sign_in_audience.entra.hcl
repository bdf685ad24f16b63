application "a" {
  display_name     = "a"
  sign_in_audience = "AzureADMyOrgs"
}
