application "orders_api" {
  display_name = "Orders API"
  api {
    scope "read" {
      value = "Orders.Read"
    }
  }
  app_role "admin" {
    value                = "Orders.Admin"
    display_name         = "Administer orders"
    allowed_member_types = ["Application"]
  }
}

application "client" {
  display_name = "Orders client"
  permission "application.orders_api" {
    delegated   = ["Orders.Reed", "Orders.Admin"]
    application = ["Orders.Read"]
  }
  permission "application.order_api" {
    delegated = ["Orders.Read"]
  }
}
