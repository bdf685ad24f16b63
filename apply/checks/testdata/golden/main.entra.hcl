# The configuration behind verify.golden.json: one check that passes and
# one that fails with an explanation (the second source walkthrough).
tenant { workspace = "golden" }

application "reader" {
  display_name = "Site reader"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "default" { write_to = "secrets/reader.env" }
}

check "reader_reads_hr" {
  application  = application.reader
  flow         = "client_credentials"
  expect_roles = ["Sites.Read.All"]

  request "hr_site" {
    url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr"
  }
  request "users_denied" {
    url    = "https://graph.microsoft.com/v1.0/users"
    status = 403
  }
}

application "lister" {
  display_name = "Site lister"
  permission "graph" { delegated = ["Sites.Read.All"] }
  admin_consent = true
  secret "default" { write_to = "secrets/lister.env" }
}

check "lister_lists_sites" {
  application = application.lister
  flow        = "client_credentials"

  request "all_sites" {
    url = "https://graph.microsoft.com/v1.0/sites?search=*"
  }
}
