# Applications that GitHub Actions signs in as, with no secret at all: the
# workflow's OIDC token is exchanged through a federated credential.
#
#   - deployer: what .github/workflows/entraform.yml runs apply as on main;
#   - planner:  what it runs plan as on pull requests and every night (it
#               can read the tenant, not change it);
#   - ci:       an application of the repository's own workflows, which
#               read SharePoint.
#
# These declare their own federated credentials: after a first apply by an
# administrator, the workflow manages them too (see README.md).

tenant {
  # Pinned, so that a clone under any directory name plans the same
  # workspace as the workflow's checkout.
  workspace = "entra-config"
}

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
  description = "Branch whose workflow runs may sign in and apply."
  type        = string
  default     = "main"
}

locals {
  github_issuer = "https://token.actions.githubusercontent.com"
  on_branch     = "repo:${var.repository}:ref:refs/heads/${var.branch}"
  on_pr         = "repo:${var.repository}:pull_request"
  graph         = "https://graph.microsoft.com/v1.0"
}

application "deployer" {
  display_name = "entraform deployer (${var.repository})"
  notes        = "Runs entraform apply from GitHub Actions on ${var.branch}; it has no secret."

  permission "graph" {
    # Add Sites.FullControl.All once the configuration has site grants.
    application = [
      "Application.ReadWrite.All",
      "AppRoleAssignment.ReadWrite.All",
      "DelegatedPermissionGrant.ReadWrite.All",
    ]
  }
  admin_consent = true

  federated_credential "github_branch" {
    issuer      = local.github_issuer
    subject     = local.on_branch
    description = "GitHub Actions runs on ${var.branch}"
  }
}

# validate flags these permissions for review (rule high-privilege); the
# review's outcome is recorded here, one permission at a time, so that a
# permission added later is reviewed too.
ignore "high-privilege" {
  address = "application.deployer.role[\"Application.ReadWrite.All\"]"
  reason  = "The deployer is entraform itself: apply creates and updates the applications of this configuration. Only runs on the protected branch sign in as it."
}

ignore "high-privilege" {
  address = "application.deployer.role[\"AppRoleAssignment.ReadWrite.All\"]"
  reason  = "apply grants the application permissions of this configuration (admin_consent). Only runs on the protected branch sign in as it."
}

ignore "high-privilege" {
  address = "application.deployer.role[\"DelegatedPermissionGrant.ReadWrite.All\"]"
  reason  = "apply grants the delegated permissions of this configuration (admin_consent). Only runs on the protected branch sign in as it."
}

application "planner" {
  display_name = "entraform planner (${var.repository})"
  notes        = "Runs entraform plan from GitHub Actions on pull requests and nightly; read only."

  permission "graph" {
    application = ["Application.Read.All", "Directory.Read.All"]
  }
  admin_consent = true

  federated_credential "github_pull_request" {
    issuer      = local.github_issuer
    subject     = local.on_pr
    description = "GitHub Actions runs for pull requests"
  }
  federated_credential "github_branch" {
    issuer      = local.github_issuer
    subject     = local.on_branch
    description = "GitHub Actions runs on ${var.branch} (nightly drift check)"
  }
}

application "ci" {
  display_name = "entra-config CI (${var.repository})"
  notes        = "Signs in from GitHub Actions only; it has no secret."

  permission "graph" {
    application = ["Sites.Read.All"]
  }
  admin_consent = true

  federated_credential "github_branch" {
    issuer      = local.github_issuer
    subject     = local.on_branch
    description = "GitHub Actions runs on ${var.branch}"
  }
}

check "ci_signs_in" {
  application  = application.ci
  flow         = "federated"
  expect_roles = ["Sites.Read.All"]

  request "root_site" {
    url = "${local.graph}/sites/root"
  }
}

check "planner_reads_only" {
  application  = application.planner
  flow         = "federated"
  expect_roles = ["Application.Read.All", "Directory.Read.All"]

  request "list_applications" {
    url = "${local.graph}/applications?$top=1"
  }
  request "create_denied" { # least privilege holds: it cannot write
    url    = "${local.graph}/applications"
    method = "POST"
    body   = jsonencode({ displayName = "should not exist" })
    status = 403
  }
}

check "deployer_signs_in" {
  application = application.deployer
  flow        = "federated"
  expect_roles = [
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "DelegatedPermissionGrant.ReadWrite.All",
  ]

  request "list_applications" {
    url = "${local.graph}/applications?$top=1"
  }
}

output "ci_client_id" {
  description = "Set this as AZURE_CLIENT_ID in workflows that use the ci application."
  value       = application.ci.app_id
}

output "deployer_client_id" {
  description = "Set this as the repository variable ENTRAFORM_DEPLOY_CLIENT_ID."
  value       = application.deployer.app_id
}

output "planner_client_id" {
  description = "Set this as the repository variable ENTRAFORM_PLAN_CLIENT_ID."
  value       = application.planner.app_id
}
