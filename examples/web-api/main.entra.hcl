# A web API that exposes scopes and app roles, and the web app that calls
# it: who may sign in is declared (the API requires assignment; the
# Engineering group is assigned), and the checks prove it both ways.

variable "port" {
  description = "Port the web app listens on."
  type        = number
  default     = 5557
}

data "user" "owner" {
  user_principal_name = "alex@contoso.onmicrosoft.com"
}

data "group" "engineering" {
  display_name = "Engineering"
}

application "orders_api" {
  display_name    = "Orders API"
  identifier_uris = ["api://contoso.onmicrosoft.com/orders"]
  owners          = [data.user.owner]

  api {
    scope "read" {
      value                      = "Orders.Read"
      admin_consent_display_name = "Read orders"
      admin_consent_description  = "Lets the app read orders as the signed-in user."
      user_consent_display_name  = "Read your orders"
      user_consent_description   = "Lets the app read orders for you."
    }
    scope "write" {
      value                      = "Orders.Write"
      type                       = "Admin"
      admin_consent_display_name = "Write orders"
      admin_consent_description  = "Lets the app change orders as the signed-in user."
    }
  }

  app_role "reader" {
    value                = "Orders.Reader"
    display_name         = "Order readers"
    description          = "People who may read orders."
    allowed_member_types = ["User"]
  }
  app_role "sync" {
    value                = "Orders.Sync"
    display_name         = "Order sync"
    description          = "Services that synchronise orders."
    allowed_member_types = ["Application"]
  }

  service_principal {
    app_role_assignment_required = true # only assigned users (and groups) get tokens
    assignment "engineering" {
      principal = data.group.engineering
      app_role  = "Orders.Reader"
    }
  }
}

application "orders_web" {
  display_name = "Orders web"
  owners       = [data.user.owner]

  web {
    redirect_uris = ["http://localhost:${var.port}/"]
  }

  permission "application.orders_api" {
    delegated   = ["Orders.Read"]
    application = ["Orders.Sync"]
  }
  admin_consent = true

  secret "web" {
    expires_in    = "180d"
    rotate_before = "30d"
    write_to      = "secrets/orders_web.env"
  }
}

# An engineer signs in to the web app, which calls the API for them: the
# token carries the delegated scope and the role of the engineer's group.
check "engineer_reads_orders" {
  application   = application.orders_web
  flow          = "auth_code"
  user          = "alex@contoso.onmicrosoft.com"
  scopes        = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
  expect_scopes = ["Orders.Read"]
  expect_roles  = ["Orders.Reader"]
}

# The web app's background job calls the API as itself.
check "web_syncs_orders" {
  application  = application.orders_web
  flow         = "client_credentials"
  scopes       = ["api://contoso.onmicrosoft.com/orders/.default"]
  expect_roles = ["Orders.Sync"]
}

# Adele is in no assigned group: the API keeps her out.
check "outsider_refused" {
  application  = application.orders_web
  flow         = "auth_code"
  user         = "adele@contoso.onmicrosoft.com"
  scopes       = ["api://contoso.onmicrosoft.com/orders/Orders.Read"]
  expect_error = "AADSTS50105"
}

output "orders_api_app_id" {
  description = "The API validates tokens whose aud is its identifier URI."
  value       = application.orders_api.app_id
}
