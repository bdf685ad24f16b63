# A Flask web app that signs users in and reads their SharePoint profile
# with the delegated "Read user profiles" permission, as in the first
# source walkthrough.

variable "port" {
  description = "Port the Flask app listens on."
  type        = number
  default     = 5555
}

locals {
  base_url = "http://localhost:${var.port}"
}

application "flask" {
  display_name = "Flask SharePoint demo"

  web {
    home_page_url = "${local.base_url}/"
    redirect_uris = [
      "${local.base_url}/",
      "${local.base_url}/getAToken",
    ]
  }

  permission "sharepoint" {
    delegated = ["Read user profiles"] # portal label of User.Read.All
  }
  admin_consent = true

  secret "web" {
    expires_in    = "180d"
    rotate_before = "30d"
    write_to      = "secrets/flask.env"
  }
}

check "flask_user_reads_profile" {
  application   = application.flask
  flow          = "auth_code"
  expect_scopes = ["User.Read.All"]

  request "current_user" {
    url     = "https://contoso.sharepoint.com/_api/web/currentuser"
    headers = { Accept = "application/json;odata=nometadata" }
  }
}

output "flask_client_id" {
  description = "Put this in the Flask app's configuration as CLIENT_ID."
  value       = application.flask.app_id
}
