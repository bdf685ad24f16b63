# Quickstart: one confidential client that reads SharePoint sites through
# Microsoft Graph, and a login check that proves it can.
#
# `entraform demo` plans, applies and verifies this on the local tenant.

variable "site_path" {
  description = "Server-relative path of the site the check reads."
  type        = string
  default     = "/sites/hr"
}

locals {
  sharepoint_host = "contoso.sharepoint.com"
}

application "quickstart" {
  display_name = "entraform quickstart"
  notes        = "Created by the entraform quickstart example."

  permission "graph" {
    application = ["Sites.Read.All"]
  }
  admin_consent = true

  secret "default" {
    rotate_before = "30d"
    write_to      = "secrets/quickstart.env"
  }
}

# The check reads one site, so Sites.Selected with a grant would do
# (validate says so: rule tenant-wide-sites). The quickstart keeps the
# shortest path; examples/site-reader shows the least-privilege one.
ignore "tenant-wide-sites" {
  address = "application.quickstart"
  reason  = "The quickstart shows the simplest daemon; examples/site-reader shows Sites.Selected with grants."
}

check "quickstart_reads_sites" {
  application  = application.quickstart
  flow         = "client_credentials"
  expect_roles = ["Sites.Read.All"]

  request "hr_site" {
    url = "https://graph.microsoft.com/v1.0/sites/${local.sharepoint_host}:${var.site_path}"
  }
}

output "quickstart_app_id" {
  description = "The client id of the quickstart application."
  value       = application.quickstart.app_id
}
