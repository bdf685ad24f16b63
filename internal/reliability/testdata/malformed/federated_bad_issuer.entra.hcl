application "a" {
  display_name = "A"
  federated_credential "f" {
    issuer  = "not a url"
    subject = "repo:a/b:ref:refs/heads/main"
  }
}
