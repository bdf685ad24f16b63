# Two ways to read SharePoint from a daemon, side by side:
#   - site_lister reads every site with Graph Sites.Read.All;
#   - site_reader has only Sites.Selected and a read grant on the sites
#     listed in var.reader_sites, and signs in with a certificate.

variable "reader_sites" {
  description = "Sites (under /sites/) the least-privilege reader may read."
  type        = set(string)
  default     = ["hr"]
}

locals {
  sharepoint_host = "contoso.sharepoint.com"
  graph_sites     = "https://graph.microsoft.com/v1.0/sites"
}

application "site_lister" {
  display_name = "SharePoint site lister"

  permission "graph" {
    application = ["Sites.Read.All"]
  }
  admin_consent = true

  secret "default" {
    rotate_before = "30d"
    write_to      = "secrets/site_lister.env"
  }
}

application "site_reader" {
  display_name = "SharePoint site reader (least privilege)"

  permission "graph" {
    application = ["Sites.Selected"]
  }
  admin_consent = true

  certificate "default" {
    private_key_file = "secrets/site_reader.pem"
    expires_in       = "8760h"
  }
}

site "reader" {
  for_each = var.reader_sites
  url      = "https://${local.sharepoint_host}/sites/${each.key}"

  grant "read" {
    application = application.site_reader
    roles       = ["read"]
  }
}

check "lister_lists_sites" {
  application  = application.site_lister
  flow         = "client_credentials"
  expect_roles = ["Sites.Read.All"]

  request "search" {
    url = "${local.graph_sites}?search=*"
  }
}

check "reader_reads_hr_only" {
  application  = application.site_reader
  flow         = "certificate"
  expect_roles = ["Sites.Selected"]

  request "hr" {
    url = "${local.graph_sites}/${local.sharepoint_host}:/sites/hr"
  }

  request "finance_denied" { # least privilege holds
    url    = "${local.graph_sites}/${local.sharepoint_host}:/sites/finance"
    status = 403
  }
}
