# An application that GitHub Actions signs in as, with no secret at all:
# the workflow's OIDC token is exchanged through a federated credential.

variable "repository" {
  description = "GitHub repository (owner/name) whose workflows sign in."
  type        = string
  default     = "contoso/entra-config"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "The repository must be written owner/name."
  }
}

variable "branch" {
  description = "Branch whose workflow runs may sign in."
  type        = string
  default     = "main"
}

application "ci" {
  display_name = "entra-config CI (${var.repository})"
  notes        = "Signs in from GitHub Actions only; it has no secret."

  permission "graph" {
    application = ["Sites.Read.All"]
  }
  admin_consent = true

  federated_credential "github_branch" {
    issuer      = "https://token.actions.githubusercontent.com"
    subject     = "repo:${var.repository}:ref:refs/heads/${var.branch}"
    description = "GitHub Actions runs on ${var.branch}"
  }
}

check "ci_signs_in" {
  application  = application.ci
  flow         = "federated"
  expect_roles = ["Sites.Read.All"]

  request "root_site" {
    url = "https://graph.microsoft.com/v1.0/sites/root"
  }
}

output "ci_client_id" {
  description = "Set this as AZURE_CLIENT_ID in the workflow."
  value       = application.ci.app_id
}
