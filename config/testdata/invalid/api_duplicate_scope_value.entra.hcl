application "orders_api" {
  display_name = "Orders API"
  api {
    scope "read" {
      value                      = "Orders.Read"
      admin_consent_display_name = "Read orders"
    }
    scope "read_again" {
      value = "Orders.Read"
    }
    scope "bad_type" {
      value = "Orders.Write"
      type  = "user"
    }
  }
}
